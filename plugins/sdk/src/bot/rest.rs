//! [`DiscordRest`]: the bot's client for Discord's REST API (post messages, create private
//! threads, add thread members, ask which server a channel is in). Every call goes through
//! `exchange`; a refusal becomes an Upstream error carrying Discord's message.

use serde_json::Value;

use super::{channels, OutgoingMessage};
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
}

impl DiscordRest {
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            token: token.into(),
            // The shared client: every call to Discord ends (a stalled connection fails instead
            // of holding the request or task that made it), and redirects are not followed.
            client: crate::http::client(),
        }
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

    /// One call as the bot: Discord's status and JSON answer (Null when it sent none).
    async fn exchange(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(reqwest::StatusCode, Value), Error> {
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
        let value: Value = response.json().await.unwrap_or(Value::Null);
        Ok((status, value))
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
