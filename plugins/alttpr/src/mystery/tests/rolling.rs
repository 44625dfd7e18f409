//! Weighted choice, determinism, subweights, website settings, fix-ups, rules, presets, doors.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{fixed, ladder, refused_key, roll_ok, weighted, with};
use crate::mystery::{roll, Endpoint, RollOptions};

const ROLLS: u64 = 10_000;

/// Share of each rolled value of `key` over `ROLLS` seeds.
fn shares(
    weights: &Value,
    key: impl Fn(&crate::mystery::MysteryRoll) -> String,
) -> BTreeMap<String, f64> {
    let mut counts = BTreeMap::new();
    for seed in 0..ROLLS {
        *counts.entry(key(&roll_ok(weights, seed))).or_insert(0_u64) += 1;
    }
    counts
        .into_iter()
        .map(|(value, n)| (value, n as f64 / ROLLS as f64))
        .collect()
}

fn assert_close(shares: &BTreeMap<String, f64>, expected: &[(&str, f64)]) {
    assert_eq!(shares.len(), expected.len(), "rolled values: {shares:?}");
    for (value, share) in expected {
        let got = shares.get(*value).copied().unwrap_or(0.0);
        assert!(
            (got - share).abs() <= 0.02,
            "{value}: rolled {got:.4}, weight share {share:.4} ({shares:?})"
        );
    }
}

#[test]
fn options_are_rolled_in_proportion_to_their_weights() {
    let weights = with(json!({"goals": {"ganon": 70, "fast_ganon": 20, "dungeons": 10}}));
    let shares = shares(&weights, |rolled| {
        rolled.rolled["goals"].as_str().unwrap().to_owned()
    });
    assert_close(
        &shares,
        &[("ganon", 0.7), ("fast_ganon", 0.2), ("dungeons", 0.1)],
    );
}

#[test]
fn fractional_weights_and_zero_weights() {
    // Weights need not sum to 100, may be fractions, and zero never rolls.
    let weights = with(json!({"hints": {"on": 2.5, "off": 7.5, "never": 0}}));
    let shares = shares(&weights, |rolled| {
        rolled.payload["hints"].as_str().unwrap().to_owned()
    });
    assert_close(&shares, &[("on", 0.25), ("off", 0.75)]);
}

#[test]
fn subweights_are_picked_in_proportion_to_their_chance() {
    let weights = with(json!({"subweights": {
        "casual": {"chance": 50, "weights": {"goals": "fast_ganon"}},
        "hard": {"chance": 30, "weights": {"item_pool": "hard"}},
        "same": {"chance": 20}
    }}));
    let shares = shares(&weights, |rolled| {
        rolled.rolled["subweights"][0].as_str().unwrap().to_owned()
    });
    assert_close(&shares, &[("casual", 0.5), ("hard", 0.3), ("same", 0.2)]);
}

#[test]
fn the_same_seed_rolls_the_same_game() {
    for weights in [weighted(), ladder()] {
        for seed in [0, 1, 42, u64::MAX] {
            assert_eq!(roll_ok(&weights, seed), roll_ok(&weights, seed));
        }
    }
}

#[test]
fn different_seeds_roll_different_games() {
    for weights in [weighted(), ladder()] {
        let first = roll_ok(&weights, 0);
        let differing = (1..=50)
            .map(|seed| roll_ok(&weights, seed))
            .filter(|other| other.payload != first.payload && other.rolled != first.rolled)
            .count();
        assert!(differing > 0, "50 seeds all rolled seed 0's game");
    }
}

#[test]
fn nested_subweights_merge_one_key_deep() {
    let weights = with(json!({
        "world_state": "inverted",
        "subweights": {"outer": {"chance": 1, "weights": {
            "goals": "pedestal",
            "subweights": {
                "inner": {"chance": 1, "weights": {"item_pool": "hard", "goals": "dungeons"}},
                "never": {"chance": 0, "weights": {"item_pool": "expert"}}
            }
        }}}
    }));
    let rolled = roll_ok(&weights, 3);
    assert_eq!(rolled.rolled["subweights"], json!(["outer", "inner"]));
    assert_eq!(rolled.payload["goal"], "dungeons");
    assert_eq!(rolled.payload["item"]["pool"], "hard");
    assert_eq!(
        rolled.payload["mode"], "inverted",
        "a key no subweight names keeps the parent's"
    );
}

#[test]
fn a_subweight_without_weights_keeps_the_parent() {
    let plain = roll_ok(&fixed(), 5);
    let weights = with(json!({"subweights": {"default": {"chance": 1}}}));
    let rolled = roll_ok(&weights, 5);
    assert_eq!(rolled.payload, plain.payload);
    assert_eq!(rolled.rolled["subweights"], json!(["default"]));
}

#[test]
fn a_subweight_customizer_replaces_the_parent_customizer_wholesale() {
    let weights = with(json!({
        "customizer": {"eq": {"PegasusBoots": 1}, "pool": {"Rupoor": 5}},
        "subweights": {"swap": {"chance": 1, "weights": {
            "customizer": {"custom": {"rom.genericKeys": true}}
        }}}
    }));
    let rolled = roll_ok(&weights, 1);
    assert_eq!(rolled.endpoint, Endpoint::Customizer);
    assert_eq!(rolled.payload["custom"]["rom.genericKeys"], true);
    assert_eq!(
        super::eq_items(&rolled),
        vec!["BossHeartContainer"; 3],
        "the parent's eq is gone"
    );
    assert_eq!(super::count(&rolled, "PegasusBoots"), 1);
    assert_eq!(
        super::count(&rolled, "Rupoor"),
        0,
        "the parent's pool is gone"
    );
}

#[test]
fn a_null_subweight_customizer_cancels_the_customizer() {
    let weights = with(json!({
        "customizer": {"eq": {"PegasusBoots": 1}},
        "subweights": {"plain": {"chance": 1, "weights": {"customizer": null}}}
    }));
    let rolled = roll_ok(&weights, 1);
    assert_eq!(rolled.endpoint, Endpoint::Randomizer);
    assert!(rolled.payload.get("custom").is_none());
    assert!(rolled.payload.get("eq").is_none());
}

#[test]
fn entrance_shuffle_ignores_the_customizer_and_maps_dungeon_items() {
    let customizer = json!({"eq": {"PegasusBoots": 1}, "custom": {"region.wildKeys": true}});
    for (items, sent) in [
        ("mc", "standard"),
        ("mcs", "full"),
        ("full", "full"),
        ("standard", "standard"),
    ] {
        let weights = with(json!({
            "entrance_shuffle": "crossed", "dungeon_items": items, "customizer": customizer
        }));
        let rolled = roll_ok(&weights, 2);
        assert_eq!(rolled.endpoint, Endpoint::Randomizer);
        assert!(rolled.payload.get("custom").is_none());
        assert_eq!(rolled.payload["entrances"], "crossed");
        assert_eq!(
            rolled.payload["dungeon_items"], sent,
            "{items} with entrance shuffle"
        );
    }
    let rolled = roll_ok(&with(json!({"dungeon_items": "mc"})), 2);
    assert_eq!(
        rolled.payload["dungeon_items"], "mc",
        "mc stays without entrance shuffle"
    );
}

#[test]
fn crystal_counts_arrive_as_integers() {
    let rolled = roll_ok(
        &with(json!({"tower_open": {"7": 1}, "ganon_open": "random"})),
        1,
    );
    assert_eq!(rolled.payload["crystals"]["tower"], json!(7));
    assert!(rolled.payload["crystals"]["tower"].is_i64());
    assert_eq!(rolled.payload["crystals"]["ganon"], "random");
    assert_eq!(rolled.rolled["tower_open"], json!(7));
}

#[test]
fn the_payload_has_the_api_names_and_shape() {
    let weights = with(json!({
        "glitches_required": "overworld_glitches", "goals": "fast_ganon", "world_state": "inverted",
        "tower_open": "5", "ganon_open": "6", "item_pool": "hard", "item_functionality": "expert",
        "boss_shuffle": "full", "enemy_shuffle": "shuffled", "enemy_damage": "random",
        "enemy_health": "hard", "pot_shuffle": "on", "allow_quickswap": "true", "pseudoboots": true,
        "hints": "on", "entrance_shuffle": "simple", "weapons": "swordless"
    }));
    let rolled = roll_ok(&weights, 9);
    assert_eq!(
        rolled.payload,
        json!({
            "glitches": "overworld_glitches", "item_placement": "advanced",
            "dungeon_items": "standard", "accessibility": "items", "goal": "fast_ganon",
            "crystals": {"ganon": 6, "tower": 5}, "mode": "inverted", "hints": "on",
            "weapons": "swordless", "item": {"pool": "hard", "functionality": "expert"},
            "tournament": true, "spoilers": "mystery", "lang": "en",
            "enemizer": {"boss_shuffle": "full", "enemy_shuffle": "shuffled",
                         "enemy_damage": "random", "enemy_health": "hard", "pot_shuffle": "on"},
            "entrances": "simple", "allow_quickswap": true, "pseudoboots": true
        })
    );
}

#[test]
fn race_options_come_from_the_caller() {
    let options = RollOptions {
        spoilers: "generate".to_owned(),
        tournament: false,
    };
    let rolled = roll(&fixed(), 4, &options).unwrap();
    assert_eq!(rolled.payload["spoilers"], "generate");
    assert_eq!(rolled.payload["tournament"], false);
    assert_eq!(
        rolled.payload["allow_quickswap"], false,
        "quickswap defaults to off"
    );
    assert_eq!(rolled.payload["pseudoboots"], false);
    assert_eq!(rolled.payload["enemizer"]["pot_shuffle"], "off");
}

#[test]
fn an_enemized_standard_start_gets_an_assured_sword() {
    let case = |weapons: &str, world: &str, enemies: &str| {
        let weights =
            with(json!({"weapons": weapons, "world_state": world, "enemy_shuffle": enemies}));
        roll_ok(&weights, 1).payload["weapons"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(case("randomized", "standard", "shuffled"), "assured");
    assert_eq!(case("swordless", "standard", "random"), "assured");
    assert_eq!(case("vanilla", "standard", "shuffled"), "vanilla");
    assert_eq!(case("randomized", "open", "shuffled"), "randomized");
    assert_eq!(case("randomized", "standard", "none"), "randomized");
    let damage = with(json!({"world_state": "standard", "enemy_damage": "shuffled"}));
    assert_eq!(roll_ok(&damage, 1).payload["weapons"], "assured");
}

#[test]
fn rules_reroll_the_settings_they_name() {
    let weights = ladder();
    let mut seen_seven = false;
    for seed in 0..400 {
        let rolled = roll_ok(&weights, seed);
        let tower = rolled.payload["crystals"]["tower"].as_i64().unwrap();
        let ganon = rolled.payload["crystals"]["ganon"].as_i64().unwrap();
        match tower {
            7 => {
                seen_seven = true;
                assert_eq!(ganon, 7, "seed {seed}");
            }
            6 => assert!(ganon >= 6, "seed {seed}: ganon {ganon}"),
            5 => assert!(ganon >= 5, "seed {seed}: ganon {ganon}"),
            _ => {}
        }
    }
    assert!(seen_seven);
    // A string `Value` matches the integer rolled from `"4"`; later rules see earlier ones.
    let weights = with(json!({
        "tower_open": "4",
        "ganon_open": "3",
        "rules": [
            {"conditions": [{"Key": "tower_open", "Value": "4", "MatchType": "exact"}],
             "actions": {"ganon_open": {"5": 1}, "hints": "on"}},
            {"conditions": [{"Key": "ganon_open", "Value": 5}], "actions": {"item_pool": "hard"}},
            {"conditions": [{"Key": "world_state", "Value": "standard"}],
             "actions": {"goals": "pedestal"}}
        ]
    }));
    let rolled = roll_ok(&weights, 8);
    assert_eq!(rolled.payload["crystals"]["ganon"], json!(5));
    assert_eq!(rolled.payload["hints"], "on");
    assert_eq!(rolled.payload["item"]["pool"], "hard");
    assert_eq!(
        rolled.payload["goal"], "ganon",
        "a rule whose condition fails does nothing"
    );
}

#[test]
fn a_rolled_preset_hands_over_to_the_caller() {
    let weights = json!({
        "description": "Grab bag.",
        "preset": {"openboots": 1, "none": 0},
        "custom_instructions": {"Bingo!": 1}
    });
    let rolled = roll_ok(&weights, 6);
    assert_eq!(rolled.preset.as_deref(), Some("openboots"));
    assert_eq!(rolled.payload, json!({}));
    assert_eq!(rolled.custom_instructions.as_deref(), Some("Bingo!"));
    assert_eq!(rolled.rolled["preset"], "openboots");

    let weights =
        with(json!({"preset": {"none": 1, "openboots": 0}, "custom_instructions": "Have fun"}));
    let rolled = roll_ok(&weights, 6);
    assert_eq!(rolled.preset, None);
    assert_eq!(rolled.rolled["preset"], "none");
    assert_eq!(rolled.payload["goal"], "ganon");
    assert_eq!(rolled.custom_instructions.as_deref(), Some("Have fun"));
}

#[test]
fn door_randomizer_keys_are_refused_when_they_roll_non_vanilla() {
    assert_eq!(
        refused_key(&with(json!({"door_shuffle": {"crossed": 1, "vanilla": 0}}))),
        "door_shuffle"
    );
    assert_eq!(refused_key(&with(json!({"pottery": "keys"}))), "pottery");
    assert_eq!(
        refused_key(&with(
            json!({"subweights": {"doors": {"chance": 1, "weights": {"keydropshuffle": "on"}}}})
        )),
        "subweights.doors.weights.keydropshuffle"
    );
    assert_eq!(
        refused_key(&with(json!({"options": {"force_doors": true}}))),
        "options.force_doors"
    );
    let rule = json!({"rules": [{"conditions": [{"Key": "door_shuffle", "Value": "vanilla"}],
                                 "actions": {"dropshuffle": "on"}}]});
    assert_eq!(refused_key(&with(rule)), "rules.0.actions.dropshuffle");
    let error = roll(&with(json!({"bombbag": "on"})), 1, &RollOptions::default()).unwrap_err();
    assert_eq!(
        error.message,
        "door randomizer weightsets are not supported here"
    );

    // Vanilla door settings are fine, and show in the spoiler; unnamed ones do not.
    let rolled = roll_ok(
        &with(json!({"door_shuffle": "vanilla", "keydropshuffle": "off"})),
        1,
    );
    assert_eq!(rolled.rolled["door_shuffle"], "vanilla");
    assert_eq!(rolled.rolled["keydropshuffle"], "off");
    assert!(!rolled.rolled.contains_key("pottery"));
}

/// Pins what two seeds roll: a change here changes every past seed's game, so it must be
/// deliberate (ChaCha8 and key-ordered maps make these the same on every platform).
#[test]
fn a_seed_always_rolls_the_same_settings() {
    let rolled = roll_ok(&weighted(), 42);
    let expected = json!({
        "accessibility": "locations", "allow_quickswap": false, "boss_shuffle": "simple",
        "customizer.eq.PegasusBoots": false, "dungeon_items": "standard",
        "enemy_damage": "default", "enemy_health": "default", "enemy_shuffle": "none",
        "entrance_shuffle": "none", "ganon_open": 2, "glitches_required": "none",
        "goals": "fast_ganon", "hints": "on", "item_functionality": "normal",
        "item_placement": "basic", "item_pool": "normal", "pot_shuffle": "off",
        "pseudoboots": false, "tower_open": 6, "weapons": "assured", "world_state": "standard"
    });
    assert_eq!(serde_json::to_value(&rolled.rolled).unwrap(), expected);
    let rolled = roll_ok(&ladder(), 7);
    let expected = json!({
        "accessibility": "items", "allow_quickswap": true, "boss_shuffle": "full",
        "dungeon_items": "full", "enemy_damage": "default", "enemy_health": "default",
        "enemy_shuffle": "none", "entrance_shuffle": "crossed", "ganon_open": 6,
        "glitches_required": "none", "goals": "ganon", "hints": "on",
        "item_functionality": "normal", "item_placement": "advanced", "item_pool": "normal",
        "pot_shuffle": "off", "pseudoboots": false, "subweights": ["entrance"], "tower_open": 3,
        "weapons": "randomized", "world_state": "inverted"
    });
    assert_eq!(serde_json::to_value(&rolled.rolled).unwrap(), expected);
}
