//! The service: what every adapter calls — the API's server functions, the pages (through
//! the API), Discord commands and tasks. Each method takes the organization, the
//! [`Actor`](sdk::Actor) and `now`; rights are checked here, so no adapter can skip them,
//! and each change is one transaction with its audit entry.

mod entries;

use std::sync::Arc;

use sdk::{
    auth::guard::authorize_actor,
    context::{Platform, Plugins, Rights},
    db::Db,
    events::EventBus,
    Actor, Error,
};

/// An organization's entries.
#[derive(Debug, Clone)]
pub struct Entries {
    db: Db,
    rights: Arc<dyn Rights>,
    plugins: Arc<dyn Plugins>,
    events: Arc<EventBus>,
}

impl Entries {
    pub fn from_platform(platform: &Platform) -> Self {
        Self {
            db: platform.db.clone(),
            rights: Arc::clone(&platform.authorizer),
            plugins: Arc::clone(&platform.plugins),
            events: Arc::clone(&platform.events),
        }
    }

    /// Forbidden unless `actor` holds `action` in the organization (the system always does).
    async fn require(&self, actor: &Actor, org_id: i64, action: &str) -> Result<(), Error> {
        authorize_actor(&self.db, self.rights.as_ref(), actor, org_id, action).await
    }
}
