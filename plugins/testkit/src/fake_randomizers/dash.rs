//! A fake DASH (dashrando.net, docs/upstreams/randomizers.md §6):
//! - `GET /generate/{preset}?race=1[&spoiler=1]` rolls a seed and answers **307** with
//!   `Location: http://{host}/seed/{key}` and the same URL as the plain-text body (the key
//!   counts up: [`seed_key`]); like the real site, a mystery preset is always a race seed and
//!   any non-empty `spoiler` turns the spoiler on; an unknown preset is a 422 naming the valid
//!   ones, as plain text;
//! - `GET /api/presets` → `{"data":[{"name","tags"},…]}`, the mystery presets appended;
//! - `GET /seed/{key}` and `/seed/{key}/spoiler` → the seed's pages.
//!
//! [`DashState::failing`] makes the next rolls fail as a crash does: a 500 with the
//! exception's text.

use std::sync::{Arc, Mutex};

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use super::{lock, FakeSite, Request};

/// One seed the fake rolled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashSeed {
    pub key: String,
    pub preset: String,
    pub race: bool,
    pub spoiler: bool,
}

/// The fake site's state.
#[derive(Debug)]
pub struct DashState {
    /// The presets: display name and tags (the first tag is the name to roll).
    pub presets: Vec<(String, Vec<String>)>,
    /// Seeds rolled so far, in order.
    pub seeds: Vec<DashSeed>,
    /// The next rolls fail with a 500 and the exception's text.
    pub failing: u32,
}

impl Default for DashState {
    fn default() -> Self {
        let preset = |name: &str, tag: &str| (name.to_string(), vec![tag.to_string()]);
        Self {
            presets: vec![
                preset("Classic", "classic"),
                preset("Recall", "recall"),
                preset("Chozo Bozo", "chozo_bozo"),
            ],
            seeds: Vec::new(),
            failing: 0,
        }
    }
}

pub type FakeDash = FakeSite<DashState>;

impl FakeSite<DashState> {
    pub async fn dash() -> std::io::Result<Self> {
        FakeSite::start(DashState::default(), handle).await
    }
}

/// The key of the `n`th seed rolled (from 1): 12 characters of `[0-9a-z]`, as DASH's nanoid.
pub fn seed_key(n: usize) -> String {
    format!("fake{n:08}")
}

const MYSTERY: &[&str] = &["mystery", "mystery-ii"];

fn text(status: StatusCode, body: String) -> Response {
    (status, [("content-type", "text/plain;charset=UTF-8")], body).into_response()
}

fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn handle(site: &Arc<Mutex<DashState>>, request: &Request) -> Response {
    let path = request.path.as_str();
    match request.method.as_str() {
        "GET" if path.starts_with("/generate/") => generate(site, request),
        "GET" if path == "/api/presets" => {
            let state = lock(site);
            let mut data: Vec<_> = state
                .presets
                .iter()
                .map(|(name, tags)| json!({"name": name, "tags": tags}))
                .collect();
            data.push(json!({"name": "Mystery", "tags": ["mystery"]}));
            data.push(json!({"name": "Mystery II", "tags": ["mystery-ii"]}));
            Json(json!({"data": data})).into_response()
        }
        "GET" if path.starts_with("/seed/") => {
            let rest = &path["/seed/".len()..];
            let (key, page) = rest.split_once('/').unwrap_or((rest, ""));
            let state = lock(site);
            match state.seeds.iter().find(|s| s.key == key) {
                Some(seed) if page.is_empty() || (page == "spoiler" && seed.spoiler) => (
                    StatusCode::OK,
                    [("content-type", "text/html")],
                    format!("<html><body>DASH seed {key} ({page})</body></html>"),
                )
                    .into_response(),
                _ => StatusCode::NOT_FOUND.into_response(),
            }
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn generate(site: &Arc<Mutex<DashState>>, request: &Request) -> Response {
    let preset = &request.path["/generate/".len()..];
    let mut state = lock(site);
    let known = MYSTERY.contains(&preset)
        || state
            .presets
            .iter()
            .any(|(_, tags)| tags.iter().any(|t| t == preset));
    if !known {
        let mut valid: Vec<String> = state
            .presets
            .iter()
            .flat_map(|(_, tags)| tags.clone())
            .collect();
        valid.extend(MYSTERY.iter().map(|m| m.to_string()));
        let last = valid.pop().unwrap_or_default();
        return text(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "Invalid preset. Valid presets are: {} or {last}",
                valid.join(", ")
            ),
        );
    }
    if state.failing > 0 {
        state.failing -= 1;
        return text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Failed to place items: no locations left".into(),
        );
    }
    let query = request.query.as_deref().unwrap_or("");
    let race = MYSTERY.contains(&preset) || query_value(query, "race") == Some("1");
    let spoiler = query_value(query, "spoiler").is_some_and(|v| !v.is_empty());
    let key = seed_key(state.seeds.len() + 1);
    state.seeds.push(DashSeed {
        key: key.clone(),
        preset: preset.to_string(),
        race,
        spoiler,
    });
    let host = request
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let url = format!("http://{host}/seed/{key}");
    (
        StatusCode::TEMPORARY_REDIRECT,
        [
            ("location", url.clone()),
            ("content-type", "text/plain;charset=UTF-8".to_string()),
        ],
        url,
    )
        .into_response()
}
