//! The running plugin registry: start-up loading, per-organization enablement, configuration
//! and services. One file a job: `load` (start-up and reload), `enablement` (is it on
//! here?), `changes` (switching it on or off), `configuration` (the layers and their writes),
//! `admin` (what admins see and change, and plugins' services); this file holds the state they
//! share.
//!
//! Start-up ([`PluginHost::load`]): parse every bundle's manifest → record the install in
//! `plugins` → resolve dependencies (inactive ones skipped) → for each plugin in dependency
//! order run its pending migrations, then `on_load` → collect permissions. Any step that fails
//! marks that plugin failed with the reason (and its dependents with theirs); the rest go on.
//!
//! Enablement: a plugin is on for an organization when it is loaded and active, not in
//! `DISABLED_PLUGINS`, (private → granted to the org), and it is global or the organization's row
//! says enabled or (no choice made) it is enabled by default — and every plugin it requires is on
//! there too. Organizations' rows are cached per organization for [`CACHE_TTL`] and dropped on
//! every change this process makes.

mod admin;
mod changes;
mod configuration;
mod enablement;
mod load;

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use semver::Version;
use serde_json::{Map, Value};
use sqlx::{AnyConnection, Row};

use crate::{
    migrate,
    resolve::{resolve, NotLoaded},
};
use sdk::plugin::{
    config::{self, Layers},
    manifest::Manifest,
    model::{
        DependencyInfo, EnablementChange, NavEntry, PluginConfigView, PluginStatus, PluginSummary,
    },
    Bundle, HookContext, LoadContext, Registrations, APP_VERSION,
};
use sdk::{
    auth::actions::ActionRegistry,
    auth::guard::ensure_org_exists,
    bot::BotRuntime,
    db::{Backend, Db, Flag},
    events::{
        system::{PluginDisabled, PluginEnabled, PluginLoaded},
        Event, EventBus,
    },
    tasks::TaskRegistry,
    time::now_ms,
    Actor, Error,
};

/// How long another instance's enablement changes may take to show here.
pub const CACHE_TTL: Duration = Duration::from_secs(30);
/// PostgreSQL advisory lock namespace for enablement changes (XOR the organization id).
const ENABLEMENT_LOCK_KEY: i64 = 0x5a4a_e7ab_0000_0000;
/// Upper bound of the per-organization cache.
const MAX_CACHED_ORGS: usize = 10_000;

/// Start-up settings.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub app_version: Version,
    /// `DISABLED_PLUGINS`: off for every organization.
    pub disabled: BTreeSet<String>,
    /// Deployment settings for plugins, by name (the server fills it from its configuration;
    /// tests pass their own). Secrets included, so never logged.
    pub settings: BTreeMap<String, String>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            app_version: Version::parse(APP_VERSION).unwrap_or(Version::new(0, 0, 0)),
            disabled: BTreeSet::new(),
            settings: BTreeMap::new(),
        }
    }
}

struct Entry {
    id: String,
    manifest: Option<Manifest>,
    bundle: Bundle,
}

#[derive(Debug, Clone)]
struct State {
    status: PluginStatus,
    reason: Option<String>,
}

#[derive(Debug, Clone)]
struct Install {
    active: bool,
    config: Value,
}

#[derive(Debug, Clone, Default)]
struct OrgRow {
    enabled: Option<bool>,
    granted: bool,
    config: Value,
}

struct CachedOrg {
    rows: Arc<BTreeMap<String, OrgRow>>,
    loaded: Instant,
}

pub struct PluginHost {
    db: Db,
    /// Sorted by id.
    entries: Vec<Entry>,
    disabled: BTreeSet<String>,
    states: RwLock<BTreeMap<String, State>>,
    installs: RwLock<BTreeMap<String, Install>>,
    installs_loaded: RwLock<Instant>,
    /// Serializes enablement changes within this process (PostgreSQL adds an advisory lock).
    write_lock: tokio::sync::Mutex<()>,
    /// Dependencies first.
    load_order: Vec<String>,
    /// What the plugins registered in `on_load`.
    registrations: Registrations,
    settings: Arc<BTreeMap<String, String>>,
    /// Shared with the bus listener that drops an organization's entry when another instance
    /// changes its plugins.
    orgs: Arc<RwLock<HashMap<i64, CachedOrg>>>,
}

impl std::fmt::Debug for PluginHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginHost")
            .field(
                "plugins",
                &self.entries.iter().map(|e| &e.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl PluginHost {
    /// The event bus the plugins' listeners are registered on.
    pub fn events(&self) -> Arc<EventBus> {
        Arc::clone(&self.registrations.events)
    }

    /// Tasks and task types the plugins registered.
    pub fn tasks(&self) -> Arc<TaskRegistry> {
        Arc::clone(&self.registrations.tasks)
    }

    /// The Discord bot's shared state.
    pub fn bot(&self) -> Arc<BotRuntime> {
        Arc::clone(&self.registrations.bot)
    }

    /// The command-line commands plugins contribute.
    pub fn cli(&self) -> Arc<sdk::plugin::cli::CliRegistry> {
        Arc::clone(&self.registrations.cli)
    }

    /// The plain GET endpoints plugins serve (see `sdk::plugin::feeds`).
    pub fn feeds(&self) -> Arc<sdk::plugin::feeds::FeedRegistry> {
        Arc::clone(&self.registrations.feeds)
    }

    /// The randomizers plugins provide (see `sdk::randomizer`).
    pub fn randomizers(&self) -> Arc<sdk::randomizer::RandomizerRegistry> {
        Arc::clone(&self.registrations.randomizers)
    }

    /// The platform's actions plus those of every loaded plugin, with their grants to built-in
    /// roles.
    pub fn actions(&self) -> ActionRegistry {
        let mut registry = ActionRegistry::with_core();
        for entry in &self.entries {
            let Some(m) = &entry.manifest else { continue };
            // Plugins that got as far as `on_load` keep their actions even if it failed: a
            // reload can bring them back, and the policy engine is built once at start.
            let reached_on_load = self.status(&m.id) == Some(PluginStatus::Loaded)
                || self
                    .reason(&m.id)
                    .is_some_and(|r| r.starts_with("on_load failed"));
            if !reached_on_load {
                continue;
            }
            for permission in &m.permissions {
                registry.register(&m.id, &permission.action, &permission.description);
                for role in &permission.roles {
                    registry.grant_to_role(role, &permission.action);
                }
            }
        }
        registry
    }

    pub fn ids(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.id.clone()).collect()
    }

    pub fn manifest(&self, id: &str) -> Option<&Manifest> {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .and_then(|e| e.manifest.as_ref())
    }

    /// The plugin whose pages live under `/org/{org_id}/<route>`.
    pub fn route_owner(&self, route: &str) -> Option<&str> {
        self.entries
            .iter()
            .filter_map(|e| e.manifest.as_ref())
            .find(|m| m.route() == route)
            .map(|m| m.id.as_str())
    }

    pub fn status(&self, id: &str) -> Option<PluginStatus> {
        self.states.read().ok()?.get(id).map(|s| s.status)
    }

    pub fn reason(&self, id: &str) -> Option<String> {
        self.states
            .read()
            .ok()?
            .get(id)
            .and_then(|s| s.reason.clone())
    }

    fn install(&self, id: &str) -> Install {
        self.installs
            .read()
            .ok()
            .and_then(|i| i.get(id).cloned())
            .unwrap_or(Install {
                active: true,
                config: Value::Object(Map::new()),
            })
    }

    /// The manifest of a plugin that exists, or NotFound naming it.
    fn known(&self, id: &str) -> Result<&Manifest, Error> {
        self.manifest(id)
            .ok_or_else(|| Error::not_found(format!("There is no plugin `{id}`.")))
    }

    /// The name users know a plugin by (its id when unknown).
    pub fn name_of(&self, id: &str) -> String {
        self.manifest(id)
            .map(|m| m.name.clone())
            .unwrap_or_else(|| id.to_string())
    }
}

fn failed(reason: String) -> State {
    State {
        status: PluginStatus::Failed,
        reason: Some(reason),
    }
}

/// An error's words for logs and the admin page (never hides a plugin's own message).
fn describe(e: &Error) -> String {
    match e {
        Error::Internal => "internal error".into(),
        other => other.message(),
    }
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
