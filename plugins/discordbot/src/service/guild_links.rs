//! Linking the organization's Discord servers: the invite, the link callback (state → OAuth on
//! the shared `sdk::http::oauth` flow → the user administers the server → link), linking and unlinking with their audit entries.

use sdk::{Actor, Error};
use serde_json::{json, Value};

use super::DiscordBotService;
use crate::{
    model::{InviteLink, LinkOutcome, LinkedServer},
    repo,
    rules::{self, Callback, UserGuild},
};

impl DiscordBotService {
    /// A bot invite for `org_id`, signed for the actor, valid for 15 minutes from `now`.
    pub async fn new_invite(
        &self,
        actor: &Actor,
        org_id: i64,
        now: i64,
    ) -> Result<InviteLink, Error> {
        let user = self.may_link(actor, org_id).await?;
        rules::new_invite(&self.settings, org_id, user.id, now)
    }

    /// The organization's linked servers.
    pub async fn servers(&self, actor: &Actor, org_id: i64) -> Result<Vec<LinkedServer>, Error> {
        self.may_link(actor, org_id).await?;
        repo::guilds::linked_servers(&self.platform.db, org_id).await
    }

    /// Links `guild` to `org_id`. Linking a server the organization already has only refreshes
    /// its name (and is not audited); a server of another organization is a Conflict naming it.
    pub async fn link_guild(
        &self,
        actor: &Actor,
        org_id: i64,
        guild: &UserGuild,
        now: i64,
    ) -> Result<(), Error> {
        let user = self.may_link(actor, org_id).await?;
        self.write_link(actor, user.id, org_id, guild, now).await
    }

    async fn write_link(
        &self,
        actor: &Actor,
        user_id: i64,
        org_id: i64,
        guild: &UserGuild,
        now: i64,
    ) -> Result<(), Error> {
        let mut tx = self.platform.db.begin().await?;
        let inserted =
            repo::guilds::insert_guild(&mut tx, org_id, &guild.id, &guild.name, user_id, now)
                .await?;
        if !inserted {
            let current = repo::guilds::guild_link(&mut tx, &guild.id).await?;
            let current = current
                .as_ref()
                .map(|l| (l.organization_id, l.organization_name.as_str()));
            rules::relink(org_id, &guild.name, current)?;
            repo::guilds::rename_guild(&mut tx, org_id, &guild.id, &guild.name).await?;
            tx.commit().await?;
            return Ok(());
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "discord.guild_link",
                json!({ "guild_id": guild.id, "guild_name": guild.name }),
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Unlinks one of the organization's servers; its name.
    pub async fn unlink_guild(
        &self,
        actor: &Actor,
        org_id: i64,
        guild_id: &str,
    ) -> Result<String, Error> {
        self.may_link(actor, org_id).await?;
        let mut tx = self.platform.db.begin().await?;
        let Some(name) = repo::guilds::delete_guild(&mut tx, org_id, guild_id).await? else {
            return Err(Error::not_found(format!(
                "The Discord server {guild_id} is not linked to this organization."
            )));
        };
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "discord.guild_unlink",
                json!({ "guild_id": guild_id, "guild_name": name }),
            )
            .await?;
        tx.commit().await?;
        Ok(name)
    }

    /// The link callback: verify the state (ours, not expired, issued to the actor), exchange
    /// the code, check the actor administers the server on Discord, link it. Never fails: the
    /// outcome carries the message the organization's page shows.
    pub async fn finish_link(&self, actor: &Actor, callback: &Callback, now: i64) -> LinkOutcome {
        let claimed = callback.state.as_deref().and_then(rules::claimed_org);
        match self.try_link(actor, callback, now).await {
            Ok((org_id, guild)) => LinkOutcome {
                linked: true,
                org_id: Some(org_id),
                guild_id: Some(guild.id),
                message: format!(
                    "Linked the Discord server {} to this organization.",
                    guild.name
                ),
            },
            Err(e) => {
                tracing::info!(error = %e.message(), "a Discord server was not linked");
                LinkOutcome {
                    linked: false,
                    org_id: claimed,
                    guild_id: callback.guild_id.clone(),
                    message: e.message(),
                }
            }
        }
    }

    async fn try_link(
        &self,
        actor: &Actor,
        callback: &Callback,
        now: i64,
    ) -> Result<(i64, UserGuild), Error> {
        let state = rules::verify_state(&self.settings.secret_key, callback.state()?, now)?;
        let user = actor.user.as_ref().ok_or_else(|| {
            Error::unauthenticated(
                "Sign in to SahaBot in this browser first, then add the bot again from the \
                 organization's Discord page.",
            )
        })?;
        rules::check_state_user(&state, user.id)?;
        callback.not_cancelled()?;
        // Still allowed to link there (the role may have changed within the 15 minutes).
        self.may_link(actor, state.org_id).await?;
        let (code, guild_id) = callback.code_and_guild()?;
        // The user's servers with their rights there, read with the user's own token.
        let discord = self.settings.oauth_app()?;
        let tokens = discord.exchange_code(code, now).await?;
        let guilds: Vec<Value> = discord
            .get_as_user(
                &format!("{}/users/@me/guilds", self.settings.api_url),
                &tokens.access_token,
                "the list of your servers",
            )
            .await?;
        let guilds: Vec<UserGuild> = guilds.iter().filter_map(UserGuild::from_json).collect();
        let guild = rules::guild_to_link(&guilds, guild_id)?.clone();
        self.write_link(actor, user.id, state.org_id, &guild, now)
            .await?;
        Ok((state.org_id, guild))
    }
}
