//! The budgets of a preset document: refused before anything is built when it uses anchors or
//! aliases, or holds more values or levels than [`MAX_YAML_NODES`] / [`MAX_YAML_DEPTH`] — first
//! on the YAML events, then on serde_yaml's own walk (which is where aliases would expand).

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

use sdk::Error;

use super::{yaml_error, MAX_YAML_DEPTH, MAX_YAML_NODES};

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
pub(super) fn check_events(text: &str) -> Result<(), Error> {
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
pub(super) fn count_values(text: &str) -> Result<(), Error> {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::format::{alias_bomb, parse_yaml, MAX_YAML_BYTES};

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
}
