//! The service: what every adapter calls — the API's server functions (and so the page), and
//! the tasks. Each method takes the organization, the [`Actor`] and `now`; rights are checked
//! here, and each change is one transaction with its audit entry.
//!
//! One file per feature: [`links`] (linking a tournament to an event, switching its sync,
//! reading the status), [`sync`] (one run for one tournament, and the import task over all),
//! [`people`] (finding users for SpeedGaming's people; placeholders and their clean-up),
//! [`upstream`] (the schedule request).
//!
//! The matches themselves belong to the tournament plugin: a sync says what each match should
//! be and `tournament::service::Tournaments::sync_match` writes only what differs, so an
//! unchanged schedule writes nothing.

pub mod links;
pub mod people;
pub mod sync;
pub mod upstream;

use std::sync::Arc;

use sdk::{auth::guard::authorize_actor, context::Platform, db::Db, Actor, Error};
use tournament::service::Tournaments;

use crate::PLUGIN_ID;

/// The SpeedGaming service.
#[derive(Clone)]
pub struct SpeedGaming {
    platform: Platform,
}

impl std::fmt::Debug for SpeedGaming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpeedGaming").finish_non_exhaustive()
    }
}

impl SpeedGaming {
    /// Managing a tournament's link and sync is managing the tournament.
    pub const MANAGE: &'static str = "tournament:update";

    pub fn from_platform(platform: &Platform) -> Self {
        Self {
            platform: platform.clone(),
        }
    }

    fn db(&self) -> &Db {
        &self.platform.db
    }

    /// The tournament service, looked up when used (a reload republishes it).
    fn tournaments(&self) -> Result<Arc<Tournaments>, Error> {
        self.platform.plugins.service::<Tournaments>(PLUGIN_ID)
    }

    /// Forbidden unless `actor` holds `action` in the organization (the system always does).
    async fn require(&self, actor: &Actor, org_id: i64, action: &str) -> Result<(), Error> {
        authorize_actor(
            self.db(),
            self.platform.authorizer.as_ref(),
            actor,
            org_id,
            action,
        )
        .await
    }
}
