//! A fake RaceTime.gg for tests: a real HTTP server on a random local port speaking enough of
//! RaceTime's OAuth2 for account links, recording every request. Point `RACETIME_URL` at
//! [`FakeRacetime::url`]. Kept general so more of RaceTime (rooms, race data) can be added.
//!
//! | Request | Answer |
//! | --- | --- |
//! | `GET /o/authorize` | a placeholder page (a browser would consent here) |
//! | `POST /o/token` (form) | tokens for a code added with [`FakeRacetime::add_user`], when `client_id`/`client_secret` match; 400 otherwise |
//! | `GET /o/userinfo` (bearer) | that user's `{id, name, discriminator, full_name}`; 401 for an unknown token |
//!
//! Every other request is recorded and answered 404.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::any,
    Json, Router,
};
use serde_json::json;

use sdk::identity::model::RacetimeProfile;

/// The OAuth2 client id the fake accepts.
pub const CLIENT_ID: &str = "fake-racetime-client";
/// The OAuth2 client secret the fake accepts.
pub const CLIENT_SECRET: &str = "fake-racetime-secret";

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub body: String,
}

#[derive(Default)]
struct Inner {
    /// Authorization code → the user it stands for.
    codes: HashMap<String, RacetimeProfile>,
    /// Access token → user.
    tokens: HashMap<String, RacetimeProfile>,
    requests: Vec<Recorded>,
    issued: u64,
}

/// The running fake; stops when dropped.
pub struct FakeRacetime {
    url: String,
    inner: Arc<Mutex<Inner>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeRacetime {
    fn drop(&mut self) {
        self.server.abort();
    }
}

type Shared = Arc<Mutex<Inner>>;

fn lock(inner: &Shared) -> std::sync::MutexGuard<'_, Inner> {
    inner
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl FakeRacetime {
    /// Starts the fake on 127.0.0.1 with a random port.
    pub async fn start() -> std::io::Result<Self> {
        let inner: Shared = Arc::default();
        let app = Router::new()
            .fallback(any(handle))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        Ok(Self { url, inner, server })
    }

    /// The base URL, for `RACETIME_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Makes `code` stand for a RaceTime user `id`/`name#discriminator` at the token endpoint.
    pub fn add_user(&self, code: &str, id: &str, name: &str, discriminator: &str) {
        lock(&self.inner).codes.insert(
            code.to_string(),
            RacetimeProfile {
                id: id.to_string(),
                name: name.to_string(),
                discriminator: Some(discriminator.to_string()),
                full_name: Some(format!("{name}#{discriminator}")),
            },
        );
    }

    /// Everything received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.inner).requests.clone()
    }
}

fn form_value(body: &str, key: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| {
            let v = v.replace('+', " ");
            percent_decode(&v)
        })
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn handle(
    State(inner): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    lock(&inner).requests.push(Recorded {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        body: body.clone(),
    });
    match (method.as_str(), uri.path()) {
        ("GET", "/o/authorize") => (
            StatusCode::OK,
            "RaceTime.gg (fake): authorize this application",
        )
            .into_response(),
        ("POST", "/o/token") => {
            let field = |k: &str| form_value(&body, k).unwrap_or_default();
            if field("grant_type") != "authorization_code"
                || field("client_id") != CLIENT_ID
                || field("client_secret") != CLIENT_SECRET
                || field("redirect_uri").is_empty()
            {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": "invalid_client"})),
                )
                    .into_response();
            }
            let mut inner = lock(&inner);
            // A code is good once.
            let Some(user) = inner.codes.remove(&field("code")) else {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": "invalid_grant"})),
                )
                    .into_response();
            };
            inner.issued += 1;
            let token = format!("rt-access-{}", inner.issued);
            inner.tokens.insert(token.clone(), user);
            Json(json!({
                "access_token": token,
                "refresh_token": format!("rt-refresh-{}", inner.issued),
                "token_type": "Bearer",
                "expires_in": 36000,
                "scope": "read",
            }))
            .into_response()
        }
        ("GET", "/o/userinfo") => {
            let token = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or_default();
            match lock(&inner).tokens.get(token) {
                Some(user) => Json(json!({
                    "id": user.id,
                    "name": user.name,
                    "discriminator": user.discriminator,
                    "full_name": user.full_name,
                }))
                .into_response(),
                None => (
                    StatusCode::UNAUTHORIZED,
                    Json(json!({"error": "invalid_token"})),
                )
                    .into_response(),
            }
        }
        _ => (StatusCode::NOT_FOUND, Json(json!({"detail": "Not found."}))).into_response(),
    }
}
