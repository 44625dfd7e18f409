//! A fake SpeedGaming for tests: a real HTTP server on a random local port that answers the
//! schedule API as docs/upstreams/speedgaming.md describes it, records every request, and can be
//! told to fail. Point the speedgaming plugin's `base_url` setting at [`FakeSpeedGaming::url`].
//!
//! | Request | Answer |
//! | --- | --- |
//! | `GET /api/schedule/?event=<slug>&from=<RFC 3339>&to=<RFC 3339>` (slash optional) | a JSON array of the event's episodes whose `when` lies in `[from, to]`, in time order |
//! | the same without `event`, or with a `from`/`to` that is not a time | 400 `{"error": …}` |
//! | anything else | 404 |
//!
//! A test adds episodes with [`FakeSpeedGaming::put_episode`] ([`FakeEpisode`] writes the JSON
//! the real site sends: `displayName`, `discordId`, `discordTag`, `approved`, `match1`,
//! `channels`, …), removes them with [`FakeSpeedGaming::remove_episode`], makes the next answers
//! fail with [`FakeSpeedGaming::fail_next`], or stops the server with
//! [`FakeSpeedGaming::go_down`] (connections are then refused).

use std::{
    collections::{BTreeMap, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    extract::State,
    http::{StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::any,
    Json, Router,
};
use serde_json::{json, Value};

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    /// The query's parameters, decoded.
    pub query: BTreeMap<String, String>,
}

/// A failure the next request gets instead of the schedule.
#[derive(Debug, Clone)]
pub enum Failure {
    /// This status with this body.
    Status(u16, String),
    /// 200 with this body (not a list of episodes).
    Garbage(String),
    /// Waits this long before answering normally (past the client's time limit).
    Stall(Duration),
}

/// A person on an episode, as SpeedGaming sends them.
#[derive(Debug, Clone)]
pub struct FakePerson {
    pub id: i64,
    pub display_name: String,
    pub discord_id: Option<String>,
    pub discord_tag: Option<String>,
    /// Crew only.
    pub approved: bool,
}

impl FakePerson {
    /// Someone with neither Discord id nor tag.
    pub fn new(id: i64, display_name: &str) -> Self {
        Self {
            id,
            display_name: display_name.to_string(),
            discord_id: None,
            discord_tag: None,
            approved: true,
        }
    }

    pub fn discord_id(mut self, id: &str) -> Self {
        self.discord_id = Some(id.to_string());
        self
    }

    pub fn discord_tag(mut self, tag: &str) -> Self {
        self.discord_tag = Some(tag.to_string());
        self
    }

    pub fn unapproved(mut self) -> Self {
        self.approved = false;
        self
    }

    fn json(&self, crew: bool) -> Value {
        let mut person = json!({
            "id": self.id,
            "displayName": self.display_name,
            "publicStream": self.display_name.to_lowercase(),
            "streamingFrom": "",
            // The site sends "" for a missing Discord id or tag.
            "discordId": self.discord_id.clone().unwrap_or_default(),
            "discordTag": self.discord_tag.clone().unwrap_or_default(),
        });
        if crew {
            person["approved"] = json!(self.approved);
            person["ready"] = json!(true);
            person["language"] = json!("en");
        }
        person
    }
}

/// An episode, as SpeedGaming sends it.
#[derive(Debug, Clone)]
pub struct FakeEpisode {
    pub id: i64,
    /// Epoch ms.
    pub when: i64,
    /// The episode's own title ("" when unset, as the site sends it).
    pub title: String,
    pub match_title: String,
    pub players: Vec<FakePerson>,
    /// (name, slug).
    pub channels: Vec<(String, String)>,
    pub commentators: Vec<FakePerson>,
    pub trackers: Vec<FakePerson>,
    pub broadcasters: Vec<FakePerson>,
}

impl FakeEpisode {
    pub fn new(id: i64, when: i64) -> Self {
        Self {
            id,
            when,
            title: String::new(),
            match_title: format!("Match of episode {id}"),
            players: Vec::new(),
            channels: Vec::new(),
            commentators: Vec::new(),
            trackers: Vec::new(),
            broadcasters: Vec::new(),
        }
    }

    pub fn title(mut self, title: &str) -> Self {
        self.title = title.to_string();
        self
    }

    pub fn match_title(mut self, title: &str) -> Self {
        self.match_title = title.to_string();
        self
    }

    pub fn player(mut self, p: FakePerson) -> Self {
        self.players.push(p);
        self
    }

    pub fn channel(mut self, name: &str, slug: &str) -> Self {
        self.channels.push((name.to_string(), slug.to_string()));
        self
    }

    pub fn commentator(mut self, p: FakePerson) -> Self {
        self.commentators.push(p);
        self
    }

    pub fn tracker(mut self, p: FakePerson) -> Self {
        self.trackers.push(p);
        self
    }

    pub fn broadcaster(mut self, p: FakePerson) -> Self {
        self.broadcasters.push(p);
        self
    }

    /// The JSON the site sends for this episode of event `slug`.
    pub fn json(&self, slug: &str) -> Value {
        let crew = |people: &[FakePerson]| people.iter().map(|p| p.json(true)).collect::<Vec<_>>();
        json!({
            "id": self.id,
            "title": self.title,
            "when": sdk::time::rfc3339_utc(self.when).replace('Z', "+00:00"),
            "length": 120,
            "approved": true,
            "event": {"id": 1, "name": slug, "slug": slug, "game": "", "active": true},
            "match1": {
                "id": self.id * 10,
                "title": self.match_title,
                "players": self.players.iter().map(|p| p.json(false)).collect::<Vec<_>>(),
            },
            "match2": null,
            "channels": self.channels.iter().enumerate().map(|(i, (name, slug))| json!({
                "id": i + 1, "name": name, "slug": slug, "language": "en"
            })).collect::<Vec<_>>(),
            "commentators": crew(&self.commentators),
            "trackers": crew(&self.trackers),
            "broadcasters": crew(&self.broadcasters),
        })
    }
}

#[derive(Default)]
struct Inner {
    /// Event slug → episodes by id.
    events: BTreeMap<String, BTreeMap<i64, FakeEpisode>>,
    requests: Vec<Recorded>,
    failures: VecDeque<Failure>,
}

type Shared = Arc<Mutex<Inner>>;

fn lock(inner: &Shared) -> std::sync::MutexGuard<'_, Inner> {
    inner
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The running fake; stops when dropped.
pub struct FakeSpeedGaming {
    url: String,
    inner: Shared,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeSpeedGaming {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeSpeedGaming {
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

    /// The base URL, for the plugin's `base_url` setting.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Adds the episode to event `slug`, or replaces the one with its id.
    pub fn put_episode(&self, slug: &str, episode: FakeEpisode) {
        lock(&self.inner)
            .events
            .entry(slug.to_string())
            .or_default()
            .insert(episode.id, episode);
    }

    /// Removes the episode from event `slug`.
    pub fn remove_episode(&self, slug: &str, id: i64) {
        if let Some(episodes) = lock(&self.inner).events.get_mut(slug) {
            episodes.remove(&id);
        }
    }

    /// The next request answers with `failure` (several calls queue several).
    pub fn fail_next(&self, failure: Failure) {
        lock(&self.inner).failures.push_back(failure);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.inner).requests.clone()
    }

    /// Stops answering: the port is closed, so requests are refused.
    pub async fn go_down(&self) {
        self.server.abort();
        // Wait until the listener is really gone.
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(self.url.trim_start_matches("http://"))
                .await
                .is_err()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

fn decode(text: &str) -> String {
    let text = text.replace('+', " ");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
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

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": message}))).into_response()
}

async fn handle(State(inner): State<Shared>, uri: Uri) -> Response {
    let query: BTreeMap<String, String> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect();
    let path = uri.path().to_string();
    let failure = {
        let mut inner = lock(&inner);
        inner.requests.push(Recorded {
            path: path.clone(),
            query: query.clone(),
        });
        inner.failures.pop_front()
    };
    match failure {
        Some(Failure::Status(status, body)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, body).into_response();
        }
        Some(Failure::Garbage(body)) => return (StatusCode::OK, body).into_response(),
        Some(Failure::Stall(wait)) => tokio::time::sleep(wait).await,
        None => {}
    }
    if path.trim_end_matches('/') != "/api/schedule" {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    }
    let Some(slug) = query.get("event").filter(|s| !s.is_empty()) else {
        return bad_request("event is required");
    };
    let bound = |name: &str| -> Result<Option<i64>, String> {
        match query.get(name) {
            None => Ok(None),
            Some(text) => sdk::time::parse_rfc3339(text)
                .map(Some)
                .map_err(|_| format!("{name} is not a date")),
        }
    };
    let (from, to) = match (bound("from"), bound("to")) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(why), _) | (_, Err(why)) => return bad_request(&why),
    };
    let inner = lock(&inner);
    let mut episodes: Vec<&FakeEpisode> = inner
        .events
        .get(slug)
        .map(|e| e.values().collect())
        .unwrap_or_default();
    episodes.retain(|e| from.is_none_or(|f| e.when >= f) && to.is_none_or(|t| e.when <= t));
    episodes.sort_by_key(|e| (e.when, e.id));
    let body: Vec<Value> = episodes.iter().map(|e| e.json(slug)).collect();
    Json(Value::Array(body)).into_response()
}
