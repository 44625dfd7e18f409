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

pub fn platform() -> Result<Platform, Error> {
    use_context::<Platform>().ok_or_else(|| Error::internal("no platform in the request context"))
}

/// The database handle of this request.
pub fn db() -> Result<Db, Error> {
    platform().map(|p| p.db)
}
