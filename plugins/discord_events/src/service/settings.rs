//! The page's reads (rights, tournaments, linked servers, a tournament's settings and events)
//! and the settings form. Saving checks the settings (`rules::check_settings`), that the
//! tournament is the organization's and that the server is linked to it, writes them with
//! their audit entry in one transaction, then syncs the tournament at once (a Discord failure
//! does not undo the save: it is recorded and shown as the tournament's last error).

use sdk::{bot::linked_guilds, Actor, Error};
use serde_json::json;

use super::DiscordEvents;
use crate::{
    actions,
    model::{EventSettings, GuildChoice, Rights, TournamentEvents},
    repo, rules,
};

/// At most this many linked servers are offered.
pub const MAX_GUILDS: usize = 100;

impl DiscordEvents {
    /// What `actor` may do here.
    pub async fn rights(&self, org_id: i64, actor: &Actor) -> Result<Rights, Error> {
        self.require_enabled(org_id).await?;
        Ok(Rights {
            read: self.require(actor, org_id, actions::READ).await.is_ok(),
            manage: self.require(actor, org_id, actions::MANAGE).await.is_ok(),
        })
    }

    /// The Discord servers linked to the organization: where events may go (at most
    /// [`MAX_GUILDS`]; an organization links a handful).
    pub async fn guild_choices(
        &self,
        org_id: i64,
        actor: &Actor,
    ) -> Result<Vec<GuildChoice>, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::READ).await?;
        Ok(linked_guilds(self.db(), Some(org_id))
            .await?
            .into_iter()
            .take(MAX_GUILDS)
            .map(|g| GuildChoice {
                guild_id: g.guild_id,
                guild_name: g.guild_name,
            })
            .collect())
    }

    /// A tournament's settings (None until saved), last sync and events.
    pub async fn tournament_events(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
    ) -> Result<TournamentEvents, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::READ).await?;
        self.tournaments()
            .tournament(org_id, &Actor::system(), tournament_id)
            .await?;
        let mut conn = self.conn().await?;
        let row = repo::settings::get(&mut conn, org_id, tournament_id).await?;
        let events = repo::events::for_tournament(&mut conn, org_id, tournament_id)
            .await?
            .iter()
            .map(|e| e.dto())
            .collect();
        Ok(TournamentEvents {
            tournament_id,
            settings: row.as_ref().map(|r| r.settings()),
            last_sync_at: row.as_ref().and_then(|r| r.last_sync_at),
            last_error: row.as_ref().and_then(|r| r.last_error.clone()),
            last_error_at: row.as_ref().and_then(|r| r.last_error_at),
            events,
        })
    }

    /// Saves a tournament's settings (see the module docs), then syncs its events.
    pub async fn save_settings(
        &self,
        org_id: i64,
        actor: &Actor,
        settings: &EventSettings,
        now: i64,
    ) -> Result<TournamentEvents, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::MANAGE).await?;
        rules::check_settings(settings)?;
        let settings = EventSettings {
            guild_id: settings.guild_id.trim().to_string(),
            ..settings.clone()
        };
        self.tournaments()
            .tournament(org_id, &Actor::system(), settings.tournament_id)
            .await?;
        if !settings.guild_id.is_empty() {
            self.ensure_guild(org_id, &settings.guild_id).await?;
        }
        let mut tx = self.db().begin().await?;
        repo::settings::save(&mut tx, org_id, &settings, now).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "discord_events.settings",
                json!({
                    "tournament_id": settings.tournament_id,
                    "guild_id": settings.guild_id,
                    "filter": settings.filter.key(),
                    "duration_minutes": settings.duration_minutes,
                }),
            )
            .await?;
        tx.commit().await?;
        // Recorded as the tournament's last error when it fails; the settings stay saved.
        if let Err(e) = self
            .reconcile_detached(org_id, settings.tournament_id, now)
            .await
        {
            tracing::info!(
                org_id,
                tournament_id = settings.tournament_id,
                "Discord events sync after saving failed: {e}"
            );
        }
        self.tournament_events(org_id, actor, settings.tournament_id)
            .await
    }
}
