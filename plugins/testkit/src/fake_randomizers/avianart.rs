//! A fake avianart.games (docs/upstreams/randomizers.md §3.4): `POST /api.php?action=generate
//! &preset=P` with the body `[{"args": {"race": bool}}]` starts a seed (a hash counting up) and
//! answers `{"status": 200, "response": {"hash", "status": "generating", "message"}}`;
//! `GET /api.php?action=permlink&hash=H` answers "queued" then "generating" for
//! [`AvianartState::polls_before_done`] polls, then the seed as [`AvianartState::outcome`] says:
//! done (`response.status` null, `spoiler.meta.hash` five door-randomizer icon names and
//! `spoiler.meta.version`, plus spoiler sections for a non-race seed), failed, never done, done
//! with the code only in `fshash`, or done with four names. `GET /perm/{hash}` is the seed's
//! page.
//!
//! Like every answer of the real site, refusals come in the envelope with HTTP 200: an unknown
//! preset is `{"status": 404, "response": {"message": "Preset not found"}}` (the shape is
//! inferred: the site's code is not public), a body that is not the list of args a 400, an
//! unknown hash a 404. The `Authorization` header (an API key) is recorded, not checked: the
//! site rolls without one.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    http::{StatusCode, Uri},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

use super::{lock, FakeSite, Request};

/// The code every finished fake seed shows, in Avianart's names (ALTTPR's: Bombs, Magic
/// Powder, Ice Rod, Flute, Bugnet).
pub const CODE: &str = "Bomb, Powder, Rod, Ocarina, Bug Net";
/// The randomizer version every finished fake seed reports.
pub const VERSION: &str = "1.4.1";

/// How the seeds created from now on end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AvianartOutcome {
    /// Done: `response.status` null, the code in `spoiler.meta.hash`.
    #[default]
    Finished,
    /// `response.status` "failure", message "Generation failed".
    Failure,
    /// Generating for ever.
    Never,
    /// Done with `spoiler.meta.hash` null and the code in the response's `fshash`, the status
    /// absent (a seed generated elsewhere).
    FshashOnly,
    /// Done with four names in the code.
    FourNames,
}

/// A seed the fake was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct AvianartSeed {
    pub preset: String,
    pub race: bool,
    /// Permlink polls answered so far.
    pub polls: u32,
    pub outcome: AvianartOutcome,
}

/// The fake site's state.
#[derive(Debug)]
pub struct AvianartState {
    /// The presets the site knows.
    pub presets: Vec<String>,
    /// How many polls of a seed answer "still generating" before it ends.
    pub polls_before_done: u32,
    /// How the seeds created from now on end.
    pub outcome: AvianartOutcome,
    /// Seeds by hash.
    pub seeds: HashMap<String, AvianartSeed>,
    /// The next permlink polls answer HTTP 500 with an HTML page (the site crashing while a
    /// seed generates).
    pub poll_errors: u32,
}

impl Default for AvianartState {
    fn default() -> Self {
        Self {
            presets: vec!["crosshunt".into(), "kaesden/cabookey".into()],
            polls_before_done: 2,
            outcome: AvianartOutcome::Finished,
            seeds: HashMap::new(),
            poll_errors: 0,
        }
    }
}

pub type FakeAvianart = FakeSite<AvianartState>;

impl FakeSite<AvianartState> {
    pub async fn avianart() -> std::io::Result<Self> {
        FakeSite::start(AvianartState::default(), handle).await
    }
}

/// The query's parameters, decoded.
fn query(request: &Request) -> HashMap<String, String> {
    let uri: Option<Uri> = format!("/?{}", request.query.as_deref().unwrap_or(""))
        .parse()
        .ok();
    uri.and_then(|uri| {
        axum::extract::Query::<HashMap<String, String>>::try_from_uri(&uri)
            .ok()
            .map(|q| q.0)
    })
    .unwrap_or_default()
}

/// The site's envelope, with HTTP 200 as the site answers.
fn envelope(status: u16, response: Value) -> Response {
    Json(json!({"status": status, "response": response})).into_response()
}

fn handle(site: &Arc<Mutex<AvianartState>>, request: &Request) -> Response {
    let params = query(request);
    let action = params.get("action").map(String::as_str);
    match (request.method.as_str(), request.path.as_str(), action) {
        ("POST", "/api.php", Some("generate")) => generate(site, request, &params),
        ("GET", "/api.php", Some("permlink")) => permlink(site, &params),
        ("GET", path, _) if path.starts_with("/perm/") => {
            let hash = &path["/perm/".len()..];
            if lock(site).seeds.contains_key(hash) {
                (
                    StatusCode::OK,
                    [("content-type", "text/html; charset=UTF-8")],
                    format!("<html><body>Avianart seed {hash}</body></html>"),
                )
                    .into_response()
            } else {
                StatusCode::NOT_FOUND.into_response()
            }
        }
        ("GET" | "POST", "/api.php", _) => envelope(400, json!({"message": "Unknown action"})),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn generate(
    site: &Arc<Mutex<AvianartState>>,
    request: &Request,
    params: &HashMap<String, String>,
) -> Response {
    let mut state = lock(site);
    let preset = params.get("preset").cloned().unwrap_or_default();
    if !state.presets.contains(&preset) {
        return envelope(404, json!({"message": "Preset not found"}));
    }
    let race = serde_json::from_str::<Value>(&request.body)
        .ok()
        .and_then(|body| body.pointer("/0/args/race").and_then(Value::as_bool));
    let Some(race) = race else {
        return envelope(400, json!({"message": "Invalid arguments"}));
    };
    let hash = format!("fake{:04}", state.seeds.len() + 1);
    let outcome = state.outcome;
    state.seeds.insert(
        hash.clone(),
        AvianartSeed {
            preset,
            race,
            polls: 0,
            outcome,
        },
    );
    envelope(
        200,
        json!({"hash": hash, "status": "generating", "message": ""}),
    )
}

fn permlink(site: &Arc<Mutex<AvianartState>>, params: &HashMap<String, String>) -> Response {
    let mut state = lock(site);
    if state.poll_errors > 0 {
        state.poll_errors -= 1;
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            [("content-type", "text/html")],
            "<html><body><h1>Server Error</h1></body></html>",
        )
            .into_response();
    }
    let before_done = state.polls_before_done;
    let hash = params.get("hash").cloned().unwrap_or_default();
    let Some(seed) = state.seeds.get_mut(&hash) else {
        return envelope(404, json!({"message": "Seed not found"}));
    };
    seed.polls += 1;
    if seed.outcome == AvianartOutcome::Never || seed.polls <= before_done {
        // More than one in-progress word exists.
        let word = if seed.polls == 1 {
            "queued"
        } else {
            "generating"
        };
        return envelope(
            200,
            json!({"hash": hash, "status": word, "message": "Generating"}),
        );
    }
    let mut spoiler = json!({"meta": {"hash": CODE, "version": VERSION, "race": seed.race}});
    if !seed.race {
        spoiler["Hyrule Castle"] = json!({"Sanctuary": "Moon Pearl"});
        spoiler["Playthrough"] = json!({"1": {"Link's House": "Lamp"}});
    }
    match seed.outcome {
        AvianartOutcome::Failure => envelope(
            200,
            json!({"hash": hash, "status": "failure", "message": "Generation failed"}),
        ),
        AvianartOutcome::FshashOnly => {
            spoiler["meta"]["hash"] = Value::Null;
            envelope(
                200,
                json!({"hash": hash, "message": "", "patch": [], "spoiler": spoiler, "fshash": CODE}),
            )
        }
        AvianartOutcome::FourNames => {
            spoiler["meta"]["hash"] = json!("Bomb, Powder, Rod, Ocarina");
            envelope(
                200,
                json!({"hash": hash, "status": null, "message": "", "patch": [], "spoiler": spoiler}),
            )
        }
        AvianartOutcome::Finished | AvianartOutcome::Never => envelope(
            200,
            json!({"hash": hash, "status": null, "message": "", "patch": [], "spoiler": spoiler}),
        ),
    }
}
