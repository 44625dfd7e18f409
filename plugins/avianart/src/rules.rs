//! The pure rules of rolling on avianart.games (docs/upstreams/randomizers.md §3): the settings
//! a preset may hold (its JSON Schema, and SahasrahBot's `avianart: true` preset files around
//! them), the request made from a preset and the roll's options, and the reading of the site's
//! answers — the `{status, response}` envelope every answer comes in, whether a seed is still
//! generating, and the file-select code renamed to ALTTPR's icon names. No I/O; unit tested
//! below.

use serde_json::{json, Value};

use sdk::Error;

/// Avianart's door-randomizer icon names that ALTTPR (and SahasrahBot's emoji) spell
/// differently, with ALTTPR's name (docs/upstreams/randomizers.md §1.5 and §3.2). Names not
/// listed are the same in both.
pub const RENAMES: [(&str, &str); 10] = [
    ("Bomb", "Bombs"),
    ("Powder", "Magic Powder"),
    ("Rod", "Ice Rod"),
    ("Ocarina", "Flute"),
    ("Bug Net", "Bugnet"),
    ("Bottle", "Empty Bottle"),
    ("Potion", "Green Potion"),
    ("Cane", "Somaria"),
    ("Pearl", "Moon Pearl"),
    ("Key", "Big Key"),
];

/// The longest Avianart preset name accepted.
pub const MAX_PRESET_LEN: u64 = 200;

/// The settings of an Avianart preset: the name of the preset on avianart.games, and whether
/// the seed is a race seed (the site hides its spoiler). A setting not listed here is refused by
/// name when the preset is saved.
pub fn settings_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "preset": {
                "type": "string",
                "title": "Avianart preset",
                "description": "The preset's name on avianart.games, e.g. `crosshunt` or `kaesden/cabookey`.",
                "minLength": 1,
                "maxLength": MAX_PRESET_LEN,
                // Not blank.
                "pattern": "\\S"
            },
            "race": {
                "type": "boolean",
                "title": "Race seed",
                "description": "A race seed has no spoiler log. On unless the preset turns it off.",
                "default": true
            }
        },
        "required": ["preset"],
        "additionalProperties": false
    })
}

/// The keys of SahasrahBot's preset file around `settings` that an Avianart preset may have
/// (SahasrahBot kept Avianart presets with the ALTTPR ones, marked `avianart: true`).
const WRAPPER_KEYS: &[&str] = &["goal_name", "description", "avianart", "settings"];

/// A preset document's settings (SahasrahBot's `settings:` mapping, or the whole document).
pub use sdk::randomizer::settings_of;

/// Checks what a preset file holds beyond its settings: SahasrahBot's wrapper keys an Avianart
/// preset has, and nothing of an ALTTPR preset (the customizer, the local door randomizer),
/// which avianart.games does not take. Unknown wrapper keys are refused by name.
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
                format!("`{key}` is not a key of an Avianart preset: it names a preset of avianart.games (`settings: {{preset: …}}`), which holds every other setting."),
            ));
        }
    }
    if map.get("avianart").and_then(Value::as_bool) == Some(false) {
        return Err(Error::invalid(
            "avianart",
            "This preset says `avianart: false`: it is an ALTTPR preset; save it for the `alttpr` randomizer.",
        ));
    }
    Ok(())
}

/// Checks a whole preset document when it is saved: the wrapper, then the settings against
/// [`settings_schema`] (errors name `settings.<key>`). Server-side (the schema validator is).
#[cfg(any(test, feature = "ssr"))]
pub fn check(document: &Value) -> Result<(), Error> {
    check_wrapper(document)?;
    let settings = settings_of(document);
    // The schema's `required` would name only `settings`; say which setting is missing.
    if settings.is_object() && settings.get("preset").is_none() {
        return Err(Error::invalid(
            "settings.preset",
            "Name the avianart.games preset to roll: `preset: <name>` (e.g. `preset: crosshunt`).",
        ));
    }
    sdk::randomizer::validate_settings(&settings_schema(), settings)
}

/// What one roll asks avianart.games for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roll {
    /// The preset's name on avianart.games.
    pub preset: String,
    pub race: bool,
}

/// The roll a preset makes with the caller's options. A race seed unless the preset turns it
/// off; the caller's `tournament` option forces one. Avianart hands over no spoiler log for a
/// race seed, so asking for one there is refused before anything is sent.
pub fn roll_of(document: &Value, options: RollOptions) -> Result<Roll, Error> {
    check_wrapper(document)?;
    let settings = settings_of(document);
    let preset = settings
        .get("preset")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            Error::invalid(
                "settings.preset",
                "Name the avianart.games preset to roll: `preset: <name>`.",
            )
        })?;
    let race = options.tournament || settings.get("race").and_then(Value::as_bool) != Some(false);
    if options.spoiler && race {
        return Err(Error::invalid(
            "spoiler",
            "Avianart race seeds have no spoiler log: roll without a spoiler, or with a preset that says `race: false`.",
        ));
    }
    Ok(Roll {
        preset: preset.to_string(),
        race,
    })
}

/// The roll's options as this module reads them (the SDK's `RollOptions` is server-only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RollOptions {
    pub spoiler: bool,
    pub tournament: bool,
}

/// The body of `POST api.php?action=generate&preset=…`: a list of one object, as both known
/// clients send it.
pub fn create_body(roll: &Roll) -> Value {
    json!([{"args": {"race": roll.race}}])
}

/// Why an answer of avianart.games is not what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The site said why (the envelope's `response.message`).
    Said(String),
    /// A refusal with nothing readable but its HTTP status or the envelope's status.
    Status(u16),
    /// Not the envelope at all (what was wrong).
    Unreadable(String),
}

/// The `{status, response}` envelope of an answer: the envelope's status (200 on success) and
/// its `response` object.
fn envelope(body: &str) -> Result<(Option<u64>, Value), Refusal> {
    let value: Value =
        serde_json::from_str(body).map_err(|e| Refusal::Unreadable(format!("not JSON: {e}")))?;
    let response = match value.get("response") {
        Some(response @ Value::Object(_)) => response.clone(),
        _ => {
            return Err(Refusal::Unreadable(
                "no `response` in the answer".to_string(),
            ))
        }
    };
    let status = value.get("status").and_then(Value::as_u64);
    Ok((status, with_top_level_fshash(&value, response)))
}

/// The `response` object, with the envelope's own `fshash` copied in when only the envelope
/// has it (the clients this is read from do not say at which level it sits; both are read).
fn with_top_level_fshash(whole: &Value, mut response: Value) -> Value {
    if let (Some(fshash), Some(map)) = (whole.get("fshash"), response.as_object_mut()) {
        map.entry("fshash").or_insert_with(|| fshash.clone());
    }
    response
}

fn message_of(response: &Value) -> Option<String> {
    response
        .get("message")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
}

/// Reads the answer to a create: the new seed's hash. `http_status` is the answer's HTTP status
/// (a refusal may come as an HTTP error or inside a 200's envelope; both are read).
pub fn created(http_status: u16, body: &str) -> Result<String, Refusal> {
    let (status, response) = match envelope(body) {
        Ok(read) => read,
        Err(_) if http_status >= 400 => return Err(Refusal::Status(http_status)),
        Err(e) => return Err(e),
    };
    let hash = response
        .get("hash")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|h| !h.is_empty());
    match (status, hash) {
        // The hash goes into the seed's address: letters, digits, `-` and `_` only.
        (Some(200), Some(hash))
            if !hash
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Err(Refusal::Unreadable(format!(
                "the seed's hash `{hash}` is not one"
            )))
        }
        (Some(200), Some(hash)) if http_status < 400 => Ok(hash.to_string()),
        _ => Err(match message_of(&response) {
            Some(message) => Refusal::Said(message),
            None => Refusal::Status(match status {
                Some(s) if s != 200 => u16::try_from(s).unwrap_or(http_status),
                _ => http_status,
            }),
        }),
    }
}

/// Where a seed stands after one permlink answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Still being made (the site's word for it: `generating`, `queued`, …).
    Generating(String),
    /// The site gave up on it (`response.status == "failure"`), with its reason.
    Failed(String),
    /// Done: the `response` object, with the spoiler's meta and the code.
    Done(Value),
}

/// Reads one answer of `GET api.php?action=permlink&hash=…`. A seed is generating while
/// `response.status` is a word other than `failure` and `finished` (more than one such word
/// exists; SahasrahBot fixed "== generating" into "!= finished"); failed on `failure`; done when
/// the status is absent, null or `finished` and the envelope says 200. Any other answer is a
/// refusal: a done seed must carry the envelope's 200.
pub fn progress(http_status: u16, body: &str) -> Result<Progress, Refusal> {
    let (status, response) = match envelope(body) {
        Ok(read) => read,
        Err(_) if http_status >= 400 => return Err(Refusal::Status(http_status)),
        Err(e) => return Err(e),
    };
    match response.get("status") {
        Some(Value::String(word)) if word == "failure" => Ok(Progress::Failed(
            message_of(&response).unwrap_or_else(|| "generation failed".to_string()),
        )),
        Some(Value::String(word)) if word != "finished" => Ok(Progress::Generating(word.clone())),
        None | Some(Value::Null) | Some(Value::String(_)) => {
            if status == Some(200) && http_status < 400 {
                Ok(Progress::Done(response))
            } else {
                Err(match message_of(&response) {
                    Some(message) => Refusal::Said(message),
                    None => Refusal::Status(
                        status
                            .and_then(|s| u16::try_from(s).ok())
                            .unwrap_or(http_status),
                    ),
                })
            }
        }
        Some(other) => Err(Refusal::Unreadable(format!(
            "the seed's status is {other}, not a word"
        ))),
    }
}

/// ALTTPR's name of an Avianart icon.
pub fn alttpr_name(name: &str) -> &str {
    RENAMES
        .iter()
        .find(|(avianart, _)| *avianart == name)
        .map_or(name, |(_, alttpr)| alttpr)
}

/// The five file-select icons of a done seed, in ALTTPR's names: `spoiler.meta.hash` (five
/// names separated by ", "), or the top-level `fshash` when the spoiler has none (seeds
/// generated elsewhere). Anything but five names is an error saying what came.
pub fn file_select_code(response: &Value) -> Result<Vec<String>, String> {
    let text = [
        response.pointer("/spoiler/meta/hash"),
        response.get("fshash"),
    ]
    .into_iter()
    .flatten()
    .filter_map(Value::as_str)
    .map(str::trim)
    .find(|t| !t.is_empty())
    .ok_or_else(|| {
        "the finished seed has no file-select code (neither `spoiler.meta.hash` nor `fshash`)"
            .to_string()
    })?;
    let names: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| alttpr_name(n).to_string())
        .collect();
    if names.len() != 5 {
        return Err(format!(
            "the seed's file-select code has {} names instead of five (`{text}`)",
            names.len()
        ));
    }
    Ok(names)
}

/// The randomizer version of a done seed (`spoiler.meta.version`).
pub fn version(response: &Value) -> Option<String> {
    response
        .pointer("/spoiler/meta/version")
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
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
    fn plain_and_sahasrahbot_presets_are_accepted() {
        assert!(check(&json!({"preset": "crosshunt"})).is_ok());
        assert!(check(&json!({"preset": "crosshunt", "race": false})).is_ok());
        let sahasrahbot = json!({
            "goal_name": "cabookey", "avianart": true, "description": "AVIANART Cabookey",
            "settings": {"preset": "kaesden/cabookey"}
        });
        assert!(check(&sahasrahbot).is_ok());
        let roll = roll_of(&sahasrahbot, RollOptions::default()).unwrap();
        assert_eq!(
            roll,
            Roll {
                preset: "kaesden/cabookey".into(),
                race: true
            }
        );
    }

    #[test]
    fn settings_are_refused_by_name() {
        for (preset, field) in [
            (json!({"presett": "crosshunt"}), "settings.preset"),
            (
                json!({"preset": "crosshunt", "rase": true}),
                "settings.rase",
            ),
            (
                json!({"preset": "crosshunt", "race": "yes"}),
                "settings.race",
            ),
            (json!({"preset": "  "}), "settings.preset"),
            (json!({"preset": 7}), "settings.preset"),
            (json!({"settings": {"preset": "x"}, "doors": true}), "doors"),
            (
                json!({"settings": {"preset": "x"}, "customizer": true}),
                "customizer",
            ),
            (
                json!({"settings": {"preset": "x"}, "avianart": false}),
                "avianart",
            ),
            (json!({"settings": {"race": true}}), "settings.preset"),
        ] {
            let err = check(&preset).unwrap_err();
            assert_eq!(field_of(&err), field, "{preset}: {err:?}");
        }
        assert_eq!(
            field_of(&check(&json!(["crosshunt"])).unwrap_err()),
            "settings"
        );
    }

    #[test]
    fn race_is_on_unless_turned_off_and_the_caller_can_force_it() {
        let casual = json!({"preset": "crosshunt", "race": false});
        assert!(!roll_of(&casual, RollOptions::default()).unwrap().race);
        let forced = RollOptions {
            spoiler: false,
            tournament: true,
        };
        assert!(roll_of(&casual, forced).unwrap().race);
        let roll = roll_of(&json!({"preset": " crosshunt "}), RollOptions::default()).unwrap();
        assert_eq!(roll.preset, "crosshunt", "trimmed");
        assert!(roll.race);
        assert_eq!(create_body(&roll), json!([{"args": {"race": true}}]));
    }

    #[test]
    fn a_spoiler_needs_a_non_race_seed() {
        let spoiler = RollOptions {
            spoiler: true,
            tournament: false,
        };
        let err = roll_of(&json!({"preset": "crosshunt"}), spoiler).unwrap_err();
        assert_eq!(field_of(&err), "spoiler");
        let roll = roll_of(&json!({"preset": "crosshunt", "race": false}), spoiler).unwrap();
        assert_eq!(create_body(&roll), json!([{"args": {"race": false}}]));
        let both = RollOptions {
            spoiler: true,
            tournament: true,
        };
        assert!(roll_of(&json!({"preset": "crosshunt", "race": false}), both).is_err());
    }

    #[test]
    fn a_create_answer_gives_the_hash_or_the_sites_reason() {
        assert_eq!(
            created(
                200,
                r#"{"status":200,"response":{"hash":"a1b2c3","status":"generating","message":""}}"#
            ),
            Ok("a1b2c3".to_string())
        );
        assert_eq!(
            created(
                200,
                r#"{"status":404,"response":{"message":"Preset not found"}}"#
            ),
            Err(Refusal::Said("Preset not found".into()))
        );
        assert_eq!(
            created(
                404,
                r#"{"status":404,"response":{"message":"Preset not found"}}"#
            ),
            Err(Refusal::Said("Preset not found".into()))
        );
        assert_eq!(
            created(200, r#"{"status":403,"response":{}}"#),
            Err(Refusal::Status(403))
        );
        assert_eq!(
            created(200, r#"{"status":200,"response":{"message":""}}"#),
            Err(Refusal::Status(200)),
            "no hash"
        );
        assert_eq!(
            created(404, "<html>Not Found</html>"),
            Err(Refusal::Status(404))
        );
        assert!(matches!(
            created(200, r#"{"hash":"#),
            Err(Refusal::Unreadable(_))
        ));
        assert!(matches!(
            created(200, r#"{"hash":"x"}"#),
            Err(Refusal::Unreadable(_))
        ));
        assert!(matches!(
            created(200, r#"{"status":200,"response":{"hash":"../admin"}}"#),
            Err(Refusal::Unreadable(_))
        ));
    }

    #[test]
    fn polling_reads_generating_failure_and_done() {
        let generating = |word: &str| {
            format!(r#"{{"status":200,"response":{{"status":"{word}","message":"Generating"}}}}"#)
        };
        assert_eq!(
            progress(200, &generating("generating")),
            Ok(Progress::Generating("generating".into()))
        );
        assert_eq!(
            progress(200, &generating("queued")),
            Ok(Progress::Generating("queued".into()))
        );
        assert_eq!(
            progress(
                200,
                r#"{"status":200,"response":{"status":"failure","message":"Generation failed"}}"#
            ),
            Ok(Progress::Failed("Generation failed".into()))
        );
        for done in [
            r#"{"status":200,"response":{"status":null,"message":"","spoiler":{"meta":{"hash":"a"}}}}"#,
            r#"{"status":200,"response":{"message":"","spoiler":{"meta":{"hash":"a"}}}}"#,
            r#"{"status":200,"response":{"status":"finished","spoiler":{"meta":{"hash":"a"}}}}"#,
        ] {
            assert!(
                matches!(progress(200, done), Ok(Progress::Done(r)) if r.pointer("/spoiler/meta/hash") == Some(&json!("a"))),
                "{done}"
            );
        }
        assert_eq!(
            progress(
                200,
                r#"{"status":404,"response":{"message":"Seed not found"}}"#
            ),
            Err(Refusal::Said("Seed not found".into()))
        );
        assert!(matches!(
            progress(200, r#"{"status":200,"response":{"status":3}}"#),
            Err(Refusal::Unreadable(_))
        ));
        assert!(matches!(
            progress(200, "<html>"),
            Err(Refusal::Unreadable(_))
        ));
    }

    #[test]
    fn the_code_is_renamed_to_alttprs_names() {
        let done = json!({"spoiler": {"meta": {"hash": "Bomb, Powder, Rod, Ocarina, Bug Net", "version": "1.4.1"}}});
        assert_eq!(
            file_select_code(&done).unwrap(),
            ["Bombs", "Magic Powder", "Ice Rod", "Flute", "Bugnet"]
        );
        assert_eq!(version(&done).as_deref(), Some("1.4.1"));
        let rest = json!({"spoiler": {"meta": {"hash": "Bottle, Potion, Cane, Pearl, Key"}}});
        assert_eq!(
            file_select_code(&rest).unwrap(),
            [
                "Empty Bottle",
                "Green Potion",
                "Somaria",
                "Moon Pearl",
                "Big Key"
            ]
        );
        let unchanged =
            json!({"spoiler": {"meta": {"hash": "Hookshot, Mushroom, Boots, Heart, Map"}}});
        assert_eq!(
            file_select_code(&unchanged).unwrap(),
            ["Hookshot", "Mushroom", "Boots", "Heart", "Map"]
        );
    }

    #[test]
    fn the_code_falls_back_to_fshash_and_must_have_five_names() {
        let elsewhere =
            json!({"spoiler": {"meta": {"hash": null}}, "fshash": "Bomb, Bow, Hammer, Lamp, Cape"});
        assert_eq!(
            file_select_code(&elsewhere).unwrap(),
            ["Bombs", "Bow", "Hammer", "Lamp", "Cape"]
        );
        // The envelope's own fshash is read too.
        let (_, response) = envelope(
            r#"{"status":200,"fshash":"Bomb, Bow, Hammer, Lamp, Cape","response":{"status":null}}"#,
        )
        .unwrap();
        assert_eq!(file_select_code(&response).unwrap()[0], "Bombs");
        let four = json!({"spoiler": {"meta": {"hash": "Bomb, Powder, Rod, Ocarina"}}});
        assert!(file_select_code(&four)
            .unwrap_err()
            .contains("4 names instead of five"));
        assert!(file_select_code(&json!({"spoiler": {"meta": {}}})).is_err());
    }
}
