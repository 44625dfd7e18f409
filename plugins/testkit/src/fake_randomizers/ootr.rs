//! A fake ootrandomizer.com API (docs/upstreams/randomizers.md §7.5). Every call needs
//! `key=` [`OotrState::api_key`] (403 otherwise).
//! - `POST /api/v2/seed/create?key&version&encrypt&locked` with a JSON settings map starts a
//!   seed and answers `{"id": "123456", "version": "8.1.0", "spoilers": bool}` (the id a string
//!   of digits, counting up). Refusals as the site documents them: 400 for a body that is not a
//!   settings map, 403 for `encrypt=true` without the key's `can_create_encrypt` scope
//!   ([`OotrState::encrypt_scope`]), 409 for a version the site does not have, 423 when
//!   [`OotrState::queue_full`].
//! - `GET /api/v2/seed/status?key&id` answers "still generating" for
//!   [`OotrState::pending_polls`] polls — the first as a 204 with no body, the others
//!   `{"status": 0, "progress": 40}` — then `{"status": 1, "progress": 100}`, or `{"status": 3}`
//!   for the next [`OotrState::failing_generations`] seeds; never done while
//!   [`OotrState::never_finish`]; 429 for the next [`OotrState::throttled_polls`] polls; 404
//!   for an unknown id.
//! - `GET /api/v2/seed/details?key&id` answers `{"creationTimestamp", "settingsLog": "<JSON as
//!   a string>", "spoilerLog": "<JSON as a string>"}`: the settings log holds `file_hash`
//!   ([`FILE_HASH`]) — not valid JSON while [`OotrState::garbled_settings_log`] — and the spoiler
//!   log is empty for an encrypted seed (never handed over) and for a locked one unless the key
//!   has the scope ([`OotrState::locked_spoiler_access`]).
//! - `GET /api/version?branch=…` answers the current and available versions; `GET
//!   /seed/get?id=…` is the seed's page.
//!
//! Like the site, it answers 429 when a key sends more than 20 requests in 10 s
//! ([`OotrState::rate_limited`] counts them), so a test can see that a client paces itself.
//! Error bodies are plain text: the site's own shape is not documented.

use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    http::{StatusCode, Uri},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

use super::{lock, FakeSite, Request};

/// The key the fake takes unless a test sets another.
pub const KEY: &str = "ootr-test-key";
/// The hash icons every fake seed shows.
pub const FILE_HASH: [&str; 5] = ["Deku Stick", "Bow", "Frog", "Saw", "Map"];
/// The first seed id; ids count up from here.
pub const FIRST_ID: u64 = 123_456;

/// A seed the fake was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct OotrSeed {
    /// The settings map posted.
    pub settings: Value,
    pub version: String,
    pub encrypt: bool,
    pub locked: bool,
    /// Status polls answered so far.
    pub polls: u32,
    /// Whether its generation fails (status 3).
    pub fails: bool,
}

/// The fake site's state.
#[derive(Debug)]
pub struct OotrState {
    /// The key every call must carry.
    pub api_key: String,
    /// The key may create encrypted seeds.
    pub encrypt_scope: bool,
    /// The key may read the spoiler logs of locked seeds.
    pub locked_spoiler_access: bool,
    /// The versions the site has, the current release first.
    pub versions: Vec<String>,
    /// Status polls answered "still generating" before a seed ends.
    pub pending_polls: u32,
    /// The next seeds created fail to generate (status 3).
    pub failing_generations: u32,
    /// No seed ever finishes.
    pub never_finish: bool,
    /// The next status polls are answered 429.
    pub throttled_polls: u32,
    /// Creates are refused with 423 (the queue is full).
    pub queue_full: bool,
    /// The details' `settingsLog` is not valid JSON.
    pub garbled_settings_log: bool,
    /// Seeds by id.
    pub seeds: BTreeMap<String, OotrSeed>,
    /// Requests answered 429 because a key sent more than 20 in 10 s.
    pub rate_limited: u32,
    /// When each key's recent requests arrived.
    recent: HashMap<String, VecDeque<Instant>>,
}

impl Default for OotrState {
    fn default() -> Self {
        Self {
            api_key: KEY.into(),
            encrypt_scope: true,
            locked_spoiler_access: true,
            versions: vec!["8.1.0".into(), "8.0.0".into(), "dev_8.2.50".into()],
            pending_polls: 2,
            failing_generations: 0,
            never_finish: false,
            throttled_polls: 0,
            queue_full: false,
            garbled_settings_log: false,
            seeds: BTreeMap::new(),
            rate_limited: 0,
            recent: HashMap::new(),
        }
    }
}

impl OotrState {
    /// Back to the default behaviour, keeping the seeds made and the requests counted.
    pub fn reset(&mut self) {
        let seeds = std::mem::take(&mut self.seeds);
        let recent = std::mem::take(&mut self.recent);
        let rate_limited = self.rate_limited;
        *self = Self {
            seeds,
            recent,
            rate_limited,
            ..Self::default()
        };
    }
}

pub type FakeOotr = FakeSite<OotrState>;

impl FakeSite<OotrState> {
    pub async fn ootr() -> std::io::Result<Self> {
        FakeSite::start(OotrState::default(), handle).await
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

fn text(status: StatusCode, body: &str) -> Response {
    (status, [("content-type", "text/plain")], body.to_string()).into_response()
}

fn handle(site: &Arc<Mutex<OotrState>>, request: &Request) -> Response {
    let params = query(request);
    let mut state = lock(site);
    if request.path.starts_with("/api/") {
        // The flood protection counts every API request of a key, refused ones too.
        let key = params.get("key").cloned().unwrap_or_default();
        let now = Instant::now();
        let recent = state.recent.entry(key).or_default();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(10))
        {
            recent.pop_front();
        }
        recent.push_back(now);
        if recent.len() > 20 {
            state.rate_limited += 1;
            return text(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
        }
    }
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/api/version") => {
            return Json(json!({
                "currentlyActiveVersion": state.versions.first(),
                "availableVersions": state.versions,
            }))
            .into_response()
        }
        ("GET", "/seed/get") => {
            let id = params.get("id").cloned().unwrap_or_default();
            return if state.seeds.contains_key(&id) {
                (
                    StatusCode::OK,
                    [("content-type", "text/html; charset=UTF-8")],
                    format!("<html><body>OoTR seed {id}</body></html>"),
                )
                    .into_response()
            } else {
                StatusCode::NOT_FOUND.into_response()
            };
        }
        _ => {}
    }
    if !request.path.starts_with("/api/v2/seed/") {
        return StatusCode::NOT_FOUND.into_response();
    }
    if params.get("key") != Some(&state.api_key) {
        return text(StatusCode::FORBIDDEN, "Invalid API key");
    }
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/api/v2/seed/create") => create(&mut state, request, &params),
        ("GET", "/api/v2/seed/status") => status(&mut state, &params),
        ("GET", "/api/v2/seed/details") => details(&state, &params),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn create(state: &mut OotrState, request: &Request, params: &HashMap<String, String>) -> Response {
    let settings = match serde_json::from_str::<Value>(&request.body) {
        Ok(settings @ Value::Object(_)) => settings,
        _ => return text(StatusCode::BAD_REQUEST, "Invalid settings"),
    };
    let version = match params.get("version") {
        Some(version) if !state.versions.contains(version) => {
            return text(StatusCode::CONFLICT, "Version ambiguous or not available")
        }
        Some(version) => version.clone(),
        None => state.versions.first().cloned().unwrap_or_default(),
    };
    // Only `true` encrypts; `locked` applies when present.
    let encrypt = params.get("encrypt").map(String::as_str) == Some("true");
    let locked = params.contains_key("locked");
    if encrypt && !state.encrypt_scope {
        return text(StatusCode::FORBIDDEN, "Insufficient API scope");
    }
    if state.queue_full {
        return text(StatusCode::LOCKED, "Seed creation queue is full");
    }
    let fails = state.failing_generations > 0;
    state.failing_generations = state.failing_generations.saturating_sub(1);
    let id = (FIRST_ID + state.seeds.len() as u64).to_string();
    let spoilers = !encrypt
        && !locked
        && settings.get("create_spoiler").and_then(Value::as_bool) != Some(false);
    state.seeds.insert(
        id.clone(),
        OotrSeed {
            settings,
            version: version.clone(),
            encrypt,
            locked,
            polls: 0,
            fails,
        },
    );
    Json(json!({"id": id, "version": version, "spoilers": spoilers})).into_response()
}

fn status(state: &mut OotrState, params: &HashMap<String, String>) -> Response {
    if state.throttled_polls > 0 {
        state.throttled_polls -= 1;
        return text(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
    }
    let pending = state.pending_polls;
    let never = state.never_finish;
    let id = params.get("id").cloned().unwrap_or_default();
    let Some(seed) = state.seeds.get_mut(&id) else {
        return text(StatusCode::NOT_FOUND, "Seed not found");
    };
    seed.polls += 1;
    if never || seed.polls <= pending {
        if seed.polls == 1 {
            return StatusCode::NO_CONTENT.into_response();
        }
        return Json(json!({"status": 0, "progress": 40})).into_response();
    }
    if seed.fails {
        return Json(json!({"status": 3, "progress": 100})).into_response();
    }
    Json(json!({"status": 1, "progress": 100})).into_response()
}

fn details(state: &OotrState, params: &HashMap<String, String>) -> Response {
    let id = params.get("id").cloned().unwrap_or_default();
    let Some(seed) = state.seeds.get(&id) else {
        return text(StatusCode::NOT_FOUND, "Seed not found");
    };
    let settings_log = if state.garbled_settings_log {
        r#"{"file_hash": ["Deku Stick", "Bow""#.to_string()
    } else {
        json!({
            "file_hash": FILE_HASH,
            ":version": seed.version,
            "settings": seed.settings,
        })
        .to_string()
    };
    let made_spoiler = seed.settings.get("create_spoiler").and_then(Value::as_bool) != Some(false);
    let hands_over = !seed.encrypt && (!seed.locked || state.locked_spoiler_access);
    let spoiler_log = if made_spoiler && hands_over {
        json!({
            ":version": seed.version,
            "file_hash": FILE_HASH,
            "locations": {"KF Midos Top Left Chest": "Bow", "Links Pocket": "Light Medallion"},
        })
        .to_string()
    } else {
        String::new()
    };
    Json(json!({
        "creationTimestamp": "2024-01-01T00:00:00Z",
        "settingsLog": settings_log,
        "spoilerLog": spoiler_log,
    }))
    .into_response()
}
