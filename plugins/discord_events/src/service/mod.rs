//! The service: what every adapter calls — the API (and so the page), the listeners on the
//! tournament's events and the reconciliation task. Rights are decided here; a settings change
//! is one transaction with its audit entry; the bookkeeping of the sync is nobody's action.
//!
//! One file per job: `settings` (the page's reads and the settings form, checked against the
//! organization's linked servers), `sync` (one match's event kept in step, a tournament
//! reconciled), `site` (the task's site-wide pass, which also withdraws the events of
//! organizations that switched the plugin off), `discord` (Discord's Guild Scheduled Event API through the
//! bot's rate-limited client, and the check that a server is the organization's).

mod discord;
mod settings;
mod site;
mod sync;

use sdk::{auth::guard::authorize_actor, context::Platform, db::Db, Actor, Error};
use tournament::service::Tournaments;

pub use site::Failure;

/// The Discord events service, built from the platform.
#[derive(Clone)]
pub struct DiscordEvents {
    platform: Platform,
}

impl std::fmt::Debug for DiscordEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordEvents").finish_non_exhaustive()
    }
}

impl DiscordEvents {
    pub fn from_platform(platform: &Platform) -> Self {
        Self {
            platform: platform.clone(),
        }
    }

    fn db(&self) -> &Db {
        &self.platform.db
    }

    fn tournaments(&self) -> Tournaments {
        Tournaments::from_platform(&self.platform)
    }

    async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, Error> {
        Ok(self.db().pool().acquire().await?)
    }

    /// Forbidden unless `actor` holds `action` in the organization (the system always does).
    async fn require(&self, actor: &Actor, org_id: i64, action: &str) -> Result<(), Error> {
        authorize_actor(
            &self.platform.db,
            self.platform.authorizer.as_ref(),
            actor,
            org_id,
            action,
        )
        .await
    }

    /// NotEnabled unless the organization has the plugin on.
    async fn require_enabled(&self, org_id: i64) -> Result<(), Error> {
        self.platform
            .plugins
            .ensure_enabled(org_id, crate::PLUGIN_ID)
            .await
    }
}
