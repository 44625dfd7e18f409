//! A fake alttpr.com: `POST /api/randomizer` and `POST /api/customizer` roll a seed (a hash
//! counting up, a patch whose file-select code sits inside a longer run, a spoiler as the
//! `spoilers` setting decides), `GET /hash/{hash}` gives a stored seed back. Like the real site
//! it answers 422 with Laravel's `{message, errors}` for a value outside the allowed lists (only
//! when the request asks for JSON), and 409 "Game Unwinnable" when [`AlttprState::unwinnable`]
//! is set.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

use super::{lock, FakeSite, Request};

/// The patch offset of the five file-select code bytes.
pub const CODE_OFFSET: u64 = 1_573_397;
/// The code every fake seed shows: Bombs, Empty Bottle, Bombos, Boots, Compass.
pub const CODE: [u8; 5] = [3, 17, 8, 22, 30];

/// The fake site's state.
#[derive(Debug, Default)]
pub struct AlttprState {
    /// Seeds rolled so far, by hash.
    pub seeds: HashMap<String, Value>,
    /// The next rolls fail with 409 "Game Unwinnable".
    pub unwinnable: u32,
}

pub type FakeAlttpr = FakeSite<AlttprState>;

impl FakeSite<AlttprState> {
    pub async fn alttpr() -> std::io::Result<Self> {
        FakeSite::start(AlttprState::default(), handle).await
    }
}

const GOALS: &[&str] = &[
    "ganon",
    "fast_ganon",
    "dungeons",
    "pedestal",
    "triforce-hunt",
    "ganonhunt",
    "completionist",
];
const MODES: &[&str] = &["standard", "open", "inverted", "retro"];

fn handle(site: &Arc<Mutex<AlttprState>>, request: &Request) -> Response {
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/api/randomizer") | ("POST", "/api/customizer") => roll(site, request),
        ("GET", path) if path.starts_with("/hash/") => {
            let hash = &path["/hash/".len()..];
            match lock(site).seeds.get(hash) {
                Some(seed) => (
                    StatusCode::OK,
                    [("content-type", "text/html; charset=UTF-8")],
                    seed.to_string(),
                )
                    .into_response(),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn roll(site: &Arc<Mutex<AlttprState>>, request: &Request) -> Response {
    let wants_json = request
        .headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let Ok(body) = serde_json::from_str::<Value>(&request.body) else {
        return (StatusCode::BAD_REQUEST, "Bad Request").into_response();
    };
    let mut errors = serde_json::Map::new();
    let goal = body.get("goal").and_then(Value::as_str).unwrap_or("ganon");
    if !GOALS.contains(&goal) {
        errors.insert("goal".into(), json!(["The selected goal is invalid."]));
    }
    let mode = body
        .get("mode")
        .and_then(Value::as_str)
        .unwrap_or("standard");
    if !MODES.contains(&mode) {
        errors.insert("mode".into(), json!(["The selected mode is invalid."]));
    }
    if !errors.is_empty() {
        if !wants_json {
            // Laravel redirects a failed validation that does not ask for JSON.
            return (StatusCode::FOUND, [("location", "/")]).into_response();
        }
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"message": "The given data was invalid.", "errors": errors})),
        )
            .into_response();
    }
    let mut state = lock(site);
    if state.unwinnable > 0 {
        state.unwinnable -= 1;
        return (
            StatusCode::CONFLICT,
            [("content-type", "text/plain")],
            "Game Unwinnable",
        )
            .into_response();
    }
    let tournament = body
        .get("tournament")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let spoilers = match body.get("spoilers").and_then(Value::as_str) {
        _ if !tournament => "on",
        Some(s @ ("on" | "off" | "generate" | "mystery")) => s,
        _ => "off",
    };
    let hash = format!("Fake{:06}", state.seeds.len() + 1);
    let meta = json!({
        "spoilers": spoilers,
        "tournament": tournament,
        "allow_quickswap": body.get("allow_quickswap").cloned().unwrap_or(json!(true)),
        "mode": mode,
        "goal": goal,
        "logic": "NoGlitches",
        "build": "2024-01-01",
    });
    let spoiler = match spoilers {
        "on" | "generate" => json!({
            "meta": meta,
            "Light World": {"Link's House": "Bow"},
            "Dark World": {"Pyramid": "Moon Pearl"},
        }),
        _ => json!({"meta": meta}),
    };
    // The code bytes sit inside a run that starts 17 bytes before them.
    let mut run = vec![0u8; 17];
    run.extend_from_slice(&CODE);
    run.push(0);
    let seed = json!({
        "logic": "NoGlitches",
        "hash": hash,
        "generated": "2024-01-01T00:00:00+00:00",
        "size": 2,
        "patch": [{ (CODE_OFFSET - 17).to_string(): run }],
        "spoiler": spoiler,
        "current_rom_hash": "d41d8cd98f00b204e9800998ecf8427e",
    });
    // What /hash/{hash} gives back later: a "generate" spoiler only keeps its meta.
    let mut stored = seed.clone();
    if spoilers == "generate" {
        stored["spoiler"] = json!({"meta": meta});
    }
    state.seeds.insert(hash, stored);
    Json(seed).into_response()
}
