//! The pure rules of an SMB3R seed: the program described for `sdk::randomizer::desktop`,
//! which checks a preset's flag string, chooses the seed number from the roll's random number
//! and makes the seed players are given (the same for every desktop randomizer: Z1R too). No
//! I/O; unit tested below (what is SMB3R's own; the shared rules are tested in the SDK).
//!
//! docs/upstreams/randomizers.md §12: SMB3R is a Windows program; players type a seed number
//! and the flags into it and randomize their own ROM. There is no seed page, hash or spoiler:
//! the seed's link is the program's home page, and the number and flags are what it holds. The
//! flag format is not documented and SahasrahBot had no SMB3R presets, so the doc's reading is
//! taken: 1 to 64 letters, digits and `!`, kept as written.

use sdk::randomizer::desktop::{DesktopRandomizer, LETTERS_DIGITS_AND_BANG};

/// The randomizer, as players know it.
pub const PROGRAM: &str = "Super Mario Bros. 3 Randomizer";

/// The longest flag string taken.
pub const MAX_FLAGS_CHARS: usize = 64;

/// Seed numbers are below this: SahasrahBot drew them from 0 … 999,999,999,998
/// (`randrange(0, 999999999999)`); the program takes up to 2^63 − 1.
pub const SEED_LIMIT: u64 = 999_999_999_999;

/// SMB3R, for the shared rules: `SMB3R.flags_of(preset)`, `SMB3R.seed(home, rng_seed, flags)`, …
pub const SMB3R: DesktopRandomizer = DesktopRandomizer {
    short_name: "SMB3R",
    program: PROGRAM,
    alphabet: LETTERS_DIGITS_AND_BANG,
    max_flags_chars: MAX_FLAGS_CHARS,
    seed_limit: SEED_LIMIT,
};

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn smb3r_flag_strings_and_seed_numbers() {
        assert_eq!(
            SMB3R.flags_of(&json!({"flags": "17BAS2LNJ4"})).unwrap(),
            "17BAS2LNJ4"
        );
        assert!(SMB3R.check_flags(&"Z".repeat(MAX_FLAGS_CHARS)).is_ok());
        let err = SMB3R.check_flags("17BAS#2LNJ4").unwrap_err();
        assert!(
            err.to_string()
                .contains("SMB3R flag strings use only A-Z, a-z, 0-9 and '!'"),
            "{err}"
        );
        // SahasrahBot's range: 0 … 999,999,999,998.
        assert_eq!(SMB3R.seed_of(SEED_LIMIT - 1), 999_999_999_998);
        assert_eq!(SMB3R.seed_of(SEED_LIMIT), 0);
    }

    #[test]
    fn the_seed_is_the_home_page_with_number_and_flags() {
        let home = "https://sites.google.com/site/smb3randomizer/";
        let seed = SMB3R.seed(home, 42, "17BAS2LNJ4");
        assert_eq!(seed.url, home);
        assert_eq!(seed.settings, json!({"seed": "42", "flags": "17BAS2LNJ4"}));
        assert_eq!(
            seed.metadata["instructions"],
            "Seed: 42 - Flags: 17BAS2LNJ4. Type both into the Super Mario Bros. 3 Randomizer program and randomize your own ROM."
        );
    }
}
