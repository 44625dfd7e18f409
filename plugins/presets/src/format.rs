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

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};
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
/// How deep lists and mappings may sit inside each other in a preset.
pub const MAX_YAML_DEPTH: usize = sdk::input::MAX_DOCUMENT_DEPTH;
/// How many values (mappings, lists, keys and settings) a preset may hold.
pub const MAX_YAML_NODES: usize = 50_000;

fn anchors_refused(place: String) -> Error {
    Error::invalid(
        "yaml",
        format!(
            "{place}Presets cannot use YAML anchors or aliases (&name / *name): write the values \
             out in full where they are used."
        ),
    )
}

fn too_deep() -> Error {
    Error::invalid(
        "yaml",
        format!(
            "The preset is nested more than {MAX_YAML_DEPTH} levels deep (lists and mappings \
             inside each other; the limit is {MAX_YAML_DEPTH}): flatten it."
        ),
    )
}

fn too_many_values() -> Error {
    Error::invalid(
        "yaml",
        format!(
            "The preset holds more than {MAX_YAML_NODES} values (keys, settings, lists; the limit \
             is {MAX_YAML_NODES}): remove some."
        ),
    )
}

/// Reads the YAML events: refuses anchors and aliases, and documents past the depth or node
/// budget, without building anything. A document this parser cannot read is refused here with
/// its line and column, never handed to serde_yaml: serde_yaml loads every event of a document
/// before looking at any, so a syntax error after, say, 100 000 nested `[` would otherwise cost
/// megabytes before being reported (the fuzz tests found it).
fn check_events(text: &str) -> Result<(), Error> {
    use saphyr_parser::{Event, Parser};
    let (mut depth, mut nodes) = (0usize, 0usize);
    for item in Parser::new_from_str(text) {
        let (event, span) = match item {
            Ok(item) => item,
            // Its limit on nested flow collections (255) is past ours.
            Err(e) if e.info().contains("recursion limit") => return Err(too_deep()),
            Err(e) => {
                return Err(Error::invalid(
                    "yaml",
                    format!(
                        "line {}, column {}: {}",
                        e.marker().line(),
                        e.marker().col() + 1,
                        e.info()
                    ),
                ))
            }
        };
        let place = || {
            format!(
                "line {}, column {}: ",
                span.start.line(),
                span.start.col() + 1
            )
        };
        match event {
            Event::Alias(_) => return Err(anchors_refused(place())),
            Event::Scalar(_, _, anchor, _) => {
                if anchor != 0 {
                    return Err(anchors_refused(place()));
                }
                nodes += 1;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if anchor != 0 {
                    return Err(anchors_refused(place()));
                }
                nodes += 1;
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return Err(too_deep());
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
        if nodes > MAX_YAML_NODES {
            return Err(too_many_values());
        }
    }
    Ok(())
}

/// Which budget serde_yaml's walk ran past.
#[derive(Clone, Copy)]
enum Exceeded {
    Depth,
    Nodes,
}

/// Walks the document as serde_yaml delivers it (aliases expanded, which is where a bomb
/// grows), counting values without keeping any, and stops at the budget. `depth` counts lists
/// and mappings (the document's top mapping is 1), as [`check_events`] does.
struct Count<'a> {
    nodes: &'a Cell<usize>,
    exceeded: &'a Cell<Option<Exceeded>>,
    depth: usize,
}

impl Count<'_> {
    fn value<E: de::Error>(&self) -> Result<(), E> {
        let n = self.nodes.get() + 1;
        self.nodes.set(n);
        if n > MAX_YAML_NODES {
            self.exceeded.set(Some(Exceeded::Nodes));
            return Err(E::custom("the preset holds too many values"));
        }
        Ok(())
    }

    /// A list or mapping: a value, one level deeper than its parent.
    fn collection<E: de::Error>(&self) -> Result<(), E> {
        self.value()?;
        if self.depth > MAX_YAML_DEPTH {
            self.exceeded.set(Some(Exceeded::Depth));
            return Err(E::custom("the preset is nested too deeply"));
        }
        Ok(())
    }

    fn child(&self) -> Count<'_> {
        Count {
            nodes: self.nodes,
            exceeded: self.exceeded,
            depth: self.depth + 1,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Count<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Count<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.value()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.value()
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.value()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.value()
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.value()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.value()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.value()
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<(), E> {
        self.value()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.value()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.value()
    }
    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }
    fn visit_newtype_struct<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.collection()?;
        while seq.next_element_seed(self.child())?.is_some() {}
        Ok(())
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.collection()?;
        while map.next_key_seed(self.child())?.is_some() {
            map.next_value_seed(self.child())?;
        }
        Ok(())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged value (`!tag value`): the tag, then the value.
        use serde::de::VariantAccess;
        self.value()?;
        let ((), variant) = data.variant_seed(self.child())?;
        variant.newtype_variant_seed(self.child())
    }
}

/// serde_yaml's own reading of the document, held to the budget: Ok, or the budget's error,
/// or serde_yaml's error (with its place) for a document it cannot read.
fn count_values(text: &str) -> Result<(), Error> {
    let nodes = Cell::new(0);
    let exceeded = Cell::new(None);
    let count = Count {
        nodes: &nodes,
        exceeded: &exceeded,
        depth: 1,
    };
    let result = count.deserialize(serde_yaml::Deserializer::from_str(text));
    match (result, exceeded.get()) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(Exceeded::Nodes)) => Err(too_many_values()),
        (Err(_), Some(Exceeded::Depth)) => Err(too_deep()),
        (Err(e), None) => Err(yaml_error(&e)),
    }
}

fn yaml_error(e: &serde_yaml::Error) -> Error {
    let place = e
        .location()
        .map(|l| format!("line {}, column {}: ", l.line(), l.column()))
        .unwrap_or_default();
    Error::invalid("yaml", format!("{place}{}", first_line(&e.to_string())))
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
    fn yaml_alias_bomb_is_refused_quickly() {
        let bomb = alias_bomb();
        assert!(bomb.len() < 2_500, "{}", bomb.len());
        let started = std::time::Instant::now();
        let e = parse_yaml(&bomb).unwrap_err();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(e.field(), Some("yaml"));
        assert!(
            e.message().contains("cannot use YAML anchors or aliases"),
            "{}",
            e.message()
        );
        assert!(
            e.message().starts_with("line 1, column "),
            "{}",
            e.message()
        );
    }

    #[test]
    fn alias_bomb_is_stopped_by_the_value_budget_too() {
        // The second line on its own: serde_yaml's walk, which expands aliases, stops at the
        // node budget instead of building a billion values.
        let started = std::time::Instant::now();
        let e = count_values(&alias_bomb()).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(
            e.message()
                .contains(&format!("more than {MAX_YAML_NODES} values")),
            "{}",
            e.message()
        );
    }

    #[test]
    fn anchors_and_aliases_are_refused_in_every_form() {
        for text in [
            "base: &b {goal: ganon}\nother: *b\n",
            "a: &x 1\n",
            "a: !!str &x text\n",
            "list:\n  - &item one\n  - *item\n",
            "base: &b\n  goal: ganon\nderived:\n  <<: *b\n  mode: open\n",
            "? &k key\n: value\n",
            "&top\ngoal: ganon\n",
        ] {
            let e = parse_yaml(text).unwrap_err();
            assert!(
                e.message().contains("anchors or aliases"),
                "{text:?}: {}",
                e.message()
            );
        }
    }

    #[test]
    fn ampersands_and_asterisks_in_values_are_fine() {
        let p = parse_yaml(
            "name: \"a & b\"\nplain: a & b\nsingle: '&not_an_anchor'\nstars: \"*x\"\nemphasis: a *b* c\nnotes: |\n  *bold* and &amp;\n  - &x not an anchor\nquoted_key_&: 1\n",
        )
        .unwrap();
        assert_eq!(p.settings["name"], "a & b");
        assert_eq!(p.settings["plain"], "a & b");
        assert_eq!(p.settings["single"], "&not_an_anchor");
        assert_eq!(p.settings["stars"], "*x");
        assert_eq!(p.settings["emphasis"], "a *b* c");
        assert_eq!(
            p.settings["notes"],
            "*bold* and &amp;\n- &x not an anchor\n"
        );
        assert_eq!(p.settings["quoted_key_&"], 1);
    }

    #[test]
    fn deeply_nested_yaml_is_refused() {
        let deep = |levels: usize| {
            let mut text = String::new();
            for level in 0..levels {
                text.push_str(&"  ".repeat(level));
                text.push_str(&format!("k{level}:\n"));
            }
            text.push_str(&"  ".repeat(levels));
            text.push_str("leaf: 1\n");
            text
        };
        // `levels` keys each open a mapping under the top one.
        assert!(parse_yaml(&deep(MAX_YAML_DEPTH - 1)).is_ok());
        let e = parse_yaml(&deep(MAX_YAML_DEPTH)).unwrap_err();
        assert!(
            e.message().contains("nested more than 32 levels"),
            "{}",
            e.message()
        );
        // Flow style, far past serde_yaml's own recursion limit.
        let flow = format!("a: {}1{}\n", "[".repeat(5_000), "]".repeat(5_000));
        let e = parse_yaml(&flow).unwrap_err();
        assert!(e.message().contains("nested more than"), "{}", e.message());
        let e = count_values(&format!("a: {}1{}\n", "[".repeat(100), "]".repeat(100))).unwrap_err();
        assert!(e.message().contains("nested more than"), "{}", e.message());
    }

    #[test]
    fn presets_with_too_many_values_are_refused() {
        let items = vec!["1"; MAX_YAML_NODES].join(",");
        let text = format!("list: [{items}]\n");
        assert!(text.len() < MAX_YAML_BYTES);
        let e = parse_yaml(&text).unwrap_err();
        assert!(
            e.message()
                .contains(&format!("more than {MAX_YAML_NODES} values")),
            "{}",
            e.message()
        );
        let e = count_values(&text).unwrap_err();
        assert!(e.message().contains("values"), "{}", e.message());
        let e = parse_yaml(&format!("a: \"{}\"\n", "x".repeat(MAX_YAML_BYTES))).unwrap_err();
        assert!(
            e.message().contains("the limit is 200 KB"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn settings_round_trip_to_yaml() {
        let p = parse_yaml("goal: ganon\nswords: [1, 2]\n").unwrap();
        let again = parse_yaml(&to_yaml(&p.settings).unwrap()).unwrap();
        assert_eq!(again.settings, p.settings);
    }
}
