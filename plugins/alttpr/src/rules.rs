//! The pure rules of rolling on alttpr.com: the settings a preset may hold (its JSON Schema),
//! the request body made from a preset and the roll's options, and the file-select code read
//! out of the seed's patch. No I/O; unit tested below.

use serde_json::{json, Map, Value};

use sdk::{randomizer::RollOptions, Error};

/// The patch offset of the five file-select code bytes.
pub const CODE_OFFSET: u64 = 1_573_397;

/// The names of the file-select icons, by the byte value (0-31) that shows them.
pub const CODE_NAMES: [&str; 32] = [
    "Bow",
    "Boomerang",
    "Hookshot",
    "Bombs",
    "Mushroom",
    "Magic Powder",
    "Ice Rod",
    "Pendant",
    "Bombos",
    "Ether",
    "Quake",
    "Lamp",
    "Hammer",
    "Shovel",
    "Flute",
    "Bugnet",
    "Book",
    "Empty Bottle",
    "Green Potion",
    "Somaria",
    "Cape",
    "Mirror",
    "Boots",
    "Gloves",
    "Flippers",
    "Moon Pearl",
    "Shield",
    "Tunic",
    "Heart",
    "Map",
    "Compass",
    "Big Key",
];

fn one_of(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

/// The settings of a fixed ALTTPR preset: the fields of alttpr.com's `/api/randomizer` body
/// with the values the site accepts, and the customizer's sections (kept open: the site checks
/// those itself). A setting not listed here is refused by name when the preset is saved.
pub fn settings_schema() -> Value {
    let crystals = json!({
        "oneOf": [
            {"type": "string", "enum": ["0", "1", "2", "3", "4", "5", "6", "7", "random"]},
            {"type": "integer", "minimum": 0, "maximum": 7}
        ]
    });
    json!({
        "type": "object",
        "properties": {
            "glitches": one_of(&["none", "overworld_glitches", "hybrid_major_glitches", "major_glitches", "no_logic"]),
            "item_placement": one_of(&["basic", "advanced"]),
            "dungeon_items": one_of(&["standard", "mc", "mcs", "full"]),
            "accessibility": one_of(&["items", "locations", "none"]),
            "goal": one_of(&["ganon", "fast_ganon", "dungeons", "pedestal", "triforce-hunt", "ganonhunt", "completionist"]),
            "crystals": {
                "type": "object",
                "properties": {"ganon": crystals, "tower": crystals},
                "additionalProperties": false
            },
            "mode": one_of(&["standard", "open", "inverted", "retro"]),
            "entrances": one_of(&["none", "simple", "restricted", "full", "crossed", "insanity"]),
            "hints": one_of(&["on", "off"]),
            "weapons": one_of(&["randomized", "assured", "vanilla", "swordless"]),
            "item": {
                "type": "object",
                "properties": {
                    "pool": one_of(&["normal", "hard", "expert", "crowd_control"]),
                    "functionality": one_of(&["normal", "hard", "expert"])
                },
                "additionalProperties": false
            },
            "enemizer": {
                "type": "object",
                "properties": {
                    "boss_shuffle": one_of(&["none", "simple", "full", "random"]),
                    "enemy_shuffle": one_of(&["none", "shuffled", "random"]),
                    "enemy_damage": one_of(&["default", "shuffled", "random"]),
                    "enemy_health": one_of(&["default", "easy", "hard", "expert"]),
                    "pot_shuffle": one_of(&["on", "off"])
                },
                "additionalProperties": false
            },
            "tournament": {"type": "boolean"},
            "spoilers": one_of(&["on", "off", "generate", "mystery"]),
            "allow_quickswap": {"type": "boolean"},
            "pseudoboots": {"type": "boolean"},
            "override_start_screen": {
                "type": "array", "minItems": 5, "maxItems": 5,
                "items": {"type": "integer", "minimum": 0, "maximum": 31}
            },
            "name": {"type": "string", "maxLength": 100},
            "notes": {"type": "string", "maxLength": 300},
            "lang": {"type": "string", "maxLength": 8},
            // The customizer's sections.
            "l": {"type": "object"},
            "eq": {"type": "array", "items": {"type": "string"}},
            "drops": {"type": "object"},
            "texts": {"type": "object"},
            "custom": {"type": "object"}
        },
        "additionalProperties": false
    })
}

/// The keys of SahasrahBot's preset file around `settings`, with what this plugin does with
/// them.
const WRAPPER_KEYS: &[&str] = &[
    "goal_name",
    "description",
    "customizer",
    "settings",
    "doors",
    "avianart",
    "branch",
    "allow_quickswap",
    "spoilers",
    "tournament",
    "preset_type",
    "randomizer",
];

/// A preset document's settings (SahasrahBot's `settings:` mapping, or the whole document).
pub use sdk::randomizer::settings_of;

/// Checks what a preset file asks for beyond its settings: the door randomizer runs on
/// SahasrahBot's own machines, not on alttpr.com, and Avianart presets belong to the Avianart
/// randomizer. Unknown wrapper keys are refused by name.
pub fn check_wrapper(document: &Value) -> Result<(), Error> {
    let Some(map) = document.as_object() else {
        return Err(Error::invalid(
            "settings",
            "The preset must be a mapping of settings.",
        ));
    };
    if !matches!(map.get("settings"), Some(Value::Object(_))) {
        return Ok(());
    }
    for key in map.keys() {
        if !WRAPPER_KEYS.contains(&key.as_str()) {
            return Err(Error::invalid(
                key.clone(),
                format!("`{key}` is not a key of SahasrahBot's preset format (settings go under `settings:`)."),
            ));
        }
    }
    if map.get("doors").and_then(Value::as_bool) == Some(true) {
        return Err(Error::invalid(
            "doors",
            "Door randomizer presets are generated by the door randomizer program, which this site does not run; roll them with the Avianart randomizer (`avianart`) instead.",
        ));
    }
    if map.get("avianart").and_then(Value::as_bool) == Some(true) {
        return Err(Error::invalid(
            "avianart",
            "This is an Avianart preset: save it for the `avianart` randomizer.",
        ));
    }
    Ok(())
}

/// Which alttpr.com endpoint a body goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Randomizer,
    Customizer,
}

impl Endpoint {
    pub fn path(self) -> &'static str {
        match self {
            Self::Randomizer => "api/randomizer",
            Self::Customizer => "api/customizer",
        }
    }
}

/// The body to send for a fixed preset, and where.
///
/// `tournament` is on unless the preset turns it off (a race seed hides the spoiler from the
/// site's answer); the caller's `tournament` option forces it on. A spoiler asked for means
/// `spoilers: generate` — alttpr.com hands that spoiler over in this answer only, so the caller
/// keeps it — otherwise the preset's own `spoilers`, or `off`. `allow_quickswap` is always sent
/// (the site's default is on; a preset that does not say means off, as SahasrahBot rolled).
pub fn request_body(document: &Value, options: RollOptions) -> Result<(Endpoint, Value), Error> {
    check_wrapper(document)?;
    let wrapper = document.as_object().cloned().unwrap_or_default();
    let mut body: Map<String, Value> = settings_of(document)
        .as_object()
        .cloned()
        .unwrap_or_default();
    let endpoint = if wrapper.get("customizer").and_then(Value::as_bool) == Some(true) {
        Endpoint::Customizer
    } else {
        Endpoint::Randomizer
    };
    let from_preset = |key: &str| body.get(key).or_else(|| wrapper.get(key)).cloned();
    let tournament = options.tournament
        || from_preset("tournament")
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
    let spoilers = if options.spoiler {
        Value::from("generate")
    } else {
        from_preset("spoilers").unwrap_or_else(|| Value::from("off"))
    };
    let quickswap = from_preset("allow_quickswap").unwrap_or(Value::Bool(false));
    body.insert("tournament".into(), Value::Bool(tournament));
    body.insert("spoilers".into(), spoilers);
    body.insert("allow_quickswap".into(), quickswap);
    Ok((endpoint, Value::Object(body)))
}

/// The five file-select icons of a seed, read from its patch: the bytes at [`CODE_OFFSET`],
/// which usually sit inside a longer run of patched bytes (possibly spanning two runs). None
/// when the patch does not write them.
pub fn file_select_code(patch: &Value) -> Option<Vec<String>> {
    let mut runs: Vec<(u64, Vec<u8>)> = patch
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|entry| entry.iter())
        .filter_map(|(offset, bytes)| {
            let offset = offset.parse::<u64>().ok()?;
            let bytes = bytes
                .as_array()?
                .iter()
                .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect::<Option<Vec<u8>>>()?;
            Some((offset, bytes))
        })
        .collect();
    runs.sort_by_key(|(offset, _)| *offset);
    let mut code = Vec::with_capacity(5);
    for position in CODE_OFFSET..CODE_OFFSET + 5 {
        let byte = runs.iter().find_map(|(start, bytes)| {
            let index = usize::try_from(position.checked_sub(*start)?).ok()?;
            bytes.get(index).copied()
        })?;
        code.push(CODE_NAMES[usize::from(byte & 0x1f)].to_string());
    }
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_read_from_inside_a_run_and_across_runs() {
        let patch = json!([
            {"100": [1, 2, 3]},
            {(CODE_OFFSET - 17).to_string(): [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,3,17,8,22,30,0]}
        ]);
        assert_eq!(
            file_select_code(&patch).unwrap(),
            ["Bombs", "Empty Bottle", "Bombos", "Boots", "Compass"]
        );
        // Two runs: three bytes in one, two in the next (listed out of order).
        let split = json!([
            {(CODE_OFFSET + 3).to_string(): [1, 31]},
            {(CODE_OFFSET - 1).to_string(): [9, 0, 2, 4]}
        ]);
        assert_eq!(
            file_select_code(&split).unwrap(),
            ["Bow", "Hookshot", "Mushroom", "Boomerang", "Big Key"]
        );
        // The patch does not write all five bytes.
        assert_eq!(file_select_code(&json!([{"1573397": [1, 2]}])), None);
        assert_eq!(file_select_code(&json!({"not": "a list"})), None);
        assert_eq!(
            file_select_code(&json!([{"1573397": [1, 2, 3, 4, 300]}])),
            None
        );
    }

    #[test]
    fn a_plain_preset_becomes_a_race_body() {
        let (endpoint, body) = request_body(
            &json!({"goal": "fast_ganon", "mode": "open"}),
            RollOptions::default(),
        )
        .unwrap();
        assert_eq!(endpoint, Endpoint::Randomizer);
        assert_eq!(body["goal"], "fast_ganon");
        assert_eq!(body["tournament"], true);
        assert_eq!(body["spoilers"], "off");
        assert_eq!(body["allow_quickswap"], false);
    }

    #[test]
    fn sahasrahbots_format_spoilers_and_the_customizer() {
        let preset = json!({
            "goal_name": "open", "customizer": true, "allow_quickswap": true,
            "settings": {"goal": "ganon", "custom": {"rom.timerMode": "countdown-ohko"}, "eq": ["PegasusBoots"]}
        });
        let spoiler = RollOptions {
            spoiler: true,
            tournament: false,
        };
        let (endpoint, body) = request_body(&preset, spoiler).unwrap();
        assert_eq!(endpoint, Endpoint::Customizer);
        assert_eq!(body["spoilers"], "generate", "kept from this answer");
        assert_eq!(body["allow_quickswap"], true, "the wrapper's quickswap");
        assert_eq!(body["eq"], json!(["PegasusBoots"]));
        assert!(body.get("goal_name").is_none(), "wrapper keys are not sent");

        let casual = json!({"tournament": false, "goal": "ganon"});
        let (_, body) = request_body(&casual, RollOptions::default()).unwrap();
        assert_eq!(body["tournament"], false);
        let (_, body) = request_body(
            &casual,
            RollOptions {
                spoiler: false,
                tournament: true,
            },
        )
        .unwrap();
        assert_eq!(body["tournament"], true, "the caller's race flag wins");
    }

    #[test]
    fn door_and_avianart_presets_and_unknown_wrapper_keys_are_refused_by_name() {
        for (preset, field) in [
            (json!({"doors": true, "settings": {}}), "doors"),
            (json!({"avianart": true, "settings": {}}), "avianart"),
            (json!({"setings": {}, "settings": {}}), "setings"),
        ] {
            let err = request_body(&preset, RollOptions::default()).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field: f, .. } if f == field),
                "{preset}: {err:?}"
            );
        }
    }

    #[test]
    fn the_schema_names_an_unknown_or_wrong_setting() {
        use sdk::randomizer::validate_settings;
        let schema = settings_schema();
        assert!(validate_settings(
            &schema,
            &json!({"goal": "ganon", "crystals": {"tower": "7", "ganon": 5}})
        )
        .is_ok());
        let err = validate_settings(&schema, &json!({"gaol": "ganon"})).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "settings.gaol"),
            "{err:?}"
        );
        let err = validate_settings(&schema, &json!({"mode": "closed"})).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "settings.mode"),
            "{err:?}"
        );
    }
}
