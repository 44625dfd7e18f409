//! The pure rules of rolling SMZ3 on samus.link: the settings a preset may hold (its JSON
//! Schema, from the site's `Randomizer.SMZ3/Config.cs` and `RandomizerOptions.cs`) and the
//! settings read from a preset as the text the site takes. What samus.link's randomizers share
//! (the wrapper, `seed`, `race`, multiworld, the answer) is in [`crate::samus`]. No I/O; unit
//! tested below.

use serde_json::{json, Map, Value};

use sdk::Error;

use crate::samus;

/// The settings samus.link matches case-insensitively against a list (the site parses them as
/// .NET enums, ignoring case, and silently falls back to the default on an unknown value — so
/// the schema refuses unknown values here instead).
pub const ENUMS: &[&str] = &[
    "race",
    "gamemode",
    "smlogic",
    "goal",
    "opentower",
    "ganonvulnerable",
    "opentourian",
    "swordlocation",
    "morphlocation",
    "keyshuffle",
];

const CRYSTALS: &[&str] = &[
    "random",
    "nocrystals",
    "onecrystal",
    "twocrystals",
    "threecrystals",
    "fourcrystals",
    "fivecrystals",
    "sixcrystals",
    "sevencrystals",
];

fn one_of(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

/// The settings of an SMZ3 preset, as text (a preset's bare yes/no and numbers are read as
/// their text first: [`settings`]). `spoilerKey` is not one: the roll sets it when a spoiler
/// is asked for, and a key written in a preset would hand the spoiler to anyone who reads it.
/// A setting not listed here is refused by name when the preset is saved.
pub fn settings_schema() -> Value {
    let mut properties = samus::common_properties();
    let own = json!({
        "smlogic": one_of(&["normal", "hard"]),
        "goal": one_of(&["defeatboth", "fastganondefeatmotherbrain", "alldungeonsdefeatmotherbrain"]),
        "opentower": one_of(CRYSTALS),
        "ganonvulnerable": one_of(CRYSTALS),
        "opentourian": one_of(&["random", "nobosses", "oneboss", "twobosses", "threebosses", "fourbosses"]),
        "swordlocation": one_of(&["randomized", "early", "uncle"]),
        "morphlocation": one_of(&["randomized", "early", "original"]),
        "keyshuffle": one_of(&["none", "keysanity"]),
        // `Type:Quantity, …` (e.g. `Boots, Random:1`); the site checks the item names.
        "initialitems": {"type": "string", "maxLength": 500}
    });
    if let Value::Object(own) = own {
        properties.extend(own);
    }
    json!({
        "type": "object",
        "properties": properties,
        "patternProperties": samus::player_names(),
        "additionalProperties": false
    })
}

/// A preset's SMZ3 settings as the text samus.link takes, its SahasrahBot wrapper checked.
/// The caller checks them against [`settings_schema`] and [`samus::check_game_settings`].
pub fn settings(document: &Value) -> Result<Map<String, Value>, Error> {
    samus::check_wrapper(document, crate::PLUGIN_ID)?;
    samus::normalized(samus::settings_of(document), ENUMS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SahasrahBot's `presets/smz3/normal.yaml`, as the presets plugin stores it.
    fn sahasrahbot_normal() -> Value {
        json!({
            "randomizer": "smz3",
            "goal_name": "beat the games",
            "description": "Normal logic.",
            "settings": {
                "smlogic": "normal", "goal": "defeatboth", "ganonvulnerable": "sevencrystals",
                "opentower": "sevencrystals", "opentourian": "fourbosses",
                "swordlocation": "randomized", "morphlocation": "randomized",
                "keyshuffle": "none", "seed": "", "race": "true", "gamemode": "normal",
                "players": "1"
            }
        })
    }

    #[test]
    fn sahasrahbots_files_are_read_as_their_settings() {
        let settings = settings(&sahasrahbot_normal()).unwrap();
        assert_eq!(settings["smlogic"], "normal");
        assert!(
            settings.get("goal_name").is_none(),
            "wrapper keys are not sent"
        );
        let loose = super::settings(&json!({"smlogic": "Hard", "race": false})).unwrap();
        assert_eq!(loose["smlogic"], "hard");
        assert_eq!(loose["race"], "false");
    }

    #[test]
    fn the_schema_names_an_unknown_or_wrong_setting() {
        use sdk::randomizer::validate_settings;
        let schema = settings_schema();
        let check = |v: Value| {
            let settings = settings(&v).unwrap();
            validate_settings(&schema, &Value::Object(settings))
        };
        assert!(check(sahasrahbot_normal()).is_ok());
        assert!(check(
            json!({"gamemode": "multiworld", "players": 2, "player-0": "A", "player-1": "B"})
        )
        .is_ok());
        for (preset, field) in [
            (json!({"smlogc": "hard"}), "settings.smlogc"),
            (json!({"smlogic": "expert"}), "settings.smlogic"),
            (json!({"opentower": "eightcrystals"}), "settings.opentower"),
            (json!({"spoilerKey": "mine"}), "settings.spoilerKey"),
            (json!({"seed": "-1"}), "settings.seed"),
            (json!({"players": [1]}), "settings.players"),
        ] {
            let err = check(preset.clone()).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field: f, .. } if f == field),
                "{preset}: {err:?}"
            );
        }
    }
}
