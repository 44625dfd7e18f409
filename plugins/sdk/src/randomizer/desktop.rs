//! Desktop randomizers: games whose randomizer is a program players run themselves
//! (`plugins/smb3r`, `plugins/z1r`; docs/upstreams/randomizers.md §12). Players type a seed
//! number and a flag string into the program and randomize their own ROM, so a "roll" calls
//! nothing: a preset is one flag string, the seed number is drawn from the roll's random number,
//! and the seed players get is the program's home page with the number and the flags.
//!
//! How the pieces fit: each plugin's `rules.rs` describes its program in one
//! [`DesktopRandomizer`] constant (its names, its flag alphabet and length, its seed range);
//! everything here is a method of it, so the plugin's service checks presets
//! ([`DesktopRandomizer::flags_of`], [`DesktopRandomizer::settings_schema`]) and makes seeds
//! ([`DesktopRandomizer::seed`]), and its Discord command words the answer
//! ([`DesktopRandomizer::roll_message`]), all with the same wording. Pure and browser-safe (no
//! I/O, nothing server only), so a plugin's rules stay usable in the wasm build.

use serde_json::{json, Value};

use super::Seed;
use crate::Error;

/// Where a preset's flag string is, in errors.
const FLAGS_FIELD: &str = "settings.flags";

/// The keys of SahasrahBot's preset wrapper (`{goal_name, description, settings: {…}}`) taken
/// around the settings.
const WRAPPER_KEYS: &[&str] = &["goal_name", "description", "settings", "randomizer"];

/// The characters a program's flag strings are made of.
#[derive(Debug, Clone, Copy)]
pub struct Alphabet {
    /// Whether a character may be in a flag string.
    pub allows: fn(char) -> bool,
    /// The alphabet as messages name it, e.g. `A-Z, a-z, 0-9 and '!'`.
    pub names: &'static str,
}

/// Letters, digits and `!`: the flag strings of SMB3R and Z1R.
pub const LETTERS_DIGITS_AND_BANG: Alphabet = Alphabet {
    allows: is_letter_digit_or_bang,
    names: "A-Z, a-z, 0-9 and '!'",
};

fn is_letter_digit_or_bang(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '!'
}

/// One desktop randomizer: what differs between them.
#[derive(Debug, Clone, Copy)]
pub struct DesktopRandomizer {
    /// The name players abbreviate it to, in messages: `SMB3R`.
    pub short_name: &'static str,
    /// The program, as players know it: `Super Mario Bros. 3 Randomizer`.
    pub program: &'static str,
    /// What its flag strings are made of.
    pub alphabet: Alphabet,
    /// The longest flag string taken.
    pub max_flags_chars: usize,
    /// Seed numbers are below this (the range SahasrahBot drew them from).
    pub seed_limit: u64,
}

impl DesktopRandomizer {
    /// The settings of a preset: the flag string only (copied from the program). A setting not
    /// listed here is refused by name when the preset is saved.
    pub fn settings_schema(&self) -> Value {
        json!({
            "type": "object",
            "properties": {
                "flags": {
                    "type": "string",
                    "title": "Flag string",
                    "description": format!(
                        "The flags as the {} program shows them: {}.",
                        self.short_name, self.alphabet.names
                    ),
                    "minLength": 1,
                    "maxLength": self.max_flags_chars
                }
            },
            "required": ["flags"],
            "additionalProperties": false
        })
    }

    /// Checks a preset document and gives its flag string (without surrounding blanks). Every
    /// refusal names the setting to fix: an unknown key (`settings.flgs`), or `settings.flags`
    /// with what is wrong in it.
    pub fn flags_of<'a>(&self, document: &'a Value) -> Result<&'a str, Error> {
        let wrapped = matches!(document.get("settings"), Some(Value::Object(_)));
        if wrapped {
            if let Some(key) = document
                .as_object()
                .and_then(|map| map.keys().find(|k| !WRAPPER_KEYS.contains(&k.as_str())))
            {
                return Err(Error::invalid(
                    key.clone(),
                    format!("`{key}` is not a key of SahasrahBot's preset format (the flags go under `settings:`)."),
                ));
            }
        }
        let Some(map) = super::settings_of(document).as_object() else {
            return Err(Error::invalid(
                "settings",
                "The preset must be a mapping holding the flag string: `flags: …`.",
            ));
        };
        let name = self.short_name;
        if let Some(key) = map.keys().find(|k| k.as_str() != "flags") {
            return Err(Error::invalid(
                format!("settings.{key}"),
                format!("`{key}` is not a setting of {name} presets: the only one is `flags`, the flag string from the program (the seed is chosen at each roll)."),
            ));
        }
        match map.get("flags") {
            None => Err(Error::invalid(
                FLAGS_FIELD,
                format!(
                    "the flag string is missing: add `flags: …` with the flags from the {name} program."
                ),
            )),
            Some(Value::String(flags)) => self.check_flags(flags),
            Some(_) => Err(Error::invalid(
                FLAGS_FIELD,
                "the flag string must be text: write it in quotes (`flags: \"…\"`).",
            )),
        }
    }

    /// Checks one flag string: not empty, at most `max_flags_chars`, only characters of the
    /// alphabet. Gives it back without surrounding blanks.
    pub fn check_flags<'a>(&self, flags: &'a str) -> Result<&'a str, Error> {
        let name = self.short_name;
        let flags = flags.trim();
        if flags.is_empty() {
            return Err(Error::invalid(
                FLAGS_FIELD,
                format!("the flag string is empty: copy it from the {name} program."),
            ));
        }
        let length = flags.chars().count();
        let max = self.max_flags_chars;
        if length > max {
            return Err(Error::invalid(
                FLAGS_FIELD,
                format!("the flag string is {length} characters long; at most {max} are taken."),
            ));
        }
        let allows = self.alphabet.allows;
        if let Some((at, c)) = flags.chars().enumerate().find(|(_, c)| !allows(*c)) {
            return Err(Error::invalid(
                FLAGS_FIELD,
                format!(
                    "the character '{}' is not a flag (character {} of the flag string): {name} flag strings use only {}.",
                    c.escape_debug(),
                    at + 1,
                    self.alphabet.names
                ),
            ));
        }
        Ok(flags)
    }

    /// The seed number of a roll, below `seed_limit`, from the roll's random number — the same
    /// number gives the same seed.
    pub fn seed_of(&self, rng_seed: u64) -> u64 {
        // A limit of 0 would divide by zero; read it as "any number".
        rng_seed.checked_rem(self.seed_limit).unwrap_or(rng_seed)
    }

    /// What players type into the program, in one line (as SahasrahBot put it in race rooms).
    pub fn instructions(&self, seed: &str, flags: &str) -> String {
        format!(
            "Seed: {seed} - Flags: {flags}. Type both into the {} program and randomize your own ROM.",
            self.program
        )
    }

    /// The seed of a roll of `flags` (already checked): the program's home page as its link (it
    /// has no seed pages), the seed number as its short identifier, and number and flags — what
    /// players type into the program — as its settings. Numbers are kept as text, so that no
    /// reader rounds them.
    pub fn seed(&self, home: &str, rng_seed: u64, flags: &str) -> Seed {
        let seed = self.seed_of(rng_seed).to_string();
        Seed {
            url: home.to_string(),
            hash: Some(seed.clone()),
            permalink: None,
            spoiler_url: None,
            spoiler_log: None,
            file_select_code: None,
            settings: json!({"seed": seed, "flags": flags}),
            metadata: json!({
                "seed": seed,
                "flags": flags,
                "program": self.program,
                "instructions": self.instructions(&seed, flags),
            }),
        }
    }

    /// The Discord answer to a roll, from what the seed history keeps of it: what was rolled
    /// (`preset`, empty for settings given), the seed number and flags to type into the program
    /// (read from the kept `settings`; the number falls back to the seed's `hash`), and where
    /// the program is (`url`).
    pub fn roll_message(
        &self,
        preset: &str,
        url: &str,
        hash: Option<&str>,
        settings: Option<&Value>,
    ) -> String {
        let read = |key: &str| {
            settings
                .and_then(|s| s.get(key))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let number = read("seed")
            .or_else(|| hash.map(str::to_string))
            .unwrap_or_default();
        let flags = read("flags").unwrap_or_default();
        let rolled = if preset.is_empty() {
            "settings given"
        } else {
            preset
        };
        format!(
            "**{} seed** ({rolled})\nSeed: `{number}` - Flags: `{flags}`\nType both into the {} program (<{url}>) and randomize your own ROM.",
            self.short_name, self.program
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GAME: DesktopRandomizer = DesktopRandomizer {
        short_name: "TR",
        program: "Test Randomizer",
        alphabet: LETTERS_DIGITS_AND_BANG,
        max_flags_chars: 8,
        seed_limit: 1000,
    };

    fn field_and_message(err: Error) -> (String, String) {
        match err {
            Error::Invalid { field, message } => (field, message),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn the_flag_string_is_read_plain_or_wrapped_and_trimmed() {
        assert_eq!(GAME.flags_of(&json!({"flags": "AB!9"})).unwrap(), "AB!9");
        assert_eq!(
            GAME.flags_of(&json!({"flags": " ab!C \n"})).unwrap(),
            "ab!C"
        );
        let wrapped = json!({"goal_name": "x", "randomizer": "tr", "settings": {"flags": "A!"}});
        assert_eq!(GAME.flags_of(&wrapped).unwrap(), "A!");
        assert!(GAME.check_flags("!").is_ok());
        assert!(GAME.check_flags(&"Z".repeat(8)).is_ok());
    }

    #[test]
    fn a_character_outside_the_alphabet_is_named() {
        let (field, message) =
            field_and_message(GAME.flags_of(&json!({"flags": "AB#C"})).unwrap_err());
        assert_eq!(field, "settings.flags");
        assert_eq!(
            message,
            "the character '#' is not a flag (character 3 of the flag string): TR flag strings use only A-Z, a-z, 0-9 and '!'."
        );
        for bad in ["ab cd", "ab-cd", "ab.cd", "ab_cd", "abé", "a\u{0}"] {
            let (field, message) = field_and_message(GAME.check_flags(bad).unwrap_err());
            assert_eq!(field, "settings.flags", "{bad}");
            assert!(message.contains("is not a flag"), "{bad}: {message}");
        }
    }

    #[test]
    fn empty_too_long_missing_and_unknown_are_refused_by_name() {
        let refusal = |document: Value| field_and_message(GAME.flags_of(&document).unwrap_err());
        assert_eq!(
            refusal(json!({"flags": "  "})),
            (
                "settings.flags".into(),
                "the flag string is empty: copy it from the TR program.".into()
            )
        );
        let (_, message) = refusal(json!({"flags": "A".repeat(9)}));
        assert_eq!(
            message,
            "the flag string is 9 characters long; at most 8 are taken."
        );
        let (field, message) = refusal(json!({}));
        assert_eq!(field, "settings.flags");
        assert!(
            message.ends_with("the flags from the TR program."),
            "{message}"
        );
        let (_, message) = refusal(json!({"flags": 12345}));
        assert!(message.contains("in quotes"), "{message}");
        let (field, message) = refusal(json!({"flags": "AB", "seed": "5"}));
        assert_eq!(field, "settings.seed");
        assert!(
            message.starts_with("`seed` is not a setting of TR presets"),
            "{message}"
        );
        assert_eq!(
            refusal(json!({"note": 1, "settings": {"flags": "AB"}})).0,
            "note"
        );
        assert_eq!(refusal(json!("AB")).0, "settings");
    }

    #[test]
    fn the_seed_number_is_below_the_limit_and_reproducible() {
        assert_eq!(GAME.seed_of(0), 0);
        assert_eq!(GAME.seed_of(999), 999);
        assert_eq!(GAME.seed_of(1000), 0);
        assert_eq!(GAME.seed_of(u64::MAX), u64::MAX % 1000);
        let unlimited = DesktopRandomizer {
            seed_limit: 0,
            ..GAME
        };
        assert_eq!(unlimited.seed_of(u64::MAX), u64::MAX);
    }

    #[test]
    fn the_seed_is_the_home_page_with_number_and_flags() {
        let seed = GAME.seed("https://example.org/tr/", 1042, "AB!");
        assert_eq!(seed.url, "https://example.org/tr/");
        assert_eq!(seed.hash.as_deref(), Some("42"));
        assert_eq!(seed.settings, json!({"seed": "42", "flags": "AB!"}));
        assert_eq!(seed.metadata["program"], "Test Randomizer");
        assert_eq!(
            seed.metadata["instructions"],
            "Seed: 42 - Flags: AB!. Type both into the Test Randomizer program and randomize your own ROM."
        );
        assert!(seed.spoiler_url.is_none() && seed.spoiler_log.is_none());
        assert_eq!(seed, GAME.seed("https://example.org/tr/", 42, "AB!"));
    }

    #[test]
    fn the_discord_answer_reads_the_kept_seed() {
        let settings = json!({"seed": "42", "flags": "AB!"});
        assert_eq!(
            GAME.roll_message("league/standard", "https://example.org/tr/", Some("42"), Some(&settings)),
            "**TR seed** (league/standard)\nSeed: `42` - Flags: `AB!`\nType both into the Test Randomizer program (<https://example.org/tr/>) and randomize your own ROM."
        );
        let message = GAME.roll_message("", "https://example.org/tr/", Some("7"), None);
        assert!(
            message.starts_with("**TR seed** (settings given)\nSeed: `7` - Flags: ``\n"),
            "{message}"
        );
    }

    #[test]
    fn the_schema_takes_the_programs_limits() {
        let schema = GAME.settings_schema();
        assert_eq!(schema["properties"]["flags"]["maxLength"], 8);
        assert_eq!(
            schema["properties"]["flags"]["description"],
            "The flags as the TR program shows them: A-Z, a-z, 0-9 and '!'."
        );
        assert_eq!(schema["required"], json!(["flags"]));
    }

    /// The schema and the checks above agree on what a preset may hold.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_schema_names_an_unknown_or_wrong_setting() {
        use crate::randomizer::validate_settings;
        let schema = GAME.settings_schema();
        assert!(validate_settings(&schema, &json!({"flags": "AB!9"})).is_ok());
        for (settings, field) in [
            (json!({"flags": "AB", "flgs": "AB"}), "settings.flgs"),
            (json!({"flags": ""}), "settings.flags"),
            (json!({"flags": 12}), "settings.flags"),
            (json!({"flags": "A".repeat(9)}), "settings.flags"),
        ] {
            let err = validate_settings(&schema, &settings).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field: f, .. } if f == field),
                "{settings}: {err:?}"
            );
        }
    }
}
