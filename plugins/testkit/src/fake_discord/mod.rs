//! A fake Discord for tests: a real HTTP server on a random local port that speaks enough of
//! Discord's REST API, OAuth2 and gateway for the bot (serenity + poise) and the app to run
//! against it, and records everything they send.
//!
//! ```ignore
//! let fake = FakeDiscord::start().await;
//! // Point the app at it: DISCORD_API_URL = fake.api_url(), DISCORD_TOKEN = "any token",
//! // DISCORD_AUTHORIZE_URL = fake.authorize_url(), DISCORD_TOKEN_URL = fake.token_url().
//! fake.wait_for_identify(1, Duration::from_secs(20)).await;
//! let reply = fake.use_command("123", "456", "sahabot", json!({})).await?;
//! assert!(reply.content.contains("not linked"));
//! ```
//!
//! What it serves (paths relative to [`FakeDiscord::base_url`]):
//!
//! | Request | Answer |
//! | --- | --- |
//! | `GET /api/v10/gateway`, `GET /api/v10/gateway/bot` | the gateway URL, `ws://…/gateway` |
//! | `GET /api/v10/users/@me` | the bot user ([`BOT_USER_ID`]) |
//! | `GET /api/v10/applications/@me`, `/oauth2/applications/@me` | the application ([`APPLICATION_ID`]) |
//! | `PUT /api/v10/applications/{app}/commands` (and `…/guilds/{guild}/commands`) | the registered commands, with ids |
//! | `GET /api/v10/channels/{channel}` | a channel added with [`FakeDiscord::add_channel`] with its `guild_id` (a thread the app created: its parent's server); 404 "Unknown Channel" otherwise |
//! | `POST /api/v10/channels/{channel}/messages` | a message; recorded in [`FakeDiscord::messages`] (in a DM channel: in [`FakeDiscord::dms`], or refused after [`FakeDiscord::fail_next_dms`]) |
//! | `POST /api/v10/users/@me/channels` | the DM channel with `recipient_id` (the same one each time) |
//! | `PUT /api/v10/guilds/{guild}/members/{user}/roles/{role}` | 204 for a server added with [`FakeDiscord::add_guild`] (or one a channel was added to); recorded in [`FakeDiscord::role_grants`]; 404 "Unknown Guild" otherwise |
//! | `GET/POST /api/v10/guilds/{guild}/scheduled-events`, `GET/PATCH/DELETE …/{id}` | Discord's Guild Scheduled Event API, checked like Discord checks it, in known servers ([`FakeDiscord::scheduled_events`]; see `scheduled`) |
//! | `POST /api/v10/interactions/{id}/{token}/callback` | 204; answers a waiting [`FakeDiscord::use_command`] |
//! | `POST /api/v10/webhooks/{app}/{token}`, `PATCH …/messages/@original` | follow-ups after a deferred answer |
//! | `POST /api/oauth2/token` | a user token for a code added with [`FakeDiscord::add_oauth_user`]; with `grant_type=client_credentials`, an application token when the form's `client_id`/`client_secret` are [`APPLICATION_ID`]/[`CLIENT_SECRET`] (401 `invalid_client` otherwise) |
//! | `GET /api/oauth2/@me` | the application ([`APPLICATION_NAME`]) for an application token |
//! | `GET /api/users/@me`, `GET /api/users/@me/guilds` | that user and their servers (bearer token) |
//! | `GET /oauth2/authorize` | a placeholder page (a browser would consent here) |
//! | `GET /gateway` (websocket) | HELLO → IDENTIFY → READY (close 4004 for a [`FakeDiscord::reject_token`]); heartbeats ACKed; RESUME → RESUMED (or INVALID_SESSION for an unknown session) |
//!
//! Rate limits on demand: [`FakeDiscord::rate_limit_next`] (429s with `Retry-After`),
//! [`FakeDiscord::rate_limit_globally_next`] and [`FakeDiscord::limit_bucket`] (a counting bucket
//! answering `X-RateLimit-*` headers) — see `limits`.
//!
//! Every other request is recorded and answered 404 with a Discord-style error body, so a test
//! can see what the code under test asked for ([`FakeDiscord::requests`]).

//!
//! One file a protocol: `rest` (the bot's HTTP API), `oauth` (token exchange, `users/@me`),
//! `gateway` (the websocket), each with the tests of what it serves; this file holds the fake's
//! state and what tests call.

mod dm;
mod gateway;
mod interactions;
mod limits;
mod oauth;
mod rest;
mod scheduled;

pub use dm::SentDm;
pub use gateway::command_interaction;
use gateway::{dispatch, gateway, interaction_payload};
use interactions::InteractionSpec;
use oauth::{current_authorization, oauth_token, oauth_user};
use rest::{message_json, rest, user_json};
pub use scheduled::ScheduledEvent;

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use axum::{
    body::Bytes,
    extract::{
        ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade},
        State,
    },
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::any,
    Json, Router,
};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};

/// The fake bot's Discord user id.
pub const BOT_USER_ID: &str = "900000000000000001";
/// The fake bot's user name.
pub const BOT_USERNAME: &str = "SahaBot Test";
/// The fake application's id (also the bot's OAuth2 client id).
pub const APPLICATION_ID: &str = "900000000000000002";
/// The fake application's client secret: with [`APPLICATION_ID`] as the client id, the
/// client-credentials grant succeeds; anything else is refused like Discord refuses it.
pub const CLIENT_SECRET: &str = "fake-client-secret";
/// The fake application's name, as `GET /api/oauth2/@me` answers it.
pub const APPLICATION_NAME: &str = "SahaBot Test App";
/// Close code the fake uses when a test drops the gateway connection (Discord's "unknown error",
/// after which clients resume).
pub const DROP_CLOSE_CODE: u16 = 4000;
/// Interaction response flag: only the user who used the command sees the answer.
pub const EPHEMERAL: u64 = 1 << 6;

/// One HTTP request the fake received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// The `Authorization` header as sent (`Bot …` or `Bearer …`).
    pub authorization: Option<String>,
    /// JSON bodies parsed; form bodies as an object of strings; anything else as a string.
    pub body: Value,
}

/// A message the app posted to a channel (`POST /channels/{id}/messages`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedMessage {
    /// The message's id (as the fake answered it).
    pub id: String,
    pub channel_id: String,
    pub content: String,
    /// The first embed's title and description, when it had one.
    pub embed: Option<(String, String)>,
    /// The custom ids of its buttons, in order.
    pub custom_ids: Vec<String>,
}

/// A thread the app created (`POST /channels/{id}/threads`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedThread {
    pub id: String,
    pub parent_id: String,
    pub name: String,
    /// 12: private thread.
    pub kind: u64,
    /// Discord user ids added with `PUT /channels/{id}/thread-members/{user}`.
    pub members: Vec<String>,
}

/// A role the app gave a server member (`PUT /guilds/{guild}/members/{user}/roles/{role}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    pub guild_id: String,
    pub user_id: String,
    pub role_id: String,
}

/// What the bot answered to a command used through [`FakeDiscord::use_command`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionReply {
    /// The interaction response type of the first callback (4: a message, 5: deferred).
    pub kind: u64,
    pub content: String,
    pub flags: u64,
    /// The custom ids of the reply's buttons, in order.
    pub custom_ids: Vec<String>,
    /// An autocomplete answer's suggestions, `(name, value)` in order.
    pub choices: Vec<(String, String)>,
    /// The answer's first embed: title and description.
    pub embed: Option<(String, String)>,
}

impl InteractionReply {
    /// Only the user who used the command sees it.
    pub fn ephemeral(&self) -> bool {
        self.flags & EPHEMERAL != 0
    }
}

/// A Discord server as `GET /users/@me/guilds` lists it for an OAuth2 user.
#[derive(Debug, Clone)]
pub struct FakeGuild {
    pub id: String,
    pub name: String,
    /// The user owns the server.
    pub owner: bool,
    /// The user's permission bits there (ADMINISTRATOR is `0x8`).
    pub permissions: u64,
}

impl FakeGuild {
    pub fn new(id: &str, name: &str, owner: bool, permissions: u64) -> Self {
        Self {
            id: id.to_string(),
            name: name.to_string(),
            owner,
            permissions,
        }
    }
}

/// A Discord account that signs in through OAuth2 with a given code.
#[derive(Debug, Clone)]
struct OauthUser {
    id: String,
    username: String,
    guilds: Vec<FakeGuild>,
}

/// An open gateway connection.
struct Session {
    conn: u64,
    out: mpsc::UnboundedSender<Message>,
    /// Set once IDENTIFY (or RESUME) succeeded.
    session_id: Option<String>,
}

/// A use of a command waiting for the bot's answer.
struct Pending {
    /// The first callback's type, flags and content, once it arrived.
    callback: Option<(u64, u64, String)>,
    done: Option<oneshot::Sender<InteractionReply>>,
}

#[derive(Default)]
struct Inner {
    requests: Vec<RecordedRequest>,
    messages: Vec<PostedMessage>,
    threads: Vec<CreatedThread>,
    /// The body of each command registration (PUT), with the guild for per-server ones.
    registrations: Vec<(Option<String>, Value)>,
    identifies: Vec<Value>,
    resumes: usize,
    sessions: Vec<Session>,
    /// Session id → last sequence number, for RESUME.
    known_sessions: HashMap<String, u64>,
    pending: HashMap<String, Pending>,
    oauth_codes: HashMap<String, OauthUser>,
    /// Access token → code it was issued for.
    access_tokens: HashMap<String, String>,
    /// Tokens issued to the application itself (client-credentials grant).
    application_tokens: Vec<String>,
    /// Bot tokens whose IDENTIFY is refused (close code 4004, like a revoked token).
    rejected_tokens: Vec<String>,
    /// Channel id → the id of the Discord server it is in.
    channels: HashMap<String, String>,
    /// Servers the bot is in besides those of `channels` ([`FakeDiscord::add_guild`]).
    guilds: Vec<String>,
    /// Roles given to members, in order.
    role_grants: Vec<RoleGrant>,
    /// DM channel id → the user it is with (`POST /users/@me/channels`).
    dm_channels: HashMap<String, String>,
    /// Direct messages sent, in order.
    dms: Vec<SentDm>,
    /// Guild scheduled events, oldest first (`scheduled`).
    scheduled_events: Vec<ScheduledEvent>,
    /// Rate limits a test set ([`FakeDiscord::rate_limit_next`], [`FakeDiscord::limit_bucket`]).
    limit_rules: Vec<limits::LimitRule>,
    /// How many calls were answered 429.
    rate_limited: usize,
    /// The next this many DM sends are refused with this status ([`FakeDiscord::fail_next_dms`]).
    failing_dms: Option<(usize, u16)>,
}

struct Shared {
    base_url: String,
    heartbeat_interval_ms: u64,
    ids: AtomicU64,
    inner: Mutex<Inner>,
}

impl Shared {
    fn next_id(&self) -> String {
        (1_200_000_000_000_000_000 + self.ids.fetch_add(1, Ordering::Relaxed)).to_string()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut inner = match self.inner.lock() {
            Ok(inner) => inner,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut inner)
    }
}

/// The fake, running until dropped.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeDiscord {
    /// Starts the fake on `127.0.0.1` with a random port.
    pub async fn start() -> Self {
        Self::start_with_heartbeat(Duration::from_millis(41_250)).await
    }

    /// Starts the fake with the heartbeat interval its HELLO announces.
    pub async fn start_with_heartbeat(interval: Duration) -> Self {
        let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => listener,
            Err(e) => panic!("the fake Discord could not listen on 127.0.0.1: {e}"),
        };
        let addr = match listener.local_addr() {
            Ok(addr) => addr,
            Err(e) => panic!("the fake Discord has no local address: {e}"),
        };
        let shared = Arc::new(Shared {
            base_url: format!("http://{addr}"),
            heartbeat_interval_ms: u64::try_from(interval.as_millis()).unwrap_or(41_250),
            ids: AtomicU64::new(1),
            inner: Mutex::default(),
        });
        let router = Router::new()
            .route("/gateway", any(gateway))
            .fallback(rest)
            .with_state(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.ok();
        });
        Self { shared, server }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// What `DISCORD_API_URL` should be: `http://127.0.0.1:PORT/api`.
    pub fn api_url(&self) -> String {
        format!("{}/api", self.shared.base_url)
    }

    /// What `DISCORD_AUTHORIZE_URL` should be.
    pub fn authorize_url(&self) -> String {
        format!("{}/oauth2/authorize", self.shared.base_url)
    }

    /// What `DISCORD_TOKEN_URL` should be.
    pub fn token_url(&self) -> String {
        format!("{}/api/oauth2/token", self.shared.base_url)
    }

    /// The websocket URL `GET /gateway` answers with.
    pub fn gateway_url(&self) -> String {
        format!("{}/gateway", self.shared.base_url.replacen("http", "ws", 1))
    }

    /// Every HTTP request so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.with(|i| i.requests.clone())
    }

    /// Requests with this method whose path starts with `prefix`.
    pub fn requests_to(&self, method: &str, prefix: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path.starts_with(prefix))
            .collect()
    }

    /// Messages posted to channels, oldest first.
    pub fn threads(&self) -> Vec<CreatedThread> {
        self.shared.with(|i| i.threads.clone())
    }

    pub fn messages(&self) -> Vec<PostedMessage> {
        self.shared.with(|i| i.messages.clone())
    }

    /// Names of the slash commands in the latest registration (global or for any server).
    pub fn registered_commands(&self) -> Vec<String> {
        self.shared.with(|i| {
            i.registrations
                .last()
                .and_then(|(_, body)| body.as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
    }

    /// Every command registration: (server id for per-server ones, the body as sent).
    pub fn registrations(&self) -> Vec<(Option<String>, Value)> {
        self.shared.with(|i| i.registrations.clone())
    }

    /// How many IDENTIFYs (new gateway sessions) arrived.
    pub fn identify_count(&self) -> usize {
        self.shared.with(|i| i.identifies.len())
    }

    /// The IDENTIFY payloads (`d`), token included.
    pub fn identifies(&self) -> Vec<Value> {
        self.shared.with(|i| i.identifies.clone())
    }

    /// How many RESUMEs were accepted.
    pub fn resume_count(&self) -> usize {
        self.shared.with(|i| i.resumes)
    }

    /// Open gateway connections that identified or resumed.
    pub fn live_sessions(&self) -> usize {
        self.shared.with(|i| {
            i.sessions
                .iter()
                .filter(|s| s.session_id.is_some() && !s.out.is_closed())
                .count()
        })
    }

    /// Waits until `check` holds (polled every 50 ms); false after `timeout`.
    pub async fn wait_until(&self, timeout: Duration, check: impl Fn(&Self) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if check(self) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until at least `n` IDENTIFYs arrived and a session is live.
    pub async fn wait_for_identify(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |f| {
            f.identify_count() >= n && f.live_sessions() > 0
        })
        .await
    }

    /// Closes every gateway connection (close code [`DROP_CLOSE_CODE`]), as when Discord's
    /// gateway restarts. Their sessions stay resumable.
    pub fn drop_connections(&self) {
        self.shared.with(|i| {
            for session in i.sessions.drain(..) {
                session
                    .out
                    .send(Message::Close(Some(CloseFrame {
                        code: DROP_CLOSE_CODE,
                        reason: Utf8Bytes::from_static("the fake Discord dropped the connection"),
                    })))
                    .ok();
            }
        });
    }

    /// Makes `channel_id` a text channel of the Discord server `guild_id`: what
    /// `GET /channels/{channel_id}` answers (the check that a channel belongs to the
    /// organization posting to it). Threads created in it belong to the same server.
    pub fn add_channel(&self, channel_id: &str, guild_id: &str) {
        self.shared.with(|i| {
            i.channels
                .insert(channel_id.to_string(), guild_id.to_string())
        });
    }

    /// Makes the bot a member of the Discord server `guild_id`, so it may give roles there
    /// (servers a channel was added to with [`FakeDiscord::add_channel`] are known too).
    pub fn add_guild(&self, guild_id: &str) {
        self.shared.with(|i| {
            if !i.guilds.iter().any(|g| g == guild_id) {
                i.guilds.push(guild_id.to_string());
            }
        });
    }

    /// Roles given to server members (`PUT /guilds/{guild}/members/{user}/roles/{role}`),
    /// oldest first.
    pub fn role_grants(&self) -> Vec<RoleGrant> {
        self.shared.with(|i| i.role_grants.clone())
    }

    /// Refuses IDENTIFY with this bot token (as sent, without `Bot `): the gateway closes with
    /// 4004 "Authentication failed", as Discord does for a wrong or revoked token.
    pub fn reject_token(&self, token: &str) {
        self.shared
            .with(|i| i.rejected_tokens.push(token.to_string()));
    }

    /// Lets a Discord account sign in through OAuth2: the token endpoint accepts `code` and
    /// `GET /users/@me/guilds` then lists `guilds` for that user.
    pub fn add_oauth_user(
        &self,
        code: &str,
        user_id: &str,
        username: &str,
        guilds: Vec<FakeGuild>,
    ) {
        self.shared.with(|i| {
            i.oauth_codes.insert(
                code.to_string(),
                OauthUser {
                    id: user_id.to_string(),
                    username: username.to_string(),
                    guilds,
                },
            );
        });
    }

    /// Sends any dispatch event (`t`, `d`) to the newest connected bot; false when none is.
    pub fn dispatch_event(&self, name: &str, data: Value) -> bool {
        self.shared.with(|i| dispatch(i, name, data))
    }
}
