//! Malformed weightsets are refused with the dotted path of the offending weight.

use serde_json::{json, Value};

use super::{refused_key, with};
use crate::mystery::{roll, RollOptions, ROOT_KEY};

/// Subweights nested `levels` deep, each with a single always-picked entry.
fn nested(levels: usize) -> Value {
    let mut weights = json!({"goals": "pedestal"});
    for _ in 0..levels {
        weights = json!({"subweights": {"deeper": {"chance": 1, "weights": weights}}});
    }
    weights
}

#[test]
fn the_weightset_must_be_a_mapping() {
    assert_eq!(refused_key(&json!(["goals"])), ROOT_KEY);
    assert_eq!(refused_key(&json!("weighted")), ROOT_KEY);
}

#[test]
fn bad_weights_name_the_option() {
    assert_eq!(
        refused_key(&with(json!({"goals": {"ganon": -1, "pedestal": 5}}))),
        "goals.ganon"
    );
    assert_eq!(
        refused_key(&with(json!({"goals": {"ganon": "lots"}}))),
        "goals.ganon"
    );
    assert_eq!(
        refused_key(&with(json!({"goals": {"ganon": true}}))),
        "goals.ganon"
    );
    assert_eq!(
        refused_key(&with(json!({"goals": {"ganon": 0, "pedestal": 0}}))),
        "goals"
    );
    assert_eq!(refused_key(&with(json!({"hints": ["on", "off"]}))), "hints");
}

#[test]
fn a_bad_weight_in_a_subweight_is_found_even_when_not_picked() {
    let weights = with(json!({"subweights": {
        "main": {"chance": 1},
        "friendly": {"chance": 0, "weights": {"goals": {"ganon": 10, "fast_ganon": "x"}}}
    }}));
    assert_eq!(
        refused_key(&weights),
        "subweights.friendly.weights.goals.fast_ganon"
    );
    let error = roll(&weights, 1, &RollOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "subweights.friendly.weights.goals.fast_ganon: a weight must be a non-negative number"
    );
}

#[test]
fn subweights_need_a_chance() {
    let weights = with(json!({"subweights": {"a": {"weights": {"goals": "pedestal"}}}}));
    assert_eq!(refused_key(&weights), "subweights.a.chance");
    let weights = with(json!({"subweights": {"a": {"chance": "often"}}}));
    assert_eq!(refused_key(&weights), "subweights.a.chance");
    let weights = with(json!({"subweights": {"a": {"chance": 0}, "b": {"chance": 0}}}));
    assert_eq!(refused_key(&weights), "subweights");
    let weights = with(json!({"subweights": {"a": {"chance": 1, "weights": ["goals"]}}}));
    assert_eq!(refused_key(&weights), "subweights.a.weights");
}

#[test]
fn subweights_nest_at_most_eight_levels() {
    let mut deep = with(nested(8));
    let rolled = roll(&deep, 1, &RollOptions::default()).unwrap();
    assert_eq!(rolled.payload["goal"], "pedestal");
    assert_eq!(rolled.rolled["subweights"].as_array().unwrap().len(), 8);

    deep = with(nested(9));
    let key = refused_key(&deep);
    assert_eq!(
        key,
        format!("{}subweights", "subweights.deeper.weights.".repeat(8))
    );

    // Refused even in a branch that is never picked.
    let unpicked = with(json!({"subweights": {
        "main": {"chance": 1},
        "deep": {"chance": 0, "weights": nested(8)}
    }}));
    let inner = "subweights.deeper.weights.".repeat(7);
    assert_eq!(
        refused_key(&unpicked),
        format!("subweights.deep.weights.{inner}subweights")
    );
}

#[test]
fn missing_website_settings_are_named() {
    let mut weights = with(json!({}));
    weights.as_object_mut().unwrap().remove("world_state");
    assert_eq!(refused_key(&weights), "world_state");
    weights = with(json!({"goals": null}));
    assert_eq!(refused_key(&weights), "goals");
    weights = with(json!({"entrance_shuffle": {}}));
    assert_eq!(refused_key(&weights), "entrance_shuffle");
}

#[test]
fn bad_rules_are_named() {
    let rule = |rules: Value| refused_key(&with(json!({"rules": rules})));
    assert_eq!(rule(json!({"conditions": []})), "rules");
    assert_eq!(rule(json!(["not a rule"])), "rules.0");
    assert_eq!(
        rule(json!([{"conditions": [{"Key": "weapons"}], "actions": {}}])),
        "rules.0.conditions.0.Value"
    );
    assert_eq!(
        rule(json!([{"conditions": [{"Key": "wepaons", "Value": "swordless"}]}])),
        "rules.0.conditions.0.Key"
    );
    assert_eq!(
        rule(json!([{"conditions": [
            {"Key": "weapons", "Value": "swordless", "MatchType": "regex"}
        ]}])),
        "rules.0.conditions.0.MatchType"
    );
    assert_eq!(
        rule(json!([{"conditions": [], "actions": {"goals": "ganon"}},
                    {"conditions": [], "actions": {"bogus": "x"}}])),
        "rules.1.actions.bogus"
    );
    assert_eq!(
        rule(json!([{"conditions": [], "actions": {"item_pool": {"hard": -5}}}])),
        "rules.0.actions.item_pool.hard"
    );
    assert_eq!(
        rule(json!([{"conditions": {"Key": "weapons"}}])),
        "rules.0.conditions"
    );
    let many: Vec<Value> = (0..65)
        .map(|_| json!({"conditions": [], "actions": {}}))
        .collect();
    assert_eq!(rule(Value::from(many)), "rules");
    let enough: Vec<Value> = (0..64)
        .map(|_| json!({"conditions": [], "actions": {}}))
        .collect();
    assert!(roll(&with(json!({"rules": enough})), 1, &RollOptions::default()).is_ok());
}

#[test]
fn bad_customizer_sections_are_named() {
    let customizer = |section: Value| refused_key(&with(json!({"customizer": section})));
    assert_eq!(customizer(json!("yes")), "customizer");
    assert_eq!(customizer(json!({"eq": ["PegasusBoots"]})), "customizer.eq");
    assert_eq!(
        customizer(json!({"eq": {"PegasusBoots": {"lots": 1}}})),
        "customizer.eq.PegasusBoots.lots"
    );
    assert_eq!(
        customizer(json!({"eq": {"Hookshot": 100_000}})),
        "customizer.eq.Hookshot"
    );
    assert_eq!(
        customizer(json!({"pool": {"Rupoor": {"-3": 1}}})),
        "customizer.pool.Rupoor.-3"
    );
    assert_eq!(
        customizer(json!({"custom": {"item": {"count": {}}}})),
        "customizer.custom.item"
    );
    assert_eq!(
        customizer(json!({"triforce-hunt": {"goal": [40, 20]}})),
        "customizer.triforce-hunt.goal"
    );
    assert_eq!(
        customizer(json!({"triforce-hunt": {"pool": [10, 20, 30]}})),
        "customizer.triforce-hunt.pool"
    );
    assert_eq!(
        customizer(json!({"timed-ohko": {"clock": {"GreenClock": {"value": 10, "pool": [5, 1]}}}})),
        "customizer.timed-ohko.clock.GreenClock.pool"
    );
    assert_eq!(
        customizer(json!({"timed-ohko": {"timerStart": "soon"}})),
        "customizer.timed-ohko.timerStart"
    );
    let weights = with(json!({"options": {"FillItemPoolWith": 5}}));
    assert_eq!(refused_key(&weights), "options.FillItemPoolWith");
}

#[test]
fn an_unknown_spoiler_mode_is_refused() {
    let options = RollOptions {
        spoilers: "sometimes".to_owned(),
        tournament: true,
    };
    let error = roll(&with(json!({})), 1, &options).unwrap_err();
    assert_eq!(error.key, "spoilers");
}
