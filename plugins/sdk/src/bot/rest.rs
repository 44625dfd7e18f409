//! [`DiscordRest`]: the bot's client for Discord's REST API (post messages, direct messages,
//! create private threads, add thread members, ask which server a channel is in). Every call
//! goes through `exchange`, which honours Discord's rate limits ([`super::ratelimit`]); a
//! refusal becomes an Upstream error carrying Discord's message.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use serde_json::Value;

use super::{channels, ratelimit, OutgoingMessage};
use crate::Error;

fn id_of(value: &Value) -> String {
    value
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Posts to Discord's REST API as the bot. The base URL is configuration so tests use a fake.
#[derive(Debug, Clone)]
pub struct DiscordRest {
    /// Up to and including the version, e.g. `https://discord.com/api/v10`.
    pub base_url: String,
    token: String,
    client: reqwest::Client,
    /// Discord's rate limits for this token, shared by every clone (one bot, one set).
    limits: Arc<ratelimit::RateLimits>,
}

impl DiscordRest {
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            token: token.into(),
            // The shared client: every call to Discord ends (a stalled connection fails instead
            // of holding the request or task that made it), and redirects are not followed.
            client: crate::http::client(),
            limits: Arc::new(ratelimit::RateLimits::default()),
        }
    }

    /// The same client, but with `max_wait` as the budget of one call, waits and attempts
    /// together (the default is [`ratelimit::DEFAULT_MAX_WAIT`]); its rate-limit state starts
    /// afresh.
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.limits = Arc::new(ratelimit::RateLimits::new(max_wait));
        self
    }

    /// A JSON PATCH as the bot; Discord's error becomes an Upstream error with its message.
    pub async fn patch(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.request(reqwest::Method::PATCH, path, Some(body)).await
    }

    /// A GET as the bot; Discord's error becomes an Upstream error with its message.
    pub async fn get(&self, path: &str) -> Result<Value, Error> {
        self.request(reqwest::Method::GET, path, None).await
    }

    /// A call whose refusal the caller reads itself: Discord's status and JSON answer (after
    /// the rate limits were honoured), e.g. to treat a 404 on a DELETE as done.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(reqwest::StatusCode, Value), Error> {
        self.exchange(method, path, body).await
    }

    /// `POST /channels/{channel_id}/messages` with text content.
    pub async fn post_message(&self, channel_id: &str, content: &str) -> Result<String, Error> {
        self.post(
            &format!("/channels/{channel_id}/messages"),
            &serde_json::json!({ "content": content }),
        )
        .await
        .map(|v| id_of(&v))
    }

    /// Posts a message with an embed and buttons; returns the message id.
    pub async fn send(&self, channel_id: &str, message: &OutgoingMessage) -> Result<String, Error> {
        let posted = self
            .post(
                &format!("/channels/{channel_id}/messages"),
                &message.to_json(),
            )
            .await?;
        Ok(id_of(&posted))
    }

    /// Sends a direct message to a Discord user: opens (or finds) the DM channel with
    /// `POST /users/@me/channels {"recipient_id": ..}`, then posts `message` there; returns the
    /// message id. `user_id` must be digits (it goes into the body and, via the channel, the
    /// path). Discord refuses with 403 ("Cannot send messages to this user") when the user
    /// shares no server with the bot or closed DMs: that is an Upstream error like any refusal.
    pub async fn send_dm(&self, user_id: &str, message: &OutgoingMessage) -> Result<String, Error> {
        if !channels::is_discord_id(user_id) {
            return Err(Error::invalid(
                "discord_id",
                "A Discord user id is a number (its snowflake).",
            ));
        }
        let channel = self
            .post(
                "/users/@me/channels",
                &serde_json::json!({ "recipient_id": user_id }),
            )
            .await?;
        let channel_id = id_of(&channel);
        if !channels::is_discord_id(&channel_id) {
            return Err(Error::upstream(
                "Discord",
                "Discord did not open a direct message channel.",
            ));
        }
        self.send(&channel_id, message).await
    }

    /// Creates a private thread in a text channel (only invited members and moderators see
    /// it); returns the thread's channel id.
    pub async fn create_private_thread(
        &self,
        channel_id: &str,
        name: &str,
    ) -> Result<String, Error> {
        let body = serde_json::json!({
            "name": name.chars().take(100).collect::<String>(),
            // 12: PRIVATE_THREAD; members cannot invite others.
            "type": 12,
            "invitable": false,
            "auto_archive_duration": 1440,
        });
        let thread = self
            .post(&format!("/channels/{channel_id}/threads"), &body)
            .await?;
        Ok(id_of(&thread))
    }

    /// Adds a Discord user to a thread.
    pub async fn add_thread_member(&self, thread_id: &str, user_id: &str) -> Result<(), Error> {
        self.request(
            reqwest::Method::PUT,
            &format!("/channels/{thread_id}/thread-members/{user_id}"),
            None,
        )
        .await
        .map(|_| ())
    }

    /// `PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}`: gives a server member a role
    /// (Discord answers 204; giving a role the member has is a no-op there too). Every id must
    /// be digits (they go into the path): anything else is refused before asking Discord.
    pub async fn add_member_role(
        &self,
        guild_id: &str,
        user_id: &str,
        role_id: &str,
    ) -> Result<(), Error> {
        if ![guild_id, user_id, role_id]
            .iter()
            .all(|id| channels::is_discord_id(id))
        {
            return Err(Error::invalid(
                "role_id",
                "A Discord server, user and role id is a number (its snowflake).",
            ));
        }
        self.request(
            reqwest::Method::PUT,
            &format!("/guilds/{guild_id}/members/{user_id}/roles/{role_id}"),
            None,
        )
        .await
        .map(|_| ())
    }

    /// A JSON POST as the bot; Discord's error becomes an Upstream error with its message.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.request(reqwest::Method::POST, path, Some(body)).await
    }

    /// `GET /channels/{channel_id}`: the id of the Discord server the channel (or thread) is
    /// in; None when Discord does not know it or the bot cannot see it (404 / 403) or it is not
    /// in a server (a direct message). `channel_id` must be digits (it goes into the path).
    pub async fn channel_guild(&self, channel_id: &str) -> Result<Option<String>, Error> {
        if !channels::is_discord_id(channel_id) {
            return Ok(None);
        }
        let (status, value) = self
            .exchange(
                reqwest::Method::GET,
                &format!("/channels/{channel_id}"),
                None,
            )
            .await?;
        if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::FORBIDDEN {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(refused(status, &value));
        }
        Ok(value
            .get("guild_id")
            .and_then(Value::as_str)
            .filter(|g| channels::is_discord_id(g))
            .map(str::to_string))
    }

    async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, Error> {
        let (status, value) = self.exchange(method, path, body).await?;
        if status.is_success() {
            Ok(value)
        } else {
            Err(refused(status, &value))
        }
    }

    /// One call as the bot: Discord's status and JSON answer (Null when it sent none), within
    /// Discord's rate limits (see [`super::ratelimit`]): it waits for an exhausted bucket or the
    /// global limit first, and waits out and retries a 429 a bounded number of times. The whole
    /// call — every wait and every attempt — ends by one deadline, the limits' `max_wait` from
    /// now: a wait that would pass it is an Upstream error saying when to try again, and an
    /// attempt still unanswered at the deadline is an Upstream error too (Discord may have done
    /// it all the same: callers that create things must be ready to find them later).
    async fn exchange(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(reqwest::StatusCode, Value), Error> {
        let (route, major) = ratelimit::route_of(method.as_str(), path);
        let deadline = Instant::now() + self.limits.max_wait();
        for attempt in 1..=ratelimit::MAX_ATTEMPTS {
            // Waiters for the same reset take turns: ask again after every wait.
            loop {
                let now = Instant::now();
                let wait = self.limits.before(&route, &major, now)?;
                if wait.is_zero() {
                    break;
                }
                if now + wait > deadline {
                    return Err(ratelimit::too_long(wait));
                }
                tokio::time::sleep(wait).await;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let (status, headers, value) =
                tokio::time::timeout(left, self.send_once(method.clone(), path, body))
                    .await
                    .map_err(|_| {
                        Error::upstream(
                            "Discord",
                            "Discord did not answer in time; try again in a minute.",
                        )
                    })??;
            let now = Instant::now();
            self.limits.after(&route, &major, &headers, now);
            if status != reqwest::StatusCode::TOO_MANY_REQUESTS {
                return Ok((status, value));
            }
            let limit = ratelimit::limited(&headers, &value);
            let wait = self.limits.refused(&route, &major, limit, now)?;
            tracing::warn!(
                %route, attempt, global = limit.global, wait_ms = wait.as_millis() as u64,
                "Discord rate limited a call; waiting before retrying"
            );
            if attempt == ratelimit::MAX_ATTEMPTS {
                break;
            }
            if now + wait > deadline {
                return Err(ratelimit::too_long(wait));
            }
            tokio::time::sleep(wait).await;
        }
        Err(Error::upstream(
            "Discord",
            format!(
                "Discord kept rate limiting the bot after {} attempts; try again in a minute.",
                ratelimit::MAX_ATTEMPTS
            ),
        ))
    }

    /// One HTTP request as the bot: status, rate-limit headers, JSON answer.
    async fn send_once(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(reqwest::StatusCode, ratelimit::Headers, Value), Error> {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base_url));
        request = match body {
            Some(body) => request.json(body),
            None => request.header("Content-Length", "0"),
        };
        let response = request
            .header("Authorization", format!("Bot {}", self.token))
            .send()
            .await
            .map_err(|e| {
                Error::upstream("Discord", format!("Discord could not be reached: {e}"))
            })?;
        let status = response.status();
        let headers = ratelimit::Headers::from_map(response.headers());
        let value: Value = response.json().await.unwrap_or(Value::Null);
        Ok((status, headers, value))
    }
}

/// Discord's refusal as an Upstream error with its message.
fn refused(status: reqwest::StatusCode, value: &Value) -> Error {
    let detail = value
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("no details")
        .to_string();
    Error::upstream(
        "Discord",
        format!("Discord refused the request ({status}): {detail}"),
    )
}
