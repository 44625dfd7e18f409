//! The running plugin registry: start-up loading, per-organization enablement, configuration
//! and services.
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

use std::{
    borrow::Cow,
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use async_trait::async_trait;
use semver::Version;
use serde_json::{Map, Value};
use sqlx::{any::AnyRow, AnyConnection, Row};

use super::{
    config::{self, Layers},
    manifest::Manifest,
    model::{
        DependencyInfo, EnablementChange, NavEntry, PluginConfigView, PluginStatus, PluginSummary,
    },
    resolve::{resolve, NotLoaded},
    services::ServiceRegistry,
};
use crate::{
    audit::{self, AuditEntry},
    auth::actions::ActionRegistry,
    auth::guard::ensure_org_exists,
    db::{Backend, Db, Flag},
    events::{
        system::{PluginDisabled, PluginEnabled, PluginLoaded},
        Envelope, Event, EventBus,
    },
    migrate::{self, Migration},
    time::now_ms,
    Error,
};
use crate::{
    bot::{BotCommand, BotComponent, BotRuntime},
    tasks::{BuiltinTask, TaskRegistry, TaskType},
};

/// How long another instance's enablement changes may take to show here.
pub const CACHE_TTL: Duration = Duration::from_secs(30);
/// PostgreSQL advisory lock namespace for enablement changes (XOR the organization id).
const ENABLEMENT_LOCK_KEY: i64 = 0x5a4a_e7ab_0000_0000;
/// Upper bound of the per-organization cache.
const MAX_CACHED_ORGS: usize = 10_000;

/// What every plugin crate implements (server side). All hooks have no-op defaults.
#[async_trait]
pub trait Plugin: Send + Sync + 'static {
    /// The weakest configuration layer, under the schema's defaults.
    fn default_config(&self) -> Value {
        Value::Object(Map::new())
    }

    /// Once per start (and on reload): publish services; later, listeners, tasks and commands.
    async fn on_load(&self, _ctx: &LoadContext) -> Result<(), Error> {
        Ok(())
    }

    /// The server is up (not called for CLI commands): start background work — the bot's
    /// gateway connection, watchers. `platform` is the one requests use. An error is logged and
    /// the server goes on.
    async fn on_start(&self, _platform: &crate::context::Platform) -> Result<(), Error> {
        Ok(())
    }

    /// The server is stopping (or a test ends it): stop background work such as a gateway
    /// connection, and give up leases so another instance can take over at once.
    async fn on_stop(&self) {}

    /// The installed version changed since the last start (after its migrations ran).
    async fn on_upgrade(&self, _db: &Db, _from: &str, _to: &str) -> Result<(), Error> {
        Ok(())
    }

    /// An organization switched the plugin on. Runs inside the transaction that records it: an
    /// error rolls the change back and is shown to the user.
    async fn on_enable(&self, _ctx: &mut HookContext<'_>) -> Result<(), Error> {
        Ok(())
    }

    /// An organization switched the plugin off (its data stays). Same transaction rule.
    async fn on_disable(&self, _ctx: &mut HookContext<'_>) -> Result<(), Error> {
        Ok(())
    }
}

/// What `on_load` may use.
pub struct LoadContext {
    pub plugin_id: String,
    pub db: Db,
    services: Arc<ServiceRegistry>,
    events: Arc<EventBus>,
    tasks: Arc<TaskRegistry>,
    bot: Arc<BotRuntime>,
    feeds: Arc<super::feeds::FeedRegistry>,
    settings: Arc<BTreeMap<String, String>>,
}

impl LoadContext {
    /// Publishes a service other plugins (that declare this one as a dependency) can fetch.
    pub fn provide<T: std::any::Any + Send + Sync>(&self, service: Arc<T>) {
        self.services.provide(&self.plugin_id, service);
    }

    /// Listens to events of type `E` (this plugin's or another's), off the request path.
    pub fn listen<E, F, Fut>(&self, handler: F)
    where
        E: Event,
        F: Fn(Envelope<E>) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), Error>> + Send + 'static,
    {
        self.events.listen::<E, F, Fut>(&self.plugin_id, handler);
    }

    /// The bus, to emit events from long-lived tasks the plugin starts.
    pub fn events(&self) -> Arc<EventBus> {
        Arc::clone(&self.events)
    }

    /// Registers a task that runs for the whole site on a fixed schedule.
    pub fn task(&self, task: BuiltinTask) -> Result<(), Error> {
        self.tasks.add_builtin(&self.plugin_id, task)
    }

    /// Registers a kind of task organizations can schedule.
    pub fn task_type(&self, task_type: TaskType) -> Result<(), Error> {
        self.tasks.add_type(&self.plugin_id, task_type)
    }

    /// Contributes a Discord slash command (see [`crate::bot`]).
    pub fn command(&self, command: BotCommand) -> Result<(), Error> {
        self.bot.commands.add(&self.plugin_id, command)
    }

    /// Answers clicks on buttons whose custom id starts with the component's prefix.
    pub fn component(&self, component: BotComponent) -> Result<(), Error> {
        self.bot.components.add(&self.plugin_id, component)
    }

    /// The Discord bot's shared state (status, REST client, commands).
    pub fn bot(&self) -> Arc<BotRuntime> {
        Arc::clone(&self.bot)
    }

    /// Serves plain GET requests under `/p/<plugin id>/` (see [`super::feeds`]).
    pub fn feed<F>(&self, handler: F) -> Result<(), Error>
    where
        F: Fn(
                super::feeds::FeedRequest,
            )
                -> futures::future::BoxFuture<'static, Result<super::feeds::FeedResponse, Error>>
            + Send
            + Sync
            + 'static,
    {
        self.feeds.set(&self.plugin_id, Arc::new(handler))
    }

    /// A deployment setting the server passes to plugins (`DISCORD_TOKEN`, `SECRET_KEY`, …);
    /// see [`LoadOptions::settings`].
    pub fn setting(&self, name: &str) -> Option<String> {
        self.settings.get(name).cloned()
    }
}

/// What `on_enable` / `on_disable` get: the organization, its effective config, and the open
/// transaction.
pub struct HookContext<'a> {
    pub org_id: i64,
    pub config: Value,
    pub conn: &'a mut AnyConnection,
}

/// One plugin as compiled in (or, later, installed): its manifest text, migrations and code.
pub struct Bundle {
    pub manifest_source: Cow<'static, str>,
    /// Where the manifest came from, for errors when its id is unreadable.
    pub origin: String,
    pub sqlite: Vec<Migration>,
    pub postgres: Vec<Migration>,
    pub plugin: Arc<dyn Plugin>,
}

impl Bundle {
    /// A built-in plugin, as the app's generated list makes them.
    pub fn builtin(
        manifest: &'static str,
        origin: &str,
        sqlite: &[(&str, &str)],
        postgres: &[(&str, &str)],
        plugin: Arc<dyn Plugin>,
    ) -> Self {
        let list = |files: &[(&str, &str)]| {
            files
                .iter()
                .map(|(name, sql)| Migration::new(*name, *sql))
                .collect()
        };
        Self {
            manifest_source: Cow::Borrowed(manifest),
            origin: origin.to_string(),
            sqlite: list(sqlite),
            postgres: list(postgres),
            plugin,
        }
    }

    fn migrations(&self, backend: Backend) -> &[Migration] {
        match backend {
            Backend::Sqlite => &self.sqlite,
            Backend::Postgres => &self.postgres,
        }
    }
}

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
            app_version: Version::parse(super::APP_VERSION).unwrap_or(Version::new(0, 0, 0)),
            disabled: BTreeSet::new(),
            settings: BTreeMap::new(),
        }
    }
}

/// Who is changing something, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub ip: Option<String>,
}

impl Actor {
    /// Records `action` by this actor in the audit log, inside the change's transaction.
    async fn audit(
        &self,
        conn: &mut AnyConnection,
        org_id: Option<i64>,
        action: &str,
        details: Value,
    ) -> Result<(), Error> {
        audit::record(
            conn,
            AuditEntry {
                user_id: self.user_id,
                org_id,
                action,
                details,
                ip: self.ip.as_deref(),
            },
        )
        .await
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
    services: Arc<ServiceRegistry>,
    events: Arc<EventBus>,
    tasks: Arc<TaskRegistry>,
    bot: Arc<BotRuntime>,
    feeds: Arc<super::feeds::FeedRegistry>,
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
    /// Loads `bundles` against `db` (whose core migrations have run). Fails only when the
    /// platform's own tables cannot be read or written; a plugin's failure is recorded on it.
    pub async fn load(db: &Db, bundles: Vec<Bundle>, options: LoadOptions) -> Result<Self, Error> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut states = BTreeMap::new();
        for bundle in bundles {
            match Manifest::parse(&bundle.manifest_source, &bundle.origin) {
                Ok(manifest) if entries.iter().any(|e| e.id == manifest.id) => {
                    let id = format!("{} ({})", manifest.id, bundle.origin);
                    states.insert(
                        id.clone(),
                        failed(format!("another plugin already has the id {}", manifest.id)),
                    );
                    entries.push(Entry {
                        id,
                        manifest: None,
                        bundle,
                    });
                }
                Ok(manifest) => entries.push(Entry {
                    id: manifest.id.clone(),
                    manifest: Some(manifest),
                    bundle,
                }),
                Err(e) => {
                    let id = if entries.iter().any(|x| x.id == e.plugin) {
                        format!("{} ({})", e.plugin, bundle.origin)
                    } else {
                        e.plugin.clone()
                    };
                    states.insert(id.clone(), failed(e.to_string()));
                    entries.push(Entry {
                        id,
                        manifest: None,
                        bundle,
                    });
                }
            }
        }
        entries.sort_by(|a, b| a.id.cmp(&b.id));

        // Install records: new plugins get a row; a changed version is noted for on_upgrade.
        let now = now_ms();
        let mut upgrades = BTreeMap::new();
        for entry in &entries {
            let Some(m) = &entry.manifest else { continue };
            let existing = sqlx::query("SELECT version FROM plugins WHERE id = $1")
                .bind(&m.id)
                .fetch_optional(db.pool())
                .await?;
            match existing {
                None => {
                    sqlx::query(
                        "INSERT INTO plugins (id, version, kind, active, config, installed_at, updated_at)
                         VALUES ($1, $2, $3, $4, '{}', $5, $5)
                         ON CONFLICT (id) DO NOTHING",
                    )
                    .bind(&m.id)
                    .bind(&m.version)
                    .bind(&m.kind)
                    .bind(true)
                    .bind(now)
                    .execute(db.pool())
                    .await?;
                }
                Some(row) => {
                    let old: String = row.try_get("version")?;
                    if old != m.version {
                        upgrades.insert(m.id.clone(), old);
                    }
                }
            }
        }
        let installs = read_installs(db).await?;

        let inactive: BTreeSet<String> = installs
            .iter()
            .filter(|(_, i)| !i.active)
            .map(|(id, _)| id.clone())
            .collect();
        let manifests: Vec<&Manifest> =
            entries.iter().filter_map(|e| e.manifest.as_ref()).collect();
        let resolution = resolve(&manifests, &options.app_version, &inactive);
        for (id, why) in &resolution.not_loaded {
            states.insert(
                id.clone(),
                match why {
                    NotLoaded::Inactive => State {
                        status: PluginStatus::Inactive,
                        reason: Some("set inactive by a site admin".into()),
                    },
                    NotLoaded::Failed(reason) => failed(reason.clone()),
                },
            );
        }

        let services = Arc::new(ServiceRegistry::default());
        let events = Arc::new(EventBus::default());
        let tasks = Arc::new(TaskRegistry::default());
        let bot = Arc::new(BotRuntime::default());
        let feeds = Arc::new(super::feeds::FeedRegistry::default());
        let settings = Arc::new(options.settings.clone());
        let backend = db.backend();
        for id in &resolution.order {
            let Some(entry) = entries.iter().find(|e| &e.id == id) else {
                continue;
            };
            let Some(manifest) = &entry.manifest else {
                continue;
            };
            // A dependency may have failed in its migrations or on_load.
            let broken = manifest.requires.plugins.iter().find(|d| {
                states
                    .get(&d.id)
                    .is_some_and(|s| s.status != PluginStatus::Loaded)
            });
            if let Some(dep) = broken {
                states.insert(
                    id.clone(),
                    failed(format!("requires {}, which could not be loaded", dep.id)),
                );
                continue;
            }
            if let Err(e) = migrate::run(db, id, entry.bundle.migrations(backend)).await {
                states.insert(id.clone(), failed(format!("migration failed: {e}")));
                continue;
            }
            let ctx = LoadContext {
                plugin_id: id.clone(),
                db: db.clone(),
                services: Arc::clone(&services),
                events: Arc::clone(&events),
                tasks: Arc::clone(&tasks),
                bot: Arc::clone(&bot),
                feeds: Arc::clone(&feeds),
                settings: Arc::clone(&settings),
            };
            if let Err(e) = entry.bundle.plugin.on_load(&ctx).await {
                services.remove_owner(id);
                events.remove_owner(id);
                tasks.remove_owner(id);
                bot.commands.remove_owner(id);
                bot.components.remove_owner(id);
                feeds.remove_owner(id);
                states.insert(
                    id.clone(),
                    failed(format!("on_load failed: {}", describe(&e))),
                );
                continue;
            }
            if let Some(old) = upgrades.get(id) {
                if let Err(e) = entry
                    .bundle
                    .plugin
                    .on_upgrade(db, old, &manifest.version)
                    .await
                {
                    // The old version stays recorded, so the next start runs the upgrade again.
                    tracing::warn!(plugin = %id, from = %old, to = %manifest.version, error = %describe(&e), "on_upgrade failed; it runs again at the next start (plugin still loaded)");
                } else {
                    sqlx::query("UPDATE plugins SET version = $1, updated_at = $2 WHERE id = $3")
                        .bind(&manifest.version)
                        .bind(now_ms())
                        .bind(id)
                        .execute(db.pool())
                        .await?;
                }
            }
            states.insert(
                id.clone(),
                State {
                    status: PluginStatus::Loaded,
                    reason: None,
                },
            );
        }

        for entry in &entries {
            let state = states.get(&entry.id);
            let version = entry
                .manifest
                .as_ref()
                .map(|m| m.version.as_str())
                .unwrap_or("?");
            match state.map(|s| (s.status, s.reason.as_deref())) {
                Some((PluginStatus::Loaded, _)) => {
                    let off = options.disabled.contains(&entry.id);
                    tracing::info!(plugin = %entry.id, version, disabled_by_setting = off, "plugin loaded");
                }
                Some((PluginStatus::Inactive, _)) => {
                    tracing::info!(plugin = %entry.id, version, "plugin skipped: inactive")
                }
                Some((PluginStatus::Failed, reason)) => {
                    tracing::warn!(plugin = %entry.id, version, reason = reason.unwrap_or(""), "plugin failed")
                }
                None => {}
            }
        }
        for id in &options.disabled {
            if !entries.iter().any(|e| &e.id == id) {
                tracing::warn!(plugin = %id, "DISABLED_PLUGINS names a plugin that is not installed");
            }
        }

        for id in &resolution.order {
            if states
                .get(id)
                .is_some_and(|s| s.status == PluginStatus::Loaded)
            {
                let version = entries
                    .iter()
                    .find(|e| &e.id == id)
                    .and_then(|e| e.manifest.as_ref())
                    .map(|m| m.version.clone())
                    .unwrap_or_default();
                events.emit(
                    None,
                    None,
                    PluginLoaded {
                        plugin_id: id.clone(),
                        version,
                    },
                );
            }
        }
        // Another instance's enablement change arrives as an event: forget that organization
        // here at once instead of serving the cached answer for up to CACHE_TTL.
        let orgs: Arc<RwLock<HashMap<i64, CachedOrg>>> = Arc::default();
        for forget in [forget_on::<PluginEnabled>, forget_on::<PluginDisabled>] {
            forget(&events, Arc::clone(&orgs));
        }
        Ok(Self {
            db: db.clone(),
            entries,
            disabled: options.disabled,
            states: RwLock::new(states),
            installs: RwLock::new(installs),
            installs_loaded: RwLock::new(Instant::now()),
            write_lock: tokio::sync::Mutex::new(()),
            load_order: resolution.order.clone(),
            services,
            events,
            tasks,
            bot,
            feeds,
            settings,
            orgs,
        })
    }

    /// The event bus the plugins' listeners are registered on.
    pub fn events(&self) -> Arc<EventBus> {
        Arc::clone(&self.events)
    }

    /// Tasks and task types the plugins registered.
    pub fn tasks(&self) -> Arc<TaskRegistry> {
        Arc::clone(&self.tasks)
    }

    /// The Discord bot's shared state.
    pub fn bot(&self) -> Arc<BotRuntime> {
        Arc::clone(&self.bot)
    }

    /// The plain GET endpoints plugins serve (see [`super::feeds`]).
    pub fn feeds(&self) -> Arc<super::feeds::FeedRegistry> {
        Arc::clone(&self.feeds)
    }

    /// Drops what `plugin_id` registered in `on_load` (before a reload, or when it failed).
    fn forget_registrations(&self, plugin_id: &str) {
        self.services.remove_owner(plugin_id);
        self.events.remove_owner(plugin_id);
        self.tasks.remove_owner(plugin_id);
        self.bot.commands.remove_owner(plugin_id);
        self.bot.components.remove_owner(plugin_id);
        self.feeds.remove_owner(plugin_id);
    }

    /// Calls every loaded plugin's `on_start`, dependencies first (the server does, once it
    /// listens).
    pub async fn start(&self, platform: &crate::context::Platform) {
        for id in &self.load_order {
            if self.status(id) != Some(PluginStatus::Loaded) {
                continue;
            }
            if let Some(entry) = self.entries.iter().find(|e| &e.id == id) {
                if let Err(e) = entry.bundle.plugin.on_start(platform).await {
                    tracing::warn!(plugin = %id, error = %describe(&e), "the plugin's background work did not start");
                }
            }
        }
    }

    /// Calls every loaded plugin's `on_stop`, dependents first.
    pub async fn stop(&self) {
        for id in self.load_order.iter().rev() {
            if self.status(id) != Some(PluginStatus::Loaded) {
                continue;
            }
            if let Some(entry) = self.entries.iter().find(|e| &e.id == id) {
                entry.bundle.plugin.on_stop().await;
            }
        }
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

    /// Why a plugin cannot be on anywhere right now, if something site-wide stops it.
    fn sitewide_block(&self, id: &str) -> Option<String> {
        match self.status(id) {
            Some(PluginStatus::Loaded) => {}
            Some(PluginStatus::Inactive) => return Some("a site admin set it inactive".into()),
            Some(PluginStatus::Failed) => {
                return Some(format!(
                    "it failed to load: {}",
                    self.reason(id).unwrap_or_default()
                ))
            }
            None => return Some("it is not installed".into()),
        }
        if !self.install(id).active {
            return Some(
                "a site admin set it inactive (takes full effect at the next start)".into(),
            );
        }
        if self.disabled.contains(id) {
            return Some("the DISABLED_PLUGINS setting turns it off on this site".into());
        }
        None
    }

    /// Whether the plugin is running on this site at all (loaded, active, not in
    /// `DISABLED_PLUGINS`): what site-level (not organization) features check.
    pub async fn is_running(&self, id: &str) -> Result<bool, Error> {
        self.refresh_installs().await?;
        Ok(self.manifest(id).is_some() && self.sitewide_block(id).is_none())
    }

    /// Why a plugin cannot be switched on in this organization (site-wide reasons, or a private
    /// plugin without a grant).
    fn org_block(&self, id: &str, rows: &BTreeMap<String, OrgRow>) -> Option<String> {
        if let Some(block) = self.sitewide_block(id) {
            return Some(block);
        }
        let manifest = self.manifest(id)?;
        if manifest.private && !rows.get(id).is_some_and(|r| r.granted) {
            return Some(
                "it is private and a site admin has not granted it to this organization".into(),
            );
        }
        None
    }

    /// The organization's own choice, or the plugin's default.
    fn chosen(&self, manifest: &Manifest, rows: &BTreeMap<String, OrgRow>) -> bool {
        manifest.global
            || rows
                .get(&manifest.id)
                .and_then(|r| r.enabled)
                .unwrap_or(manifest.enabled_by_default)
    }

    fn on_with(&self, id: &str, rows: &BTreeMap<String, OrgRow>, depth: usize) -> bool {
        let Some(manifest) = self.manifest(id) else {
            return false;
        };
        if depth > self.entries.len() || self.org_block(id, rows).is_some() {
            return false;
        }
        self.chosen(manifest, rows)
            && manifest
                .requires
                .plugins
                .iter()
                .all(|d| self.on_with(&d.id, rows, depth + 1))
    }

    /// Re-reads the install rows (active flag, install config) when they are older than
    /// [`CACHE_TTL`], so a site admin's change on another instance arrives here too.
    async fn refresh_installs(&self) -> Result<(), Error> {
        let stale = self
            .installs_loaded
            .read()
            .map(|t| t.elapsed() >= CACHE_TTL)
            .unwrap_or(true);
        if stale {
            let fresh = read_installs(&self.db).await?;
            if let Ok(mut installs) = self.installs.write() {
                *installs = fresh;
            }
            if let Ok(mut t) = self.installs_loaded.write() {
                *t = Instant::now();
            }
        }
        Ok(())
    }

    async fn org_rows(&self, org_id: i64) -> Result<Arc<BTreeMap<String, OrgRow>>, Error> {
        self.refresh_installs().await?;
        if let Ok(orgs) = self.orgs.read() {
            if let Some(hit) = orgs.get(&org_id).filter(|c| c.loaded.elapsed() < CACHE_TTL) {
                return Ok(Arc::clone(&hit.rows));
            }
        }
        let mut conn = self.db.pool().acquire().await?;
        let rows = Arc::new(read_org_rows(&mut conn, org_id).await?);
        drop(conn);
        if let Ok(mut orgs) = self.orgs.write() {
            // Requests can name any organization id; expired entries go before the map grows.
            if orgs.len() >= MAX_CACHED_ORGS {
                orgs.retain(|_, c| c.loaded.elapsed() < CACHE_TTL);
                if orgs.len() >= MAX_CACHED_ORGS {
                    orgs.clear();
                }
            }
            orgs.insert(
                org_id,
                CachedOrg {
                    rows: Arc::clone(&rows),
                    loaded: Instant::now(),
                },
            );
        }
        Ok(rows)
    }

    /// Drops cached enablement (all organizations when `None`).
    pub fn invalidate(&self, org_id: Option<i64>) {
        if let Ok(mut orgs) = self.orgs.write() {
            match org_id {
                Some(org) => {
                    orgs.remove(&org);
                }
                None => orgs.clear(),
            }
        }
    }

    /// Is `plugin_id` on for this organization?
    pub async fn is_enabled(&self, org_id: i64, plugin_id: &str) -> Result<bool, Error> {
        if self.manifest(plugin_id).is_none() {
            return Ok(false);
        }
        let rows = self.org_rows(org_id).await?;
        Ok(self.on_with(plugin_id, &rows, 0))
    }

    /// Ids of every plugin on for this organization.
    pub async fn enabled_plugins(&self, org_id: i64) -> Result<Vec<String>, Error> {
        let rows = self.org_rows(org_id).await?;
        Ok(self
            .entries
            .iter()
            .filter(|e| self.on_with(&e.id, &rows, 0))
            .map(|e| e.id.clone())
            .collect())
    }

    /// NotEnabled (HTTP 404) unless the plugin is on for the organization.
    pub async fn ensure_enabled(&self, org_id: i64, plugin_id: &str) -> Result<(), Error> {
        if self.is_enabled(org_id, plugin_id).await? {
            Ok(())
        } else {
            Err(Error::not_enabled(plugin_id, &self.name_of(plugin_id)))
        }
    }

    /// The nav entries of the plugins on for this organization (unfiltered by permission), with
    /// the action each needs.
    pub async fn nav_entries(&self, org_id: i64) -> Result<Vec<(NavEntry, Option<String>)>, Error> {
        let mut out = Vec::new();
        for id in self.enabled_plugins(org_id).await? {
            // Global plugins too: they are on everywhere, and one may still have an
            // organization page (the Discord bot's linked servers).
            let Some(m) = self.manifest(&id) else {
                continue;
            };
            let base = format!("/org/{org_id}/{}", m.route());
            for nav in &m.provides.nav {
                let path = match nav.path.trim_matches('/') {
                    "" => base.clone(),
                    rest => format!("{base}/{rest}"),
                };
                out.push((
                    NavEntry {
                        plugin_id: id.clone(),
                        label: nav.label.clone(),
                        path,
                        icon: nav.icon.clone(),
                    },
                    nav.action.clone(),
                ));
            }
        }
        Ok(out)
    }

    /// Every plugin for the admin pages or an organization's plugin page. For an organization,
    /// private plugins not granted to it are left out unless `include_private`.
    pub async fn summaries(
        &self,
        org_id: Option<i64>,
        include_private: bool,
    ) -> Result<Vec<PluginSummary>, Error> {
        let applied: HashMap<String, i64> = sqlx::query(
            "SELECT plugin_id, COUNT(*) AS n FROM plugin_migrations WHERE success = $1 GROUP BY plugin_id",
        )
        .bind(true)
        .fetch_all(self.db.pool())
        .await?
        .iter()
        .map(|row| Ok((row.try_get::<String, _>("plugin_id")?, row.try_get::<i64, _>("n")?)))
        .collect::<Result<_, sqlx::Error>>()?;
        let rows = match org_id {
            Some(org) => Some(self.org_rows(org).await?),
            None => None,
        };
        let mut out = Vec::new();
        for entry in &self.entries {
            let state = self
                .states
                .read()
                .ok()
                .and_then(|s| s.get(&entry.id).cloned())
                .unwrap_or_else(|| failed("unknown".into()));
            let Some(m) = &entry.manifest else {
                if org_id.is_none() || include_private {
                    out.push(PluginSummary {
                        id: entry.id.clone(),
                        name: entry.id.clone(),
                        version: "?".into(),
                        description: String::new(),
                        author: String::new(),
                        category: String::new(),
                        kind: String::new(),
                        global: false,
                        private: false,
                        enabled_by_default: false,
                        status: state.status,
                        reason: state.reason,
                        disabled_by_setting: false,
                        dependencies: vec![],
                        dependents: vec![],
                        conflicts: vec![],
                        migrations_applied: 0,
                        configurable: false,
                        enabled: rows.as_ref().map(|_| false),
                        blocked: rows.as_ref().map(|_| "its manifest is invalid".to_string()),
                        granted: None,
                    });
                }
                continue;
            };
            let granted = rows
                .as_ref()
                .map(|r| r.get(&m.id).is_some_and(|row| row.granted));
            if m.private && org_id.is_some() && !include_private && granted != Some(true) {
                continue;
            }
            let enabled = rows.as_ref().map(|r| self.on_with(&m.id, r, 0));
            let blocked = rows.as_ref().and_then(|r| self.org_block(&m.id, r));
            let reason = match state.status {
                PluginStatus::Loaded if !self.install(&m.id).active => {
                    Some("set inactive by a site admin; not loaded at the next start".into())
                }
                _ => state.reason,
            };
            out.push(PluginSummary {
                id: m.id.clone(),
                name: m.name.clone(),
                version: m.version.clone(),
                description: m.description.clone(),
                author: m.author.clone(),
                category: m.category.clone(),
                kind: m.kind.clone(),
                global: m.global,
                private: m.private,
                enabled_by_default: m.enabled_by_default,
                status: state.status,
                reason,
                disabled_by_setting: self.disabled.contains(&m.id),
                dependencies: m
                    .all_dependencies()
                    .map(|(d, optional)| DependencyInfo {
                        id: d.id.clone(),
                        version: d.version.clone(),
                        optional,
                    })
                    .collect(),
                dependents: self.dependents(&m.id),
                conflicts: m.requires.conflicts.clone(),
                migrations_applied: applied.get(&m.id).copied().unwrap_or(0),
                configurable: m
                    .config_schema_json()
                    .and_then(|s| {
                        s.get("properties")
                            .and_then(Value::as_object)
                            .map(|p| !p.is_empty())
                    })
                    .unwrap_or(false),
                enabled,
                blocked,
                granted: if m.private { granted } else { None },
            });
        }
        Ok(out)
    }

    /// Plugins whose manifest requires `id`.
    pub fn dependents(&self, id: &str) -> Vec<String> {
        self.entries
            .iter()
            .filter_map(|e| e.manifest.as_ref())
            .filter(|m| m.requires_plugin(id))
            .map(|m| m.id.clone())
            .collect()
    }

    /// Switches a plugin on or off for an organization, following the dependency rules, running
    /// the hooks, all in one transaction. `with_dependencies` also switches on what it requires.
    pub async fn set_enabled(
        &self,
        org_id: i64,
        plugin_id: &str,
        enabled: bool,
        with_dependencies: bool,
        actor: &Actor,
    ) -> Result<EnablementChange, Error> {
        let manifest = self.known(plugin_id)?;
        if manifest.global {
            return Err(Error::invalid(
                "plugin_id",
                format!(
                    "{} is global: it is always on and not switched per organization.",
                    manifest.name
                ),
            ));
        }
        ensure_org_exists(&self.db, org_id).await?;
        self.refresh_installs().await?;
        // One change at a time: in this process by the mutex, across instances by an advisory
        // lock; and decided from the rows as they are inside the transaction, not the cache.
        let _one_at_a_time = self.write_lock.lock().await;
        let mut tx = self.db.begin().await?;
        if self.db.backend() == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(ENABLEMENT_LOCK_KEY ^ org_id)
                .execute(&mut *tx)
                .await?;
        }
        let rows = read_org_rows(&mut tx, org_id).await?;
        let currently = self.on_with(plugin_id, &rows, 0);
        let plan: Vec<String> = if enabled {
            if let Some(block) = self.org_block(plugin_id, &rows) {
                return Err(Error::conflict(format!(
                    "{} cannot be switched on: {block}.",
                    manifest.name
                )));
            }
            let mut missing = Vec::new();
            self.missing_dependencies(plugin_id, &rows, &mut missing, 0)?;
            if !missing.is_empty() && !with_dependencies {
                let names: Vec<String> = missing.iter().map(|id| self.name_of(id)).collect();
                return Err(Error::conflict(format!(
                    "{} needs {} switched on first. Switch {} on too.",
                    manifest.name,
                    join_names(&names),
                    if names.len() == 1 { "it" } else { "them" }
                )));
            }
            missing.push(plugin_id.to_string());
            missing
        } else {
            let dependents: Vec<String> = self
                .dependents(plugin_id)
                .into_iter()
                .filter(|d| {
                    self.manifest(d).is_some_and(|m| !m.global) && self.on_with(d, &rows, 0)
                })
                .map(|d| self.name_of(&d))
                .collect();
            if !dependents.is_empty() {
                return Err(Error::conflict(format!(
                    "{} is needed by {}; switch {} off first.",
                    manifest.name,
                    join_names(&dependents),
                    if dependents.len() == 1 { "it" } else { "them" }
                )));
            }
            vec![plugin_id.to_string()]
        };
        if plan.len() == 1
            && currently == enabled
            && rows.get(plugin_id).and_then(|r| r.enabled) == Some(enabled)
        {
            return Ok(EnablementChange { changed: vec![] });
        }

        let now = now_ms();
        let mut after = rows.clone();
        for id in &plan {
            after.entry(id.clone()).or_default().enabled = Some(enabled);
            sqlx::query(
                "INSERT INTO organization_plugins (organization_id, plugin_id, enabled, granted, config, enabled_at, enabled_by, updated_at)
                 VALUES ($1, $2, $3, $4, '{}', $5, $6, $5)
                 ON CONFLICT (organization_id, plugin_id) DO UPDATE SET
                     enabled = excluded.enabled, enabled_at = excluded.enabled_at,
                     enabled_by = excluded.enabled_by, updated_at = excluded.updated_at",
            )
            .bind(org_id)
            .bind(id)
            .bind(enabled)
            .bind(false)
            .bind(now)
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await?;
            actor
                .audit(
                    &mut tx,
                    Some(org_id),
                    if enabled {
                        "plugin.enable"
                    } else {
                        "plugin.disable"
                    },
                    serde_json::json!({ "plugin": id }),
                )
                .await?;
        }
        // Hooks for every plugin whose state changes — the ones switched and any that come on
        // or go off with them — dependencies first when switching on, dependents first off.
        let mut order: Vec<&String> = self.load_order.iter().collect();
        if !enabled {
            order.reverse();
        }
        let mut changed = Vec::new();
        for id in order {
            let (before, now_on) = (self.on_with(id, &rows, 0), self.on_with(id, &after, 0));
            if before == now_on {
                continue;
            }
            let Some(entry) = self.entries.iter().find(|e| &e.id == id) else {
                continue;
            };
            let config = self.layers_effective(id, &after);
            let mut ctx = HookContext {
                org_id,
                config,
                conn: &mut tx,
            };
            let hook = if now_on {
                entry.bundle.plugin.on_enable(&mut ctx).await
            } else {
                entry.bundle.plugin.on_disable(&mut ctx).await
            };
            if let Err(e) = hook {
                tx.rollback().await.ok();
                let name = self.name_of(id);
                let way = if now_on { "on" } else { "off" };
                tracing::warn!(plugin = %id, org_id, error = %describe(&e), "plugin hook failed; change rolled back");
                return Err(match e {
                    Error::Internal => Error::upstream(
                        name.clone(),
                        format!("{name} could not be switched {way}; nothing was changed."),
                    ),
                    other => Error::conflict(format!(
                        "{name} refused to be switched {way}: {}. Nothing was changed.",
                        other.message()
                    )),
                });
            }
            changed.push(id.clone());
        }
        tx.commit().await?;
        self.invalidate(Some(org_id));
        for id in &changed {
            let plugin_id = id.clone();
            if self.on_with(id, &after, 0) {
                self.events
                    .emit(Some(org_id), actor.user_id, PluginEnabled { plugin_id });
            } else {
                self.events
                    .emit(Some(org_id), actor.user_id, PluginDisabled { plugin_id });
            }
        }
        Ok(EnablementChange { changed })
    }

    /// A private plugin not granted to the organization does not exist for it.
    fn visible_to_org(
        &self,
        manifest: &Manifest,
        rows: &BTreeMap<String, OrgRow>,
    ) -> Result<(), Error> {
        if manifest.private && !rows.get(&manifest.id).is_some_and(|r| r.granted) {
            Err(Error::not_found(format!(
                "There is no plugin `{}`.",
                manifest.id
            )))
        } else {
            Ok(())
        }
    }

    /// Required plugins (recursively, dependencies first) that are off for the organization.
    fn missing_dependencies(
        &self,
        id: &str,
        rows: &BTreeMap<String, OrgRow>,
        out: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), Error> {
        let manifest = self.known(id)?;
        if depth > self.entries.len() {
            return Ok(());
        }
        for dep in &manifest.requires.plugins {
            if self.on_with(&dep.id, rows, 0) || out.contains(&dep.id) {
                continue;
            }
            if let Some(block) = self.org_block(&dep.id, rows) {
                return Err(Error::conflict(format!(
                    "{} needs {}, which cannot be switched on here: {block}.",
                    manifest.name,
                    self.name_of(&dep.id)
                )));
            }
            self.missing_dependencies(&dep.id, rows, out, depth + 1)?;
            if !self.chosen(self.known(&dep.id)?, rows) {
                out.push(dep.id.clone());
            }
        }
        Ok(())
    }

    fn layers_effective(&self, id: &str, rows: &BTreeMap<String, OrgRow>) -> Value {
        let Some(entry) = self.entries.iter().find(|e| e.id == id) else {
            return Value::Object(Map::new());
        };
        let code = entry.bundle.plugin.default_config();
        let schema = entry
            .manifest
            .as_ref()
            .and_then(Manifest::config_schema_json);
        let install = self.install(id).config;
        let org = rows
            .get(id)
            .map(|r| r.config.clone())
            .unwrap_or(Value::Object(Map::new()));
        Layers {
            code: &code,
            schema: schema.as_ref(),
            install: &install,
            organization: &org,
        }
        .effective()
    }

    /// The configuration a plugin runs with in this organization.
    pub async fn effective_config(&self, org_id: i64, plugin_id: &str) -> Result<Value, Error> {
        self.known(plugin_id)?;
        let rows = self.org_rows(org_id).await?;
        Ok(self.layers_effective(plugin_id, &rows))
    }

    /// Schema, effective values, the organization's overrides and the key/value view.
    pub async fn config_view(
        &self,
        org_id: i64,
        plugin_id: &str,
    ) -> Result<PluginConfigView, Error> {
        let manifest = self.known(plugin_id)?;
        let rows = self.org_rows(org_id).await?;
        self.visible_to_org(manifest, &rows)?;
        let entry = self
            .entries
            .iter()
            .find(|e| e.id == plugin_id)
            .ok_or_else(|| Error::not_found(format!("There is no plugin `{plugin_id}`.")))?;
        let code = entry.bundle.plugin.default_config();
        let schema = manifest
            .config_schema_json()
            .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}}));
        let install = self.install(plugin_id).config;
        let overrides = rows
            .get(plugin_id)
            .map(|r| r.config.clone())
            .unwrap_or(Value::Object(Map::new()));
        let layers = Layers {
            code: &code,
            schema: Some(&schema),
            install: &install,
            organization: &overrides,
        };
        Ok(PluginConfigView {
            plugin_id: plugin_id.to_string(),
            plugin_name: manifest.name.clone(),
            effective: layers.effective(),
            entries: layers.entries(),
            schema,
            overrides,
        })
    }

    /// Replaces the organization's overrides, after validating the effective result.
    pub async fn set_config(
        &self,
        org_id: i64,
        plugin_id: &str,
        overrides: Value,
        actor: &Actor,
    ) -> Result<PluginConfigView, Error> {
        let manifest = self.known(plugin_id)?;
        if !overrides.is_object() {
            return Err(Error::invalid(
                "config",
                "Settings must be an object of keys and values.",
            ));
        }
        crate::input::check_document_budget("config", &overrides)?;
        ensure_org_exists(&self.db, org_id).await?;
        let rows = self.org_rows(org_id).await?;
        self.visible_to_org(manifest, &rows)?;
        // Keys equal to what the organization would inherit are not stored, so later changes to
        // the install config or defaults still reach it; partial objects are fine.
        let mut without = (*rows).clone();
        without.entry(plugin_id.to_string()).or_default().config = Value::Object(Map::new());
        let inherited = self.layers_effective(plugin_id, &without);
        let desired = config::merge(&inherited, &overrides);
        if let Some(schema) = manifest.config_schema_json() {
            config::validate(&schema, &desired)?;
            // A Discord channel setting must be in a server linked to this organization.
            let before = self.layers_effective(plugin_id, &rows);
            crate::bot::channels::check_config_channels(
                &self.bot,
                &self.db,
                org_id,
                &schema,
                Some(&before),
                &desired,
            )
            .await?;
        }
        let overrides = config::diff(&desired, &inherited);
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO organization_plugins (organization_id, plugin_id, enabled, granted, config, updated_at)
             VALUES ($1, $2, NULL, $3, $4, $5)
             ON CONFLICT (organization_id, plugin_id) DO UPDATE SET
                 config = excluded.config, updated_at = excluded.updated_at",
        )
        .bind(org_id)
        .bind(plugin_id)
        .bind(false)
        .bind(overrides.to_string())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "plugin.config",
                serde_json::json!({ "plugin": plugin_id, "config": overrides }),
            )
            .await?;
        tx.commit().await?;
        self.invalidate(Some(org_id));
        self.config_view(org_id, plugin_id).await
    }

    /// The install configuration as stored (site admins edit it).
    pub fn install_config(&self, plugin_id: &str) -> Result<Value, Error> {
        self.known(plugin_id)?;
        Ok(self.install(plugin_id).config)
    }

    /// Site admin: the install configuration (between schema defaults and org overrides).
    pub async fn set_install_config(
        &self,
        plugin_id: &str,
        config_value: Value,
        actor: &Actor,
    ) -> Result<(), Error> {
        let manifest = self.known(plugin_id)?;
        if !config_value.is_object() {
            return Err(Error::invalid(
                "config",
                "Settings must be an object of keys and values.",
            ));
        }
        crate::input::check_document_budget("config", &config_value)?;
        if let Some(schema) = manifest.config_schema_json() {
            let entry = self.entries.iter().find(|e| e.id == plugin_id);
            let code = entry
                .map(|e| e.bundle.plugin.default_config())
                .unwrap_or(Value::Null);
            let empty = Value::Object(Map::new());
            let effective = Layers {
                code: &code,
                schema: Some(&schema),
                install: &config_value,
                organization: &empty,
            }
            .effective();
            config::validate(&schema, &effective)?;
        }
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE plugins SET config = $1, updated_at = $2 WHERE id = $3")
            .bind(config_value.to_string())
            .bind(now_ms())
            .bind(plugin_id)
            .execute(&mut *tx)
            .await?;
        actor
            .audit(
                &mut tx,
                None,
                "plugin.install_config",
                serde_json::json!({ "plugin": plugin_id, "config": config_value }),
            )
            .await?;
        tx.commit().await?;
        if let Ok(mut installs) = self.installs.write() {
            if let Some(install) = installs.get_mut(plugin_id) {
                install.config = config_value;
            }
        }
        Ok(())
    }

    /// Site admin: active plugins load at start; an inactive one is off everywhere at once and
    /// not loaded at the next start.
    pub async fn set_active(
        &self,
        plugin_id: &str,
        active: bool,
        actor: &Actor,
    ) -> Result<(), Error> {
        let manifest = self.known(plugin_id)?;
        if !active {
            let needed_by: Vec<String> = self
                .dependents(plugin_id)
                .into_iter()
                .filter(|d| self.install(d).active && self.status(d) == Some(PluginStatus::Loaded))
                .map(|d| self.name_of(&d))
                .collect();
            if !needed_by.is_empty() {
                return Err(Error::conflict(format!(
                    "{} is required by {}; set {} inactive first.",
                    manifest.name,
                    join_names(&needed_by),
                    if needed_by.len() == 1 { "it" } else { "them" }
                )));
            }
        }
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE plugins SET active = $1, updated_at = $2 WHERE id = $3")
            .bind(active)
            .bind(now_ms())
            .bind(plugin_id)
            .execute(&mut *tx)
            .await?;
        actor
            .audit(
                &mut tx,
                None,
                if active {
                    "plugin.activate"
                } else {
                    "plugin.deactivate"
                },
                serde_json::json!({ "plugin": plugin_id }),
            )
            .await?;
        tx.commit().await?;
        if let Ok(mut installs) = self.installs.write() {
            installs
                .entry(plugin_id.to_string())
                .or_insert(Install {
                    active,
                    config: Value::Object(Map::new()),
                })
                .active = active;
        }
        self.invalidate(None);
        Ok(())
    }

    /// Site admin: gives (or takes back) an organization's access to a private plugin.
    pub async fn set_granted(
        &self,
        org_id: i64,
        plugin_id: &str,
        granted: bool,
        actor: &Actor,
    ) -> Result<(), Error> {
        let manifest = self.known(plugin_id)?;
        if !manifest.private {
            return Err(Error::invalid(
                "plugin_id",
                format!(
                    "{} is not private: every organization can use it.",
                    manifest.name
                ),
            ));
        }
        ensure_org_exists(&self.db, org_id).await?;
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO organization_plugins (organization_id, plugin_id, enabled, granted, config, updated_at)
             VALUES ($1, $2, NULL, $3, '{}', $4)
             ON CONFLICT (organization_id, plugin_id) DO UPDATE SET
                 granted = excluded.granted, updated_at = excluded.updated_at",
        )
        .bind(org_id)
        .bind(plugin_id)
        .bind(granted)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                if granted {
                    "plugin.grant"
                } else {
                    "plugin.revoke"
                },
                serde_json::json!({ "plugin": plugin_id }),
            )
            .await?;
        tx.commit().await?;
        self.invalidate(Some(org_id));
        Ok(())
    }

    /// Runs a loaded (or failed-in-on_load) plugin's registrations again without a restart:
    /// its services are dropped and `on_load` runs anew.
    pub async fn reload(&self, plugin_id: &str) -> Result<PluginStatus, Error> {
        let manifest = self.known(plugin_id)?;
        let status = self.status(plugin_id);
        let on_load_failed = self
            .reason(plugin_id)
            .is_some_and(|r| r.starts_with("on_load failed"));
        if status != Some(PluginStatus::Loaded) && !on_load_failed {
            return Err(Error::conflict(format!(
                "{} is not loaded ({}); reloading only re-runs a loaded plugin's registrations.",
                manifest.name,
                self.reason(plugin_id).unwrap_or_else(|| "inactive".into())
            )));
        }
        let entry = self
            .entries
            .iter()
            .find(|e| e.id == plugin_id)
            .ok_or_else(|| Error::not_found(format!("There is no plugin `{plugin_id}`.")))?;
        self.forget_registrations(plugin_id);
        let ctx = LoadContext {
            plugin_id: plugin_id.to_string(),
            db: self.db.clone(),
            services: Arc::clone(&self.services),
            events: Arc::clone(&self.events),
            tasks: Arc::clone(&self.tasks),
            bot: Arc::clone(&self.bot),
            feeds: Arc::clone(&self.feeds),
            settings: Arc::clone(&self.settings),
        };
        let state = match entry.bundle.plugin.on_load(&ctx).await {
            Ok(()) => State {
                status: PluginStatus::Loaded,
                reason: None,
            },
            Err(e) => {
                self.forget_registrations(plugin_id);
                failed(format!("on_load failed: {}", describe(&e)))
            }
        };
        tracing::info!(plugin = %plugin_id, status = state.status.label(), "plugin reloaded");
        let status = state.status;
        if let Ok(mut states) = self.states.write() {
            states.insert(plugin_id.to_string(), state);
        }
        self.invalidate(None);
        Ok(status)
    }

    /// A service published by another plugin. `consumer` must declare the provider as a
    /// dependency in its manifest.
    pub fn service<T: std::any::Any + Send + Sync>(&self, consumer: &str) -> Result<Arc<T>, Error> {
        let wanted = std::any::type_name::<T>();
        let (owner, service) = self.services.get::<T>().ok_or_else(|| {
            Error::not_found(format!("No loaded plugin provides the service {wanted}."))
        })?;
        let declared = owner == consumer
            || self
                .manifest(consumer)
                .is_some_and(|m| m.declares_dependency_on(&owner));
        if !declared {
            return Err(Error::forbidden(format!(
                "Plugin {consumer} uses {wanted} from {owner} without declaring {owner} in its plugin.toml."
            )));
        }
        Ok(service)
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

async fn read_installs(db: &Db) -> Result<BTreeMap<String, Install>, Error> {
    let rows = sqlx::query("SELECT id, active, config FROM plugins")
        .fetch_all(db.pool())
        .await?;
    let mut out = BTreeMap::new();
    for row in rows {
        let id: String = row.try_get("id")?;
        let active: Flag = row.try_get("active")?;
        let config: String = row.try_get("config")?;
        out.insert(
            id,
            Install {
                active: active.0,
                config: serde_json::from_str(&config).unwrap_or(Value::Object(Map::new())),
            },
        );
    }
    Ok(out)
}

/// Drops an organization's cached enablement whenever an event of type `E` names it.
fn forget_on<E: Event>(events: &EventBus, orgs: Arc<RwLock<HashMap<i64, CachedOrg>>>) {
    events.listen::<E, _, _>("core", move |envelope| {
        let orgs = Arc::clone(&orgs);
        async move {
            if let (Some(org), Ok(mut orgs)) = (envelope.org_id, orgs.write()) {
                orgs.remove(&org);
            }
            Ok(())
        }
    });
}

/// The organization's rows (inside a transaction, or on a pooled connection for the cache).
async fn read_org_rows(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<BTreeMap<String, OrgRow>, Error> {
    let rows = sqlx::query(
        "SELECT plugin_id, enabled, granted, config FROM organization_plugins
         WHERE organization_id = $1",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut map = BTreeMap::new();
    for row in rows {
        let (id, org_row) = org_row(&row)?;
        map.insert(id, org_row);
    }
    Ok(map)
}

fn org_row(row: &AnyRow) -> Result<(String, OrgRow), Error> {
    let id: String = row.try_get("plugin_id")?;
    let enabled: Option<Flag> = row.try_get("enabled")?;
    let granted: Flag = row.try_get("granted")?;
    let config: String = row.try_get("config")?;
    Ok((
        id,
        OrgRow {
            enabled: enabled.map(|f| f.0),
            granted: granted.0,
            config: serde_json::from_str(&config).unwrap_or(Value::Object(Map::new())),
        },
    ))
}
