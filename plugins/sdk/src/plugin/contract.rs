//! The contract between a plugin crate and the host that runs it: the [`Plugin`] trait, what
//! its hooks receive ([`LoadContext`] in `on_load`, [`HookContext`] in `on_enable` and
//! `on_disable`), and the [`Bundle`] a crate hands the registry (manifest, migrations, code).
//!
//! The registry itself lives in the `platform` crate, which plugins never depend on: a plugin
//! sees the running platform only through what these types and [`crate::context::Platform`]
//! offer, so a change inside the host never recompiles a plugin.

use std::{borrow::Cow, collections::BTreeMap, sync::Arc};

use async_trait::async_trait;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use super::{
    cli::{CliCommand, CliRegistry},
    feeds::FeedRegistry,
    services::ServiceRegistry,
};
use crate::{
    bot::{BotCommand, BotComponent, BotRuntime},
    db::{Backend, Db},
    events::{Envelope, Event, EventBus},
    randomizer::RandomizerRegistry,
    tasks::{BuiltinTask, TaskRegistry, TaskType},
    Error,
};

/// One SQL migration file of a plugin (or of the core schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The file name, e.g. `0001_global_settings.sql`.
    pub name: String,
    pub sql: String,
}

impl Migration {
    pub fn new(name: impl Into<String>, sql: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            sql: sql.into(),
        }
    }

    pub fn checksum(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }
}

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

/// The registries plugins contribute to in `on_load`, shared by the whole host: what each
/// plugin adds is recorded under its id, so a reload or a failed `on_load` drops exactly that
/// ([`Registrations::forget`]).
#[derive(Clone, Default)]
pub struct Registrations {
    pub services: Arc<ServiceRegistry>,
    pub events: Arc<EventBus>,
    pub tasks: Arc<TaskRegistry>,
    pub bot: Arc<BotRuntime>,
    pub feeds: Arc<FeedRegistry>,
    pub cli: Arc<CliRegistry>,
    pub randomizers: Arc<RandomizerRegistry>,
}

impl Registrations {
    /// Drops everything `plugin_id` registered.
    pub fn forget(&self, plugin_id: &str) {
        self.services.remove_owner(plugin_id);
        self.events.remove_owner(plugin_id);
        self.tasks.remove_owner(plugin_id);
        self.bot.commands.remove_owner(plugin_id);
        self.bot.components.remove_owner(plugin_id);
        self.feeds.remove_owner(plugin_id);
        self.cli.remove_owner(plugin_id);
        self.randomizers.remove_owner(plugin_id);
    }
}

/// What `on_load` may use.
pub struct LoadContext {
    pub plugin_id: String,
    pub db: Db,
    registrations: Registrations,
    settings: Arc<BTreeMap<String, String>>,
}

impl LoadContext {
    /// What the host hands `plugin_id`'s `on_load`: the shared registries it contributes to.
    pub fn new(
        plugin_id: &str,
        db: Db,
        registrations: Registrations,
        settings: Arc<BTreeMap<String, String>>,
    ) -> Self {
        Self {
            plugin_id: plugin_id.to_string(),
            db,
            registrations,
            settings,
        }
    }

    /// Contributes a command-line command, `sahabot <plugin id> <name> …` (see
    /// [`super::cli`]).
    pub fn cli_command(&self, command: CliCommand) -> Result<(), Error> {
        self.registrations.cli.add(&self.plugin_id, command)
    }

    /// Adds this plugin's randomizer to the host's registry (see [`crate::randomizer`]).
    pub fn randomizer(
        &self,
        randomizer: Arc<dyn crate::randomizer::Randomizer>,
    ) -> Result<(), Error> {
        self.registrations
            .randomizers
            .add(&self.plugin_id, randomizer)
    }

    /// Publishes a service other plugins (that declare this one as a dependency) can fetch.
    pub fn provide<T: std::any::Any + Send + Sync>(&self, service: Arc<T>) {
        self.registrations
            .services
            .provide(&self.plugin_id, service);
    }

    /// Listens to events of type `E` (this plugin's or another's), off the request path.
    pub fn listen<E, F, Fut>(&self, handler: F)
    where
        E: Event,
        F: Fn(Envelope<E>) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), Error>> + Send + 'static,
    {
        self.registrations
            .events
            .listen::<E, F, Fut>(&self.plugin_id, handler);
    }

    /// Listens to events of type `E` inside the transaction of the write that causes them (see
    /// [`EventBus::listen_in_tx`]): for what must commit with its cause, like an outbox row.
    pub fn listen_in_tx<E, F>(&self, handler: F)
    where
        E: Event,
        F: for<'c> Fn(
                &'c mut sqlx::AnyConnection,
                &'c Envelope<E>,
            ) -> crate::events::TxListenerFuture<'c>
            + Send
            + Sync
            + 'static,
    {
        self.registrations
            .events
            .listen_in_tx::<E, F>(&self.plugin_id, handler);
    }

    /// The bus, to emit events from long-lived tasks the plugin starts.
    pub fn events(&self) -> Arc<EventBus> {
        Arc::clone(&self.registrations.events)
    }

    /// Registers a task that runs for the whole site on a fixed schedule.
    pub fn task(&self, task: BuiltinTask) -> Result<(), Error> {
        self.registrations.tasks.add_builtin(&self.plugin_id, task)
    }

    /// Registers a kind of task organizations can schedule.
    pub fn task_type(&self, task_type: TaskType) -> Result<(), Error> {
        self.registrations
            .tasks
            .add_type(&self.plugin_id, task_type)
    }

    /// Contributes a Discord slash command (see [`crate::bot`]).
    pub fn command(&self, command: BotCommand) -> Result<(), Error> {
        self.registrations
            .bot
            .commands
            .add(&self.plugin_id, command)
    }

    /// Answers clicks on buttons whose custom id starts with the component's prefix.
    pub fn component(&self, component: BotComponent) -> Result<(), Error> {
        self.registrations
            .bot
            .components
            .add(&self.plugin_id, component)
    }

    /// The Discord bot's shared state (status, REST client, commands).
    pub fn bot(&self) -> Arc<BotRuntime> {
        Arc::clone(&self.registrations.bot)
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
        self.registrations
            .feeds
            .set(&self.plugin_id, Arc::new(handler))
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

    /// The migrations for `backend`.
    pub fn migrations(&self, backend: Backend) -> &[Migration] {
        match backend {
            Backend::Sqlite => &self.sqlite,
            Backend::Postgres => &self.postgres,
        }
    }
}
