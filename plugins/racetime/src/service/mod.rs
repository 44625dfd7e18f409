//! The service: what every adapter calls — the API, the pages (through the API), the Discord
//! command and the tasks. Rights and visibility are decided here; each change is one
//! transaction with its audit entry.
//!
//! - [`Runtime`] is the plugin's per-process state: the deployment settings, the platform once
//!   the server started, each bot's current token, and the room watchers of this instance.
//! - [`Racetime`] is the service proper, built from the platform (the runtime is published as
//!   a service in `on_load`). One file per feature: `bots` (site admin, grants, tokens),
//!   `config` (profiles, tournament settings), `rooms` (opening, seeds, manual actions),
//!   `sync` (a race's state applied to its match), `watch` (the websocket per room), `chat`
//!   (the `!commands`).
//! - `site` and `socket` speak racetime.gg's HTTP API and websocket; `secrets` seals the bots'
//!   client secrets.

mod bots;
mod chat;
mod config;
pub mod rooms;
pub mod secrets;
pub mod site;
pub mod socket;
mod sync;
pub mod verification;
mod views;
mod watch;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock},
};

use sdk::{auth::guard::authorize_actor, context::Platform, plugin::StartedPlatform, Actor, Error};

pub use rooms::OpenOutcome;

/// racetime.gg itself.
pub const DEFAULT_URL: &str = "https://racetime.gg";

/// A bot's token as held in memory.
#[derive(Debug, Clone)]
struct HeldToken {
    access_token: String,
    /// Renew at half its life (what racetime.gg's own bot library does).
    renew_at: i64,
}

/// The plugin's per-process state.
pub struct Runtime {
    settings: RwLock<(String, Option<String>)>,
    started: StartedPlatform,
    tokens: Mutex<HashMap<i64, HeldToken>>,
    watchers: Mutex<HashMap<i64, watch::Watcher>>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").finish_non_exhaustive()
    }
}

fn read<T: Clone>(lock: &RwLock<T>) -> T {
    lock.read()
        .map(|g| g.clone())
        .unwrap_or_else(|p| p.into_inner().clone())
}

impl Runtime {
    pub fn shared() -> Arc<Self> {
        Arc::new(Self {
            settings: RwLock::default(),
            started: StartedPlatform::new(crate::PLUGIN_ID),
            tokens: Mutex::default(),
            watchers: Mutex::default(),
        })
    }

    /// `RACETIME_URL` (default racetime.gg) and the site's `SECRET_KEY`.
    pub fn configure(&self, base_url: Option<String>, secret_key: Option<String>) {
        let base = base_url
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_URL.to_string())
            .trim_end_matches('/')
            .to_string();
        if let Ok(mut s) = self.settings.write() {
            *s = (base, secret_key);
        }
    }

    pub fn start(&self, platform: Platform) {
        self.started.set(platform);
    }

    /// Stops every watcher of this instance and gives their leases up.
    pub async fn stop(&self) {
        let watchers: Vec<watch::Watcher> = match self.watchers.lock() {
            Ok(mut w) => w.drain().map(|(_, w)| w).collect(),
            Err(_) => Vec::new(),
        };
        for watcher in watchers {
            watcher.stop().await;
        }
    }

    fn base_url(&self) -> String {
        read(&self.settings).0
    }

    fn secret_key(&self) -> Result<String, Error> {
        read(&self.settings)
            .1
            .ok_or_else(|| Error::internal("SECRET_KEY is not set: bot secrets cannot be sealed"))
    }

    /// The platform, once the server started.
    pub fn platform(&self) -> Result<Platform, Error> {
        self.started.get()
    }

    /// The service on the started platform (tasks use this).
    pub fn service(self: &Arc<Self>) -> Result<Racetime, Error> {
        Ok(Racetime {
            platform: self.platform()?,
            runtime: Arc::clone(self),
        })
    }
}

/// The service.
#[derive(Clone)]
pub struct Racetime {
    platform: Platform,
    runtime: Arc<Runtime>,
}

impl std::fmt::Debug for Racetime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Racetime").finish_non_exhaustive()
    }
}

impl Racetime {
    /// The service of a request: the runtime is the one this plugin published.
    pub fn from_platform(platform: &Platform) -> Result<Self, Error> {
        let runtime = platform.plugins.service::<Runtime>(crate::PLUGIN_ID)?;
        Ok(Self {
            platform: platform.clone(),
            runtime,
        })
    }

    fn db(&self) -> &sdk::db::Db {
        &self.platform.db
    }

    fn tournaments(&self) -> tournament::service::Tournaments {
        tournament::service::Tournaments::from_platform(&self.platform)
    }

    /// This instance's name in leases.
    fn instance(&self) -> String {
        self.platform.events.instance().to_string()
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
