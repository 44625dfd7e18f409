//! A fake RaceTime.gg for tests: a real HTTP server on a random local port that speaks enough of
//! racetime.gg for account links (authorization code) *and* for category bots (client
//! credentials, race rooms, the bot websocket, public data), records every request, and lets a
//! test play the racers. Point `RACETIME_URL` at [`FakeRacetime::url`]. The behaviour follows
//! `docs/upstreams/racetime.md` (section numbers below refer to it): field names, status codes,
//! error texts, duration strings (`P0DT00H00M15S`) and timestamps as the real site sends them.
//!
//! | Request | Answer |
//! | --- | --- |
//! | `GET /o/authorize` | a placeholder page (a browser would consent here) |
//! | `POST /o/token` `grant_type=authorization_code` | tokens for a code added with [`FakeRacetime::add_user`] when `client_id`/`client_secret` are [`CLIENT_ID`]/[`CLIENT_SECRET`]; 400 otherwise |
//! | `POST /o/token` `grant_type=client_credentials` | a bot token for credentials added with [`FakeRacetime::add_bot`] (form fields or HTTP Basic); 401 `invalid_client` otherwise (§2.2) |
//! | `POST /o/token`, any other grant | 400 `unsupported_grant_type` |
//! | `GET /o/userinfo` (bearer) | that user's `{id, name, discriminator, full_name}`; 401 for an unknown token |
//! | `POST /o/<cat>/startrace` (bearer, form) | 201 + `Location: /<cat>/<slug>`; 422 `{"errors":…}`; 403; 404 (§3) |
//! | `POST /o/<cat>/<slug>/edit` (bearer, form) | 200; omitted fields reset to defaults; 403 once done (§4) |
//! | `GET /<cat>/data`, `GET /o/<cat>/data` (bearer) | category JSON; the `/o/` one lists unlisted rooms (§6.3) |
//! | `GET /<cat>/<slug>/data` | room JSON (§6.2) |
//! | `GET /ws/o/bot/<slug>` (websocket) | `race.data` + `race.renders`, then bot actions (§5) |
//! | `GET /user/<id>/data`, `/user/<id>/races/data`, `/user/search` | user summary + stats, finished races paged, search (§6.5, §6.6) |
//!
//! Every other request is recorded and answered 404.
//!
//! One file a concern: `wire` (encodings: forms, timestamps, durations), `oauth` (tokens),
//! `form` (the room form: validation and upstream defaults), `state` (rooms, entrants, sockets
//! and how a change is broadcast), `lifecycle` (the transitions the site makes: countdown,
//! start, cancel, finish, undo), `render` (the JSON of rooms, users, chat), `rooms` (room and
//! category HTTP), `socket` (the bot websocket and its actions), `racers` (what tests call to
//! act as racers and moderators), `users` (the user endpoints and race history). This file
//! holds the shared state, the public types and the router.
//!
//! ```ignore
//! let fake = FakeRacetime::start().await?;
//! fake.add_category("alttpr", "A Link to the Past Randomizer", &["Beat the game"]);
//! fake.add_bot("alttpr", "SahaBot", "bot-id", "bot-secret");
//! fake.add_racer(FakeRacer::new("xldAMBlqvY3aOP57", "Alice#0420"));
//! // … the code under test opens a room and invites Alice; then Alice plays along:
//! let slug = fake.rooms()[0].slug.clone();
//! fake.accept_invite(&slug, "xldAMBlqvY3aOP57")?;
//! ```
//!
//! Deliberate simplifications: no real clock (a countdown or time limit never elapses by
//! itself; `ready` with auto-start goes straight through `pending` to `in_progress`, and
//! [`FakeRacetime::finish`] takes the finish time as an argument); no caches (listings are
//! current at once); no teams, ratings, hidden entrants or 1v1 ladders.

mod form;
mod lifecycle;
mod oauth;
mod racers;
mod render;
mod rooms;
mod socket;
mod state;
mod users;
mod wire;

use std::{
    collections::{BTreeMap, HashMap, HashSet},
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

use state::{Bot, BotToken, Category, Room, Socket};

/// The OAuth2 client id the fake accepts for account links.
pub const CLIENT_ID: &str = "fake-racetime-client";
/// The OAuth2 client secret the fake accepts for account links.
pub const CLIENT_SECRET: &str = "fake-racetime-secret";

/// The lifetime of a bot token unless [`FakeRacetime::set_token_lifetime`] says otherwise: the
/// toolkit's default, 10 hours (§2.2).
pub const DEFAULT_TOKEN_LIFETIME: i64 = 36_000;

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub body: String,
}

/// A RaceTime user the racers' side of a test plays. `name` may carry a discriminator
/// (`"Alice#0420"`): the summary then has `name` "Alice", `discriminator` "0420" and
/// `full_name` "Alice#0420"; without one, `discriminator` is null and `full_name` is the name.
#[derive(Debug, Clone)]
pub struct FakeRacer {
    pub id: String,
    pub name: String,
    /// Twitch linked (and, for the fake, live): needed to join a streaming-required room.
    pub twitch: bool,
    /// Profile public: otherwise `/user/<id>/data` and its races answer 404 (§6.5).
    pub public: bool,
    /// Racing in another room (not one of the fake's): invites and joins are refused.
    pub racing_elsewhere: bool,
}

impl FakeRacer {
    /// A racer with Twitch linked, a public profile, not racing anywhere.
    pub fn new(id: &str, name: &str) -> Self {
        Self {
            id: id.to_string(),
            name: name.to_string(),
            twitch: true,
            public: true,
            racing_elsewhere: false,
        }
    }
}

/// How a racer did in a past race ([`FakeRacetime::add_past_races`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastResult {
    Done,
    Dnf,
    Dq,
}

/// One finished race in a racer's history.
#[derive(Debug, Clone)]
pub struct PastRace {
    pub category: String,
    pub result: PastResult,
    /// When the race ended, epoch milliseconds.
    pub ended_at: i64,
}

/// An entrant as a test sees it.
#[derive(Debug, Clone)]
pub struct FakeEntrant {
    pub user_id: String,
    /// `requested`, `invited`, `not_ready`, `ready`, `in_progress`, `done`, `dnf` or `dq`.
    pub status: String,
    pub place: Option<i64>,
    pub finish_ms: Option<i64>,
}

/// A room as a test sees it (a copy; the fake keeps the original).
#[derive(Debug, Clone)]
pub struct FakeRoom {
    pub category: String,
    pub slug: String,
    /// `open`, `invitational`, `pending`, `in_progress`, `finished` or `cancelled`.
    pub status: String,
    pub version: i64,
    pub opened_by_bot: Option<String>,
    pub goal: Option<String>,
    pub custom_goal: Option<String>,
    pub info_user: String,
    pub info_bot: String,
    /// The last form posted (startrace, then each edit over it) with the omitted fields filled
    /// with upstream defaults; booleans lower-cased, numbers and texts trimmed. Fields the fake
    /// does not know are kept as posted.
    pub form: BTreeMap<String, String>,
    pub entrants: Vec<FakeEntrant>,
    /// The bot's chat lines in the order posted (DMs included); a repeated `guid` is dropped
    /// before it gets here, as upstream drops it.
    pub bot_messages: Vec<String>,
    pub unlisted: bool,
    pub auto_start: bool,
    pub streaming_required: bool,
}

/// Faults armed by a test, each good for one request.
#[derive(Default)]
struct Faults {
    /// The next startrace that gets as far as creating the room creates it, then answers 500.
    startrace_after_create: bool,
    /// The next startrace answers this status without creating anything.
    startrace_status: Option<u16>,
    /// The next client-credentials token request answers this status.
    token_status: Option<u16>,
}

#[derive(Default)]
struct Inner {
    /// Authorization code → the user it stands for (account links).
    codes: HashMap<String, RacetimeProfile>,
    /// User access token → user (account links).
    tokens: HashMap<String, RacetimeProfile>,
    requests: Vec<Recorded>,
    issued: u64,
    categories: Vec<Category>,
    bots: Vec<Bot>,
    /// Bot access token → whose it is and until when.
    bot_tokens: HashMap<String, BotToken>,
    /// Seconds; `None` is [`DEFAULT_TOKEN_LIFETIME`].
    token_lifetime: Option<i64>,
    racers: Vec<FakeRacer>,
    /// Live rooms in creation order, then the rooms made up for past races (`past`).
    rooms: Vec<Room>,
    sockets: Vec<Socket>,
    /// Chat guids already seen (upstream: a 5-minute cache; the fake never forgets).
    seen_guids: HashSet<String>,
    faults: Faults,
    /// Counter for ids the fake makes up (sockets, messages, past races).
    next_id: u64,
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
            .route("/ws/o/bot/{slug}", any(socket::upgrade))
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

    /// The websocket URL of a room's bot socket: `ws://127.0.0.1:<port>/ws/o/bot/<slug>`.
    pub fn ws_url(&self, slug: &str) -> String {
        format!("{}/ws/o/bot/{slug}", self.url.replacen("http", "ws", 1))
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

    /// Adds (or replaces) a category with its active goals.
    pub fn add_category(&self, slug: &str, name: &str, goals: &[&str]) {
        let mut inner = lock(&self.inner);
        inner.categories.retain(|c| c.slug != slug);
        inner.categories.push(Category {
            slug: slug.to_string(),
            name: name.to_string(),
            goals: goals.iter().map(|g| g.to_string()).collect(),
        });
    }

    /// Adds an active bot of `category` with its OAuth2 credentials.
    pub fn add_bot(&self, category: &str, bot_name: &str, client_id: &str, client_secret: &str) {
        let mut inner = lock(&self.inner);
        inner.bots.retain(|b| b.client_id != client_id);
        inner.bots.push(Bot {
            category: category.to_string(),
            name: bot_name.to_string(),
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            active: true,
        });
    }

    /// Deactivates a bot as its category owner would: its application is deleted, so its tokens
    /// die at once and later token requests get 401 `invalid_client` (§2.1).
    pub fn deactivate_bot(&self, client_id: &str) {
        let mut inner = lock(&self.inner);
        for bot in inner.bots.iter_mut().filter(|b| b.client_id == client_id) {
            bot.active = false;
        }
        inner.bot_tokens.retain(|_, t| t.client_id != client_id);
    }

    /// The lifetime (`expires_in`) of bot tokens granted from now on.
    pub fn set_token_lifetime(&self, seconds: i64) {
        lock(&self.inner).token_lifetime = Some(seconds);
    }

    /// Expires every bot token granted so far (new grants work as usual).
    pub fn expire_tokens(&self) {
        let mut inner = lock(&self.inner);
        for token in inner.bot_tokens.values_mut() {
            token.expires_at_ms = 0;
        }
    }

    /// Adds (or replaces) a racer.
    pub fn add_racer(&self, racer: FakeRacer) {
        let mut inner = lock(&self.inner);
        inner.racers.retain(|r| r.id != racer.id);
        inner.racers.push(racer);
    }

    /// The rooms opened through `startrace`, in creation order (not the past races).
    pub fn rooms(&self) -> Vec<FakeRoom> {
        let inner = lock(&self.inner);
        inner
            .rooms
            .iter()
            .filter(|r| !r.past)
            .map(|r| r.snapshot())
            .collect()
    }

    /// One room by slug (a past race's too).
    pub fn room(&self, slug: &str) -> Option<FakeRoom> {
        let inner = lock(&self.inner);
        inner.find(slug).map(|i| inner.rooms[i].snapshot())
    }

    /// How many bot sockets are connected to the room now.
    pub fn socket_count(&self, slug: &str) -> usize {
        lock(&self.inner)
            .sockets
            .iter()
            .filter(|s| s.slug == slug)
            .count()
    }

    /// Closes every bot socket of the room abruptly (no close frame: the TCP connection just
    /// ends), as a proxy restart or network fault would. The client must reconnect.
    pub fn drop_sockets(&self, slug: &str) {
        lock(&self.inner).drop_sockets(slug, None);
    }

    /// Closes every bot socket of the room with a close frame (code 1001) and `reason`, e.g.
    /// "CloudFlare WebSocket proxy restarting" (§10.4).
    pub fn close_sockets(&self, slug: &str, reason: &str) {
        lock(&self.inner).drop_sockets(slug, Some(reason));
    }

    /// Fault: the next startrace that would succeed creates its room, then answers 500 as if
    /// the response were lost (tests the "look before reopening" path, §3.3). Requests refused
    /// before the room is created (403/404/422) leave the fault armed.
    pub fn fail_next_startrace_after_create(&self) {
        lock(&self.inner).faults.startrace_after_create = true;
    }

    /// Fault: the next startrace answers `status` without creating anything (422 with an
    /// `__all__` error, 4xx empty, 5xx an HTML page).
    pub fn fail_next_startrace(&self, status: u16) {
        lock(&self.inner).faults.startrace_status = Some(status);
    }

    /// Fault: the next client-credentials token request answers `status` (e.g. 502) without a
    /// token, as the real endpoint sometimes does (§2.2).
    pub fn fail_next_token(&self, status: u16) {
        lock(&self.inner).faults.token_status = Some(status);
    }
}

/// Everything but the websocket: records the request, then answers by path.
async fn handle(
    State(inner): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    let query = uri.query().unwrap_or_default().to_string();
    lock(&inner).requests.push(Recorded {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        body: body.clone(),
    });
    let segments: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    let bearer = wire::bearer(&headers);
    let bearer = bearer.as_deref();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["o", "authorize"]) => (
            StatusCode::OK,
            "RaceTime.gg (fake): authorize this application",
        )
            .into_response(),
        ("POST", ["o", "token"]) => oauth::token(&inner, &headers, &body),
        ("GET", ["o", "userinfo"]) => oauth::userinfo(&inner, bearer),
        ("POST", ["o", category, "startrace"]) => rooms::startrace(&inner, category, bearer, &body),
        ("POST", ["o", category, slug, "edit"]) => {
            rooms::edit(&inner, category, slug, bearer, &body)
        }
        ("GET", ["o", category, "data"]) => rooms::bot_category_data(&inner, category, bearer),
        ("GET", ["user", "search"]) => users::search(&inner, &query),
        ("GET", ["user", id, "data"]) => users::user_data(&inner, id),
        ("GET", ["user", id, "races", "data"]) => users::user_races(&inner, id, &query),
        ("GET", [category, "data"]) if *category != "o" => rooms::category_data(&inner, category),
        ("GET", [category, slug, "data"]) if *category != "o" => {
            rooms::room_data(&inner, category, slug)
        }
        _ => (StatusCode::NOT_FOUND, Json(json!({"detail": "Not found."}))).into_response(),
    }
}
