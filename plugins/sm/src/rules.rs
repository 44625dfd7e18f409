//! The pure rules of rolling Super Metroid: the settings a preset may hold (one JSON Schema for
//! the three generators, plus which settings belong to which generator), and what each
//! generator's site is sent and answers — VARIA's form and its JSON-as-HTML answers, DASH's
//! redirect. The `total` generator's request and answer are samus.link's, in
//! [`smz3::samus`]. No I/O; unit tested below.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use sdk::Error;
use smz3::samus;

/// How a Super Metroid seed is rolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    /// The VARIA web randomizer (docs/upstreams/randomizers.md §5).
    Varia,
    /// DASH on dashrando.net (§6).
    Dash,
    /// The Super Metroid randomizer on sm.samus.link, SahasrahBot's "SM Total Randomizer"
    /// (§4, §6.5).
    Total,
}

impl Generator {
    pub const ALL: [Generator; 3] = [Generator::Varia, Generator::Dash, Generator::Total];

    /// The name a preset gives it (`generator: varia`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Varia => "varia",
            Self::Dash => "dash",
            Self::Total => "total",
        }
    }

    /// The site it rolls on, for messages.
    pub fn site(self) -> &'static str {
        match self {
            Self::Varia => "VARIA",
            Self::Dash => "dashrando.net",
            Self::Total => "sm.samus.link",
        }
    }

    /// The settings only this generator takes.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Self::Varia => VARIA_KEYS,
            Self::Dash => DASH_KEYS,
            Self::Total => TOTAL_KEYS,
        }
    }

    /// Whether `key` is a setting only this generator takes.
    pub fn owns(self, key: &str) -> bool {
        self.keys().contains(&key) || (self == Self::Total && key.starts_with("player-"))
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.name() == name)
    }
}

/// The settings matched case-insensitively against a list (lowercased before they are checked).
pub const ENUMS: &[&str] = &[
    "generator",
    "race",
    "gamemode",
    "logic",
    "goal",
    "placement",
];
/// sm.samus.link's settings (besides `race` and the players' names).
pub const TOTAL_KEYS: &[&str] = &["seed", "gamemode", "players", "logic", "goal", "placement"];
/// VARIA's: the two presets pyz3r and SahasrahBot's `/smvaria` name, and form fields over them.
pub const VARIA_KEYS: &[&str] = &["settings_preset", "skills_preset", "overrides"];
/// DASH's: the preset, as DASH names it.
pub const DASH_KEYS: &[&str] = &["preset"];

/// VARIA's settings preset when a preset names none (the site's own default).
pub const DEFAULT_SETTINGS_PRESET: &str = "default";
/// VARIA's skills preset when a preset names none (pyz3r's default).
pub const DEFAULT_SKILLS_PRESET: &str = "regular";
/// VARIA form fields the roll sets itself: the skills preset (`preset`, and its content in
/// `paramsFileTarget`) and race mode (from `race`).
pub const VARIA_SET_BY_THE_ROLL: &[&str] = &["paramsFileTarget", "preset", "raceMode"];

fn one_of(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

/// The settings of a Super Metroid preset, for every generator (after [`settings`] turned bare
/// yes/no and numbers into text): `generator` and `race` for all, then each generator's own
/// (which belong to which is checked by [`check_generator`]). A setting not listed here is
/// refused by name when the preset is saved.
pub fn settings_schema() -> Value {
    // VARIA's preset names are file names: word characters, 1-32 (the site refuses others).
    let varia_preset = json!({"type": "string", "pattern": "^[A-Za-z0-9_]{1,32}$"});
    let mut properties = samus::common_properties();
    let own = json!({
        "generator": one_of(&["varia", "dash", "total"]),
        // total (sm.samus.link: Randomizer.SuperMetroid/Config.cs)
        "logic": one_of(&["casual", "tournament"]),
        "goal": one_of(&["defeatmb"]),
        "placement": one_of(&["full", "split"]),
        // varia
        "settings_preset": varia_preset,
        "skills_preset": varia_preset,
        "overrides": {
            "type": "object",
            "maxProperties": 200,
            "propertyNames": {"pattern": "^[A-Za-z][A-Za-z0-9_]{0,63}$"},
            "additionalProperties": {
                "anyOf": [
                    {"type": "string", "maxLength": 5000},
                    {"type": "number"},
                    {"type": "boolean"},
                    {"type": "array", "maxItems": 200, "items": {"type": "string", "maxLength": 200}}
                ]
            }
        },
        // dash: a path segment of /generate/{preset}
        "preset": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}
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

/// A preset's settings as text (SahasrahBot's wrapper checked, bare yes/no and numbers read as
/// their text, lists lowercased), ready to check against [`settings_schema`].
pub fn settings(document: &Value) -> Result<Map<String, Value>, Error> {
    samus::check_wrapper(document, crate::PLUGIN_ID)?;
    samus::normalized(samus::settings_of(document), ENUMS)
}

/// The preset's generator: `total` when it names none (SahasrahBot's Super Metroid presets
/// are sm.samus.link's).
pub fn generator(settings: &Map<String, Value>) -> Result<Generator, Error> {
    match settings.get("generator") {
        None => Ok(Generator::Total),
        Some(value) => value
            .as_str()
            .and_then(Generator::from_name)
            .ok_or_else(|| {
                Error::invalid(
                    "settings.generator",
                    format!("{value} is not a generator: choose varia, dash or total."),
                )
            }),
    }
}

/// Checks that every setting belongs to `generator` (a setting of another one is named, with
/// the generator it belongs to), and what the generator needs: DASH a preset, sm.samus.link
/// what it would fail on with an empty 500, VARIA no form field the roll sets itself.
pub fn check_generator(generator: Generator, settings: &Map<String, Value>) -> Result<(), Error> {
    for key in settings.keys() {
        if let Some(owner) = Generator::ALL
            .into_iter()
            .find(|g| *g != generator && g.owns(key))
        {
            return Err(Error::invalid(
                format!("settings.{key}"),
                format!(
                    "`{key}` is a setting of the `{}` generator ({}), and this preset rolls with `{}` ({}): remove it, or set `generator: {}`.",
                    owner.name(),
                    owner.site(),
                    generator.name(),
                    generator.site(),
                    owner.name()
                ),
            ));
        }
    }
    match generator {
        Generator::Total => samus::check_game_settings(settings),
        Generator::Dash if !settings.contains_key("preset") => Err(Error::invalid(
            "settings.preset",
            "Say which DASH preset to roll, as dashrando.net names it (`preset: classic`, `recall`, `2017_mm`, `chozo_bozo`, `sgl23`, `surprise_surprise`, `mystery`, …).",
        )),
        Generator::Dash => Ok(()),
        Generator::Varia => {
            let overrides = settings.get("overrides").and_then(Value::as_object);
            match overrides.and_then(|o| {
                o.keys()
                    .find(|k| VARIA_SET_BY_THE_ROLL.contains(&k.as_str()))
            }) {
                Some(key) => Err(Error::invalid(
                    format!("settings.overrides.{key}"),
                    format!("`{key}` is set by the roll (the skills preset is `skills_preset`, race mode is `race`): remove it from `overrides`."),
                )),
                None => Ok(()),
            }
        }
    }
}

/// The body posted to sm.samus.link: samus.link's, without `generator` (not a site setting).
pub fn total_body(
    settings: &Map<String, Value>,
    race: bool,
    spoiler_key: Option<&str>,
) -> Map<String, Value> {
    let mut settings = settings.clone();
    settings.remove("generator");
    samus::request_body(&settings, race, spoiler_key)
}

/// VARIA's two presets and the form fields a preset sets over them.
#[derive(Debug, Clone, PartialEq)]
pub struct VariaChoice {
    pub settings_preset: String,
    pub skills_preset: String,
    pub overrides: Map<String, Value>,
}

pub fn varia_choice(settings: &Map<String, Value>) -> VariaChoice {
    let text = |key: &str, default: &str| {
        settings
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_string()
    };
    VariaChoice {
        settings_preset: text("settings_preset", DEFAULT_SETTINGS_PRESET),
        skills_preset: text("skills_preset", DEFAULT_SKILLS_PRESET),
        overrides: settings
            .get("overrides")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
    }
}

/// One value as a form field: lists comma-joined (VARIA's `…MultiSelect`), yes/no as
/// `true`/`false` (VARIA's `objectiveRandom`), mappings as JSON text; nothing for null.
pub fn form_value(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(form_value)
                .collect::<Vec<_>>()
                .join(","),
        ),
        Value::Object(_) => Some(value.to_string()),
    }
}

/// The form posted to `randomizerWebService`, built as pyz3r builds it: VARIA's `default`
/// settings preset (VARIA checks that every setting is there), with `complexity: advanced`,
/// `seed: 0` (random) and `logic: vanilla` added (the default preset lacks `logic`), the named
/// settings preset over it, the preset's overrides over that, then the skills preset (its name
/// in `preset`, its content as JSON text in `paramsFileTarget`) and `raceMode`.
pub fn varia_form(
    default: &Map<String, Value>,
    named: Option<&Map<String, Value>>,
    overrides: &Map<String, Value>,
    skills_name: &str,
    skills: &Value,
    race: bool,
) -> Vec<(String, String)> {
    let mut merged = default.clone();
    merged.insert("complexity".into(), json!("advanced"));
    merged.insert("seed".into(), json!("0"));
    merged.insert("logic".into(), json!("vanilla"));
    if let Some(named) = named {
        merged.extend(named.clone());
    }
    merged.extend(overrides.clone());
    merged.insert("paramsFileTarget".into(), json!(skills.to_string()));
    merged.insert("preset".into(), json!(skills_name));
    merged.insert("raceMode".into(), json!(if race { "on" } else { "off" }));
    merged
        .into_iter()
        .filter_map(|(key, value)| form_value(&value).map(|v| (key, v)))
        .collect()
}

/// What `randomizerWebService` answers (HTTP 200 either way): `status` `OK` with the seed, or
/// `NOK` with why in `errorMsg`; on `OK`, `errorMsg` holds warnings.
#[derive(Debug, Clone, Deserialize)]
pub struct VariaAnswer {
    #[serde(default)]
    pub status: String,
    #[serde(default, rename = "seedKey")]
    pub seed_key: Option<String>,
    #[serde(default, rename = "fileName")]
    pub file_name: Option<String>,
    #[serde(default, rename = "errorMsg")]
    pub error_msg: Option<String>,
}

/// Whether `key` looks like VARIA's seed key (a UUID), safe to put in a path.
pub fn is_varia_seed_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 64 && key.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// VARIA's text without its HTML: `<br/>` between messages becomes `; `, other tags go.
pub fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        if tag.starts_with("br") || tag.starts_with("/p") {
            out.push_str("; ");
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut parts: Vec<&str> = words
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts.dedup();
    parts.join("; ")
}

/// What a VARIA refusal (HTTP 400) says: the randomizer's answers a JSON-quoted string, the
/// preset services plain text; either may carry HTML.
pub fn varia_refusal(body: &str) -> String {
    let text = match serde_json::from_str::<Value>(body.trim()) {
        Ok(Value::String(s)) => s,
        Ok(other) => other
            .get("errorMsg")
            .and_then(Value::as_str)
            .map_or_else(|| other.to_string(), str::to_string),
        Err(_) => body.to_string(),
    };
    let text = plain_text(&text);
    if text.is_empty() {
        "no reason given".into()
    } else if text.chars().count() > 300 {
        format!("{}…", text.chars().take(300).collect::<String>())
    } else {
        text
    }
}

/// DASH's path for a preset (`generate/{preset}`; the schema keeps the name a path segment).
pub fn dash_path(preset: &str) -> String {
    format!("generate/{preset}")
}

/// DASH's query: `race=1` for a race seed, `spoiler=1` for a spoiler. DASH turns the spoiler on
/// for any non-empty `spoiler` (`spoiler=0` included), so it is left out when not wanted.
pub fn dash_query(race: bool, spoiler: bool) -> Vec<(&'static str, &'static str)> {
    let mut query = Vec::new();
    if race {
        query.push(("race", "1"));
    }
    if spoiler {
        query.push(("spoiler", "1"));
    }
    query
}

/// The seed key in DASH's redirect (`Location: {origin}/seed/{key}`, absolute or not). None
/// when the location is not a seed page.
pub fn dash_seed_key(location: &str) -> Option<String> {
    let location = location.trim();
    let path = match location.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => location,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [.., "seed", key]
            if key.len() <= 64
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
        {
            Some(key.to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(document: Value) -> Result<(Generator, Map<String, Value>), Error> {
        let settings = settings(&document)?;
        sdk::randomizer::validate_settings(&settings_schema(), &Value::Object(settings.clone()))?;
        let generator = generator(&settings)?;
        check_generator(generator, &settings)?;
        Ok((generator, settings))
    }

    fn field(result: Result<(Generator, Map<String, Value>), Error>) -> String {
        match result {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sahasrahbots_presets_roll_on_sm_samus_link() {
        // `presets/sm/tournament_split.yaml`, capital T and all.
        let (generator, settings) = checked(json!({
            "randomizer": "sm", "goal_name": "beat the game", "description": "…",
            "settings": {"logic": "Tournament", "goal": "defeatmb", "placement": "split",
                         "seed": "", "race": "true", "gamemode": "normal", "players": "1"}
        }))
        .unwrap();
        assert_eq!(generator, Generator::Total);
        let body = total_body(&settings, true, None);
        assert_eq!(body["logic"], "tournament");
        assert_eq!(body["race"], "true");
        let with_generator = checked(json!({"generator": "Total", "placement": "full"})).unwrap();
        let body = total_body(&with_generator.1, false, Some("K"));
        assert!(body.get("generator").is_none(), "not a site setting");
        assert_eq!(body["seed"], "");
        assert_eq!(body["spoilerKey"], "K");
    }

    #[test]
    fn a_setting_of_another_generator_is_named_with_its_generator() {
        let err = checked(json!({"generator": "varia", "placement": "full"})).unwrap_err();
        match err {
            Error::Invalid { field, message } => {
                assert_eq!(field, "settings.placement");
                assert!(
                    message.contains("`total` generator (sm.samus.link)"),
                    "{message}"
                );
                assert!(message.contains("rolls with `varia`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            field(checked(json!({"preset": "classic"}))),
            "settings.preset"
        );
        assert_eq!(
            field(checked(
                json!({"generator": "dash", "player-0": "Ada", "preset": "x"})
            )),
            "settings.player-0"
        );
        assert_eq!(
            field(checked(json!({"generator": "dash"}))),
            "settings.preset"
        );
        assert_eq!(
            field(checked(json!({"generator": "super"}))),
            "settings.generator"
        );
        assert_eq!(
            field(checked(
                json!({"generator": "varia", "overrides": {"raceMode": "on"}})
            )),
            "settings.overrides.raceMode"
        );
        assert_eq!(
            field(checked(
                json!({"generator": "varia", "skills_preset": "no/slash"})
            )),
            "settings.skills_preset"
        );
        assert_eq!(
            field(checked(json!({"generator": "dash", "preset": "../admin"}))),
            "settings.preset"
        );
        assert_eq!(field(checked(json!({"logic": "expert"}))), "settings.logic");
        assert_eq!(
            field(checked(json!({"seed": 2_147_483_648u64}))),
            "settings.seed"
        );
        assert!(
            checked(json!({"generator": "dash", "preset": "chozo_bozo", "race": false})).is_ok()
        );
    }

    #[test]
    fn the_varia_form_is_default_then_preset_then_overrides_then_skills() {
        let default = json!({"hud": "off", "majorsSplit": "Full", "preset": "regular",
                             "startLocationMultiSelect": ["Landing Site", "Gauntlet Top"]});
        let named = json!({"majorsSplit": "Major", "logic": "rotation"});
        let skills = json!({"Knows": {"Mockball": [true, 1]}});
        let choice = varia_choice(
            &checked(
                json!({"generator": "varia", "settings_preset": "Season_Races",
                            "skills_preset": "Season_Races",
                            "overrides": {"hud": "on", "minorQty": 20, "variaTweaks": true}}),
            )
            .unwrap()
            .1,
        );
        assert_eq!(choice.settings_preset, "Season_Races");
        let form: Map<String, Value> = varia_form(
            default.as_object().unwrap(),
            named.as_object(),
            &choice.overrides,
            &choice.skills_preset,
            &skills,
            true,
        )
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
        assert_eq!(
            Value::Object(form),
            json!({
                "hud": "on", "majorsSplit": "Major", "logic": "rotation",
                "complexity": "advanced", "seed": "0", "minorQty": "20", "variaTweaks": "true",
                "startLocationMultiSelect": "Landing Site,Gauntlet Top",
                "preset": "Season_Races", "raceMode": "on",
                "paramsFileTarget": r#"{"Knows":{"Mockball":[true,1]}}"#
            })
        );
        let plain = varia_choice(&checked(json!({"generator": "varia"})).unwrap().1);
        assert_eq!(
            (plain.settings_preset.as_str(), plain.skills_preset.as_str()),
            ("default", "regular")
        );
        let form = varia_form(&Map::new(), None, &Map::new(), "regular", &json!({}), false);
        assert!(form.contains(&("raceMode".into(), "off".into())));
        assert!(form.contains(&("logic".into(), "vanilla".into())));
    }

    #[test]
    fn varia_messages_lose_their_html_and_quotes() {
        assert_eq!(
            varia_refusal(r#""Missing parameter: hud""#),
            "Missing parameter: hud"
        );
        assert_eq!(
            varia_refusal("Rando preset not found"),
            "Rando preset not found"
        );
        assert_eq!(
            varia_refusal("<html><body><h1>Preset not found</h1></body></html>"),
            "Preset not found"
        );
        assert_eq!(varia_refusal("  "), "no reason given");
        assert_eq!(
            plain_text("Can't generate a seed<br/>Too many items<br/>"),
            "Can't generate a seed; Too many items"
        );
        assert!(is_varia_seed_key("6b1d5c2e-0000-4000-8000-00000000abcd"));
        assert!(!is_varia_seed_key("../etc"));
        assert!(!is_varia_seed_key(""));
    }

    #[test]
    fn dash_is_a_get_and_its_redirect_names_the_seed() {
        assert_eq!(dash_path("chozo_bozo"), "generate/chozo_bozo");
        assert_eq!(dash_query(true, false), [("race", "1")]);
        assert_eq!(dash_query(false, true), [("spoiler", "1")]);
        assert!(
            dash_query(false, false).is_empty(),
            "no spoiler=0: DASH reads it as on"
        );
        assert_eq!(
            dash_seed_key("https://www.dashrando.net/seed/abc123def456").as_deref(),
            Some("abc123def456")
        );
        assert_eq!(
            dash_seed_key("/seed/abc123def456?x=1").as_deref(),
            Some("abc123def456")
        );
        assert_eq!(dash_seed_key("https://www.dashrando.net/"), None);
        assert_eq!(dash_seed_key("https://evil.example/seed/a%2Fb"), None);
        assert_eq!(dash_seed_key(""), None);
    }
}
