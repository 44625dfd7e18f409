//! Customizer sections and their fix-ups.

use serde_json::json;

use super::{chaos_customizer, count, eq_items, ladder, pool_total, roll_ok, weighted, with};
use crate::mystery::base::{vanilla_item_counts, POOL_SIZE};
use crate::mystery::Endpoint;

#[test]
fn the_vanilla_pool_holds_216_items() {
    let counts = vanilla_item_counts();
    assert_eq!(counts.len(), 138);
    assert_eq!(counts.values().sum::<i64>(), POOL_SIZE);
}

#[test]
fn an_equipped_item_leaves_the_pool() {
    let rolled = roll_ok(
        &with(json!({"customizer": {"eq": {"PegasusBoots": {"True": 1, "False": 0}}}})),
        1,
    );
    assert_eq!(rolled.endpoint, Endpoint::Customizer);
    let mut eq = eq_items(&rolled);
    eq.sort();
    assert_eq!(
        eq,
        [
            "BossHeartContainer",
            "BossHeartContainer",
            "BossHeartContainer",
            "PegasusBoots"
        ]
    );
    assert_eq!(count(&rolled, "PegasusBoots"), 0);
    assert_eq!(count(&rolled, "Nothing"), 1, "the freed slot is padded");
    assert_eq!(rolled.rolled["customizer.eq.PegasusBoots"], true);
    assert_eq!(rolled.payload["custom"]["customPrizePacks"], false);
}

#[test]
fn numbered_equipment_uses_the_pool_variants() {
    let customizer = json!({"eq": {"Bottle1": "3", "OcarinaActive": 1, "ProgressiveSword": 2}});
    let rolled = roll_ok(
        &with(json!({"customizer": customizer, "world_state": "open"})),
        1,
    );
    let eq = eq_items(&rolled);
    assert!(eq.contains(&"BottleWithGreenPotion".to_owned()), "{eq:?}");
    assert!(eq.contains(&"OcarinaActive".to_owned()));
    assert_eq!(
        eq.iter().filter(|item| *item == "ProgressiveSword").count(),
        2
    );
    assert_eq!(count(&rolled, "BottleWithRandom"), 3);
    assert_eq!(count(&rolled, "OcarinaInactive"), 0);
    assert_eq!(count(&rolled, "ProgressiveSword"), 2);
    assert_eq!(pool_total(&rolled), POOL_SIZE);

    // Standard mode starts with the flute inactive.
    let rolled = roll_ok(
        &with(json!({"customizer": customizer, "world_state": "standard"})),
        1,
    );
    let eq = eq_items(&rolled);
    assert!(
        eq.contains(&"OcarinaInactive".to_owned()) && !eq.contains(&"OcarinaActive".to_owned())
    );

    let rolled = roll_ok(&with(json!({"customizer": {"eq": {"Boomerang": 3}}})), 1);
    let eq = eq_items(&rolled);
    assert!(eq.contains(&"Boomerang".to_owned()) && eq.contains(&"RedBoomerang".to_owned()));
    assert_eq!(
        count(&rolled, "Boomerang") + count(&rolled, "RedBoomerang"),
        0
    );

    let rolled = roll_ok(&with(json!({"customizer": {"eq": {"Rupees": 475}}})), 1);
    let mut eq = eq_items(&rolled);
    eq.retain(|item| item != "BossHeartContainer");
    assert_eq!(
        eq,
        [
            "ThreeHundredRupees",
            "OneHundredRupees",
            "FiftyRupees",
            "TwentyRupees",
            "FiveRupees"
        ]
    );
}

#[test]
fn nothing_rolled_means_no_customizer() {
    let rolled = roll_ok(
        &with(json!({"customizer": {"eq": {"PegasusBoots": {"0": 1}}}})),
        1,
    );
    assert_eq!(rolled.endpoint, Endpoint::Randomizer);
    // weighted.yaml rolls boots 30% of the time: both endpoints occur.
    let endpoints: Vec<Endpoint> = (0..60)
        .map(|seed| roll_ok(&weighted(), seed).endpoint)
        .collect();
    assert!(endpoints.contains(&Endpoint::Randomizer) && endpoints.contains(&Endpoint::Customizer));
}

#[test]
fn custom_keys_land_in_the_customizer_payload() {
    let weights = with(json!({
        "dungeon_items": "full",
        "enemy_shuffle": "shuffled",
        "enemy_damage": "shuffled",
        "customizer": {"custom": {
            "rom.genericKeys": {"True": 1},
            "item.require.Lamp": true,
            "region.wildKeys": "True",
            "region.wildMaps": true,
            "region.wildCompasses": true,
            "rom.dungeonCount": "on",
            "item.value.Rupoor": {"10": 1}
        }}
    }));
    let rolled = roll_ok(&weights, 1);
    let custom = &rolled.payload["custom"];
    assert_eq!(custom["rom.genericKeys"], true);
    assert_eq!(custom["item.value.Rupoor"], json!(10));
    assert_eq!(custom["rom.freeItemMenu"], true);
    assert_eq!(custom["rom.freeItemText"], true);
    assert_eq!(
        custom["rom.mapOnPickup"], true,
        "wild maps show on pickup unless weighted"
    );
    assert_eq!(
        custom["rom.dungeonCount"], "on",
        "a weighted dungeonCount is kept"
    );
    assert_eq!(
        rolled.payload["dungeon_items"], "standard",
        "wild items are set one by one"
    );
    assert_eq!(
        rolled.payload["enemizer"]["enemy_shuffle"], "none",
        "dark rooms: no enemizer"
    );
    assert_eq!(rolled.payload["enemizer"]["enemy_damage"], "default");
    assert_eq!(rolled.rolled["customizer.custom.region.wildKeys"], true);

    let rolled = roll_ok(
        &with(json!({"customizer": {"custom": {"region.wildCompasses": true}}})),
        1,
    );
    assert_eq!(rolled.payload["custom"]["rom.dungeonCount"], "pickup");
    let maps = json!({"region.wildMaps": true, "rom.mapOnPickup": {"False": 1}});
    let rolled = roll_ok(&with(json!({"customizer": {"custom": maps}})), 1);
    assert_eq!(
        rolled.payload["custom"]["rom.mapOnPickup"], false,
        "a weighted mapOnPickup is kept"
    );
    let rolled = roll_ok(
        &with(json!({"customizer": {"custom": {"region.wildKeys": false}}})),
        1,
    );
    assert_eq!(rolled.payload["custom"]["rom.freeItemMenu"], false);
}

#[test]
fn pool_counts_replace_vanilla_counts_and_the_rest_is_padded() {
    let weights = with(json!({
        "options": {"FillItemPoolWith": "TwentyRupees2"},
        "customizer": {"pool": {"ProgressiveSword": {"6": 1}, "TwentyRupees": 0, "Rupoor": "3"}}
    }));
    let rolled = roll_ok(&weights, 1);
    assert_eq!(count(&rolled, "ProgressiveSword"), 6);
    assert_eq!(count(&rolled, "TwentyRupees"), 0);
    assert_eq!(count(&rolled, "Rupoor"), 3);
    // 28 rupees out, 2 swords and 3 rupoors in: 23 slots of filler.
    assert_eq!(count(&rolled, "TwentyRupees2"), 23);
    assert_eq!(count(&rolled, "Nothing"), 0);
    assert_eq!(pool_total(&rolled), POOL_SIZE);
}

#[test]
fn the_pool_is_padded_to_216_whatever_is_rolled() {
    let weights =
        with(json!({"customizer": chaos_customizer(), "goals": {"ganon": 1, "triforce-hunt": 1}}));
    for seed in 0..200 {
        let rolled = roll_ok(&weights, seed);
        assert_eq!(rolled.endpoint, Endpoint::Customizer);
        let total = pool_total(&rolled);
        assert!(total >= POOL_SIZE, "seed {seed}: {total}");
        if count(&rolled, "Nothing") > 0 {
            assert_eq!(total, POOL_SIZE, "seed {seed}");
        }
    }
}

#[test]
fn triforce_hunt_numbers_stay_in_range() {
    let weights = with(json!({"goals": "triforce-hunt", "customizer": chaos_customizer()}));
    for seed in 0..300 {
        let rolled = roll_ok(&weights, seed);
        let goal = rolled.payload["custom"]["item.Goal.Required"]
            .as_i64()
            .unwrap();
        let pool = count(&rolled, "TriforcePiece");
        assert!((30..=60).contains(&goal), "seed {seed}: goal {goal}");
        assert!(
            pool >= goal + 10,
            "seed {seed}: pool {pool} for goal {goal}"
        );
        assert!(pool <= 70, "seed {seed}: pool {pool}");
        assert_eq!(rolled.rolled["customizer.triforce-hunt.goal"], json!(goal));
    }
    // `pool: 0` means "goal plus the difference"; no section means 20 of 30.
    let exact = with(json!({"goals": "triforce-hunt", "customizer": {
        "custom": {"rom.genericKeys": false},
        "triforce-hunt": {"goal": [20, 40], "pool": 0, "min_difference": 10}
    }}));
    for seed in 0..50 {
        let rolled = roll_ok(&exact, seed);
        let goal = rolled.payload["custom"]["item.Goal.Required"]
            .as_i64()
            .unwrap();
        assert_eq!(count(&rolled, "TriforcePiece"), goal + 10);
    }
    let default = with(
        json!({"goals": "triforce-hunt", "customizer": {"custom": {"rom.genericKeys": false}}}),
    );
    let rolled = roll_ok(&default, 1);
    assert_eq!(rolled.payload["custom"]["item.Goal.Required"], json!(20));
    assert_eq!(count(&rolled, "TriforcePiece"), 30);
    // Not a hunt: the section is ignored.
    let rolled = roll_ok(&with(json!({"customizer": chaos_customizer()})), 1);
    assert_eq!(rolled.payload["custom"]["item.Goal.Required"], "");
    assert_eq!(count(&rolled, "TriforcePiece"), 0);
}

#[test]
fn timed_ohko_applies_only_when_countdown_ohko_is_rolled() {
    let weights = with(json!({"customizer": chaos_customizer()}));
    let (mut timed, mut untimed) = (0, 0);
    for seed in 0..200 {
        let rolled = roll_ok(&weights, seed);
        let custom = &rolled.payload["custom"];
        if custom["rom.timerMode"] == "countdown-ohko" {
            timed += 1;
            let start = custom["rom.timerStart"].as_i64().unwrap();
            assert!((900..=1800).contains(&start), "seed {seed}: start {start}");
            let value = custom["item.value.GreenClock"].as_i64().unwrap();
            assert!((60..=120).contains(&value), "seed {seed}: value {value}");
            assert!((10..=20).contains(&count(&rolled, "GreenClock")));
            assert!((-120..=0).contains(&custom["item.value.RedClock"].as_i64().unwrap()));
            assert!((1..=5).contains(&count(&rolled, "RedClock")));
        } else {
            untimed += 1;
            assert_eq!(custom["rom.timerStart"], "", "seed {seed}");
            assert_eq!(count(&rolled, "GreenClock"), 0);
            assert!(!rolled
                .rolled
                .contains_key("customizer.timed-ohko.timerStart"));
        }
    }
    assert!(timed > 0 && untimed > 0, "{timed} timed, {untimed} not");
}

#[test]
fn the_ladder_ohko_branch_sets_fixed_clocks() {
    // Find a seed that picks the 2% branch, then check what it wrote.
    let weights = ladder();
    let rolled = (0..2_000)
        .map(|seed| roll_ok(&weights, seed))
        .find(|rolled| rolled.rolled["subweights"] == json!(["ohko"]))
        .unwrap();
    let custom = &rolled.payload["custom"];
    assert_eq!(custom["rom.timerStart"], json!(600));
    assert_eq!(custom["item.value.RedClock"], json!(-240));
    assert_eq!(count(&rolled, "GreenClock"), 12);
    assert_eq!(count(&rolled, "PieceOfHeart"), 4);
    assert_eq!(custom["rom.timerMode"], "countdown-ohko");
    assert!(pool_total(&rolled) >= POOL_SIZE);
}

#[test]
fn pedestal_and_dungeons_goals_let_prizes_cross_worlds() {
    let customizer = json!({"custom": {"prize.crossWorld": false}});
    for (goal, cross) in [("pedestal", true), ("dungeons", true), ("ganon", false)] {
        let rolled = roll_ok(&with(json!({"goals": goal, "customizer": customizer})), 1);
        assert_eq!(
            rolled.payload["custom"]["prize.crossWorld"], cross,
            "{goal}"
        );
    }
}
