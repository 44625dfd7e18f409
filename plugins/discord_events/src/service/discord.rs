//! Discord's Guild Scheduled Event API, through the bot's client (which waits out Discord's
//! rate limits, boundedly — `sdk::bot::ratelimit`), and the rule that guards every call: the
//! server must be linked to the organization *now* ([`DiscordEvents::ensure_guild`]), checked
//! when settings are saved and again before each create, change or delete.

use reqwest::{Method, StatusCode};
use sdk::{
    bot::{channels::is_discord_id, linked_org, DiscordRest},
    Error,
};
use serde_json::Value;

use super::DiscordEvents;

fn refused(status: StatusCode, value: &Value) -> Error {
    let detail = value
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("no details");
    Error::upstream(
        "Discord",
        format!("Discord refused the scheduled event ({status}): {detail}"),
    )
}

/// A scheduled event as Discord lists it: its id, who created it, and its description (whose
/// footer says which match it was made for: `rules::marker`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Listed {
    pub id: String,
    pub creator_id: Option<String>,
    pub description: String,
}

impl DiscordEvents {
    /// The bot's client; an error saying so when the site has no bot.
    pub(super) fn rest(&self) -> Result<DiscordRest, Error> {
        self.platform.plugins.bot().rest()
    }

    /// Invalid (`guild_id`) unless `guild_id` is a Discord server linked to `org_id`.
    pub(super) async fn ensure_guild(&self, org_id: i64, guild_id: &str) -> Result<(), Error> {
        if is_discord_id(guild_id) && linked_org(self.db(), guild_id).await? == Some(org_id) {
            return Ok(());
        }
        Err(Error::invalid(
            "guild_id",
            format!(
                "The Discord server {guild_id} is not linked to this organization: link it on \
                 the organization's Discord page, or pick one of its servers."
            ),
        ))
    }

    /// `POST /guilds/{guild}/scheduled-events`: the new event's id.
    pub(super) async fn create_event(
        &self,
        org_id: i64,
        guild_id: &str,
        body: &Value,
    ) -> Result<String, Error> {
        self.ensure_guild(org_id, guild_id).await?;
        let created = self
            .rest()?
            .post(&format!("/guilds/{guild_id}/scheduled-events"), body)
            .await?;
        created
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| is_discord_id(id))
            .map(str::to_string)
            .ok_or_else(|| Error::upstream("Discord", "Discord did not say which event it made."))
    }

    /// `PATCH /guilds/{guild}/scheduled-events/{id}`: false when Discord no longer has it
    /// (deleted by hand).
    pub(super) async fn modify_event(
        &self,
        org_id: i64,
        guild_id: &str,
        event_id: &str,
        body: &Value,
    ) -> Result<bool, Error> {
        self.ensure_guild(org_id, guild_id).await?;
        if !is_discord_id(event_id) {
            return Ok(false);
        }
        let (status, value) = self
            .rest()?
            .call(
                Method::PATCH,
                &format!("/guilds/{guild_id}/scheduled-events/{event_id}"),
                Some(body),
            )
            .await?;
        match status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            s => Err(refused(s, &value)),
        }
    }

    /// `DELETE /guilds/{guild}/scheduled-events/{id}`; an event Discord no longer has is
    /// deleted already.
    pub(super) async fn delete_event(
        &self,
        org_id: i64,
        guild_id: &str,
        event_id: &str,
    ) -> Result<(), Error> {
        self.ensure_guild(org_id, guild_id).await?;
        if !is_discord_id(event_id) {
            return Ok(());
        }
        let (status, value) = self
            .rest()?
            .call(
                Method::DELETE,
                &format!("/guilds/{guild_id}/scheduled-events/{event_id}"),
                None,
            )
            .await?;
        if status.is_success() || status == StatusCode::NOT_FOUND {
            Ok(())
        } else {
            Err(refused(status, &value))
        }
    }

    /// `GET /guilds/{guild}/scheduled-events/{id}`: whether Discord still has the event (a 404
    /// says it does not; any other refusal is an error, so nothing is recreated on a guess).
    pub(super) async fn event_exists(
        &self,
        org_id: i64,
        guild_id: &str,
        event_id: &str,
    ) -> Result<bool, Error> {
        self.ensure_guild(org_id, guild_id).await?;
        if !is_discord_id(event_id) {
            return Ok(false);
        }
        let (status, value) = self
            .rest()?
            .call(
                Method::GET,
                &format!("/guilds/{guild_id}/scheduled-events/{event_id}"),
                None,
            )
            .await?;
        match status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            s => Err(refused(s, &value)),
        }
    }

    /// `GET /guilds/{guild}/scheduled-events`: every event in the server.
    pub(super) async fn list_events(
        &self,
        org_id: i64,
        guild_id: &str,
    ) -> Result<Vec<Listed>, Error> {
        self.ensure_guild(org_id, guild_id).await?;
        let listed = self
            .rest()?
            .get(&format!("/guilds/{guild_id}/scheduled-events"))
            .await?;
        Ok(listed
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| {
                let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
                Some(Listed {
                    id: e.get("id")?.as_str()?.to_string(),
                    creator_id: text(e.get("creator_id")),
                    description: text(e.get("description")).unwrap_or_default(),
                })
            })
            .collect())
    }

    /// The bot's own Discord user id (`GET /users/@me`): events it created carry it.
    pub(super) async fn bot_user_id(&self) -> Result<String, Error> {
        let me = self.rest()?.get("/users/@me").await?;
        me.get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error::upstream("Discord", "Discord did not say who the bot is."))
    }
}
