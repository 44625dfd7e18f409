//! The platform: the host that runs SahaBot's plugins (server side only).
//!
//! Plugins depend on `sdk`, the contract; this crate implements what the contract only names,
//! and `app` and `server` use it directly. How the pieces fit:
//! - [`registry`] loads the plugins' bundles at start-up (manifest → dependency order by
//!   [`resolve`] → migrations by [`migrate`] → `on_load`), answers "is this plugin on for this
//!   organization?", and applies enable/disable/config changes with their hooks.
//! - [`authorizer`] answers "may this user do this action here?" from roles and statements.
//! - [`identity`] holds the services behind users, organizations, roles, invites and tokens.
//! - [`tasks`] is the scheduler's engine.
//! - [`Host`] bundles them for one running server; [`Host::contract`] is what plugins receive
//!   (`sdk::context::Platform`, with the registry and authorizer behind the SDK's traits).
//!
//! No plugin depends on this crate, so a change here recompiles the server, never a plugin.

use std::sync::Arc;

use leptos::prelude::use_context;
use sdk::{auth::actions::ActionRegistry, db::Db, events::EventBus, Error};

pub mod authorizer;
mod contract_impls;
pub mod identity;
pub mod migrate;
pub mod registry;
pub mod resolve;
pub mod tasks;

pub use authorizer::Authorizer;
pub use registry::{LoadOptions, PluginHost};

/// The running platform with its concrete parts, for the app's and server's own code.
#[derive(Debug, Clone)]
pub struct Host {
    pub db: Db,
    pub authorizer: Arc<Authorizer>,
    pub actions: Arc<ActionRegistry>,
    pub plugins: Arc<PluginHost>,
    pub events: Arc<EventBus>,
    /// Where users reach the site, without a trailing slash (for links we hand out).
    pub base_url: String,
    /// The MOTD every page shows, kept a few seconds.
    pub motd: Arc<identity::settings::MotdCache>,
}

impl Host {
    /// The platform over `db` and the loaded `plugins`: an authorizer that knows the plugins'
    /// actions and announces/receives rights changes on their event bus. The server and the
    /// tests build it the same way.
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
            motd: Arc::default(),
        }
    }

    /// What plugins see of this platform: the same database, registry and authorizer behind
    /// the SDK's traits.
    pub fn contract(&self) -> sdk::context::Platform {
        sdk::context::Platform {
            db: self.db.clone(),
            authorizer: Arc::clone(&self.authorizer) as Arc<dyn sdk::context::Rights>,
            actions: Arc::clone(&self.actions),
            plugins: Arc::clone(&self.plugins) as Arc<dyn sdk::context::Plugins>,
            events: Arc::clone(&self.events),
            base_url: self.base_url.clone(),
        }
    }
}

impl Host {
    /// The host behind a plugin's view of it (`None` for a platform the host did not build).
    /// For the host's own code and tests: plugins cannot name [`Host`].
    pub fn behind(platform: &sdk::context::Platform) -> Option<Self> {
        let authorizer = Arc::clone(&platform.authorizer)
            .into_any()
            .downcast::<Authorizer>()
            .ok()?;
        let plugins = Arc::clone(&platform.plugins)
            .into_any()
            .downcast::<PluginHost>()
            .ok()?;
        Some(Self {
            db: platform.db.clone(),
            authorizer,
            actions: Arc::clone(&platform.actions),
            plugins,
            events: Arc::clone(&platform.events),
            base_url: platform.base_url.clone(),
            // Pages read the banner through the host the server provides, not through this one.
            motd: Arc::default(),
        })
    }
}

/// The host of the current request (the server provides it next to the plugins' `Platform`).
pub fn host() -> Result<Host, Error> {
    use_context::<Host>().ok_or_else(|| Error::internal("no host in the request context"))
}
