//! The weightset's `customizer` section (§2.1) and the fix-ups that keep a customizer game
//! coherent (§2.2 step 6).
//!
//! [`roll`] rolls `eq`, `custom` and `pool`; only if one of them rolled something does the game
//! go to `/api/customizer`. [`apply`] then writes those rolls over the vanilla customizer parts
//! and adjusts the rest: equipped items leave the pool, wild dungeon items get their menus,
//! triforce-hunt and timed-OHKO numbers are rolled, and the pool is padded to 216 items.

use serde_json::{Map, Value};

use super::base::{CustomizerParts, HEART_CONTAINER, POOL_SIZE};
use super::settings::{text, Rolled};
use super::weights::{as_int, join, parse_range, refuse, truthy, Picker, Spec};
use super::MysteryError;

/// One item cannot be equipped or pooled more often than the pool is large.
const MAX_ITEM_COUNT: i64 = POOL_SIZE;
/// The wallet holds 9999 rupees.
const MAX_RUPEES: i64 = 9999;

const WILD_DUNGEON_ITEMS: [&str; 4] = [
    "region.wildKeys",
    "region.wildBigKeys",
    "region.wildCompasses",
    "region.wildMaps",
];

/// The spoiler names customizer rolls the same way whichever subweight supplied the section.
fn spoiler_key(section: &str, key: &str) -> String {
    format!("customizer.{section}.{key}")
}

/// What `eq`, `custom` and `pool` rolled, when at least one of them rolled something.
pub(crate) struct CustomizerRoll {
    eq: Vec<String>,
    custom: Vec<(String, Value)>,
    pool: Vec<(String, i64)>,
}

pub(crate) fn validate(value: &Value, path: &str) -> Result<(), MysteryError> {
    let section = match value {
        Value::Null => return Ok(()),
        Value::Object(section) => section,
        _ => return Err(refuse(path, "expected a mapping of customizer sections")),
    };
    for (item, spec) in entries(section, "eq", path)? {
        let item_path = join(&join(path, "eq"), item);
        Spec::parse(spec, &item_path)?
            .check_values(&item_path, |value| equipment_count(item, value).map(|_| ()))?;
    }
    for (key, spec) in entries(section, "custom", path)? {
        let key_path = join(&join(path, "custom"), key);
        if key == "item" || key == "drop" {
            return Err(refuse(key_path, "item counts belong in the `pool` section"));
        }
        Spec::parse(spec, &key_path)?;
    }
    for (item, spec) in entries(section, "pool", path)? {
        let item_path = join(&join(path, "pool"), item);
        Spec::parse(spec, &item_path)?
            .check_values(&item_path, |value| pool_count(value).map(|_| ()))?;
    }
    if let Some(hunt) = subsection(section, "triforce-hunt", path)? {
        let hunt_path = join(path, "triforce-hunt");
        if let Some(goal) = hunt.get("goal") {
            check_count_range(goal, &join(&hunt_path, "goal"))?;
        }
        if let Some(pool) = hunt.get("pool") {
            check_count_range(pool, &join(&hunt_path, "pool"))?;
        }
        if let Some(difference) = hunt.get("min_difference") {
            let difference_path = join(&hunt_path, "min_difference");
            Spec::parse(difference, &difference_path)?
                .check_values(&difference_path, |value| pool_count(value).map(|_| ()))?;
        }
    }
    if let Some(ohko) = subsection(section, "timed-ohko", path)? {
        let ohko_path = join(path, "timed-ohko");
        if let Some(start) = ohko.get("timerStart") {
            parse_range(start, &join(&ohko_path, "timerStart"))?;
        }
        for (clock, settings) in entries(ohko, "clock", &ohko_path)? {
            let clock_path = join(&join(&ohko_path, "clock"), clock);
            let Some(settings) = settings.as_object() else {
                return Err(refuse(
                    clock_path,
                    "expected a mapping with `value` and `pool`",
                ));
            };
            if let Some(value) = settings.get("value") {
                parse_range(value, &join(&clock_path, "value"))?;
            }
            if let Some(pool) = settings.get("pool") {
                check_count_range(pool, &join(&clock_path, "pool"))?;
            }
        }
    }
    Ok(())
}

/// The entries of `section.name`, sorted by key; absent or `null` reads as empty.
fn entries<'s>(
    section: &'s Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<Vec<(&'s String, &'s Value)>, MysteryError> {
    let Some(inner) = subsection(section, name, path)? else {
        return Ok(Vec::new());
    };
    let mut entries: Vec<_> = inner.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    Ok(entries)
}

fn subsection<'s>(
    section: &'s Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<Option<&'s Map<String, Value>>, MysteryError> {
    match section.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(inner)) => Ok(Some(inner)),
        Some(_) => Err(refuse(join(path, name), "expected a mapping")),
    }
}

fn check_count_range(value: &Value, path: &str) -> Result<(), MysteryError> {
    let (low, high) = parse_range(value, path)?;
    if low < 0 || high > MAX_ITEM_COUNT {
        return Err(refuse(
            path,
            format!("item counts are 0 to {MAX_ITEM_COUNT}"),
        ));
    }
    Ok(())
}

fn pool_count(value: &Value) -> Result<i64, String> {
    as_int(value)
        .filter(|count| (0..=MAX_ITEM_COUNT).contains(count))
        .ok_or_else(|| format!("expected a whole number from 0 to {MAX_ITEM_COUNT}"))
}

/// How many of an item an `eq` roll asks for; `true`/`false` are one and none (weightsets
/// write `PegasusBoots: {False: 70, True: 30}`).
fn equipment_count(item: &str, value: &Value) -> Result<i64, String> {
    let limit = if item == "Rupees" {
        MAX_RUPEES
    } else {
        MAX_ITEM_COUNT
    };
    let count = match value {
        Value::Bool(flag) => Some(i64::from(*flag)),
        other => as_int(other),
    };
    count
        .filter(|count| (0..=limit).contains(count))
        .ok_or_else(|| format!("expected a whole number from 0 to {limit} or true/false"))
}

/// The items an `eq` entry stands for. Bottles, the bow, boomerangs and the flute use the
/// website's numbered variants; `Rupees` is an amount paid out in the largest coins.
fn starting_equipment(item: &str, count: i64) -> Vec<String> {
    const BOTTLES: [&str; 7] = [
        "Bottle",
        "BottleWithRedPotion",
        "BottleWithGreenPotion",
        "BottleWithBluePotion",
        "BottleWithBee",
        "BottleWithGoldBee",
        "BottleWithFairy",
    ];
    let variant = |names: &[&str]| -> Vec<String> {
        usize::try_from(count - 1)
            .ok()
            .and_then(|index| names.get(index))
            .map(|name| vec![(*name).to_owned()])
            .unwrap_or_default()
    };
    match item {
        "Bottle1" | "Bottle2" | "Bottle3" | "Bottle4" => variant(&BOTTLES),
        "ProgressiveBow" => variant(&["SilverArrowUpgrade", "Bow", "BowAndSilverArrows"]),
        "Boomerang" => match count {
            3 => vec!["Boomerang".to_owned(), "RedBoomerang".to_owned()],
            _ => variant(&["Boomerang", "RedBoomerang"]),
        },
        "Ocarina" => variant(&["OcarinaInactive", "OcarinaActive"]),
        "Rupees" => {
            let mut left = count;
            let mut coins = Vec::new();
            for (coin, worth) in [
                ("ThreeHundredRupees", 300),
                ("OneHundredRupees", 100),
                ("FiftyRupees", 50),
                ("TwentyRupees", 20),
                ("FiveRupees", 5),
                ("OneRupee", 1),
            ] {
                while left >= worth {
                    coins.push(coin.to_owned());
                    left -= worth;
                }
            }
            coins
        }
        _ => (0..count).map(|_| item.to_owned()).collect(),
    }
}

/// §2.2 step 5: `eq`, `custom` and `pool`, each in key order.
pub(crate) fn roll(
    section: &Map<String, Value>,
    path: &str,
    picker: &mut Picker,
    rolled: &mut Rolled,
) -> Result<Option<CustomizerRoll>, MysteryError> {
    let mut used = false;
    let mut eq = Vec::new();
    for (item, spec) in entries(section, "eq", path)? {
        let item_path = join(&join(path, "eq"), item);
        let Some(value) = picker.pick(spec, &item_path)? else {
            continue;
        };
        let count = equipment_count(item, &value).map_err(|message| refuse(&item_path, message))?;
        if count > 0 {
            eq.extend(starting_equipment(item, count));
            used = true;
        }
        rolled.insert(spoiler_key("eq", item), value);
    }
    let mut custom = Vec::new();
    for (key, spec) in entries(section, "custom", path)? {
        let key_path = join(&join(path, "custom"), key);
        if let Some(value) = picker.pick(spec, &key_path)? {
            custom.push((key.clone(), value.clone()));
            rolled.insert(spoiler_key("custom", key), value);
            used = true;
        }
    }
    let mut pool = Vec::new();
    for (item, spec) in entries(section, "pool", path)? {
        let item_path = join(&join(path, "pool"), item);
        if let Some(value) = picker.pick(spec, &item_path)? {
            let count = pool_count(&value).map_err(|message| refuse(&item_path, message))?;
            pool.push((item.clone(), count));
            rolled.insert(spoiler_key("pool", item), Value::from(count));
            used = true;
        }
    }
    Ok(used.then_some(CustomizerRoll { eq, custom, pool }))
}

/// §2.2 step 6. `section` is the weightset's `customizer` (at `path`), `filler` the item the
/// pool is padded with; website settings the fix-ups touch are changed in `rolled`.
pub(crate) fn apply(
    roll: CustomizerRoll,
    section: &Map<String, Value>,
    path: &str,
    filler: &str,
    picker: &mut Picker,
    rolled: &mut Rolled,
) -> Result<CustomizerParts, MysteryError> {
    let mut parts = CustomizerParts::vanilla();
    // Vanilla prize packs unless the weightset rolls otherwise.
    parts
        .custom
        .insert("customPrizePacks".to_owned(), Value::Bool(false));
    for (key, value) in &roll.custom {
        parts.custom.insert(key.clone(), value.clone());
    }
    for (item, count) in &roll.pool {
        parts.counts.insert(item.clone(), *count);
    }
    if !roll.eq.is_empty() {
        for item in &roll.eq {
            let count = parts.counts.entry(pooled_as(item).to_owned()).or_insert(0);
            *count = (*count - 1).max(0);
        }
        // Starting equipment replaces the vanilla eq, which was just the three hearts.
        parts.eq = roll.eq;
        parts.eq.extend((0..3).map(|_| HEART_CONTAINER.to_owned()));
    }

    // Lamp-less dark rooms (`item.require.Lamp` reads backwards) are too hard with enemizer.
    if truthy(parts.custom.get("item.require.Lamp")) {
        rolled.insert("enemy_shuffle".to_owned(), Value::from("none"));
        rolled.insert("enemy_damage".to_owned(), Value::from("default"));
        rolled.insert("pot_shuffle".to_owned(), Value::from("off"));
    }
    // Wild dungeon items are configured one by one here, so the preset shuffle must stay off.
    if roll
        .custom
        .iter()
        .any(|(key, _)| WILD_DUNGEON_ITEMS.contains(&key.as_str()))
    {
        rolled.insert("dungeon_items".to_owned(), Value::from("standard"));
    }
    if WILD_DUNGEON_ITEMS
        .iter()
        .any(|key| truthy(parts.custom.get(*key)))
    {
        parts
            .custom
            .insert("rom.freeItemMenu".to_owned(), Value::Bool(true));
        parts
            .custom
            .insert("rom.freeItemText".to_owned(), Value::Bool(true));
    }
    let custom_weights = section.get("custom").and_then(Value::as_object);
    let weighted = |key: &str| custom_weights.is_some_and(|weights| weights.contains_key(key));
    if truthy(parts.custom.get("region.wildMaps")) && !weighted("rom.mapOnPickup") {
        parts
            .custom
            .insert("rom.mapOnPickup".to_owned(), Value::Bool(true));
    }
    if truthy(parts.custom.get("region.wildCompasses")) && !weighted("rom.dungeonCount") {
        parts
            .custom
            .insert("rom.dungeonCount".to_owned(), Value::from("pickup"));
    }

    if text(rolled, "goals") == Some("triforce-hunt") {
        triforce_hunt(section, path, picker, rolled, &mut parts)?;
    }
    if parts.custom.get("rom.timerMode").and_then(Value::as_str) == Some("countdown-ohko") {
        timed_ohko(section, path, picker, rolled, &mut parts)?;
    }

    let total = parts
        .counts
        .values()
        .fold(0_i64, |sum, count| sum.saturating_add(*count));
    let missing = POOL_SIZE.saturating_sub(total).max(0);
    let padding = parts.counts.entry(filler.to_owned()).or_insert(0);
    *padding = padding.saturating_add(missing);

    // A flute already active in standard mode breaks the rain state.
    if text(rolled, "world_state") == Some("standard") {
        for item in &mut parts.eq {
            if item == "OcarinaActive" {
                *item = "OcarinaInactive".to_owned();
            }
        }
    }
    // Pendants and crystals must be able to cross worlds for these goals to be winnable.
    if matches!(text(rolled, "goals"), Some("pedestal" | "dungeons")) {
        parts
            .custom
            .insert("prize.crossWorld".to_owned(), Value::Bool(true));
    }
    Ok(parts)
}

/// The pool holds an inactive flute and random bottles; equipping any variant uses up one.
fn pooled_as(item: &str) -> &str {
    match item {
        "OcarinaActive" => "OcarinaInactive",
        "Bottle"
        | "BottleWithRedPotion"
        | "BottleWithGreenPotion"
        | "BottleWithBluePotion"
        | "BottleWithBee"
        | "BottleWithGoldBee"
        | "BottleWithFairy" => "BottleWithRandom",
        other => other,
    }
}

/// Goal pieces from `goal` (default 20); pool pieces from `pool` (default 30), never fewer than
/// the goal plus `min_difference`, so the hunt stays winnable.
fn triforce_hunt(
    section: &Map<String, Value>,
    path: &str,
    picker: &mut Picker,
    rolled: &mut Rolled,
    parts: &mut CustomizerParts,
) -> Result<(), MysteryError> {
    let hunt_path = join(path, "triforce-hunt");
    let hunt = section.get("triforce-hunt").and_then(Value::as_object);
    let (goal, pool) = match hunt {
        None => (20, 30),
        Some(hunt) => {
            let difference = match hunt.get("min_difference") {
                Some(spec) => {
                    let difference_path = join(&hunt_path, "min_difference");
                    match picker.pick(spec, &difference_path)? {
                        Some(value) => pool_count(&value)
                            .map_err(|message| refuse(&difference_path, message))?,
                        None => 0,
                    }
                }
                None => 0,
            };
            let goal = match hunt.get("goal") {
                Some(spec) => picker.range(spec, &join(&hunt_path, "goal"))?,
                None => 20,
            };
            let least = goal.saturating_add(difference);
            let pool = match hunt.get("pool") {
                Some(spec) => {
                    let (low, high) = parse_range(spec, &join(&hunt_path, "pool"))?;
                    if high >= least {
                        picker.between(low.max(least), high)
                    } else {
                        least
                    }
                }
                None => least.max(30),
            };
            (goal, pool)
        }
    };
    parts
        .custom
        .insert("item.Goal.Required".to_owned(), Value::from(goal));
    parts.counts.insert("TriforcePiece".to_owned(), pool);
    rolled.insert(spoiler_key("triforce-hunt", "goal"), Value::from(goal));
    rolled.insert(spoiler_key("triforce-hunt", "pool"), Value::from(pool));
    Ok(())
}

/// Clock values and counts, then the starting time, each from its range.
fn timed_ohko(
    section: &Map<String, Value>,
    path: &str,
    picker: &mut Picker,
    rolled: &mut Rolled,
    parts: &mut CustomizerParts,
) -> Result<(), MysteryError> {
    let Some(ohko) = section.get("timed-ohko").and_then(Value::as_object) else {
        return Ok(());
    };
    let ohko_path = join(path, "timed-ohko");
    let zero = Value::from(0);
    for (clock, settings) in entries(ohko, "clock", &ohko_path)? {
        let clock_path = join(&join(&ohko_path, "clock"), clock);
        let value_path = join(&clock_path, "value");
        let pool_path = join(&clock_path, "pool");
        let value = picker.range(settings.get("value").unwrap_or(&zero), &value_path)?;
        let count = picker.range(settings.get("pool").unwrap_or(&zero), &pool_path)?;
        parts
            .custom
            .insert(format!("item.value.{clock}"), Value::from(value));
        parts.counts.insert(clock.clone(), count);
        rolled.insert(
            spoiler_key("timed-ohko", &format!("clock.{clock}.value")),
            Value::from(value),
        );
        rolled.insert(
            spoiler_key("timed-ohko", &format!("clock.{clock}.pool")),
            Value::from(count),
        );
    }
    let start_path = join(&ohko_path, "timerStart");
    let start = picker.range(ohko.get("timerStart").unwrap_or(&zero), &start_path)?;
    parts
        .custom
        .insert("rom.timerStart".to_owned(), Value::from(start));
    rolled.insert(spoiler_key("timed-ohko", "timerStart"), Value::from(start));
    Ok(())
}
