//! The pure rules of an AOSR seed: the settings a preset may hold (its JSON Schema), the flags
//! checked, the seed chosen from the roll's random number, and the generator link built from
//! both. No I/O; unit tested below.
//!
//! docs/upstreams/randomizers.md §11: the link is `https://aosrando.surge.sh/?seed={seed}&{k}={v}…`
//! with a signed 32-bit seed, and the flags are the link's other query parameters. The site's
//! source was not found, so which keys and values it knows cannot be checked: a preset holds
//! any flags whose names are letters, digits and `_`, and their values are URL-encoded
//! (SahasrahBot did not encode them; a value with `&` or a space would have broken its link).
//! Written as text (`logic=AreaTechTiers&boss=Vanilla`) the flags keep their order; written as
//! a mapping they go in name order (a preset is kept as JSON, whose mappings are sorted).

use serde_json::{json, Map, Value};

use sdk::{randomizer::Seed, Error};

/// The most flags a preset may hold (SGL 2022's set has 17).
pub const MAX_FLAGS: usize = 64;
/// The longest flag name.
pub const MAX_NAME_CHARS: usize = 32;
/// The longest flag value.
pub const MAX_VALUE_CHARS: usize = 100;
/// The longest flags written as text (`logic=AreaTechTiers&boss=Vanilla…`).
pub const MAX_TEXT_CHARS: usize = 4000;

/// Where a preset's flags are, in errors.
const FLAGS_FIELD: &str = "settings.flags";

/// The settings of an AOSR preset: the flags only, as a mapping (`logic: AreaTechTiers`) or as
/// the text of a link's query (`logic=AreaTechTiers&boss=Vanilla`). A setting not listed here
/// is refused by name when the preset is saved.
pub fn settings_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "flags": {
                "title": "Flags",
                "description": "aosrando.surge.sh's link parameters besides the seed: a mapping (`logic: AreaTechTiers`) or the query text (`logic=AreaTechTiers&boss=Vanilla`). Names: letters, digits and '_'.",
                "oneOf": [
                    {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS},
                    {
                        "type": "object",
                        "minProperties": 1,
                        "maxProperties": MAX_FLAGS,
                        "additionalProperties": {"type": ["string", "number", "boolean"]}
                    }
                ]
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

/// One flag: its name and its value (as text, not yet encoded).
pub type Flag = (String, String);

/// Checks a preset document and gives its flags, in link order. Every refusal names the
/// setting to fix: an unknown key (`settings.flgs`), `settings.flags`, or one flag's value
/// (`settings.flags.logic`).
pub fn flags_of(document: &Value) -> Result<Vec<Flag>, Error> {
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
    let Some(map) = settings_of(document).as_object() else {
        return Err(Error::invalid(
            "settings",
            "The preset must be a mapping holding the flags: `flags: …`.",
        ));
    };
    if let Some(key) = map.keys().find(|k| k.as_str() != "flags") {
        return Err(Error::invalid(
            format!("settings.{key}"),
            format!("`{key}` is not a setting of AOSR presets: the only one is `flags` (put `{key}` under it if it is a flag)."),
        ));
    }
    let flags = match map.get("flags") {
        None => {
            return Err(Error::invalid(
                FLAGS_FIELD,
                "the flags are missing: add `flags:` with aosrando.surge.sh's settings (`logic: AreaTechTiers`, …).",
            ))
        }
        Some(Value::String(text)) => flags_from_text(text)?,
        Some(Value::Object(mapping)) => flags_from_mapping(mapping)?,
        Some(_) => {
            return Err(Error::invalid(
                FLAGS_FIELD,
                "the flags must be a mapping (`logic: AreaTechTiers`) or the text of a link's query (`logic=AreaTechTiers&boss=Vanilla`).",
            ))
        }
    };
    check_flags(&flags)?;
    Ok(flags)
}

/// `logic=AreaTechTiers&boss=Vanilla` (a leading `?` allowed). Written as text, values are
/// taken as they are in a link, so only characters a link carries unencoded are allowed in
/// them; a value needing others is written in the mapping form, which encodes it.
pub fn flags_from_text(text: &str) -> Result<Vec<Flag>, Error> {
    let text = text.trim();
    let length = text.chars().count();
    if length > MAX_TEXT_CHARS {
        return Err(Error::invalid(
            FLAGS_FIELD,
            format!("the flags are {length} characters long; at most {MAX_TEXT_CHARS} are taken."),
        ));
    }
    if text.contains("://") {
        return Err(Error::invalid(
            FLAGS_FIELD,
            "give only the flags (the text after `?` in the site's link, without `seed=`), not the whole link.",
        ));
    }
    let mut flags = Vec::new();
    for pair in text.trim_start_matches('?').split('&') {
        if pair.is_empty() {
            continue;
        }
        let Some((name, value)) = pair.split_once('=') else {
            return Err(Error::invalid(
                FLAGS_FIELD,
                format!("`{pair}` has no value: write each flag as name=value."),
            ));
        };
        check_name(name)?;
        if let Some(c) = value.chars().find(|c| !is_unreserved(*c)) {
            return Err(Error::invalid(
                FLAGS_FIELD,
                format!(
                    "the character '{}' is not a flag character (in the value of `{name}`): flags written as text take letters, digits, '.', '-', '_' and '~'; write the flags as a mapping (`{name}: …`) to use others.",
                    c.escape_debug()
                ),
            ));
        }
        flags.push((name.to_string(), value.to_string()));
    }
    Ok(flags)
}

/// `{logic: AreaTechTiers, nodupes: false, weight: 2.5}`: text, numbers and true/false, as the
/// link writes them.
fn flags_from_mapping(mapping: &Map<String, Value>) -> Result<Vec<Flag>, Error> {
    mapping
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                Value::Bool(flag) => flag.to_string(),
                _ => {
                    return Err(Error::invalid(
                        format!("{FLAGS_FIELD}.{name}"),
                        format!("`{name}` must be text, a number or true/false."),
                    ))
                }
            };
            Ok((name.clone(), value))
        })
        .collect()
}

/// The rules every flag list follows, whichever way it was written.
pub fn check_flags(flags: &[Flag]) -> Result<(), Error> {
    if flags.is_empty() {
        return Err(Error::invalid(
            FLAGS_FIELD,
            "the flags are empty: give aosrando.surge.sh's settings (`logic: AreaTechTiers`, …); the site's own defaults are not known here.",
        ));
    }
    if flags.len() > MAX_FLAGS {
        return Err(Error::invalid(
            FLAGS_FIELD,
            format!(
                "there are {} flags; at most {MAX_FLAGS} are taken.",
                flags.len()
            ),
        ));
    }
    for (at, (name, value)) in flags.iter().enumerate() {
        check_name(name)?;
        if flags[..at].iter().any(|(earlier, _)| earlier == name) {
            return Err(Error::invalid(
                FLAGS_FIELD,
                format!("`{name}` is given twice: keep one."),
            ));
        }
        let field = format!("{FLAGS_FIELD}.{name}");
        let value = value.trim();
        if value.is_empty() {
            return Err(Error::invalid(
                field,
                format!("`{name}` has no value: give it one, or leave the flag out."),
            ));
        }
        let length = value.chars().count();
        if length > MAX_VALUE_CHARS {
            return Err(Error::invalid(
                field,
                format!("the value of `{name}` is {length} characters long; at most {MAX_VALUE_CHARS} are taken."),
            ));
        }
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            return Err(Error::invalid(
                field,
                format!(
                    "the character '{}' is not allowed in the value of `{name}`.",
                    c.escape_debug()
                ),
            ));
        }
    }
    Ok(())
}

/// A flag's name: letters, digits and `_`, and not `seed` (chosen at each roll).
fn check_name(name: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(Error::invalid(
            FLAGS_FIELD,
            "a flag has no name: write each flag as name=value.",
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(Error::invalid(
            FLAGS_FIELD,
            format!(
                "the character '{}' is not a flag (in the name `{name}`): flag names are letters, digits and '_'.",
                c.escape_debug()
            ),
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(
            FLAGS_FIELD,
            format!("the flag name `{name}` is longer than {MAX_NAME_CHARS} characters."),
        ));
    }
    if name == "seed" {
        return Err(Error::invalid(
            FLAGS_FIELD,
            "`seed` is not a flag: the seed is chosen at each roll; leave it out.",
        ));
    }
    Ok(())
}

/// The characters a link carries as they are (RFC 3986's unreserved ones).
fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// `text` as a query value: unreserved characters as they are, every other byte of its UTF-8
/// as `%XX`.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unreserved(c) {
            out.push(c);
        } else {
            let mut buffer = [0u8; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// The seed of a roll: a signed 32-bit number, as SahasrahBot drew them (−2147483648 …
/// 2147483647), from the low 32 bits of the roll's random number — the same number gives the
/// same seed.
pub fn seed_of(rng_seed: u64) -> i32 {
    i32::from_le_bytes((rng_seed as u32).to_le_bytes())
}

/// The generator link `{base}/?seed={seed}&{name}={value}…`, flags in their order, values
/// encoded. `base` is the site's address (a path under it is kept).
pub fn seed_url(base: &str, seed: i32, flags: &[Flag]) -> String {
    let mut url = format!("{}/?seed={seed}", base.trim_end_matches('/'));
    for (name, value) in flags {
        url.push('&');
        url.push_str(name);
        url.push('=');
        url.push_str(&encode(value.trim()));
    }
    url
}

/// The seed of a roll of `flags` (already checked) on the site at `base`: the link, the seed as
/// its short identifier, and seed and flags (in order) kept as its settings. No spoiler: the
/// page makes the ROM in the player's browser.
pub fn seed(base: &str, rng_seed: u64, flags: &[Flag]) -> Seed {
    let seed = seed_of(rng_seed);
    let listed: Vec<Value> = flags
        .iter()
        .map(|(name, value)| json!([name, value.trim()]))
        .collect();
    Seed {
        url: seed_url(base, seed, flags),
        hash: Some(seed.to_string()),
        permalink: None,
        spoiler_url: None,
        spoiler_log: None,
        file_select_code: None,
        settings: json!({"seed": seed, "flags": listed}),
        metadata: json!({
            "seed": seed,
            "flags": listed,
            "made_by": "aosrando.surge.sh makes the ROM in the player's browser from the link.",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SGL 2022's flags, as SahasrahBot sent them.
    const SGL22: &str = "logic=AreaTechTiers&nodupes=false&panther=FirstAlways&area=AreaRandom&boss=Dead-endShuffle&enemy=Vanilla&itempool=Standard&weight=2.5&grahm=BookSouls&kicker=false&startshop=Unlocked30k&shopprice=RandHV&shopSouls=Half&levelexp=Vanilla&telestart=false&mapassist=false&doublechaos=false";

    fn field_and_message(err: Error) -> (String, String) {
        match err {
            Error::Invalid { field, message } => (field, message),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn flags_written_as_text_keep_their_order() {
        let flags = flags_of(&json!({ "flags": SGL22 })).unwrap();
        assert_eq!(flags.len(), 17);
        assert_eq!(flags[0], ("logic".to_string(), "AreaTechTiers".to_string()));
        assert_eq!(flags[16], ("doublechaos".to_string(), "false".to_string()));
        assert_eq!(
            seed_url("https://aosrando.surge.sh/", -5, &flags),
            format!("https://aosrando.surge.sh/?seed=-5&{SGL22}"),
            "the same link SahasrahBot built"
        );
        // A pasted query with its `?` and a stray `&` is fine.
        let flags = flags_of(&json!({"flags": "?logic=AreaTechTiers&&boss=Vanilla&"})).unwrap();
        assert_eq!(flags.len(), 2);
    }

    #[test]
    fn flags_written_as_a_mapping_are_text_numbers_and_switches() {
        let flags = flags_of(&json!({"flags": {
            "logic": "AreaTechTiers", "nodupes": false, "weight": 2.5, "shopSouls": "Half", "tiers": 3
        }}))
        .unwrap();
        let link = seed_url("https://aosrando.surge.sh", 42, &flags);
        assert!(
            link.starts_with("https://aosrando.surge.sh/?seed=42&"),
            "{link}"
        );
        for part in [
            "logic=AreaTechTiers",
            "nodupes=false",
            "weight=2.5",
            "shopSouls=Half",
            "tiers=3",
        ] {
            assert!(link.split('&').any(|p| p == part), "{part} in {link}");
        }
        // Values with other characters are encoded.
        let flags = flags_of(&json!({"flags": {"note": "a b&c=d/é"}})).unwrap();
        assert_eq!(
            seed_url("http://127.0.0.1:9/aosr/", 0, &flags),
            "http://127.0.0.1:9/aosr/?seed=0&note=a%20b%26c%3Dd%2F%C3%A9"
        );
        // SahasrahBot's wrapper.
        let wrapped = json!({"goal_name": "SGL", "settings": {"flags": "logic=AreaTechTiers"}});
        assert_eq!(flags_of(&wrapped).unwrap().len(), 1);
    }

    #[test]
    fn wrong_characters_are_named() {
        let (field, message) =
            field_and_message(flags_of(&json!({"flags": "logic!=AreaTechTiers"})).unwrap_err());
        assert_eq!(field, "settings.flags");
        assert!(
            message.starts_with("the character '!' is not a flag"),
            "{message}"
        );
        let (field, message) =
            field_and_message(flags_of(&json!({"flags": {"shop-price": "x"}})).unwrap_err());
        assert_eq!(field, "settings.flags");
        assert!(
            message.contains("'-' is not a flag (in the name `shop-price`)"),
            "{message}"
        );
        let (field, message) =
            field_and_message(flags_of(&json!({"flags": "logic=Area Tech"})).unwrap_err());
        assert_eq!(field, "settings.flags");
        assert!(
            message.contains("' ' is not a flag character (in the value of `logic`)"),
            "{message}"
        );
        assert!(message.contains("as a mapping"), "{message}");
        let (field, _) =
            field_and_message(flags_of(&json!({"flags": {"logic": "a\nb"}})).unwrap_err());
        assert_eq!(field, "settings.flags.logic");
        let (_, message) = field_and_message(flags_of(&json!({"flags": "logic"})).unwrap_err());
        assert!(message.contains("has no value"), "{message}");
        let (_, message) = field_and_message(flags_of(&json!({"flags": "=x"})).unwrap_err());
        assert!(message.contains("no name"), "{message}");
    }

    #[test]
    fn empty_too_long_duplicate_and_seed_flags_are_refused() {
        for empty in [json!(""), json!("  "), json!("&"), json!({})] {
            let (field, message) =
                field_and_message(flags_of(&json!({ "flags": empty })).unwrap_err());
            assert_eq!(field, "settings.flags");
            assert!(message.contains("flags are empty"), "{message}");
        }
        let (field, message) =
            field_and_message(flags_of(&json!({"flags": {"logic": ""}})).unwrap_err());
        assert_eq!(field, "settings.flags.logic");
        assert!(message.contains("no value"), "{message}");

        let many: Vec<String> = (0..=MAX_FLAGS).map(|i| format!("f{i}=1")).collect();
        let (_, message) =
            field_and_message(flags_of(&json!({"flags": many.join("&")})).unwrap_err());
        assert!(message.contains("65 flags"), "{message}");
        assert!(flags_of(&json!({"flags": many[..MAX_FLAGS].join("&")})).is_ok());
        let (_, message) = field_and_message(
            flags_of(&json!({"flags": format!("a={}", "x".repeat(MAX_TEXT_CHARS))})).unwrap_err(),
        );
        assert!(message.contains("4002 characters long"), "{message}");
        let (field, message) = field_and_message(
            flags_of(&json!({"flags": {"logic": "x".repeat(MAX_VALUE_CHARS + 1)}})).unwrap_err(),
        );
        assert_eq!(field, "settings.flags.logic");
        assert!(message.contains("101 characters long"), "{message}");
        let (_, message) = field_and_message(
            flags_of(&json!({"flags": {"x".repeat(MAX_NAME_CHARS + 1): "1"}})).unwrap_err(),
        );
        assert!(message.contains("longer than 32"), "{message}");

        let (_, message) = field_and_message(
            flags_of(&json!({"flags": "boss=Vanilla&boss=Dead-endShuffle"})).unwrap_err(),
        );
        assert!(message.contains("`boss` is given twice"), "{message}");
        let (_, message) =
            field_and_message(flags_of(&json!({"flags": "seed=1&boss=Vanilla"})).unwrap_err());
        assert!(message.contains("`seed` is not a flag"), "{message}");
    }

    #[test]
    fn missing_misplaced_and_unknown_settings_are_named() {
        let (field, message) = field_and_message(flags_of(&json!({})).unwrap_err());
        assert_eq!(field, "settings.flags");
        assert!(message.contains("missing"), "{message}");
        let (field, message) =
            field_and_message(flags_of(&json!({"logic": "AreaTechTiers"})).unwrap_err());
        assert_eq!(field, "settings.logic");
        assert!(message.contains("put `logic` under it"), "{message}");
        let (field, _) = field_and_message(flags_of(&json!({"flags": ["logic"]})).unwrap_err());
        assert_eq!(field, "settings.flags");
        let (field, _) =
            field_and_message(flags_of(&json!({"flags": {"logic": ["a"]}})).unwrap_err());
        assert_eq!(field, "settings.flags.logic");
        let (field, _) = field_and_message(
            flags_of(&json!({"goals": 1, "settings": {"flags": "a=1"}})).unwrap_err(),
        );
        assert_eq!(field, "goals");
        let link = format!("https://aosrando.surge.sh/?seed=1&{SGL22}");
        let (_, message) = field_and_message(flags_of(&json!({ "flags": link })).unwrap_err());
        assert!(message.contains("not the whole link"), "{message}");
    }

    #[test]
    fn the_seed_is_a_signed_32_bit_number_from_the_rolls_number() {
        assert_eq!(seed_of(0), 0);
        assert_eq!(seed_of(5), 5);
        assert_eq!(seed_of(0x7FFF_FFFF), i32::MAX);
        assert_eq!(seed_of(0x8000_0000), i32::MIN);
        assert_eq!(seed_of(0xFFFF_FFFF), -1);
        assert_eq!(seed_of(0x1_0000_0007), 7, "the low 32 bits");
        let flags = flags_of(&json!({ "flags": SGL22 })).unwrap();
        let seed = seed("https://aosrando.surge.sh/", 0xFFFF_FFFE, &flags);
        assert_eq!(
            seed.url,
            format!("https://aosrando.surge.sh/?seed=-2&{SGL22}")
        );
        assert_eq!(seed.hash.as_deref(), Some("-2"));
        assert_eq!(seed.settings["seed"], -2);
        assert_eq!(seed.settings["flags"][0], json!(["logic", "AreaTechTiers"]));
        assert_eq!(
            seed,
            super::seed("https://aosrando.surge.sh/", 0xFFFF_FFFE, &flags)
        );
    }

    /// The schema and the checks above agree on what a preset may hold.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_schema_names_an_unknown_or_wrong_setting() {
        use sdk::randomizer::validate_settings;
        let schema = settings_schema();
        assert!(validate_settings(&schema, &json!({ "flags": SGL22 })).is_ok());
        assert!(validate_settings(
            &schema,
            &json!({"flags": {"logic": "x", "nodupes": false, "weight": 2.5}})
        )
        .is_ok());
        for (settings, field) in [
            (json!({"flags": "a=1", "flgs": "a=1"}), "settings.flgs"),
            (json!({"flags": ""}), "settings.flags"),
            (json!({"flags": {}}), "settings.flags"),
            (json!({"flags": 12}), "settings.flags"),
        ] {
            let err = validate_settings(&schema, &settings).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field: f, .. } if f == field),
                "{settings}: {err:?}"
            );
        }
    }
}
