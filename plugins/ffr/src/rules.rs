//! The pure rules of an FFR seed: the settings a preset may hold (its JSON Schema), the flag
//! string checked against FFR's own alphabet, the seed chosen from the roll's random number, and
//! the generator link built from both. No I/O; unit tested below.
//!
//! docs/upstreams/randomizers.md §10: the page reads the seed from `s` (exactly 8 hexadecimal
//! digits) and the flags from `f` (FFR's base-64 digits, no fixed length: the string encodes
//! the flags and the first 7 characters of the FFR build's commit, so it only works on the
//! version that made it).

use serde_json::{json, Value};

use sdk::{randomizer::Seed, Error};

/// FFR's base-64 digits (`Base64Chars` in FF1Lib's `FlagsFunctions.cs`): a flag string is a big
/// number written with these, and the page answers "Invalid Flags String" to any other
/// character.
pub const FLAG_ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-";

/// The longest flag string taken. FFR's have no fixed length (each version's grows with its
/// flags; SGL 2023's was under 200 characters): this leaves room while keeping links short
/// enough for chat and race rooms.
pub const MAX_FLAGS_CHARS: usize = 1024;

/// The generator page under the site's address (the Blazor page's route).
pub const PAGE: &str = "Randomize";

/// Where a preset's flag string is, in errors.
const FLAGS_FIELD: &str = "settings.flags";

/// The settings of an FFR preset: the flag string only (copied from the site). A setting not
/// listed here is refused by name when the preset is saved.
pub fn settings_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "flags": {
                "type": "string",
                "title": "Flag string",
                "description": "The flags from finalfantasyrandomizer.com (the text after `f=` in its link): A-Z, a-z, 0-9, '.' and '-'.",
                "minLength": 1,
                "maxLength": MAX_FLAGS_CHARS
            }
        },
        "required": ["flags"],
        "additionalProperties": false
    })
}

/// The keys of SahasrahBot's preset wrapper (`{goal_name, description, settings: {…}}`) taken
/// around the settings.
const WRAPPER_KEYS: &[&str] = &["goal_name", "description", "settings", "randomizer"];

/// A preset document's settings (SahasrahBot's `settings:` mapping, or the whole document).
pub use sdk::randomizer::settings_of;

/// Checks a preset document and gives its flag string (without surrounding blanks). Every
/// refusal names the setting to fix: an unknown key (`settings.flgs`), or `settings.flags`
/// with what is wrong in it.
pub fn flags_of(document: &Value) -> Result<&str, Error> {
    let settings = settings_of(document);
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
    let Some(map) = settings.as_object() else {
        return Err(Error::invalid(
            "settings",
            "The preset must be a mapping holding the flag string: `flags: …`.",
        ));
    };
    if let Some(key) = map.keys().find(|k| k.as_str() != "flags") {
        return Err(Error::invalid(
            format!("settings.{key}"),
            format!("`{key}` is not a setting of FFR presets: the only one is `flags`, the flag string from finalfantasyrandomizer.com."),
        ));
    }
    match map.get("flags") {
        None => Err(Error::invalid(
            FLAGS_FIELD,
            "the flag string is missing: add `flags: …` with the flags from finalfantasyrandomizer.com.",
        )),
        Some(Value::String(flags)) => check_flags(flags),
        Some(_) => Err(Error::invalid(
            FLAGS_FIELD,
            "the flag string must be text: write it in quotes (`flags: \"…\"`).",
        )),
    }
}

/// Checks one flag string against FFR's format: not empty, at most [`MAX_FLAGS_CHARS`], only
/// [`FLAG_ALPHABET`]. Gives it back without surrounding blanks.
pub fn check_flags(flags: &str) -> Result<&str, Error> {
    let flags = flags.trim();
    if flags.is_empty() {
        return Err(Error::invalid(
            FLAGS_FIELD,
            "the flag string is empty: copy it from finalfantasyrandomizer.com (the text after `f=` in the site's link).",
        ));
    }
    let length = flags.chars().count();
    if length > MAX_FLAGS_CHARS {
        return Err(Error::invalid(
            FLAGS_FIELD,
            format!(
                "the flag string is {length} characters long; at most {MAX_FLAGS_CHARS} are taken."
            ),
        ));
    }
    // A pasted link is the likeliest mistake: say so rather than name its ':'.
    if flags.contains("://") || flags.contains("f=") {
        return Err(Error::invalid(
            FLAGS_FIELD,
            "give only the flag string (the text after `f=` in the site's link), not the whole link.",
        ));
    }
    if let Some((at, c)) = flags
        .chars()
        .enumerate()
        .find(|(_, c)| !FLAG_ALPHABET.contains(*c))
    {
        return Err(Error::invalid(
            FLAGS_FIELD,
            format!(
                "the character '{}' is not a flag (character {} of the flag string): FFR flag strings use only A-Z, a-z, 0-9, '.' and '-'.",
                c.escape_debug(),
                at + 1
            ),
        ));
    }
    Ok(flags)
}

/// The seed of a roll: 8 uppercase hexadecimal digits (the page refuses other lengths;
/// SahasrahBot wrote them uppercase), the low 32 bits of the roll's random number — the same
/// number gives the same seed.
pub fn seed_of(rng_seed: u64) -> String {
    format!("{:08X}", rng_seed & 0xFFFF_FFFF)
}

/// The generator link `{base}/Randomize?s={seed}&f={flags}`. `base` is the site's address (a
/// path under it is kept); seed and flags need no escaping, their alphabets are URL-safe.
pub fn seed_url(base: &str, seed: &str, flags: &str) -> String {
    format!("{}/{PAGE}?s={seed}&f={flags}", base.trim_end_matches('/'))
}

/// The seed of a roll of `flags` (already checked) on the site at `base`: the link, the seed as
/// its short identifier, and seed and flags kept as its settings. No spoiler: the page makes
/// the ROM (and any spoiler) in the player's browser.
pub fn seed(base: &str, rng_seed: u64, flags: &str) -> Seed {
    let seed = seed_of(rng_seed);
    Seed {
        url: seed_url(base, &seed, flags),
        hash: Some(seed.clone()),
        permalink: None,
        spoiler_url: None,
        spoiler_log: None,
        file_select_code: None,
        settings: json!({"seed": seed, "flags": flags}),
        metadata: json!({
            "seed": seed,
            "flags": flags,
            "made_by": "finalfantasyrandomizer.com makes the ROM in the player's browser from the link; the flags work only on the FFR version that made them.",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGS: &str = "m1-dPYu5-7ZlHqdPgC9BsTva4786C4mX5d0uZn85JzpVARtsVYb4TkKKyi4owT82MQwSww28yiLaHtMBNNzxMGjISw8IWcAfUS7AEkSp52Degtu4wErH3htXn4zENBWaNXWqXL6O-k8R3wZ8h55Gye21Spp4emwbbNwehPD";

    fn field_and_message(err: Error) -> (String, String) {
        match err {
            Error::Invalid { field, message } => (field, message),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn a_real_flag_string_is_taken_as_written() {
        assert_eq!(flags_of(&json!({ "flags": FLAGS })).unwrap(), FLAGS);
        assert_eq!(
            flags_of(&json!({ "flags": format!("  {FLAGS}\n") })).unwrap(),
            FLAGS,
            "blanks around it are dropped"
        );
        // SahasrahBot's wrapper.
        let wrapped =
            json!({"goal_name": "SGL", "description": "x", "settings": {"flags": "AbC.-9"}});
        assert_eq!(flags_of(&wrapped).unwrap(), "AbC.-9");
        // Every character of the alphabet, and one character, are flags.
        assert!(check_flags(FLAG_ALPHABET).is_ok());
        assert!(check_flags("A").is_ok());
    }

    #[test]
    fn a_character_outside_ffrs_alphabet_is_named() {
        let (field, message) =
            field_and_message(flags_of(&json!({"flags": "yGq4dTUZ!kw3MO9U"})).unwrap_err());
        assert_eq!(field, "settings.flags");
        assert!(
            message.starts_with("the character '!' is not a flag (character 9 of"),
            "{message}"
        );
        for bad in [
            "ab cd", "abc_d", "abc+d", "abc/d", "abc=d", "abcé", "abc\td",
        ] {
            let (field, message) = field_and_message(check_flags(bad).unwrap_err());
            assert_eq!(field, "settings.flags", "{bad}");
            assert!(message.contains("is not a flag"), "{bad}: {message}");
        }
        let (_, message) = field_and_message(check_flags("ab\u{7}c").unwrap_err());
        assert!(message.contains("'\\u{7}'"), "shown escaped: {message}");
    }

    #[test]
    fn empty_too_long_missing_and_not_text_are_refused() {
        for empty in ["", "   ", "\n"] {
            let (field, message) = field_and_message(check_flags(empty).unwrap_err());
            assert_eq!(field, "settings.flags");
            assert!(message.contains("is empty"), "{message}");
        }
        assert!(check_flags(&"A".repeat(MAX_FLAGS_CHARS)).is_ok());
        let (field, message) =
            field_and_message(check_flags(&"A".repeat(MAX_FLAGS_CHARS + 1)).unwrap_err());
        assert_eq!(field, "settings.flags");
        assert!(message.contains("1025 characters long"), "{message}");

        let (field, message) = field_and_message(flags_of(&json!({})).unwrap_err());
        assert_eq!(field, "settings.flags");
        assert!(message.contains("missing"), "{message}");
        let (field, message) = field_and_message(flags_of(&json!({"flags": 1234})).unwrap_err());
        assert_eq!(field, "settings.flags");
        assert!(message.contains("in quotes"), "{message}");
        let (field, _) = field_and_message(flags_of(&json!(["flags"])).unwrap_err());
        assert_eq!(field, "settings");
    }

    #[test]
    fn a_pasted_link_and_unknown_keys_are_refused_by_name() {
        let link = format!("https://finalfantasyrandomizer.com/Randomize?s=00000000&f={FLAGS}");
        let (field, message) = field_and_message(check_flags(&link).unwrap_err());
        assert_eq!(field, "settings.flags");
        assert!(message.contains("not the whole link"), "{message}");

        let (field, message) =
            field_and_message(flags_of(&json!({"flags": "AB", "seed": "1"})).unwrap_err());
        assert_eq!(field, "settings.seed");
        assert!(message.contains("`seed` is not a setting"), "{message}");
        let (field, _) = field_and_message(
            flags_of(&json!({"setings": {}, "settings": {"flags": "AB"}})).unwrap_err(),
        );
        assert_eq!(field, "setings");
        let (field, _) =
            field_and_message(flags_of(&json!({"settings": {"flgs": "AB"}})).unwrap_err());
        assert_eq!(field, "settings.flgs");
    }

    #[test]
    fn the_seed_is_eight_hex_digits_from_the_rolls_number() {
        assert_eq!(seed_of(0), "00000000");
        assert_eq!(seed_of(0xABCDEF), "00ABCDEF");
        assert_eq!(seed_of(u64::MAX), "FFFFFFFF");
        assert_eq!(
            seed_of(0x1234_5678_9ABC_DEF0),
            "9ABCDEF0",
            "the low 32 bits"
        );
        for n in [1u64, 77, 1 << 40, 0xDEAD_BEEF_0000_0001] {
            let seed = seed_of(n);
            assert_eq!(seed.len(), 8);
            assert!(seed
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
            assert_eq!(seed_of(n), seed, "reproducible");
        }
    }

    #[test]
    fn the_link_is_the_generator_page_with_seed_and_flags() {
        assert_eq!(
            seed_url("https://finalfantasyrandomizer.com/", "0A1B2C3D", "AbC.-9"),
            "https://finalfantasyrandomizer.com/Randomize?s=0A1B2C3D&f=AbC.-9"
        );
        assert_eq!(
            seed_url("https://finalfantasyrandomizer.com", "0A1B2C3D", "AbC"),
            "https://finalfantasyrandomizer.com/Randomize?s=0A1B2C3D&f=AbC"
        );
        // A site under a path keeps it.
        assert_eq!(
            seed_url("http://127.0.0.1:9/beta/", "FFFFFFFF", "x"),
            "http://127.0.0.1:9/beta/Randomize?s=FFFFFFFF&f=x"
        );
        let seed = seed("https://finalfantasyrandomizer.com/", 0xC0FFEE, FLAGS);
        assert_eq!(
            seed.url,
            format!("https://finalfantasyrandomizer.com/Randomize?s=00C0FFEE&f={FLAGS}")
        );
        assert_eq!(seed.hash.as_deref(), Some("00C0FFEE"));
        assert_eq!(seed.settings, json!({"seed": "00C0FFEE", "flags": FLAGS}));
        assert_eq!(seed.metadata["seed"], "00C0FFEE");
        assert!(seed.spoiler_url.is_none() && seed.spoiler_log.is_none());
    }

    /// The schema and the checks above agree on what a preset may hold.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_schema_names_an_unknown_or_wrong_setting() {
        use sdk::randomizer::validate_settings;
        let schema = settings_schema();
        assert!(validate_settings(&schema, &json!({ "flags": FLAGS })).is_ok());
        for (settings, field) in [
            (json!({"flags": "AB", "flgs": "AB"}), "settings.flgs"),
            (json!({"flags": ""}), "settings.flags"),
            (json!({"flags": 12}), "settings.flags"),
            (
                json!({"flags": "A".repeat(MAX_FLAGS_CHARS + 1)}),
                "settings.flags",
            ),
        ] {
            let err = validate_settings(&schema, &settings).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field: f, .. } if f == field),
                "{settings}: {err:?}"
            );
        }
    }
}
