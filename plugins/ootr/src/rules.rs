//! The pure rules of rolling on ootrandomizer.com (docs/upstreams/randomizers.md §7): the
//! settings a preset may hold (its JSON Schema), the create request made from a preset and the
//! roll's options (encrypted, locked, which version), the reading of the site's answers — the
//! new seed's id, its status codes, the hash icons out of its settings log, its spoiler log —
//! and what the site's refusals mean. No I/O; unit tested below.

use serde_json::{json, Map, Value};

use sdk::Error;

/// The 32 hash icons a seed's `file_hash` names (the names the official race bot maps to
/// emoji). A name outside this list is kept as the site gives it: a new randomizer version may
/// add icons.
pub const HASH_ICONS: [&str; 32] = [
    "Beans",
    "Big Magic",
    "Bombchu",
    "Boomerang",
    "Boss Key",
    "Bottled Fish",
    "Bottled Milk",
    "Bow",
    "Compass",
    "Cucco",
    "Deku Nut",
    "Deku Stick",
    "Fairy Ocarina",
    "Frog",
    "Gold Scale",
    "Heart Container",
    "Hover Boots",
    "Kokiri Tunic",
    "Lens of Truth",
    "Longshot",
    "Map",
    "Mask of Truth",
    "Master Sword",
    "Megaton Hammer",
    "Mirror Shield",
    "Mushroom",
    "Saw",
    "Silver Gauntlets",
    "Skull Token",
    "Slingshot",
    "SOLD OUT",
    "Stone of Agony",
];

/// A randomizer version the site takes: a release (`8.1.0`), or a development branch's
/// `branch_x.y.z` with an optional `-n` (`dev_8.2.50`, `devSGLive22_8.1.49-40`).
pub const VERSION_PATTERN: &str =
    r"^(?:[A-Za-z][A-Za-z0-9]*_)?[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.]+)?$";

/// The settings of an OoTR preset: the settings map ootrandomizer.com's generator takes (what
/// SahasrahBot sent as the create's body — kept open: the site checks each of its hundreds of
/// settings itself and refuses what it does not know), the version, and whether the seed is an
/// encrypted race seed. SahasrahBot's `goal_name` and `description` may be there too. Anything
/// else is refused by name when the preset is saved.
pub fn settings_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "settings": {
                "type": "object",
                "title": "OoTR settings",
                "description": "The settings map of ootrandomizer.com's generator (`world_count`, `bridge`, `shuffle_smallkeys`, …), sent as it is; a `seed` key forces the seed string."
            },
            "version": {
                "type": "string",
                "title": "Randomizer version",
                "description": "`8.1.0` for a release, `dev_8.2.50` (branch_version) for a development branch. Leave out for the site's current release.",
                "pattern": VERSION_PATTERN
            },
            "encrypt": {
                "type": "boolean",
                "title": "Encrypted race seed",
                "description": "Its spoiler log is never shown. On unless turned off; development branches cannot encrypt, so their race seeds are locked (spoiler hidden) instead.",
                "default": true
            },
            "goal_name": {"type": "string", "maxLength": 200},
            "description": {"type": "string", "maxLength": 2000}
        },
        "required": ["settings"],
        "additionalProperties": false
    })
}

/// Checks a preset document when it is saved: its OoTR settings under `settings`, then the
/// whole against [`settings_schema`] (errors name `settings.<key>`). Server-side (the schema
/// validator is).
#[cfg(any(test, feature = "ssr"))]
pub fn check(document: &Value) -> Result<(), Error> {
    if let Some(map) = document.as_object() {
        if !map.contains_key("settings") {
            // A bare settings map pasted as the preset would otherwise be refused one setting
            // at a time.
            return Err(Error::invalid(
                "settings.settings",
                "Put the OoTR settings under `settings:` (the preset's top level holds `settings`, and optionally `version` and `encrypt`).",
            ));
        }
    }
    sdk::randomizer::validate_settings(&settings_schema(), document)
}

/// The roll's options as this module reads them (the SDK's `RollOptions` is server-only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RollOptions {
    pub spoiler: bool,
    pub tournament: bool,
}

/// What one create asks ootrandomizer.com for.
#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    /// The settings map: the body.
    pub body: Value,
    /// `version=`: None for the site's current release.
    pub version: Option<String>,
    /// `encrypt=true`: an encrypted seed (its spoiler never shown; needs the key's
    /// `can_create_encrypt` scope).
    pub encrypt: bool,
    /// `locked=true`: the spoiler log hidden on the seed's page until unlocked.
    pub locked: bool,
}

impl Create {
    /// The query parameters besides the key. `encrypt` and `locked` are sent only when on: the
    /// site's notes say `encrypt` must be set to true to apply and `locked` applies "if
    /// present" — so `locked=false` might lock; never send it.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(version) = &self.version {
            query.push(("version", version.clone()));
        }
        if self.encrypt {
            query.push(("encrypt", "true".to_string()));
        }
        if self.locked {
            query.push(("locked", "true".to_string()));
        }
        query
    }
}

/// Whether `version` is a development branch's (`branch_x.y.z`): those cannot be encrypted.
pub fn is_dev_branch(version: Option<&str>) -> bool {
    version.is_some_and(|v| v.contains('_'))
}

/// The create a preset makes with the caller's options.
///
/// A race seed unless the preset says `encrypt: false`; the caller's `tournament` option forces
/// one. A race seed is encrypted (as SahasrahBot rolled them), or locked on a development
/// branch, which cannot encrypt (as the official race bot does). A spoiler asked for means a
/// seed that is not encrypted — an encrypted seed's spoiler never leaves the site — but locked,
/// so players cannot read it on the seed's page, with `create_spoiler` on; the log comes from
/// the seed's details and is kept here, shown only to those allowed.
pub fn create_request(document: &Value, options: RollOptions) -> Result<Create, Error> {
    let mut body: Map<String, Value> = document
        .get("settings")
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| {
            Error::invalid(
                "settings.settings",
                "Put the OoTR settings under `settings:`.",
            )
        })?;
    let version = document
        .get("version")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    let race =
        options.tournament || document.get("encrypt").and_then(Value::as_bool) != Some(false);
    let (encrypt, locked) = if options.spoiler {
        body.insert("create_spoiler".into(), Value::Bool(true));
        (false, true)
    } else if race && is_dev_branch(version.as_deref()) {
        (false, true)
    } else {
        (race, false)
    };
    Ok(Create {
        body: Value::Object(body),
        version,
        encrypt,
        locked,
    })
}

/// What a create answers: `{"id": "…", "version": "…", "spoilers": bool}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The seed's id (digits; sent as a string or a number).
    pub id: String,
    /// The version the site picked.
    pub version: Option<String>,
    /// Whether the seed's page shows its spoiler log.
    pub spoilers: Option<bool>,
}

/// Reads a create's answer; the error says what was wrong.
pub fn created(answer: &Value) -> Result<Created, String> {
    let id = match answer.get("id") {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("no seed `id` in the answer".to_string()),
    };
    // The id goes into the seed's address and the status queries.
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!("the seed id `{id}` is not one"));
    }
    Ok(Created {
        id,
        version: answer
            .get("version")
            .and_then(Value::as_str)
            .map(str::to_string),
        spoilers: answer.get("spoilers").and_then(Value::as_bool),
    })
}

/// A seed's generation status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `0`.
    Generating,
    /// `1` (done), or `2` (done with a link; the API does not make those, but it is done).
    Done,
    /// `3`: generation failed.
    Failed,
}

/// Reads a status answer (`{"status": n, "progress": …}`); any other value is an error.
pub fn status(answer: &Value) -> Result<Status, String> {
    match answer.get("status").and_then(Value::as_i64) {
        Some(0) => Ok(Status::Generating),
        Some(1 | 2) => Ok(Status::Done),
        Some(3) => Ok(Status::Failed),
        Some(other) => Err(format!("an unknown seed status {other}")),
        None => Err("no `status` in the answer".to_string()),
    }
}

/// A field of the details that holds JSON as a string (`settingsLog`, `spoilerLog`), read a
/// second time; an object is taken as it is.
fn nested_json(details: &Value, key: &str) -> Result<Option<Value>, String> {
    match details.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => serde_json::from_str(s)
            .map(Some)
            .map_err(|e| format!("its `{key}` is not JSON ({e})")),
        Some(value @ Value::Object(_)) => Ok(Some(value.clone())),
        Some(other) => Err(format!("its `{key}` is {other}, not a log")),
    }
}

/// The seed's five hash icons: `file_hash` in the settings log of its details.
pub fn file_hash(details: &Value) -> Result<Vec<String>, String> {
    let log = nested_json(details, "settingsLog")?
        .ok_or_else(|| "its details have no `settingsLog`".to_string())?;
    let names: Vec<String> = log
        .get("file_hash")
        .and_then(Value::as_array)
        .ok_or_else(|| "its settings log has no `file_hash`".to_string())?
        .iter()
        .map(|v| v.as_str().map(str::trim).unwrap_or("").to_string())
        .collect();
    if names.len() != 5 || names.iter().any(String::is_empty) {
        return Err(format!(
            "its `file_hash` is not five icon names ({})",
            names.join(", ")
        ));
    }
    Ok(names)
}

/// The seed's spoiler log from its details, when the site hands it over (not for encrypted
/// seeds, nor to a key without the scope for locked ones). Kept as the site gives it: JSON when
/// it is, otherwise the text.
pub fn spoiler_log(details: &Value) -> Option<Value> {
    match nested_json(details, "spoilerLog") {
        Ok(log) => log,
        Err(_) => details
            .get("spoilerLog")
            .and_then(Value::as_str)
            .map(|s| Value::String(s.to_string())),
    }
}

/// What the site says in a refusal's body, as one short line: a JSON answer's `error` /
/// `message` / `detail`, or the first line of a text answer; nothing for an HTML page.
pub fn detail(body: &str) -> Option<String> {
    let text = body.trim();
    let line = match serde_json::from_str::<Value>(text) {
        Ok(json) => ["error", "message", "detail"]
            .iter()
            .find_map(|key| json.get(*key).and_then(Value::as_str))
            .map(str::trim)
            .filter(|s| !s.is_empty())?
            .to_string(),
        Err(_) if text.starts_with('<') => return None,
        Err(_) => text
            .lines()
            .find(|l| !l.trim().is_empty())?
            .trim()
            .to_string(),
    };
    Some(if line.chars().count() > 300 {
        format!("{}…", line.chars().take(300).collect::<String>())
    } else {
        line
    })
}

/// What a refusal of a create means, by its status (the site's API documentation).
pub fn meaning(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "the settings are not valid for this version",
        403 => "the API key was refused, or lacks the scope this seed needs (`can_create_encrypt` for encrypted seeds, `can_create_mw` for multiworld)",
        409 => "the version asked for is ambiguous or not available",
        423 => "its seed queue is full; try again in a few minutes",
        429 => "too many requests; try again in a minute",
        _ => return None,
    })
}

/// A refusal of a create, in words: what the site said and what its status means.
pub fn refusal(status: u16, body: &str) -> String {
    match (detail(body), meaning(status)) {
        (Some(said), Some(means)) => format!("{said} ({means})"),
        (Some(said), None) => said,
        (None, Some(means)) => format!("{means} (HTTP {status})"),
        (None, None) => format!("HTTP {status}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn field_of(err: &Error) -> &str {
        match err {
            Error::Invalid { field, .. } => field,
            other => panic!("not Invalid: {other:?}"),
        }
    }

    #[test]
    fn presets_are_checked_and_settings_refused_by_name() {
        assert!(check(&json!({"settings": {"world_count": 1, "bridge": "stones"}})).is_ok());
        assert!(check(&json!({
            "goal_name": "sgl", "description": "SGL", "settings": {}, "version": "devSGLive22_8.1.49-40", "encrypt": true
        }))
        .is_ok());
        for (preset, field) in [
            (json!({"world_count": 1}), "settings.settings"),
            (
                json!({"settings": {}, "vesion": "8.1.0"}),
                "settings.vesion",
            ),
            (
                json!({"settings": {}, "version": "latest"}),
                "settings.version",
            ),
            (json!({"settings": {}, "version": 8}), "settings.version"),
            (
                json!({"settings": {}, "encrypt": "yes"}),
                "settings.encrypt",
            ),
            (json!({"settings": "bSettingsString"}), "settings.settings"),
        ] {
            let err = check(&preset).unwrap_err();
            assert_eq!(field_of(&err), field, "{preset}: {err:?}");
        }
        assert_eq!(field_of(&check(&json!([1])).unwrap_err()), "settings");
        for version in [
            "8.1.0",
            "dev_8.2.50",
            "devFenhl_6.2.238",
            "devSGLive22_8.1.49-40",
        ] {
            assert!(
                check(&json!({"settings": {}, "version": version})).is_ok(),
                "{version}"
            );
        }
    }

    #[test]
    fn a_race_seed_is_encrypted_or_locked_on_a_dev_branch() {
        let release = json!({"settings": {"bridge": "stones"}, "version": "8.1.0"});
        let create = create_request(&release, RollOptions::default()).unwrap();
        assert!(create.encrypt && !create.locked);
        assert_eq!(create.body, json!({"bridge": "stones"}));
        assert_eq!(
            create.query(),
            [
                ("version", "8.1.0".to_string()),
                ("encrypt", "true".to_string())
            ]
        );
        let dev = json!({"settings": {}, "version": "dev_8.2.50"});
        let create = create_request(&dev, RollOptions::default()).unwrap();
        assert!(!create.encrypt && create.locked);
        assert_eq!(
            create.query(),
            [
                ("version", "dev_8.2.50".to_string()),
                ("locked", "true".to_string())
            ]
        );
        // The current release: no version sent.
        let current = create_request(&json!({"settings": {}}), RollOptions::default()).unwrap();
        assert_eq!(current.query(), [("encrypt", "true".to_string())]);
    }

    #[test]
    fn a_casual_seed_is_neither_unless_the_caller_races() {
        let casual = json!({"settings": {}, "encrypt": false});
        let create = create_request(&casual, RollOptions::default()).unwrap();
        assert!(!create.encrypt && !create.locked);
        assert!(create.query().is_empty(), "never locked=false");
        let race = RollOptions {
            spoiler: false,
            tournament: true,
        };
        assert!(create_request(&casual, race).unwrap().encrypt);
    }

    #[test]
    fn a_spoiler_means_a_locked_seed_that_makes_one() {
        let spoiler = RollOptions {
            spoiler: true,
            tournament: true,
        };
        let preset = json!({"settings": {"create_spoiler": false, "bridge": "open"}});
        let create = create_request(&preset, spoiler).unwrap();
        assert!(!create.encrypt && create.locked);
        assert_eq!(create.body["create_spoiler"], true);
        assert_eq!(create.body["bridge"], "open");
    }

    #[test]
    fn answers_are_read() {
        assert_eq!(
            created(&json!({"id": "123456", "version": "8.1.0", "spoilers": false})).unwrap(),
            Created {
                id: "123456".into(),
                version: Some("8.1.0".into()),
                spoilers: Some(false)
            }
        );
        assert_eq!(created(&json!({"id": 42})).unwrap().id, "42");
        assert!(created(&json!({"version": "8.1.0"})).is_err());
        assert!(created(&json!({"id": "1&key=x"})).is_err());

        assert_eq!(
            status(&json!({"status": 0, "progress": 40})),
            Ok(Status::Generating)
        );
        assert_eq!(
            status(&json!({"status": 1, "progress": 100})),
            Ok(Status::Done)
        );
        assert_eq!(status(&json!({"status": 2})), Ok(Status::Done));
        assert_eq!(status(&json!({"status": 3})), Ok(Status::Failed));
        assert!(status(&json!({"status": 7})).is_err());
        assert!(status(&json!({"progress": 7})).is_err());
    }

    #[test]
    fn the_hash_icons_come_from_the_settings_log_read_twice() {
        let details = json!({
            "creationTimestamp": "2024-01-01T00:00:00Z",
            "settingsLog": "{\"file_hash\":[\"Deku Stick\",\"Bow\",\"Frog\",\"Saw\",\"Map\"],\"settings\":{}}",
            "spoilerLog": ""
        });
        let icons = file_hash(&details).unwrap();
        assert_eq!(icons, ["Deku Stick", "Bow", "Frog", "Saw", "Map"]);
        assert!(icons.iter().all(|i| HASH_ICONS.contains(&i.as_str())));
        assert_eq!(spoiler_log(&details), None, "withheld");

        let garbage = json!({"settingsLog": "{\"file_hash\": [", "spoilerLog": ""});
        assert!(file_hash(&garbage).unwrap_err().contains("not JSON"));
        let four = json!({"settingsLog": {"file_hash": ["Bow", "Bow", "Bow", "Bow"]}});
        assert!(file_hash(&four).unwrap_err().contains("not five"));
        assert!(file_hash(&json!({})).is_err());

        let spoiled =
            json!({"spoilerLog": "{\"locations\": {\"KF Midos Top Left Chest\": \"Bow\"}}"});
        assert_eq!(
            spoiler_log(&spoiled).unwrap()["locations"]["KF Midos Top Left Chest"],
            "Bow"
        );
        let text = json!({"spoilerLog": "not json"});
        assert_eq!(spoiler_log(&text), Some(json!("not json")));
    }

    #[test]
    fn refusals_say_what_the_site_said_and_what_it_means() {
        assert_eq!(
            refusal(400, r#"{"error": "Unknown setting: bridgee"}"#),
            "Unknown setting: bridgee (the settings are not valid for this version)"
        );
        assert_eq!(
            refusal(423, ""),
            "its seed queue is full; try again in a few minutes (HTTP 423)"
        );
        assert_eq!(refusal(418, "<html>teapot</html>"), "HTTP 418");
        assert_eq!(refusal(418, "I'm a teapot\nmore"), "I'm a teapot");
        assert!(refusal(403, "Invalid API key").contains("lacks the scope"));
    }
}
