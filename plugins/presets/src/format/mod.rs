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
//!
//! Budgets: a preset is at most [`MAX_YAML_BYTES`] of text, [`MAX_YAML_DEPTH`] levels deep and
//! [`MAX_YAML_NODES`] values, and may not use anchors or aliases (`&name` / `*name`): an alias
//! copies a whole subtree, so a small document of nested aliases ("billion laughs") would
//! expand to billions of values. Anchors are found on the YAML events, before any value is
//! built (a document the event parser cannot read is refused there too, with its place); as a
//! second line, serde_yaml's own walk of the document (which is what expands aliases) is counted
//! and stopped at the node budget, so a document that the two parsers read differently still
//! cannot grow past it.
//!
//! The budgets are enforced in `budget`, before anything is built.

mod budget;

use serde_json::Value;

use sdk::{input::shorten, Error};

pub use crate::kind::PresetKind;
use budget::{check_events, count_values};

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
/// How deep lists and mappings may sit inside each other in a preset.
pub const MAX_YAML_DEPTH: usize = sdk::input::MAX_DOCUMENT_DEPTH;
/// How many values (mappings, lists, keys and settings) a preset may hold.
pub const MAX_YAML_NODES: usize = 50_000;

pub(super) fn yaml_error(e: &serde_yaml::Error) -> Error {
    let place = e
        .location()
        .map(|l| format!("line {}, column {}: ", l.line(), l.column()))
        .unwrap_or_default();
    Error::invalid(
        "yaml",
        format!("{place}{}", shorten_quoted(&first_line(&e.to_string()))),
    )
}

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
    check_events(text)?;
    count_values(text)?;
    let document: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| yaml_error(&e))?;
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
                    shorten(
                        serde_yaml::to_string(key).unwrap_or_default().trim(),
                        QUOTED_VALUE_CHARS
                    ),
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

/// How much of a value from the document an error message repeats: enough to find it, not so
/// much that a 100 KB scalar comes back in the error.
const QUOTED_VALUE_CHARS: usize = 60;

/// The parser's message with every quoted value (serde quotes the offending value, as in
/// `invalid value: string "…", expected a float`) cut to [`QUOTED_VALUE_CHARS`].
fn shorten_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(512));
    // The value being read, from just after its opening quote; `None` outside quotes.
    let mut value: Option<String> = None;
    let mut escaped = false;
    for c in message.chars() {
        match value.as_mut() {
            None => {
                out.push(c);
                if c == '"' {
                    value = Some(String::new());
                }
            }
            Some(inside) if c == '"' && !escaped => {
                out.push_str(&shorten(inside, QUOTED_VALUE_CHARS));
                out.push(c);
                value = None;
            }
            Some(inside) => {
                escaped = c == '\\' && !escaped;
                inside.push(c);
            }
        }
    }
    // A quote the message never closes.
    if let Some(inside) = value {
        out.push_str(&shorten(&inside, QUOTED_VALUE_CHARS));
    }
    out
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

/// A "billion laughs" of about 2 KB: nine levels of lists, each naming the level below ten
/// times, so it expands to 10^9 values. What the YAML budget must refuse at once; tests at every
/// entry point (service, API) send it.
#[doc(hidden)]
pub fn alias_bomb() -> String {
    let mut text = String::from("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for level in 1..=9 {
        let below = format!("*a{}", level - 1);
        let items = [below.as_str(); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    text.push_str("settings: *a9\n");
    text
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
    fn errors_do_not_repeat_a_long_value() {
        let long = "x".repeat(5_000);
        let e = parse_yaml(&format!("goal: ganon\nswords: !!float {long}\n")).unwrap_err();
        let message = e.message();
        assert!(
            message.starts_with("line 2, column 9: swords: invalid value: string \"xxx"),
            "{message}"
        );
        assert!(message.ends_with("x…\", expected a float"), "{message}");
        assert!(message.len() < 200, "{message}");
        let e = parse_yaml(&format!("? !x {long}\n: 1\n")).unwrap_err();
        assert!(e.message().contains("must be text"), "{}", e.message());
        assert!(e.message().len() < 200, "{}", e.message());
    }

    #[test]
    fn quoted_values_are_cut_and_escapes_kept_whole() {
        assert_eq!(shorten_quoted("no quotes here"), "no quotes here");
        assert_eq!(
            shorten_quoted(r#"a "short \" one" b"#),
            r#"a "short \" one" b"#
        );
        let exact = format!("\"{}\"", "x".repeat(QUOTED_VALUE_CHARS));
        assert_eq!(shorten_quoted(&exact), exact, "nothing cut, no mark");
        let unclosed = format!("open \"{}", "x".repeat(100));
        assert_eq!(
            shorten_quoted(&unclosed),
            format!("open \"{}…", "x".repeat(QUOTED_VALUE_CHARS))
        );
        let long = format!("value \"{}\" and \"ok\"", "é".repeat(100));
        assert_eq!(
            shorten_quoted(&long),
            format!("value \"{}…\" and \"ok\"", "é".repeat(QUOTED_VALUE_CHARS))
        );
    }

    #[test]
    fn settings_round_trip_to_yaml() {
        let p = parse_yaml("goal: ganon\nswords: [1, 2]\n").unwrap();
        let again = parse_yaml(&to_yaml(&p.settings).unwrap()).unwrap();
        assert_eq!(again.settings, p.settings);
    }
}
