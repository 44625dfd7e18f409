//! A fake VARIA web randomizer (docs/upstreams/randomizers.md §5): form-encoded POSTs answered
//! with JSON served as `text/html`, as the real web2py app does.
//! - `POST /randoPresetWebService` (`randoPreset`, `origin`) → a settings preset, or 400 with
//!   the reason as plain text ("Rando preset not found", "Unknown origin", …);
//! - `POST /presetWebService` (`preset`) → a skills preset, or 400 "Preset not found";
//! - `POST /randomizerWebService` (every setting) → `{"status":"OK","seedKey":…}`, or HTTP 200
//!   `{"status":"NOK","errorMsg":…}` while [`VariaState::nok`] is set, or 400 with a
//!   JSON-quoted reason: a setting of the `default` preset missing (`"Missing parameter: hud"`
//!   — stricter than the real site, which fills it in with a warning, so a client that does
//!   not start from the default preset is caught), a switch not `on`/`off`/`random`,
//!   `paramsFileTarget` not JSON, `seed` not a whole number;
//! - `GET /customizer/{seedKey}` → the seed's page.
//!
//! The presets it knows: settings presets `default` ([`default_settings`]) and
//! `Season_Races`; skills presets `regular` and `Season_Races`.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{json, Value};

use super::{lock, FakeSite, Request};

/// The switches the fake checks (VARIA checks about thirty).
pub const SWITCHES: &[&str] = &["hud", "variaTweaks", "bossRandomization"];

/// The fake's `default` settings preset.
pub fn default_settings() -> Value {
    json!({
        "preset": "regular",
        "hud": "off",
        "variaTweaks": "on",
        "bossRandomization": "off",
        "majorsSplit": "Full",
        "startLocation": "Landing Site",
        "startLocationMultiSelect": ["Landing Site", "Gauntlet Top"],
        "objectiveRandom": "false",
        "objective": ["kill all G4"],
        "minorQty": 100,
    })
}

/// One seed the fake rolled.
#[derive(Debug, Clone)]
pub struct VariaSeed {
    pub key: String,
    /// The form it was rolled from.
    pub form: HashMap<String, String>,
}

/// The fake site's state.
#[derive(Debug)]
pub struct VariaState {
    /// Settings ("rando") presets by name.
    pub settings_presets: HashMap<String, Value>,
    /// Skills presets by name.
    pub skills_presets: HashMap<String, Value>,
    /// The next generations fail as VARIA reports it: HTTP 200, `status: NOK`.
    pub nok: u32,
    /// Seeds rolled so far, in order.
    pub seeds: Vec<VariaSeed>,
}

impl Default for VariaState {
    fn default() -> Self {
        let settings_presets = HashMap::from([
            ("default".to_string(), default_settings()),
            (
                "Season_Races".to_string(),
                json!({"majorsSplit": "Major", "hud": "on", "bossRandomization": "on"}),
            ),
        ]);
        let skills = |mockball: bool| json!({"Knows": {"Mockball": [mockball, 1]}, "Settings": {}, "Controller": {}});
        let skills_presets = HashMap::from([
            ("regular".to_string(), skills(true)),
            ("Season_Races".to_string(), skills(false)),
        ]);
        Self {
            settings_presets,
            skills_presets,
            nok: 0,
            seeds: Vec::new(),
        }
    }
}

pub type FakeVaria = FakeSite<VariaState>;

impl FakeSite<VariaState> {
    pub async fn varia() -> std::io::Result<Self> {
        FakeSite::start(VariaState::default(), handle).await
    }
}

/// The key of the `n`th seed rolled (from 1).
pub fn seed_key(n: usize) -> String {
    format!("6b1d5c2e-0000-4000-8000-{n:012x}")
}

fn html(status: StatusCode, body: String) -> Response {
    (status, [("content-type", "text/html; charset=utf-8")], body).into_response()
}

/// A refusal as the preset services answer it: plain text.
fn refuse(message: &str) -> Response {
    html(StatusCode::BAD_REQUEST, message.to_string())
}

/// A refusal as the randomizer service answers it: a JSON-quoted string.
fn refuse_json(message: &str) -> Response {
    html(StatusCode::BAD_REQUEST, Value::from(message).to_string())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An `application/x-www-form-urlencoded` body, field by field.
pub fn parse_form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn handle(site: &Arc<Mutex<VariaState>>, request: &Request) -> Response {
    let form = parse_form(&request.body);
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/randoPresetWebService") => {
            let Some(name) = form.get("randoPreset") else {
                return refuse("Missing parameter rando preset");
            };
            if !valid_name(name) {
                return refuse("Preset name must be alphanumeric");
            }
            if !matches!(
                form.get("origin").map(String::as_str),
                Some("extStats" | "randomizer")
            ) {
                return refuse("Unknown origin");
            }
            match lock(site).settings_presets.get(name) {
                Some(preset) => html(StatusCode::OK, preset.to_string()),
                None => refuse("Rando preset not found"),
            }
        }
        ("POST", "/presetWebService") => {
            let Some(name) = form.get("preset") else {
                return refuse("Missing parameter preset");
            };
            if !valid_name(name) {
                return refuse("Preset name must be alphanumeric");
            }
            match lock(site).skills_presets.get(name) {
                Some(preset) => html(StatusCode::OK, preset.to_string()),
                None => refuse("Preset not found"),
            }
        }
        ("POST", "/randomizerWebService") => randomize(site, form),
        ("GET", path) if path.starts_with("/customizer/") => {
            let key = &path["/customizer/".len()..];
            if lock(site).seeds.iter().any(|s| s.key == key) {
                html(
                    StatusCode::OK,
                    format!("<html><body>Seed {key}</body></html>"),
                )
            } else {
                html(StatusCode::NOT_FOUND, "Not found".into())
            }
        }
        _ => html(StatusCode::NOT_FOUND, "Not found".into()),
    }
}

fn randomize(site: &Arc<Mutex<VariaState>>, form: HashMap<String, String>) -> Response {
    let mut state = lock(site);
    let required: Vec<String> = state
        .settings_presets
        .get("default")
        .and_then(Value::as_object)
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default();
    for key in required.iter().map(String::as_str).chain([
        "paramsFileTarget",
        "preset",
        "raceMode",
        "seed",
    ]) {
        if !form.contains_key(key) {
            return refuse_json(&format!("Missing parameter: {key}"));
        }
    }
    for switch in SWITCHES.iter().chain(&["raceMode"]) {
        if !matches!(
            form.get(*switch).map(String::as_str),
            Some("on" | "off" | "random")
        ) {
            return refuse_json(&format!(
                "Wrong value for {switch}, authorized values: on/off"
            ));
        }
    }
    if serde_json::from_str::<Value>(&form["paramsFileTarget"]).is_err() {
        return refuse_json("Wrong value for paramsFileTarget, must be a JSON string");
    }
    if form["seed"].parse::<u64>().is_err() {
        return refuse_json("Wrong value for seed, must be an int");
    }
    if state.nok > 0 {
        state.nok -= 1;
        return html(
            StatusCode::OK,
            json!({"status": "NOK", "errorMsg": "Can't generate a seed<br/>Too many items for the locations"}).to_string(),
        );
    }
    let key = seed_key(state.seeds.len() + 1);
    let warnings = if form.get("minorQty").map(String::as_str) == Some("100") {
        ""
    } else {
        "Minors quantity changed<br/>"
    };
    state.seeds.push(VariaSeed {
        key: key.clone(),
        form,
    });
    html(
        StatusCode::OK,
        json!({
            "status": "OK",
            "seedKey": key,
            "fileName": "VARIA_Randomizer_FX1234_Season_Races.sfc",
            "ips": "UEFUQ0g=",
            "errorMsg": warnings,
        })
        .to_string(),
    )
}
