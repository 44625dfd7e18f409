//! The website settings: which weight keys are rolled, where each lands in the alttpr.com body,
//! the door-randomizer keys that make a weightset unusable here, the fix-ups between settings
//! (§2.2 steps 7–8), and the weightset's `rules` (step 9).
//!
//! Rolled options are kept in one map keyed by the weight's own name (`goals`, `world_state`,
//! …), which is also what rules match on and what the spoiler shows; only [`write_payload`]
//! speaks alttpr.com's names.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::weights::{conv, join, refuse, truthy, Layer, Picker, Spec};
use super::{MysteryError, RollOptions};

/// What was rolled, by weight name.
pub(crate) type Rolled = BTreeMap<String, Value>;

/// Rules beyond this count are refused (a weightset needs a handful).
pub(crate) const MAX_RULES: usize = 64;

pub(crate) const DOORS_UNSUPPORTED: &str = "door randomizer weightsets are not supported here";

/// A website setting: its weight name, where it lands in the body, and its value when the
/// weightset leaves it out (`None`: the weightset must have it).
struct WebsiteSetting {
    key: &'static str,
    payload: &'static [&'static str],
    fallback: Option<Fallback>,
}

#[derive(Clone, Copy)]
enum Fallback {
    Text(&'static str),
    Flag(bool),
}

impl Fallback {
    fn value(self) -> Value {
        match self {
            Fallback::Text(text) => Value::from(text),
            Fallback::Flag(flag) => Value::Bool(flag),
        }
    }
}

const fn required(key: &'static str, payload: &'static [&'static str]) -> WebsiteSetting {
    WebsiteSetting {
        key,
        payload,
        fallback: None,
    }
}

const fn optional(
    key: &'static str,
    payload: &'static [&'static str],
    fallback: Fallback,
) -> WebsiteSetting {
    WebsiteSetting {
        key,
        payload,
        fallback: Some(fallback),
    }
}

/// In the upstream roll order; the weight names are the website's UI names.
const WEBSITE_SETTINGS: [WebsiteSetting; 20] = [
    required("glitches_required", &["glitches"]),
    required("item_placement", &["item_placement"]),
    required("dungeon_items", &["dungeon_items"]),
    required("accessibility", &["accessibility"]),
    required("goals", &["goal"]),
    required("ganon_open", &["crystals", "ganon"]),
    required("tower_open", &["crystals", "tower"]),
    required("world_state", &["mode"]),
    required("hints", &["hints"]),
    required("weapons", &["weapons"]),
    required("item_pool", &["item", "pool"]),
    required("item_functionality", &["item", "functionality"]),
    required("boss_shuffle", &["enemizer", "boss_shuffle"]),
    required("enemy_shuffle", &["enemizer", "enemy_shuffle"]),
    required("enemy_damage", &["enemizer", "enemy_damage"]),
    required("enemy_health", &["enemizer", "enemy_health"]),
    optional(
        "pot_shuffle",
        &["enemizer", "pot_shuffle"],
        Fallback::Text("off"),
    ),
    optional(
        "allow_quickswap",
        &["allow_quickswap"],
        Fallback::Flag(false),
    ),
    optional("pseudoboots", &["pseudoboots"], Fallback::Flag(false)),
    required("entrance_shuffle", &["entrances"]),
];

/// The keys whose non-vanilla roll sends a game to the local Door Randomizer upstream, with
/// their value when absent. Other door-only keys (`intensity`, `startinventory`, …) only shape
/// a door game and are ignored here, as upstream ignores them on the website path.
const DOOR_KEYS: [(&str, Fallback); 7] = [
    ("door_shuffle", Fallback::Text("vanilla")),
    ("keydropshuffle", Fallback::Flag(false)),
    ("dropshuffle", Fallback::Flag(false)),
    ("pottery", Fallback::Text("none")),
    ("shopsanity", Fallback::Flag(false)),
    ("collection_rate", Fallback::Flag(false)),
    ("bombbag", Fallback::Flag(false)),
];

fn is_door_key(key: &str) -> bool {
    DOOR_KEYS.iter().any(|(door, _)| *door == key)
}

/// Whether `key` names something the roller rolls (and rules may match or set).
pub(crate) fn is_rolled(key: &str) -> bool {
    is_door_key(key) || WEBSITE_SETTINGS.iter().any(|setting| setting.key == key)
}

/// `door_shuffle` and `pottery` are modes whose off value has a name; the rest are toggles that
/// upstream only counts when they roll `on` (YAML may also give a real boolean).
fn needs_door_randomizer(key: &str, value: &Value) -> bool {
    match key {
        "door_shuffle" | "pottery" => match value {
            Value::Null | Value::Bool(false) => false,
            Value::String(mode) => !matches!(mode.as_str(), "vanilla" | "none" | "off"),
            _ => true,
        },
        _ => value == "on" || value == &Value::Bool(true),
    }
}

pub(crate) fn text<'r>(rolled: &'r Rolled, key: &str) -> Option<&'r str> {
    rolled.get(key).and_then(Value::as_str)
}

fn set_text(rolled: &mut Rolled, key: &str, value: &str) {
    rolled.insert(key.to_owned(), Value::from(value));
}

/// §2.2 step 3. Absent door keys are recorded with their vanilla value so rules can match
/// them; the keys returned are those absent ones, for [`forget_defaults`].
pub(crate) fn roll_doors(
    layer: &Layer<'_>,
    picker: &mut Picker,
    rolled: &mut Rolled,
) -> Result<Vec<&'static str>, MysteryError> {
    let mut defaulted = Vec::new();
    for (key, fallback) in DOOR_KEYS {
        let value = match layer.get(key) {
            Some(entry) => match picker.pick(entry.value, &entry.path)? {
                Some(value) if needs_door_randomizer(key, &value) => {
                    return Err(refuse(entry.path.clone(), DOORS_UNSUPPORTED));
                }
                Some(value) => value,
                None => fallback.value(),
            },
            None => {
                defaulted.push(key);
                fallback.value()
            }
        };
        rolled.insert(key.to_owned(), value);
    }
    if let Some(options) = layer.get("options") {
        if truthy(options.value.get("force_doors").map(conv).as_ref()) {
            return Err(refuse(
                join(&options.path, "force_doors"),
                DOORS_UNSUPPORTED,
            ));
        }
    }
    Ok(defaulted)
}

/// Drops door keys the weightset never mentioned and no rule set, so a website weightset's
/// spoiler does not list door settings it has nothing to do with.
pub(crate) fn forget_defaults(rolled: &mut Rolled, defaulted: &[&str], touched: &BTreeSet<String>) {
    for key in defaulted {
        if !touched.contains(*key) {
            rolled.remove(*key);
        }
    }
}

/// §2.2 step 4: every website setting, one independent weighted choice each.
pub(crate) fn roll_website(
    layer: &Layer<'_>,
    picker: &mut Picker,
    rolled: &mut Rolled,
) -> Result<(), MysteryError> {
    // All missing keys are reported before any roll, so the error does not depend on the seed.
    if let Some(missing) = WEBSITE_SETTINGS
        .iter()
        .find(|setting| setting.fallback.is_none() && layer.get(setting.key).is_none())
    {
        return Err(refuse(missing.key, "this setting is required"));
    }
    for setting in &WEBSITE_SETTINGS {
        let entry = layer.get(setting.key);
        let value = match entry {
            Some(entry) => picker.pick(entry.value, &entry.path)?,
            None => None,
        };
        let value = match (value, setting.fallback) {
            (Some(value), _) => value,
            (None, Some(fallback)) => fallback.value(),
            (None, None) => {
                let path = entry.map_or(setting.key.to_owned(), |entry| entry.path.clone());
                return Err(refuse(path, "this setting has no options to roll"));
            }
        };
        rolled.insert(setting.key.to_owned(), value);
    }
    Ok(())
}

/// §2.2 steps 7 and 8.
pub(crate) fn apply_fixups(rolled: &mut Rolled) {
    // The website's entrance randomizer has no maps/compasses-only shuffles: take the nearest.
    if text(rolled, "entrance_shuffle") != Some("none") {
        match text(rolled, "dungeon_items") {
            Some("mc") => set_text(rolled, "dungeon_items", "standard"),
            Some("mcs") => set_text(rolled, "dungeon_items", "full"),
            _ => {}
        }
    }
    // An enemized standard escape without a sword is rarely beatable: give the uncle a sword.
    let has_sword = matches!(text(rolled, "weapons"), Some("vanilla" | "assured"));
    let enemized = text(rolled, "enemy_shuffle") != Some("none")
        || text(rolled, "enemy_damage") != Some("default")
        || text(rolled, "enemy_health") != Some("default");
    if !has_sword && text(rolled, "world_state") == Some("standard") && enemized {
        set_text(rolled, "weapons", "assured");
    }
}

/// Checks a `rules` list: `[{conditions: [{Key, Value, MatchType: exact}], actions: {key:
/// spec}}]`, where keys are settings the roller rolls.
pub(crate) fn validate_rules(value: &Value, path: &str) -> Result<(), MysteryError> {
    let rules = match value {
        Value::Null => return Ok(()),
        Value::Array(rules) => rules,
        _ => return Err(refuse(path, "expected a list of rules")),
    };
    if rules.len() > MAX_RULES {
        return Err(refuse(path, format!("more than {MAX_RULES} rules")));
    }
    for (index, rule) in rules.iter().enumerate() {
        let rule_path = join(path, &index.to_string());
        let Some(rule) = rule.as_object() else {
            return Err(refuse(
                rule_path,
                "a rule is a mapping with `conditions` and `actions`",
            ));
        };
        validate_conditions(rule.get("conditions"), &join(&rule_path, "conditions"))?;
        let actions_path = join(&rule_path, "actions");
        match rule.get("actions") {
            None | Some(Value::Null) => {}
            Some(Value::Object(actions)) => {
                for (key, spec) in actions {
                    let action_path = join(&actions_path, key);
                    if !is_rolled(key) {
                        return Err(refuse(action_path, "not a setting the roller rolls"));
                    }
                    Spec::parse(spec, &action_path)?;
                }
            }
            Some(_) => {
                return Err(refuse(
                    actions_path,
                    "expected a mapping of {setting: weights}",
                ))
            }
        }
    }
    Ok(())
}

fn validate_conditions(conditions: Option<&Value>, path: &str) -> Result<(), MysteryError> {
    let conditions = match conditions {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(conditions)) => conditions,
        Some(_) => return Err(refuse(path, "expected a list of conditions")),
    };
    for (index, condition) in conditions.iter().enumerate() {
        let condition_path = join(path, &index.to_string());
        let Some(condition) = condition.as_object() else {
            return Err(refuse(
                condition_path,
                "a condition is a mapping with `Key` and `Value`",
            ));
        };
        match condition.get("Key") {
            Some(Value::String(key)) if is_rolled(key) => {}
            Some(Value::String(_)) => {
                return Err(refuse(
                    join(&condition_path, "Key"),
                    "not a setting the roller rolls",
                ));
            }
            _ => {
                return Err(refuse(
                    join(&condition_path, "Key"),
                    "expected a setting name",
                ))
            }
        }
        match condition.get("Value") {
            Some(Value::Array(_) | Value::Object(_)) | None => {
                return Err(refuse(
                    join(&condition_path, "Value"),
                    "expected a single value",
                ));
            }
            Some(_) => {}
        }
        match condition.get("MatchType") {
            None | Some(Value::Null) => {}
            Some(kind) if kind == "exact" => {}
            Some(_) => {
                return Err(refuse(
                    join(&condition_path, "MatchType"),
                    "only `exact` is supported",
                ));
            }
        }
    }
    Ok(())
}

/// §2.2 step 9: each rule whose conditions all match re-rolls its actions, in list order, so a
/// later rule sees what an earlier one set. Returns the keys the rules set.
pub(crate) fn apply_rules(
    layer: &Layer<'_>,
    picker: &mut Picker,
    rolled: &mut Rolled,
) -> Result<BTreeSet<String>, MysteryError> {
    let mut touched = BTreeSet::new();
    let Some(entry) = layer.get("rules") else {
        return Ok(touched);
    };
    let Some(rules) = entry.value.as_array() else {
        return Err(refuse(entry.path.clone(), "expected a list of rules"));
    };
    for (index, rule) in rules.iter().enumerate() {
        let rule_path = join(&entry.path, &index.to_string());
        let matches = rule
            .get("conditions")
            .and_then(Value::as_array)
            .is_none_or(|conditions| {
                conditions
                    .iter()
                    .all(|condition| condition_holds(condition, rolled))
            });
        if !matches {
            continue;
        }
        let Some(actions) = rule.get("actions").and_then(Value::as_object) else {
            continue;
        };
        let mut keys: Vec<&String> = actions.keys().collect();
        keys.sort();
        for key in keys {
            let action_path = join(&join(&rule_path, "actions"), key);
            let Some(spec) = actions.get(key.as_str()) else {
                continue;
            };
            if !is_rolled(key) {
                return Err(refuse(action_path, "not a setting the roller rolls"));
            }
            if let Some(value) = picker.pick(spec, &action_path)? {
                if is_door_key(key) && needs_door_randomizer(key, &value) {
                    return Err(refuse(action_path, DOORS_UNSUPPORTED));
                }
                rolled.insert(key.clone(), value);
                touched.insert(key.clone());
            }
        }
    }
    Ok(touched)
}

/// `Value: "7"` and `Value: 7` both match a rolled `7`, as both spellings occur in weightsets.
fn condition_holds(condition: &Value, rolled: &Rolled) -> bool {
    let Some(key) = condition.get("Key").and_then(Value::as_str) else {
        return false;
    };
    let expected = condition.get("Value").map(conv).unwrap_or(Value::Null);
    rolled.get(key).is_some_and(|value| *value == expected)
}

/// §2.2 step 10: the rolled website settings and the caller's race options into the body.
pub(crate) fn write_payload(payload: &mut Value, rolled: &Rolled, options: &RollOptions) {
    for setting in &WEBSITE_SETTINGS {
        if let Some(value) = rolled.get(setting.key) {
            set_path(payload, setting.payload, value.clone());
        }
    }
    set_path(payload, &["tournament"], Value::Bool(options.tournament));
    set_path(
        payload,
        &["spoilers"],
        Value::from(options.spoilers.as_str()),
    );
}

fn set_path(target: &mut Value, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = target;
    for key in parents {
        let Value::Object(map) = node else {
            return;
        };
        node = map.entry(*key).or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(map) = node {
        map.insert((*last).to_owned(), value);
    }
}
