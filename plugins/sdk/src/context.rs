//! What a server function finds in its Leptos context (server side only).
//!
//! The server provides one [`Platform`] for every request (`leptos_routes_with_context`), so a
//! server function reaches the database and the authorizer without globals.

use std::sync::Arc;

use leptos::prelude::use_context;

use crate::{
    auth::{actions::ActionRegistry, authorizer::Authorizer},
    db::Db,
    events::EventBus,
    plugin::PluginHost,
    Error,
};

/// The shared services of the running platform.
#[derive(Debug, Clone)]
pub struct Platform {
    pub db: Db,
    pub authorizer: Arc<Authorizer>,
    pub actions: Arc<ActionRegistry>,
    /// Loaded plugins, their enablement per organization, configuration and services.
    pub plugins: Arc<PluginHost>,
    /// Typed events between plugins (the same bus the plugins' listeners are registered on).
    pub events: Arc<EventBus>,
    /// Where users reach the site, without a trailing slash (for links we hand out).
    pub base_url: String,
}

impl Platform {
    /// The platform over `db` and the loaded `plugins`: an authorizer that knows the plugins'
    /// actions and announces/receives rights changes on their event bus. The server and the
    /// plugins' tests build it the same way.
    pub fn new(db: Db, plugins: Arc<PluginHost>, base_url: impl Into<String>) -> Self {
        let actions = Arc::new(plugins.actions());
        let authorizer = Arc::new(Authorizer::with_actions(db.clone(), Arc::clone(&actions)));
        authorizer.connect(plugins.events());
        Self {
            db,
            authorizer,
            actions,
            events: plugins.events(),
            plugins,
            base_url: base_url.into(),
        }
    }
}

pub fn platform() -> Result<Platform, Error> {
    use_context::<Platform>().ok_or_else(|| Error::internal("no platform in the request context"))
}

/// The database handle of this request.
pub fn db() -> Result<Db, Error> {
    platform().map(|p| p.db)
}
