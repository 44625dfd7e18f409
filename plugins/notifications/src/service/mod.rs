//! The service: what every adapter calls — the API's server functions, the pages (through the
//! API), the listeners and the tasks. Rights are checked here; each change a person makes is
//! one transaction with its audit entry.
//!
//! - [`Notifications`]: the service. One file per feature: `queue` (turning an event
//!   into outbox rows, inside the cause's transaction), `worker` (claiming and sending due
//!   rows, retries, quiet hours), `reminders` ("starting soon"), `asyncs` (the async
//!   qualifier's reviews and timeout warnings, queued inside its transactions), `settings` (a user's
//!   subscriptions, quiet hours and test message), `log` (the delivery logs and the retry of a
//!   dead letter).

pub(crate) mod asyncs;
mod log;
pub mod queue;
mod reminders;
mod settings;
mod worker;

use sdk::{auth::guard::authorize_actor, context::Platform, Actor, Error};

pub use reminders::ReminderPass;
pub use worker::DeliveryPass;

/// The service.
#[derive(Debug, Clone)]
pub struct Notifications {
    platform: Platform,
    /// This instance's name in the outbox's leases.
    instance: String,
}

impl Notifications {
    pub fn from_platform(platform: &Platform) -> Self {
        Self::with_instance(platform, platform.events.instance())
    }

    /// The service as the instance `instance` (tests run two on one database).
    pub fn with_instance(platform: &Platform, instance: &str) -> Self {
        Self {
            platform: platform.clone(),
            instance: instance.to_string(),
        }
    }

    fn db(&self) -> &sdk::db::Db {
        &self.platform.db
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

    /// Whether the organization has the plugin on.
    async fn is_on(&self, org_id: i64) -> Result<bool, Error> {
        self.platform
            .plugins
            .is_enabled(org_id, crate::PLUGIN_ID)
            .await
    }
}
