//! The two bodies a roll starts from: alttpr.com's plain randomizer settings, and its customizer
//! settings with the vanilla item pool (the values pyz3r's roller starts from, so weightsets
//! written for SahasrahBot mean the same here). Every rolled setting is then written over them.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// Size of the item pool; the customizer pool is padded up to it.
pub(crate) const POOL_SIZE: i64 = 216;

pub(crate) fn randomizer_payload() -> Value {
    let mut payload = shared_settings();
    if let Value::Object(map) = &mut payload {
        map.insert("hints".to_owned(), Value::from("off"));
        map.insert("entrances".to_owned(), Value::from("none"));
    }
    payload
}

/// The settings both endpoints share (each is overwritten by the roll).
fn shared_settings() -> Value {
    json!({
        "glitches": "none",
        "item_placement": "advanced",
        "dungeon_items": "standard",
        "accessibility": "items",
        "goal": "ganon",
        "crystals": {"ganon": "7", "tower": "7"},
        "mode": "open",
        "hints": "on",
        "weapons": "randomized",
        "item": {"pool": "normal", "functionality": "normal"},
        "tournament": false,
        "spoilers": "on",
        "lang": "en",
        "enemizer": {
            "boss_shuffle": "none",
            "enemy_shuffle": "none",
            "enemy_damage": "default",
            "enemy_health": "default",
            "pot_shuffle": "off"
        },
        "allow_quickswap": false
    })
}

/// What a customizer roll changes: the flat `custom` switches, the item pool, the starting
/// equipment. [`customizer_payload`] puts them into the body.
pub(crate) struct CustomizerParts {
    pub(crate) custom: Map<String, Value>,
    pub(crate) counts: BTreeMap<String, i64>,
    pub(crate) eq: Vec<String>,
}

impl CustomizerParts {
    pub(crate) fn vanilla() -> Self {
        let mut custom = Map::new();
        for key in CUSTOM_OFF {
            custom.insert(key.to_owned(), Value::Bool(false));
        }
        for key in CUSTOM_ON {
            custom.insert(key.to_owned(), Value::Bool(true));
        }
        for key in CUSTOM_BLANK {
            custom.insert(key.to_owned(), Value::from(""));
        }
        custom.insert("rom.dungeonCount".to_owned(), Value::from("off"));
        custom.insert("rom.timerMode".to_owned(), Value::from("off"));
        CustomizerParts {
            custom,
            counts: vanilla_item_counts(),
            eq: vec![HEART_CONTAINER.to_owned(); 3],
        }
    }
}

pub(crate) const HEART_CONTAINER: &str = "BossHeartContainer";

pub(crate) fn customizer_payload(parts: CustomizerParts) -> Value {
    let mut payload = shared_settings();
    let mut custom = parts.custom;
    let counts: Map<String, Value> = parts
        .counts
        .into_iter()
        .map(|(item, count)| (item, Value::from(count)))
        .collect();
    custom.insert("item".to_owned(), json!({ "count": counts }));
    custom.insert("drop".to_owned(), json!({ "count": vanilla_drop_counts() }));
    if let Value::Object(map) = &mut payload {
        map.insert("name".to_owned(), Value::from(""));
        map.insert("notes".to_owned(), Value::from(""));
        map.insert("l".to_owned(), Value::Object(Map::new()));
        map.insert("eq".to_owned(), Value::from(parts.eq));
        map.insert("drops".to_owned(), prize_packs());
        map.insert("custom".to_owned(), Value::Object(custom));
    }
    payload
}

/// Seven enemy prize packs of eight plus the special drops, all left to the randomizer.
fn prize_packs() -> Value {
    let mut packs = Map::new();
    for pack in 0..7 {
        packs.insert(pack.to_string(), Value::from(vec!["auto_fill"; 8]));
    }
    for (special, size) in [("pull", 3), ("crab", 2), ("stun", 1), ("fish", 1)] {
        packs.insert(special.to_owned(), Value::from(vec!["auto_fill"; size]));
    }
    Value::Object(packs)
}

fn vanilla_drop_counts() -> Value {
    json!({
        "Bee": 0, "BeeGood": 0, "Heart": 13, "RupeeGreen": 9, "RupeeBlue": 7, "RupeeRed": 6,
        "BombRefill1": 7, "BombRefill4": 1, "BombRefill8": 2, "MagicRefillSmall": 6,
        "MagicRefillFull": 3, "ArrowRefill5": 5, "ArrowRefill10": 3, "Fairy": 1
    })
}

/// Customizer switches that start off. (`item.require.Lamp` off means dark rooms need no lamp
/// in logic — the name reads backwards.)
const CUSTOM_OFF: [&str; 26] = [
    "item.require.Lamp",
    "region.wildBigKeys",
    "region.wildCompasses",
    "region.wildKeys",
    "region.wildMaps",
    "rom.freeItemMenu",
    "rom.freeItemText",
    "rom.mapOnPickup",
    "rom.rupeeBow",
    "rom.genericKeys",
    "spoil.BootsLocation",
    "canBombJump",
    "canBootsClip",
    "canBunnyRevive",
    "canBunnySurf",
    "canDungeonRevive",
    "canFakeFlipper",
    "canMirrorClip",
    "canMirrorWrap",
    "canOneFrameClipOW",
    "canOneFrameClipUW",
    "canOWYBA",
    "canSuperBunny",
    "canSuperSpeed",
    "canWaterFairyRevive",
    "canWaterWalk",
];

const CUSTOM_ON: [&str; 4] = [
    "prize.crossWorld",
    "prize.shuffleCrystals",
    "prize.shufflePendants",
    "region.bossNormalLocation",
];

/// Numeric switches the site reads as "unset" when blank.
const CUSTOM_BLANK: [&str; 6] = [
    "item.Goal.Required",
    "item.value.BlueClock",
    "item.value.GreenClock",
    "item.value.RedClock",
    "item.value.Rupoor",
    "rom.timerStart",
];

/// The vanilla item pool as `Item=count`, 216 items in all (a unit test keeps it so).
const VANILLA_ITEM_COUNTS: &str = "
    BottleWithRandom=4 Nothing=0 L1Sword=0 L1SwordAndShield=0 MasterSword=0 L3Sword=0 L4Sword=0
    BlueShield=0 RedShield=0 MirrorShield=0 FireRod=1 IceRod=1 Hammer=1 Hookshot=1 Bow=0
    Boomerang=1 Powder=1 Bombos=1 Ether=1 Quake=1 Lamp=1 Shovel=1 OcarinaInactive=1
    CaneOfSomaria=1 Bottle=0 PieceOfHeart=24 CaneOfByrna=1 Cape=1 MagicMirror=1 PowerGlove=0
    TitansMitt=0 BookOfMudora=1 Flippers=1 MoonPearl=1 BugCatchingNet=1 BlueMail=0 RedMail=0
    Bomb=0 ThreeBombs=16 Mushroom=1 RedBoomerang=1 BottleWithRedPotion=0
    BottleWithGreenPotion=0 BottleWithBluePotion=0 TenBombs=1 OneRupee=2 FiveRupees=4
    TwentyRupees=28 BowAndArrows=0 BowAndSilverArrows=0 BottleWithBee=0 BottleWithFairy=0
    BossHeartContainer=10 HeartContainer=1 OneHundredRupees=1 FiftyRupees=7 Heart=0 Arrow=1
    TenArrows=12 SmallMagic=0 ThreeHundredRupees=5 BottleWithGoldBee=0 OcarinaActive=0
    PegasusBoots=1 BombUpgrade5=0 BombUpgrade10=0 ArrowUpgrade5=0 ArrowUpgrade10=0 HalfMagic=1
    QuarterMagic=0 SilverArrowUpgrade=0 Rupoor=0 RedClock=0 BlueClock=0 GreenClock=0
    ProgressiveSword=4 ProgressiveShield=3 ProgressiveArmor=2 ProgressiveGlove=2
    ProgressiveBow=2 Triforce=0 TriforcePiece=0
    MapA2=1 MapD7=1 MapD4=1 MapP3=1 MapD5=1 MapD3=1 MapD6=1 MapD1=1 MapD2=1 MapA1=0 MapP2=1
    MapP1=1 MapH1=0 MapH2=1
    CompassA2=1 CompassD7=1 CompassD4=1 CompassP3=1 CompassD5=1 CompassD3=1 CompassD6=1
    CompassD1=1 CompassD2=1 CompassA1=0 CompassP2=1 CompassP1=1 CompassH1=0 CompassH2=0
    BigKeyA2=1 BigKeyD7=1 BigKeyD4=1 BigKeyP3=1 BigKeyD5=1 BigKeyD3=1 BigKeyD6=1 BigKeyD1=1
    BigKeyD2=1 BigKeyA1=0 BigKeyP2=1 BigKeyP1=1 BigKeyH1=0 BigKeyH2=0
    KeyH2=1 KeyH1=0 KeyP1=0 KeyP2=1 KeyA1=2 KeyD2=1 KeyD1=6 KeyD6=3 KeyD3=3 KeyD5=2 KeyP3=1
    KeyD4=1 KeyD7=4 KeyA2=4
";

pub(crate) fn vanilla_item_counts() -> BTreeMap<String, i64> {
    VANILLA_ITEM_COUNTS
        .split_whitespace()
        .filter_map(|pair| {
            let (item, count) = pair.split_once('=')?;
            Some((item.to_owned(), count.parse().ok()?))
        })
        .collect()
}
