//! The pure rules of a Z1R seed: the program described for `sdk::randomizer::desktop`, which
//! checks a preset's flag string, chooses the seed number from the roll's random number and
//! makes the seed players are given (the same for every desktop randomizer: SMB3R too). No I/O;
//! unit tested below (what is Z1R's own; the shared rules are tested in the SDK).
//!
//! docs/upstreams/randomizers.md §12: Z1R is a Windows program; players type a seed number
//! and the flags into it and randomize their own ROM. There is no seed page, hash or spoiler:
//! the seed's link is the program's home page, and the number and flags are what it holds. The
//! flag format is not documented (the program is closed source): SahasrahBot's 27 Z1R flag
//! strings are 37 to 40 letters, digits and `!`, so that alphabet is checked, with room for
//! longer strings of later versions (up to 64 characters), and the string is kept as written.

use sdk::randomizer::desktop::{DesktopRandomizer, LETTERS_DIGITS_AND_BANG};

/// The randomizer, as players know it.
pub const PROGRAM: &str = "Zelda 1 Randomizer";

/// The longest flag string taken (SahasrahBot's are 37 to 40 characters).
pub const MAX_FLAGS_CHARS: usize = 64;

/// Seed numbers are below this: SahasrahBot drew them from 0 … 8,999,999,999,999,999,999; the
/// program takes up to 2^63 − 1.
pub const SEED_LIMIT: u64 = 9_000_000_000_000_000_000;

/// Z1R, for the shared rules: `Z1R.flags_of(preset)`, `Z1R.seed(home, rng_seed, flags)`, …
pub const Z1R: DesktopRandomizer = DesktopRandomizer {
    short_name: "Z1R",
    program: PROGRAM,
    alphabet: LETTERS_DIGITS_AND_BANG,
    max_flags_chars: MAX_FLAGS_CHARS,
    seed_limit: SEED_LIMIT,
};

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// One of SahasrahBot's Z1R flag strings.
    const FLAGS: &str = "oIbnPfPb01HJEAN8LBIMmlBWz!gGeqNjpYphk";

    #[test]
    fn sahasrahbots_flag_strings_are_taken_and_seeds_drawn_in_its_range() {
        assert_eq!(Z1R.flags_of(&json!({"flags": FLAGS})).unwrap(), FLAGS);
        let err = Z1R.check_flags("oIbnP#fPb01").unwrap_err();
        assert!(
            err.to_string()
                .contains("Z1R flag strings use only A-Z, a-z, 0-9 and '!'"),
            "{err}"
        );
        // 0 … 8,999,999,999,999,999,999, as SahasrahBot drew them.
        assert_eq!(Z1R.seed_of(SEED_LIMIT - 1), 8_999_999_999_999_999_999);
        assert_eq!(
            Z1R.seed_of(9_100_000_000_000_000_000),
            100_000_000_000_000_000
        );
    }

    #[test]
    fn the_instructions_name_the_program() {
        let seed = Z1R.seed("https://sites.google.com/site/zeldarandomizer/", 42, FLAGS);
        assert_eq!(seed.hash.as_deref(), Some("42"));
        assert_eq!(
            seed.metadata["instructions"],
            format!("Seed: 42 - Flags: {FLAGS}. Type both into the Zelda 1 Randomizer program and randomize your own ROM.")
        );
    }
}
