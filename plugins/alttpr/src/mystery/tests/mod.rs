//! Weightsets modelled on SahasrahBot's `presets/alttprmystery/*.yaml`, written as JSON the way
//! a YAML parser hands them over (mapping keys are strings), and helpers shared by the tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod customizer;
mod refusals;
mod rolling;

use serde_json::{json, Value};

use super::{roll, MysteryRoll, RollOptions};

/// Every required setting fixed, so a test varies only what it is about.
fn fixed() -> Value {
    json!({
        "description": "Everything fixed.",
        "glitches_required": "none",
        "item_placement": "advanced",
        "dungeon_items": "standard",
        "accessibility": "items",
        "goals": "ganon",
        "tower_open": "7",
        "ganon_open": "7",
        "world_state": "open",
        "entrance_shuffle": "none",
        "boss_shuffle": "none",
        "enemy_shuffle": "none",
        "hints": "off",
        "weapons": "randomized",
        "item_pool": "normal",
        "item_functionality": "normal",
        "enemy_damage": "default",
        "enemy_health": "default"
    })
}

/// `fixed()` with top-level keys replaced by those of `changes`.
fn with(changes: Value) -> Value {
    let mut weights = fixed();
    if let (Some(target), Some(changes)) = (weights.as_object_mut(), changes.as_object()) {
        for (key, value) in changes {
            target.insert(key.clone(), value.clone());
        }
    }
    weights
}

/// Shaped like `weighted.yaml`: every setting weighted, a boots-start customizer.
fn weighted() -> Value {
    json!({
        "description": "The default. Offers every setting, but with some balance.",
        "glitches_required": {
            "none": 100, "overworld_glitches": 0, "major_glitches": 0, "no_logic": 0
        },
        "item_placement": {"basic": 25, "advanced": 75},
        "dungeon_items": {"standard": 60, "mc": 10, "mcs": 10, "full": 20},
        "accessibility": {"items": 60, "locations": 10, "none": 30},
        "goals": {
            "ganon": 40, "fast_ganon": 20, "dungeons": 10, "pedestal": 20, "triforce-hunt": 10
        },
        "tower_open": {
            "0": 5, "1": 5, "2": 5, "3": 5, "4": 5, "5": 5, "6": 5, "7": 50, "random": 15
        },
        "ganon_open": {
            "0": 5, "1": 5, "2": 5, "3": 5, "4": 5, "5": 5, "6": 5, "7": 50, "random": 15
        },
        "world_state": {"standard": 35, "open": 35, "inverted": 20, "retro": 10},
        "entrance_shuffle": {
            "none": 60, "simple": 7, "restricted": 10, "full": 10, "crossed": 10, "insanity": 2
        },
        "boss_shuffle": {"none": 60, "simple": 10, "full": 10, "random": 20},
        "enemy_shuffle": {"none": 60, "shuffled": 20, "random": 20},
        "hints": {"on": 50, "off": 50},
        "weapons": {"randomized": 40, "assured": 40, "vanilla": 15, "swordless": 5},
        "item_pool": {"normal": 80, "hard": 15, "expert": 5, "crowd_control": 0},
        "item_functionality": {"normal": 80, "hard": 15, "expert": 5},
        "enemy_damage": {"default": 80, "shuffled": 10, "random": 10},
        "enemy_health": {"default": 80, "easy": 5, "hard": 10, "expert": 5},
        "customizer": {"eq": {"PegasusBoots": {"False": 70, "True": 30}}}
    })
}

/// Shaped like `ladder_season13.yaml`: rules on the crystal counts, and subweights that pick
/// entrance shuffle, a customizer game, or a timed-OHKO customizer game.
fn ladder() -> Value {
    json!({
        "description": "Ladder-style weights.",
        "options": {"FillItemPoolWith": "TwentyRupees2"},
        "allow_quickswap": true,
        "glitches_required": "none",
        "item_functionality": "normal",
        "item_placement": "advanced",
        "dungeon_items": "standard",
        "entrance_shuffle": "none",
        "world_state": {"standard": 30, "open": 30, "inverted": 20, "retro": 20},
        "goals": {
            "ganon": 25, "fast_ganon": 25, "dungeons": 25, "pedestal": 15, "triforce-hunt": 10
        },
        "accessibility": {"items": 75, "none": 25},
        "tower_open": {"0": 5, "1": 10, "2": 10, "3": 15, "4": 15, "5": 15, "6": 15, "7": 15},
        "ganon_open": {"3": 10, "4": 15, "5": 20, "6": 25, "7": 30},
        "boss_shuffle": {"none": 70, "full": 30},
        "enemy_shuffle": {"none": 70, "shuffled": 30},
        "enemy_damage": "default",
        "enemy_health": "default",
        "hints": {"off": 75, "on": 25},
        "weapons": {"randomized": 40, "assured": 30, "vanilla": 20, "swordless": 10},
        "item_pool": {"normal": 60, "hard": 30, "expert": 10},
        "rules": [
            {"conditions": [{"Key": "tower_open", "Value": 5}],
             "actions": {"ganon_open": {"5": 45, "6": 25, "7": 30}}},
            {"conditions": [{"Key": "tower_open", "Value": 6}],
             "actions": {"ganon_open": {"6": 70, "7": 30}}},
            {"conditions": [{"Key": "tower_open", "Value": 7}], "actions": {"ganon_open": 7}}
        ],
        "subweights": {
            "entrance": {"chance": 29, "weights": {
                "entrance_shuffle": {"crossed": 75, "restricted": 25},
                "dungeon_items": {"standard": 20, "full": 80}
            }},
            "normal": {"chance": 69, "weights": {"customizer": {
                "triforce-hunt": {"goal": [20, 40], "pool": 0, "min_difference": 10},
                "eq": {
                    "PegasusBoots": {"0": 50, "1": 50},
                    "Hookshot": {"0": 80, "1": 20},
                    "OcarinaActive": {"0": 80, "1": 20}
                },
                "custom": {
                    "customPrizePacks": "False",
                    "region.wildMaps": {"True": 60, "False": 40},
                    "region.wildCompasses": {"True": 60, "False": 40},
                    "region.wildKeys": {"True": 60, "False": 40},
                    "region.wildBigKeys": {"True": 60, "False": 40}
                }
            }}},
            "ohko": {"chance": 2, "weights": {
                "enemy_damage": "default",
                "boss_shuffle": "none",
                "enemy_shuffle": "none",
                "customizer": {
                    "timed-ohko": {
                        "timerStart": 600,
                        "clock": {
                            "GreenClock": {"value": 180, "pool": 12},
                            "BlueClock": {"value": 360, "pool": 4},
                            "RedClock": {"value": -240, "pool": 4}
                        }
                    },
                    "eq": {"PegasusBoots": {"0": 50, "1": 50}},
                    "custom": {"rom.timerMode": "countdown-ohko"},
                    "pool": {"PieceOfHeart": 4}
                }
            }}
        }
    })
}

/// Shaped like `chaos.yaml`'s customizer: every section at once.
fn chaos_customizer() -> Value {
    json!({
        "triforce-hunt": {"goal": [30, 60], "pool": [30, 70], "min_difference": 10},
        "timed-ohko": {
            "timerStart": [900, 1800],
            "clock": {
                "GreenClock": {"value": [60, 120], "pool": [10, 20]},
                "RedClock": {"value": [-120, 0], "pool": [1, 5]}
            }
        },
        "custom": {
            "customPrizePacks": {"True": 50, "False": 50},
            "region.wildKeys": {"True": 50, "False": 50},
            "rom.timerMode": {"countdown-ohko": 50, "off": 50},
            "rom.genericKeys": {"True": 5, "False": 95}
        },
        "pool": {
            "ProgressiveSword": {"4": 70, "6": 20, "8": 10},
            "Rupoor": {"0": 5, "3": 2, "6": 2},
            "TwentyRupees": 0
        },
        "eq": {
            "ProgressiveSword": {"0": 80, "1": 10, "2": 10},
            "Bottle1": {"0": 80, "1": 10, "7": 10},
            "PegasusBoots": {"0": 50, "1": 50}
        }
    })
}

fn roll_ok(weights: &Value, seed: u64) -> MysteryRoll {
    match roll(weights, seed, &RollOptions::default()) {
        Ok(rolled) => rolled,
        Err(error) => panic!("seed {seed}: {error}"),
    }
}

/// The error's key, for refusal tests.
fn refused_key(weights: &Value) -> String {
    match roll(weights, 1, &RollOptions::default()) {
        Ok(rolled) => panic!("expected a refusal, rolled {:?}", rolled.rolled),
        Err(error) => error.key,
    }
}

/// `payload.custom.item.count.<item>`.
fn count(rolled: &MysteryRoll, item: &str) -> i64 {
    rolled.payload["custom"]["item"]["count"][item]
        .as_i64()
        .unwrap_or_else(|| panic!("no count for {item}"))
}

fn pool_total(rolled: &MysteryRoll) -> i64 {
    rolled.payload["custom"]["item"]["count"]
        .as_object()
        .unwrap()
        .values()
        .map(|count| count.as_i64().unwrap())
        .sum()
}

fn eq_items(rolled: &MysteryRoll) -> Vec<String> {
    rolled.payload["eq"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item.as_str().unwrap().to_owned())
        .collect()
}
