//! A fake samus.link — one app serving both of its randomizers, SMZ3 (`smz3`, samus.link) and
//! Super Metroid "total" (`sm`, sm.samus.link), as the real `WebRandomizer` does
//! (docs/upstreams/randomizers.md §4):
//! - `POST /api/randomizers/{smz3|sm}/generate` takes a JSON object of strings and answers the
//!   stored seed: a `guid` counting up from [`guid`]`(1)`, the file-select `hash` words
//!   ([`SMZ3_HASH`], [`SM_HASH`]), `seedNumber` blanked and locations left out for a race seed;
//! - `GET /api/seed/{guid}` gives a stored seed back (`spoilerKey` replaced by `"true"`);
//! - `GET /api/spoiler/{guid}?key=…&yaml=…` serves the spoiler (YAML text or JSON), a race
//!   seed's only with the `spoilerKey` it was rolled with (400 otherwise), 404 for an unknown one.
//!
//! Refusals as the real app answers them: an empty 400 for no options or an unknown randomizer,
//! an empty 500 for any exception — `seed` missing, a seed number that is not a non-negative
//! int, a multiworld player without a name. Stricter than the real app on purpose, so a client's
//! serialisation is pinned: a value that is not a string is an empty 400 (the real app would
//! coerce `true` to `"True"` and then serve a race seed as a non-race one).
//! [`SamusState::failing`] makes the next generations fail with the empty 500 of a logic failure.

use std::sync::{Arc, Mutex};

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{json, Map, Value};

use super::{lock, FakeSite, Request};

/// The first 30 hex digits of every fake guid; the last two count the seeds up from `f0`.
pub const GUID_PREFIX: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1";
/// The code every fake SMZ3 seed shows.
pub const SMZ3_HASH: &str = "GEEMER RIPPER ATOMIC POWAMP";
/// The code every fake Super Metroid seed shows.
pub const SM_HASH: &str = "SCISER NAMIHE PUROMI ALCOON";

/// The guid of the `n`th seed rolled (from 1): `…e1f0`, `…e1f1`, …
pub fn guid(n: usize) -> String {
    format!("{GUID_PREFIX}{:02x}", (0xef + n) & 0xff)
}

/// One seed the fake rolled.
#[derive(Debug, Clone)]
pub struct SamusSeed {
    pub guid: String,
    /// `smz3` or `sm`.
    pub game: String,
    /// The options posted, as the app stores them (seed number blanked for a race seed).
    pub options: Map<String, Value>,
    pub race: bool,
}

/// The fake site's state.
#[derive(Debug, Default)]
pub struct SamusState {
    /// Seeds rolled so far, in order.
    pub seeds: Vec<SamusSeed>,
    /// The next generations fail as a logic failure does: an empty 500.
    pub failing: u32,
}

pub type FakeSamus = FakeSite<SamusState>;

impl FakeSite<SamusState> {
    pub async fn samus() -> std::io::Result<Self> {
        FakeSite::start(SamusState::default(), handle).await
    }
}

fn handle(site: &Arc<Mutex<SamusState>>, request: &Request) -> Response {
    let path = request.path.as_str();
    match request.method.as_str() {
        "POST" => match path
            .strip_prefix("/api/randomizers/")
            .and_then(|rest| rest.strip_suffix("/generate"))
        {
            Some(game) => generate(site, game, &request.body),
            None => StatusCode::NOT_FOUND.into_response(),
        },
        "GET" => {
            if let Some(guid) = path.strip_prefix("/api/seed/") {
                stored_seed(site, guid)
            } else if let Some(guid) = path.strip_prefix("/api/spoiler/") {
                spoiler(site, guid, request.query.as_deref().unwrap_or(""))
            } else {
                StatusCode::NOT_FOUND.into_response()
            }
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn json_answer(value: Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

fn generate(site: &Arc<Mutex<SamusState>>, game: &str, body: &str) -> Response {
    let (name, version, hash) = match game {
        "smz3" => (
            "Super Metroid & A Link to the Past Combo Randomizer",
            "11.3.2",
            SMZ3_HASH,
        ),
        "sm" => ("Super Metroid Randomizer", "3.0.0", SM_HASH),
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    let Ok(Value::Object(options)) = serde_json::from_str::<Value>(body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if options.is_empty() || options.values().any(|v| !v.is_string()) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let text = |key: &str| options.get(key).and_then(Value::as_str).unwrap_or("");
    // The app reads options["seed"] without checking: a missing key is an exception.
    let Some(seed) = options.get("seed").and_then(Value::as_str) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if !seed.is_empty() && seed.parse::<i32>().map_or(true, |n| n < 0) {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let multiworld = text("gamemode").eq_ignore_ascii_case("multiworld");
    let players = if multiworld {
        let Ok(players) = text("players").parse::<usize>() else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let named = (0..players).all(|p| {
            text(&format!("player-{p}"))
                .chars()
                .any(|c| c.is_ascii_alphanumeric())
        });
        if !named {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        players
    } else {
        1
    };
    let mut state = lock(site);
    if state.failing > 0 {
        state.failing -= 1;
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    // The app compares with the lowercase text only.
    let race = text("race") == "true";
    let n = state.seeds.len() + 1;
    let guid = guid(n);
    let mut stored = options.clone();
    let seed_number = if race {
        stored.insert("seed".into(), json!(""));
        String::new()
    } else if seed.is_empty() {
        (1_000_000 + n).to_string()
    } else {
        seed.to_string()
    };
    let worlds: Vec<Value> = (0..players)
        .map(|p| {
            json!({
                "worldId": p,
                "guid": format!("{:032x}", n * 100 + p),
                "settings": Value::Object(stored.clone()).to_string(),
                "player": if multiworld { text(&format!("player-{p}")).to_string() } else { "Player".to_string() },
                "patch": "UEFUQ0g=",
                "locations": if race { Value::Null } else { json!([{"locationId": 1, "itemId": 2, "itemWorldId": p}]) },
                "worldState": Value::Null,
            })
        })
        .collect();
    state.seeds.push(SamusSeed {
        guid: guid.clone(),
        game: game.to_string(),
        options: stored,
        race,
    });
    json_answer(json!({
        "id": n,
        "guid": guid,
        "mode": if multiworld { "multiworld" } else { "normal" },
        "seedNumber": seed_number,
        "spoiler": if race { "[]" } else { r#"[{"Sphere 1":"Morph Ball"}]"# },
        "gameName": name,
        "gameVersion": version,
        "gameId": game,
        "hash": hash,
        "players": players,
        "worlds": worlds,
    }))
}

fn stored_seed(site: &Arc<Mutex<SamusState>>, guid: &str) -> Response {
    let state = lock(site);
    let Some(seed) = state.seeds.iter().find(|s| s.guid == guid) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut settings = seed.options.clone();
    if settings.contains_key("spoilerKey") {
        settings.insert("spoilerKey".into(), json!("true"));
    }
    json_answer(json!({
        "guid": seed.guid,
        "gameId": seed.game,
        "hash": if seed.game == "smz3" { SMZ3_HASH } else { SM_HASH },
        "worlds": [{"settings": Value::Object(settings).to_string(), "locations": Value::Null}],
    }))
}

fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn spoiler(site: &Arc<Mutex<SamusState>>, guid: &str, query: &str) -> Response {
    let state = lock(site);
    let Some(seed) = state.seeds.iter().find(|s| s.guid == guid) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let key = seed.options.get("spoilerKey").and_then(Value::as_str);
    if seed.race && (key.is_none() || key != query_value(query, "key")) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    if query_value(query, "yaml").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        let text = format!(
            "Game: {} {}\nRegions:\n  Crateria West:\n    Morphing Ball: Morph Ball\n",
            seed.game.to_uppercase(),
            seed.guid
        );
        return (StatusCode::OK, [("content-type", "text/plain")], text).into_response();
    }
    json_answer(json!({
        "seed": {"guid": seed.guid, "gameId": seed.game},
        "locations": [{"locationName": "Morphing Ball", "itemName": "Morph Ball"}],
    }))
}
