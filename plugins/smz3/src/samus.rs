//! samus.link: the pure parts of rolling on the ASP.NET app (`WebRandomizer`) that serves both
//! samus.link (SMZ3) and sm.samus.link (Super Metroid: SahasrahBot's "SM Total Randomizer").
//! This plugin rolls SMZ3 with them; the `sm` plugin's `total` generator rolls Super Metroid
//! with the same code (docs/upstreams/randomizers.md §4). No I/O; unit tested below.
//!
//! What the site wants, and why the code below looks the way it does:
//! - the request is a flat JSON object of **strings**: the app reads it as
//!   `Dictionary<string,string>`, and compares `race` with the lowercase text `"true"` when it
//!   stores and serves a seed, so a JSON `true` (which it would turn into `"True"`) would roll a
//!   race seed that it then serves as a non-race one, spoiler included. [`normalized`] turns a
//!   preset's yes/no and numbers into that text;
//! - `seed` must be present (`""` rolls a random one): the app reads it without checking and
//!   answers an empty 500 when it is missing;
//! - the answer has no link: the permalink's slug is the seed's `guid` (32 hex digits) in
//!   URL-safe base64 without padding ([`slug`]), under `/seed/` (or `/multiworld/`);
//! - its `hash` is already the file-select code, four enemy names (`GEEMER RIPPER ATOMIC
//!   POWAMP`);
//! - a spoiler of a race seed is served only to whoever sends the `spoilerKey` given when it
//!   was rolled, at `/api/spoiler/{guid}?key={key}&yaml=true`.

use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use sdk::Error;

/// The keys of SahasrahBot's preset files around `settings` (`presets/smz3/*.yaml`,
/// `presets/sm/*.yaml`).
pub const WRAPPER_KEYS: &[&str] = &[
    "randomizer",
    "goal_name",
    "description",
    "settings",
    "release",
];

/// The settings every samus.link randomizer matches case-insensitively against a list.
pub const COMMON_ENUMS: &[&str] = &["race", "gamemode"];

/// The largest seed number the site takes (a .NET `int`).
pub const MAX_SEED_NUMBER: u64 = 2_147_483_647;

/// A preset document's settings (SahasrahBot's `settings:` mapping, or the whole document).
pub use sdk::randomizer::settings_of;

/// Checks SahasrahBot's wrapper around the settings, when the preset has one: its keys are
/// known, its `randomizer` (when given) is this one, and it does not pick a `release` site.
pub fn check_wrapper(document: &Value, randomizer: &str) -> Result<(), Error> {
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
    if let Some(named) = map.get("randomizer") {
        let named = named.as_str().map(|s| s.trim().to_lowercase());
        if named.as_deref() != Some(randomizer) {
            return Err(Error::invalid(
                "randomizer",
                format!(
                    "This preset file says it is for `{}`, not `{randomizer}`: save it for that randomizer, or fix `randomizer:`.",
                    named.unwrap_or_default()
                ),
            ));
        }
    }
    // SahasrahBot rolled a preset's `release: beta` on https://beta.samus.link. Here the site's
    // administrators alone choose the address the server calls, so a preset cannot.
    if map.contains_key("release") {
        return Err(Error::invalid(
            "release",
            "Presets cannot pick a samus.link release site: seeds are rolled at the address the site's administrators set. Remove `release:`.",
        ));
    }
    Ok(())
}

/// A preset's settings as the text samus.link takes: a yes/no or whole number written bare in
/// YAML becomes its text (`race: true` → `"true"`, `players: 1` → `"1"`), text is trimmed, and
/// the settings named in `enums` — matched case-insensitively by the site — are lowercased
/// (SahasrahBot's `logic: Tournament`). Anything else (a list, a mapping, a fraction) is left
/// as it is, for the schema to refuse by name; an empty value (`seed:` with nothing after it)
/// counts as not given.
pub fn normalized(settings: &Value, enums: &[&str]) -> Result<Map<String, Value>, Error> {
    let Some(map) = settings.as_object() else {
        return Err(Error::invalid(
            "settings",
            "The settings must be a mapping of setting names to values.",
        ));
    };
    let mut out = Map::new();
    for (key, value) in map {
        let value = match value {
            Value::Null => continue,
            Value::Bool(b) => Value::String(b.to_string()),
            Value::Number(n) if n.is_i64() || n.is_u64() => Value::String(n.to_string()),
            Value::String(s) if enums.contains(&key.as_str()) => {
                Value::String(s.trim().to_lowercase())
            }
            Value::String(s) => Value::String(s.trim().to_string()),
            other => other.clone(),
        };
        out.insert(key.clone(), value);
    }
    Ok(out)
}

fn one_of(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

/// The schema of the settings every samus.link randomizer takes (after [`normalized`]).
pub fn common_properties() -> Map<String, Value> {
    let mut properties = Map::new();
    properties.insert(
        "seed".into(),
        json!({
            "type": "string", "pattern": "^[0-9]{0,10}$",
            "description": "The seed number (0-2147483647); empty for a random seed."
        }),
    );
    properties.insert("race".into(), one_of(&["true", "false"]));
    properties.insert("gamemode".into(), one_of(&["normal", "multiworld"]));
    properties.insert(
        "players".into(),
        json!({"type": "string", "pattern": "^[0-9]{1,2}$"}),
    );
    properties
}

/// The multiworld players' names (`player-0`, `player-1`, …), as `patternProperties`.
pub fn player_names() -> Value {
    json!({"^player-[0-9]{1,2}$": {"type": "string", "minLength": 1, "maxLength": 64}})
}

/// What the site would fail on with an empty 500, caught here with the setting to fix: a seed
/// number out of range, and multiworld players without usable names.
pub fn check_game_settings(settings: &Map<String, Value>) -> Result<(), Error> {
    let text = |key: &str| settings.get(key).and_then(Value::as_str).unwrap_or("");
    let seed = text("seed");
    if !seed.is_empty() && seed.parse::<u64>().map_or(true, |n| n > MAX_SEED_NUMBER) {
        return Err(Error::invalid(
            "settings.seed",
            format!("The seed number must be a whole number from 0 to {MAX_SEED_NUMBER}, or empty for a random seed."),
        ));
    }
    if text("gamemode") == "multiworld" {
        let players = match text("players") {
            "" => 1,
            n => n.parse::<u32>().unwrap_or(0),
        };
        if players == 0 {
            return Err(Error::invalid(
                "settings.players",
                "A multiworld seed needs at least one player.",
            ));
        }
        for player in 0..players {
            let key = format!("player-{player}");
            if !text(&key).chars().any(|c| c.is_ascii_alphanumeric()) {
                return Err(Error::invalid(
                    format!("settings.{key}"),
                    format!("A multiworld seed of {players} players needs a name with a letter or digit for each: set `{key}`."),
                ));
            }
        }
    }
    Ok(())
}

/// Whether the seed is a race seed (spoiler and item locations hidden by the site): when the
/// caller asks for one, or unless the preset says `race: "false"` — SahasrahBot's preset files
/// all say `"true"`, and a seed rolled for a race must not hand out its spoiler.
pub fn is_race(settings: &Map<String, Value>, forced: bool) -> bool {
    forced || settings.get("race").and_then(Value::as_str) != Some("false")
}

/// The body posted to `/api/randomizers/{id}/generate`: the settings (text, already
/// [`normalized`] and checked), `seed` empty unless the preset fixes one, `race`, and the
/// `spoilerKey` when a spoiler is asked for.
pub fn request_body(
    settings: &Map<String, Value>,
    race: bool,
    spoiler_key: Option<&str>,
) -> Map<String, Value> {
    let mut body = settings.clone();
    body.entry("seed").or_insert_with(|| Value::from(""));
    body.insert("race".into(), Value::from(race.to_string()));
    if let Some(key) = spoiler_key {
        body.insert("spoilerKey".into(), Value::from(key));
    }
    body
}

/// What the site answers with a seed (the fields read here; `worlds` holds the patches).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub guid: String,
    #[serde(default)]
    pub hash: Option<String>,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub seed_number: Option<String>,
    #[serde(default)]
    pub game_name: Option<String>,
    #[serde(default)]
    pub game_version: Option<String>,
    #[serde(default)]
    pub game_id: Option<String>,
    #[serde(default)]
    pub players: Option<u32>,
}

/// The permalink's slug: the guid's 16 bytes in URL-safe base64 without padding (22
/// characters), as the site's web client decodes it. None when the guid is not 32 hex digits.
pub fn slug(guid: &str) -> Option<String> {
    let hex: Vec<u8> = guid.bytes().filter(|b| *b != b'-').collect();
    if hex.len() != 32 {
        return None;
    }
    let bytes = hex
        .chunks(2)
        .map(|pair| {
            let text = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(text, 16).ok()
        })
        .collect::<Option<Vec<u8>>>()?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The seed's page under the site: `seed/{slug}`, or `multiworld/{slug}` for a multiworld seed.
pub fn seed_path(mode: Option<&str>, slug: &str) -> String {
    match mode {
        Some("multiworld") => format!("multiworld/{slug}"),
        _ => format!("seed/{slug}"),
    }
}

/// Where the site serves the spoiler to whoever holds the key (YAML, as SahasrahBot linked it).
pub fn spoiler_path(guid: &str, key: &str) -> String {
    format!("api/spoiler/{guid}?key={key}&yaml=true")
}

/// The file-select code: the answer's `hash`, four enemy names. None when it is not that.
pub fn file_select_code(hash: &str) -> Option<Vec<String>> {
    let words: Vec<String> = hash.split_whitespace().map(str::to_string).collect();
    let names = words.len() == 4
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_alphabetic()));
    names.then_some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slug_is_the_guid_in_url_safe_base64() {
        // Checked against Python's slugid.encode(uuid.UUID(hex=guid)), which pyz3r uses.
        assert_eq!(
            slug("0f1e2d3c4b5a69788796a5b4c3d2e1f0").as_deref(),
            Some("Dx4tPEtaaXiHlqW0w9Lh8A")
        );
        assert_eq!(
            slug("fbffbf00000000000000000000000000").as_deref(),
            Some("-_-_AAAAAAAAAAAAAAAAAA"),
            "URL-safe alphabet, no padding"
        );
        assert_eq!(
            slug("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").as_deref(),
            Some("Dx4tPEtaaXiHlqW0w9Lh8A")
        );
        assert_eq!(slug("0f1e2d3c"), None);
        assert_eq!(slug("zz1e2d3c4b5a69788796a5b4c3d2e1f0"), None);
    }

    #[test]
    fn the_code_is_the_four_names_of_the_hash() {
        assert_eq!(
            file_select_code("GEEMER RIPPER ATOMIC POWAMP").unwrap(),
            ["GEEMER", "RIPPER", "ATOMIC", "POWAMP"]
        );
        assert_eq!(file_select_code("GEEMER RIPPER"), None);
        assert_eq!(file_select_code(""), None);
        assert_eq!(file_select_code("A B C <D>"), None);
    }

    #[test]
    fn settings_become_lowercase_text() {
        let settings = normalized(
            &json!({"race": true, "players": 1, "gamemode": " Normal ", "seed": null,
                    "initialitems": "Boots, Random:1", "bad": [1]}),
            COMMON_ENUMS,
        )
        .unwrap();
        assert_eq!(settings["race"], "true");
        assert_eq!(settings["players"], "1");
        assert_eq!(settings["gamemode"], "normal");
        assert_eq!(settings["initialitems"], "Boots, Random:1", "not an enum");
        assert!(settings.get("seed").is_none(), "empty counts as not given");
        assert_eq!(settings["bad"], json!([1]), "left for the schema to refuse");
        assert!(normalized(&json!(["race"]), COMMON_ENUMS).is_err());
    }

    #[test]
    fn the_body_always_has_a_seed_race_as_text_and_the_key() {
        let settings = normalized(&json!({"smlogic": "hard"}), &[]).unwrap();
        assert!(is_race(&settings, false), "race unless the preset says not");
        let body = request_body(&settings, true, Some("KEY"));
        assert_eq!(
            Value::Object(body),
            json!({"smlogic": "hard", "seed": "", "race": "true", "spoilerKey": "KEY"})
        );
        let casual = normalized(&json!({"race": false, "seed": 42}), COMMON_ENUMS).unwrap();
        assert!(!is_race(&casual, false));
        assert!(is_race(&casual, true), "the caller's race flag wins");
        let body = request_body(&casual, false, None);
        assert_eq!(body["seed"], "42");
        assert_eq!(body["race"], "false");
        assert!(body.get("spoilerKey").is_none());
    }

    #[test]
    fn seeds_out_of_range_and_nameless_players_are_refused_by_name() {
        let check = |v: Value| {
            check_game_settings(&normalized(&v, COMMON_ENUMS).unwrap())
                .err()
                .map(|e| match e {
                    Error::Invalid { field, .. } => field,
                    other => format!("{other:?}"),
                })
        };
        assert_eq!(check(json!({"seed": "2147483647"})), None);
        assert_eq!(
            check(json!({"seed": "2147483648"})).as_deref(),
            Some("settings.seed")
        );
        assert_eq!(
            check(json!({"gamemode": "multiworld", "players": 2, "player-0": "Ada"})).as_deref(),
            Some("settings.player-1")
        );
        assert_eq!(
            check(
                json!({"gamemode": "multiworld", "players": 2, "player-0": "Ada", "player-1": "!!"})
            )
            .as_deref(),
            Some("settings.player-1")
        );
        assert_eq!(
            check(
                json!({"gamemode": "multiworld", "players": 2, "player-0": "Ada", "player-1": "Bo b"})
            ),
            None
        );
    }

    #[test]
    fn the_wrapper_names_what_is_wrong() {
        let field = |v: Value| match check_wrapper(&v, "smz3") {
            Ok(()) => None,
            Err(Error::Invalid { field, .. }) => Some(field),
            Err(other) => Some(format!("{other:?}")),
        };
        assert_eq!(
            field(json!({"randomizer": "smz3", "goal_name": "x", "settings": {}})),
            None
        );
        assert_eq!(field(json!({"smlogic": "normal"})), None, "plain settings");
        assert_eq!(
            field(json!({"randomizer": "sm", "settings": {}})).as_deref(),
            Some("randomizer")
        );
        assert_eq!(
            field(json!({"release": "beta", "settings": {}})).as_deref(),
            Some("release")
        );
        assert_eq!(
            field(json!({"setings": {}, "settings": {}})).as_deref(),
            Some("setings")
        );
    }

    #[test]
    fn paths_under_the_site() {
        assert_eq!(seed_path(Some("normal"), "abc"), "seed/abc");
        assert_eq!(seed_path(None, "abc"), "seed/abc");
        assert_eq!(seed_path(Some("multiworld"), "abc"), "multiworld/abc");
        assert_eq!(
            spoiler_path("0f1e", "KEY"),
            "api/spoiler/0f1e?key=KEY&yaml=true"
        );
    }
}
