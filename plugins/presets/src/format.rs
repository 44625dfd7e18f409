//! The preset file format: YAML that must be a mapping, stored as JSON.
//!
//! Accepted shapes:
//! - plain settings: `goal: ganon` / `mode: open` …;
//! - SahasrahBot's format: `{goal_name, description, customizer, settings: {…}}` — its
//!   `description` becomes the preset's description when none is given;
//! - mystery weightsets: `preset_type: mystery`, or a `weights` / `subweights` /
//!   `entrance_weights` key.
//!
//! Errors point at the place to fix: the YAML parser's line and column, or the key.

use serde_json::Value;

use sdk::Error;

pub use crate::kind::PresetKind;

/// A parsed, valid preset document.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedPreset {
    /// The whole document as JSON.
    pub settings: Value,
    pub kind: PresetKind,
    /// SahasrahBot format's `goal_name`.
    pub goal_name: Option<String>,
    /// SahasrahBot format's `description`.
    pub description: Option<String>,
    /// Whether it used SahasrahBot's `{…, settings: {…}}` wrapper.
    pub sahasrahbot_format: bool,
}

/// Keys of SahasrahBot's wrapper around the settings.
const WRAPPER_KEYS: &[&str] = &[
    "goal_name",
    "description",
    "customizer",
    "settings",
    "preset_type",
    "randomizer",
    "doors",
    "allow_quickswap",
    "spoilers",
    "branch",
    "tournament",
];
const MYSTERY_KEYS: &[&str] = &["weights", "subweights", "entrance_weights"];

/// The largest preset we store (the YAML text).
pub const MAX_YAML_BYTES: usize = 200_000;

pub fn parse_yaml(text: &str) -> Result<ParsedPreset, Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid(
            "yaml",
            "The preset is empty: paste its YAML settings.",
        ));
    }
    if text.len() > MAX_YAML_BYTES {
        return Err(Error::invalid(
            "yaml",
            format!(
                "The preset is {} KB; the limit is {} KB.",
                text.len() / 1000,
                MAX_YAML_BYTES / 1000
            ),
        ));
    }
    let document: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let place = e
            .location()
            .map(|l| format!("line {}, column {}: ", l.line(), l.column()))
            .unwrap_or_default();
        Error::invalid("yaml", format!("{place}{}", first_line(&e.to_string())))
    })?;
    let mapping = match &document {
        serde_yaml::Value::Mapping(m) => m,
        other => {
            return Err(Error::invalid(
                "yaml",
                format!(
                    "The preset must be a mapping of settings (`key: value` lines), not {}.",
                    describe(other)
                ),
            ))
        }
    };
    for key in mapping.keys() {
        if !matches!(key, serde_yaml::Value::String(_)) {
            return Err(Error::invalid(
                "yaml",
                format!(
                    "Setting names must be text; `{}` is {}.",
                    serde_yaml::to_string(key).unwrap_or_default().trim(),
                    describe(key)
                ),
            ));
        }
    }
    let settings = serde_json::to_value(&document)
        .map_err(|e| Error::invalid("yaml", format!("The preset cannot be stored: {e}")))?;
    let object = settings.as_object().cloned().unwrap_or_default();
    let text_of = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_string);
    let sahasrahbot_format = object.get("settings").is_some_and(Value::is_object)
        && object.keys().all(|k| WRAPPER_KEYS.contains(&k.as_str()));
    let mystery = object
        .get("preset_type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("mystery"))
        || MYSTERY_KEYS.iter().any(|k| object.contains_key(*k));
    Ok(ParsedPreset {
        goal_name: if sahasrahbot_format {
            text_of("goal_name")
        } else {
            None
        },
        description: if sahasrahbot_format {
            text_of("description")
        } else {
            None
        },
        sahasrahbot_format,
        kind: if mystery {
            PresetKind::Mystery
        } else {
            PresetKind::Standard
        },
        settings,
    })
}

fn first_line(message: &str) -> String {
    // serde_yaml appends " at line L column C"; the place is already in front.
    let line = message.lines().next().unwrap_or(message);
    match line.find(" at line ") {
        Some(i) => line[..i].to_string(),
        None => line.to_string(),
    }
}

fn describe(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Null => "empty",
        serde_yaml::Value::Bool(_) => "a true/false value",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "a piece of text",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
}

/// The stored settings as YAML again (for export and download).
pub fn to_yaml(settings: &Value) -> Result<String, Error> {
    serde_yaml::to_string(settings).map_err(Error::internal)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_settings_parse() {
        let p = parse_yaml("goal: ganon\nmode: open\nitem:\n  pool: normal\n").unwrap();
        assert_eq!(
            p.settings,
            json!({"goal": "ganon", "mode": "open", "item": {"pool": "normal"}})
        );
        assert_eq!(p.kind, PresetKind::Standard);
        assert!(!p.sahasrahbot_format);
    }

    #[test]
    fn must_be_a_mapping() {
        let e = parse_yaml("- a\n- b\n").unwrap_err();
        assert_eq!(e.field(), Some("yaml"));
        assert!(e.message().contains("not a list"), "{}", e.message());
        assert!(parse_yaml("just text")
            .unwrap_err()
            .message()
            .contains("piece of text"));
        assert!(parse_yaml("   \n").unwrap_err().message().contains("empty"));
        assert!(parse_yaml("1: one\n")
            .unwrap_err()
            .message()
            .contains("must be text"));
    }

    #[test]
    fn syntax_errors_say_where() {
        let e = parse_yaml("goal: ganon\nmode: [open\nother: 1\n").unwrap_err();
        assert_eq!(e.field(), Some("yaml"));
        assert!(e.message().starts_with("line "), "{}", e.message());
        assert!(e.message().contains("column"), "{}", e.message());
        let e = parse_yaml("a: 1\n  b: 2\n").unwrap_err();
        assert!(e.message().starts_with("line 2, column"), "{}", e.message());
    }

    #[test]
    fn sahasrahbot_format_is_recognised() {
        let p = parse_yaml(
            "goal_name: Open Fast Ganon\ndescription: The classic\ncustomizer: false\nsettings:\n  goal: fast_ganon\n  mode: open\n",
        )
        .unwrap();
        assert!(p.sahasrahbot_format);
        assert_eq!(p.goal_name.as_deref(), Some("Open Fast Ganon"));
        assert_eq!(p.description.as_deref(), Some("The classic"));
        assert_eq!(p.settings["settings"]["goal"], "fast_ganon");
    }

    #[test]
    fn mystery_presets_are_detected() {
        assert_eq!(
            parse_yaml("preset_type: mystery\nweights: {}\n")
                .unwrap()
                .kind,
            PresetKind::Mystery
        );
        assert_eq!(
            parse_yaml("weights:\n  goal:\n    ganon: 1\n    fast_ganon: 2\n")
                .unwrap()
                .kind,
            PresetKind::Mystery
        );
        assert_eq!(
            parse_yaml("goal: ganon\n").unwrap().kind,
            PresetKind::Standard
        );
    }

    #[test]
    fn settings_round_trip_to_yaml() {
        let p = parse_yaml("goal: ganon\nswords: [1, 2]\n").unwrap();
        let again = parse_yaml(&to_yaml(&p.settings).unwrap()).unwrap();
        assert_eq!(again.settings, p.settings);
    }
}
