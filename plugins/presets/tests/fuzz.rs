//! Fuzzing the preset format's entry points: arbitrary text, YAML indicator soup, generated
//! structured documents (JSON and YAML) and the seeded hostile documents of
//! `presets::samples` (deep nesting, anchors and aliases, huge scalars, odd unicode, tags) go
//! through `format::parse_yaml`, the service's `check_yaml`, and `create_preset` on SQLite and
//! PostgreSQL. Whatever comes in: no panic, and either a result or a clear `Invalid` error on
//! the `yaml` field (`tests/budget_memory.rs` shows that documents past the budgets are refused
//! before anything is built). The case counts are fixed so the whole file runs in a few
//! seconds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use presets::{
    format,
    samples::hostile_yaml,
    service::{self, NamespaceInput, PresetInput},
};
use proptest::{prelude::*, strategy::ValueTree, test_runner::TestRunner};
use sdk::{auth::GlobalLevel, db::Backend, time::now_ms};
use serde_json::Value;
use testkit::both_backends;

// ----- the property every entry point must keep -----

/// Ok, or a clear refusal: `Invalid` on `yaml` with a message that is not empty and not a dump
/// of the document.
fn assert_clear(text: &str, result: &Result<format::ParsedPreset, sdk::Error>) {
    match result {
        Ok(parsed) => {
            assert!(parsed.settings.is_object(), "{text:?} → {parsed:?}");
            let (depth, nodes) = size(&parsed.settings);
            assert!(
                depth <= format::MAX_YAML_DEPTH && nodes <= format::MAX_YAML_NODES,
                "an accepted preset is within the preset budget: {depth} deep, {nodes} values"
            );
        }
        Err(e) => {
            assert_eq!(e.kind(), "Invalid", "{text:?} → {e:?}");
            assert_eq!(e.field(), Some("yaml"), "{text:?} → {e:?}");
            let message = e.message();
            assert!(!message.trim().is_empty(), "{text:?}");
            assert!(message.len() < 2_000, "{text:?} → {message}");
        }
    }
}

/// (depth of lists and objects, number of values and keys) of a stored document.
fn size(value: &Value) -> (usize, usize) {
    let mut stack = vec![(value, 1)];
    let (mut depth, mut nodes) = (0, 0);
    while let Some((value, level)) = stack.pop() {
        nodes += 1;
        match value {
            Value::Array(items) => {
                depth = depth.max(level);
                stack.extend(items.iter().map(|v| (v, level + 1)));
            }
            Value::Object(map) => {
                depth = depth.max(level);
                nodes += map.len();
                stack.extend(map.values().map(|v| (v, level + 1)));
            }
            _ => {}
        }
    }
    (depth, nodes)
}

fn check_text(text: &str) {
    let parsed = format::parse_yaml(text);
    assert_clear(text, &parsed);
    // The service's check agrees with the parser.
    match (service::check_yaml(text), &parsed) {
        (Ok(_), Ok(_)) => {}
        (Err(a), Err(b)) => assert_eq!(a.message(), b.message()),
        (a, b) => panic!("{text:?}: check_yaml {a:?} but parse_yaml {b:?}"),
    }
}

// ----- generated documents -----

/// A JSON value within the budgets whose text both parsers read the same way: text without
/// control or special characters, integers, booleans and nulls.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9 _.:#&*!|>'\"%@`,?{}\\[\\]-]{0,20}".prop_map(Value::String),
        "\\PC{0,10}"
            .prop_filter("printable", |s| s.chars().all(|c| !c.is_control()
                && !['\u{feff}', '\u{fffe}', '\u{ffff}', '\u{2028}', '\u{2029}']
                    .contains(&c)))
            .prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 120, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn json_document() -> impl Strategy<Value = Value> {
    prop::collection::btree_map("[a-z_]{1,8}", json_value(), 0..8)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// Flow-style YAML built from pieces that mean something to the parser.
fn yaml_soup() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "- ",
        ": ",
        "? ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "&a ",
        "*a",
        "!!str ",
        "!x ",
        "|\n",
        ">\n",
        "'",
        "\"",
        "%YAML 1.2\n",
        "---\n",
        "...\n",
        "#c\n",
        "\n",
        "  ",
        "\t",
        "key",
        "1",
        "<<",
        "\u{feff}",
        "\u{202e}",
        "\\u0000",
        "\u{85}",
        "é",
    ];
    prop::collection::vec(prop::sample::select(PIECES), 0..120).prop_map(|pieces| pieces.concat())
}

const CASES: u32 = 256;

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any text at all.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}|.{0,300}") {
        check_text(&text);
    }

    /// Any bytes, as the browser might send after a bad paste (lossily made text).
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_text(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn yaml_indicator_soup_never_panics(text in yaml_soup()) {
        check_text(&text);
    }

    /// The seeded hostile documents: every family, many seeds.
    #[test]
    fn hostile_documents_are_accepted_or_refused_clearly(seed in any::<u64>()) {
        check_text(&hostile_yaml(seed));
    }

    /// A JSON document (what the API carries) and its YAML form both read back as the same
    /// settings.
    #[test]
    fn structured_documents_round_trip(value in json_document()) {
        let json = serde_json::to_string(&value).unwrap();
        let parsed = format::parse_yaml(&json);
        assert_clear(&json, &parsed);
        prop_assert_eq!(&parsed.unwrap().settings, &value);
        let yaml = format::to_yaml(&value).unwrap();
        let again = format::parse_yaml(&yaml);
        assert_clear(&yaml, &again);
        prop_assert_eq!(&again.unwrap().settings, &value);
    }
}

// ----- the service's create path, on both databases -----

async fn check_create_preset_survives_generated_documents(backend: Backend) {
    let w = common::world(backend).await;
    let ada = w.user("ada", GlobalLevel::User).await;
    let presets = &w.presets;
    let namespace = NamespaceInput {
        slug: "fuzz".into(),
        display_name: "Fuzz".into(),
        description: String::new(),
        is_public: true,
        for_organization: false,
    };
    presets
        .create_namespace(None, &ada, namespace, now_ms())
        .await
        .unwrap();

    // Seeded hostile documents and generated JSON documents, a fixed number of each.
    let mut documents: Vec<String> = (0..40u64).map(|s| hostile_yaml(s * 7919)).collect();
    let mut runner = TestRunner::deterministic();
    let strategy = json_document();
    for _ in 0..20 {
        let value = strategy.new_tree(&mut runner).unwrap().current();
        documents.push(serde_json::to_string(&value).unwrap());
    }
    let mut stored = 0;
    for (i, yaml) in documents.iter().enumerate() {
        let expected = format::parse_yaml(yaml);
        let input = PresetInput {
            namespace: Some("fuzz".into()),
            randomizer: "alttpr".into(),
            name: format!("p{i}"),
            description: String::new(),
            yaml: yaml.clone(),
            is_public: true,
        };
        let created = presets.create_preset(None, &ada, input, now_ms()).await;
        match (created, expected) {
            (Ok(preset), Ok(parsed)) => {
                assert_eq!(preset.settings, parsed.settings, "document {i}");
                stored += 1;
            }
            (Err(e), Err(parsed_error)) => {
                assert_eq!(e.kind(), "Invalid", "document {i}: {e:?}");
                assert_eq!(e.message(), parsed_error.message(), "document {i}");
            }
            // A document the parser accepts may still carry a description the service refuses.
            (Err(e), Ok(_)) => assert_eq!(e.kind(), "Invalid", "document {i}: {e:?}"),
            (Ok(_), Err(e)) => {
                panic!("document {i} was stored though the parser refuses it: {e:?}")
            }
        }
    }
    // Exactly the accepted ones were stored, nothing half-written.
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM randomizer_presets")
        .fetch_one(w.test.db.pool())
        .await
        .unwrap();
    assert_eq!(rows, stored, "{stored} accepted");
    assert!(stored > 0, "some documents are ordinary presets");
}
both_backends!(
    create_preset_survives_generated_documents,
    check_create_preset_survives_generated_documents
);
