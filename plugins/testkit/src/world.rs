//! [`PluginWorld`]: what a plugin's tests start from — a fresh database on one backend with the
//! core schema, the plugins under test loaded the way the server loads them (manifest,
//! migrations, `on_load`), a site admin, and one organization.
//!
//! ```ignore
//! let world = testkit::plugin_world!(notes, backend).await;
//! let alice = world.member("alice", &["Admin"]).await;
//! let page = world.call(&alice, || notes::api::list_entries(world.org, Default::default())).await;
//! ```
//!
//! A test that needs more (a second plugin, deployment settings) uses [`PluginWorld::builder`];
//! one that talks to Discord points the site's bot at a [`FakeDiscord`] with
//! [`PluginWorld::fake_discord`] and links servers with [`PluginWorld::link_guild`]. A plugin's
//! tests keep their services next to the world in a `World` of their own that reads as the
//! world ([`deref_world!`](crate::deref_world)).

use std::{collections::BTreeMap, path::Path, sync::Arc};

use sdk::{
    auth::{CurrentUser, GlobalLevel},
    bot::DiscordRest,
    db::Backend,
    plugin::{Bundle, Plugin},
    Actor,
};

use crate::{fake_discord::FakeDiscord, TestDb};

/// A built-in plugin as the app's generated list makes it, with its migrations read from
/// `<plugin_dir>/migrations/<backend>/` (pass `env!("CARGO_MANIFEST_DIR")`); a plugin without
/// tables has no such folder.
pub fn bundle_from_dir(
    manifest: &'static str,
    plugin_dir: &str,
    plugin: Arc<dyn Plugin>,
) -> Bundle {
    let read = |backend: &str| {
        let dir = Path::new(plugin_dir).join("migrations").join(backend);
        if !dir.exists() {
            return Vec::new();
        }
        platform::migrate::load_dir(&dir)
            .unwrap_or_else(|e| panic!("could not read {}: {e}", dir.display()))
    };
    Bundle {
        manifest_source: manifest.into(),
        origin: format!("{plugin_dir}/plugin.toml"),
        sqlite: read("sqlite"),
        postgres: read("postgres"),
        plugin,
    }
}

/// The host over `db` with `bundles` loaded as the server loads them; panics naming any plugin
/// that did not load.
pub(crate) async fn load_host(
    db: &sdk::db::Db,
    bundles: Vec<Bundle>,
    options: platform::LoadOptions,
) -> platform::Host {
    let plugins = platform::PluginHost::load(db, bundles, options)
        .await
        .unwrap_or_else(|e| panic!("the plugin host loads: {e}"));
    for id in plugins.ids() {
        if let Some(reason) = plugins.reason(&id) {
            panic!("plugin {id} did not load: {reason}");
        }
    }
    platform::Host::new(db.clone(), Arc::new(plugins), "http://sahabot.test")
}

/// The database, the running platform with the plugins under test, a site admin and an
/// organization.
pub struct PluginWorld {
    pub test: TestDb,
    /// The host with its concrete parts (identity services take its authorizer).
    pub host: platform::Host,
    /// What the plugins see (`sdk::context::Platform`): services are built from this.
    pub platform: sdk::context::Platform,
    /// A SUPERADMIN, who created [`PluginWorld::org`].
    pub admin: CurrentUser,
    /// An organization named "League".
    pub org: i64,
}

/// Which plugins to load and with which deployment settings.
pub struct PluginWorldBuilder {
    backend: Backend,
    bundles: Vec<Bundle>,
    settings: BTreeMap<String, String>,
}

impl PluginWorldBuilder {
    /// Loads this plugin crate too (dependencies first is not required: the registry orders
    /// them).
    pub fn plugin(self, manifest: &'static str, plugin_dir: &str, plugin: Arc<dyn Plugin>) -> Self {
        self.bundle(bundle_from_dir(manifest, plugin_dir, plugin))
    }

    /// Loads a bundle made another way (a test's own small plugin from `Bundle::builtin`).
    pub fn bundle(mut self, bundle: Bundle) -> Self {
        self.bundles.push(bundle);
        self
    }

    /// A deployment setting the plugins read in `on_load` (`DISCORD_TOKEN`, base URLs …).
    pub fn setting(mut self, name: &str, value: impl Into<String>) -> Self {
        self.settings.insert(name.to_string(), value.into());
        self
    }

    /// Creates the database, loads the plugins (panicking with the reason when one does not
    /// load), and makes the admin and the organization.
    pub async fn build(self) -> PluginWorld {
        let test = TestDb::new(self.backend).await;
        test.migrate_core().await;
        let options = platform::LoadOptions {
            settings: self.settings,
            ..platform::LoadOptions::default()
        };
        let host = load_host(&test.db, self.bundles, options).await;
        let platform = host.contract();
        let admin = test.user("admin", GlobalLevel::Superadmin).await;
        let org = test.org(&admin, "League").await;
        PluginWorld {
            test,
            host,
            platform,
            admin,
            org,
        }
    }
}

impl PluginWorld {
    /// One plugin crate on `backend`.
    pub async fn new(
        backend: Backend,
        manifest: &'static str,
        plugin_dir: &str,
        plugin: Arc<dyn Plugin>,
    ) -> Self {
        Self::builder(backend)
            .plugin(manifest, plugin_dir, plugin)
            .build()
            .await
    }

    pub fn builder(backend: Backend) -> PluginWorldBuilder {
        PluginWorldBuilder {
            backend,
            bundles: Vec::new(),
            settings: BTreeMap::new(),
        }
    }

    /// A new plain user, not in any organization.
    pub async fn user(&self, name: &str) -> CurrentUser {
        self.test.user(name, GlobalLevel::User).await
    }

    /// A new user who is a member of [`PluginWorld::org`] with these built-in or custom roles
    /// (none: a plain member).
    pub async fn member(&self, name: &str, roles: &[&str]) -> CurrentUser {
        self.member_of(self.org, name, roles).await
    }

    /// A new user who is a member of `org` with these roles.
    pub async fn member_of(&self, org: i64, name: &str, roles: &[&str]) -> CurrentUser {
        let user = self.user(name).await;
        self.join(org, &user, roles).await;
        user
    }

    /// Makes an existing user a member of `org` with these roles, as the admin.
    pub async fn join(&self, org: i64, user: &CurrentUser, roles: &[&str]) {
        let db = &self.test.db;
        let authorizer = &self.host.authorizer;
        platform::identity::orgs::add_member(db, authorizer, &self.admin, org, user.id, None)
            .await
            .unwrap_or_else(|e| panic!("{} joins organization {org}: {e}", user.username));
        for role in roles {
            platform::identity::roles::assign(
                db,
                authorizer,
                &self.admin,
                org,
                user.id,
                role,
                None,
            )
            .await
            .unwrap_or_else(|e| panic!("{} gets the role {role}: {e}", user.username));
        }
    }

    /// Switches `plugin_id` (and what it requires) on or off for [`PluginWorld::org`], as the
    /// admin would on the Plugins tab.
    pub async fn set_enabled(&self, plugin_id: &str, enabled: bool) {
        self.set_enabled_in(self.org, plugin_id, enabled).await
    }

    /// Switches `plugin_id` (and what it requires) on or off for `org`, as the admin.
    pub async fn set_enabled_in(&self, org: i64, plugin_id: &str, enabled: bool) {
        let actor = Actor::user(self.admin.clone());
        self.plugins()
            .set_enabled(org, plugin_id, enabled, enabled, &actor)
            .await
            .unwrap_or_else(|e| panic!("switching {plugin_id} to {enabled} in {org}: {e}"));
    }

    /// The plugin registry: switching plugins, their configuration, the bot runtime.
    pub fn plugins(&self) -> &Arc<platform::PluginHost> {
        &self.host.plugins
    }

    /// Starts the plugins' background work (`on_start`: listeners, tasks) as the server does
    /// once they are loaded.
    pub async fn start(&self) {
        self.plugins().start(&self.platform).await
    }

    /// A second organization, created by the admin.
    pub async fn other_org(&self, name: &str) -> i64 {
        self.test.org(&self.admin, name).await
    }

    /// A second organization, created by the site admin, with `admin` in its Admin role.
    pub async fn org_with_admin(&self, name: &str, admin: &CurrentUser) -> i64 {
        let org = self.other_org(name).await;
        self.join(org, admin, &["Admin"]).await;
        org
    }

    /// `user` as the services' actor (from no particular address).
    pub fn actor(&self, user: &CurrentUser) -> Actor {
        Actor::user(user.clone())
    }

    /// Runs `f` as a request by `user` would run a server function (see [`crate::as_caller`]).
    pub async fn call<T, F, Fut>(&self, user: &CurrentUser, f: F) -> T
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        crate::as_caller(&self.platform, user, f).await
    }
}

/// The site's Discord, faked: the bot's REST calls go to a [`FakeDiscord`], servers are linked
/// to organizations and users have Discord accounts.
impl PluginWorld {
    /// Starts a fake Discord and points the site's bot at it (its channels are added with
    /// [`FakeDiscord::add_channel`]).
    pub async fn fake_discord(&self) -> FakeDiscord {
        let fake = FakeDiscord::start().await;
        self.use_bot(Some(&fake));
        fake
    }

    /// Points the site's bot at `fake`; `None` leaves the site without a bot.
    pub fn use_bot(&self, fake: Option<&FakeDiscord>) {
        let rest = fake.map(|f| DiscordRest::new(format!("{}/v10", f.api_url()), "fake-bot-token"));
        self.plugins().bot().set_rest(rest);
    }

    /// The Discord server `guild` linked to `org` by the admin, as linking it leaves it.
    pub async fn link_guild(&self, guild: &str, org: i64) {
        // not audited: a test fixture, as if the link had been made long ago.
        sqlx::query(
            "INSERT INTO discord_guilds (guild_id, organization_id, guild_name, linked_by, linked_at)
             VALUES ($1, $2, 'A server', $3, 0)",
        )
        .bind(guild)
        .bind(org)
        .bind(self.admin.id)
        .execute(self.test.db.pool())
        .await
        .unwrap_or_else(|e| panic!("linking server {guild} to {org}: {e}"));
    }

    /// The Discord server `guild` linked to nobody any more.
    pub async fn unlink_guild(&self, guild: &str) {
        sqlx::query("DELETE FROM discord_guilds WHERE guild_id = $1")
            .bind(guild)
            .execute(self.test.db.pool())
            .await
            .unwrap_or_else(|e| panic!("unlinking server {guild}: {e}"));
    }

    /// Gives `user` the Discord account `discord_id`, as signing in with Discord does.
    pub async fn set_discord_id(&self, user: &CurrentUser, discord_id: &str) {
        // not audited: a test fixture, as if the user had signed in with Discord.
        sqlx::query("UPDATE users SET discord_id = $1 WHERE id = $2")
            .bind(discord_id)
            .bind(user.id)
            .execute(self.test.db.pool())
            .await
            .unwrap_or_else(|e| panic!("{} gets Discord id {discord_id}: {e}", user.username));
    }
}

/// The [`PluginWorld`] of the plugin crate whose tests say it: `plugin_world!(notes, backend)` is
/// `PluginWorld::new(backend, notes::MANIFEST, env!("CARGO_MANIFEST_DIR"), notes::plugin())`, a
/// future to await.
#[macro_export]
macro_rules! plugin_world {
    ($plugin:ident, $backend:expr) => {
        $crate::PluginWorld::new(
            $backend,
            $plugin::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            $plugin::plugin(),
        )
    };
}

/// A test's own world that holds a [`PluginWorld`] in its field `world` (and the plugin's
/// services next to it) reads as that world: `w.org`, `w.platform`, `w.member(..)`.
/// `deref_world!(World);` after `struct World { world: PluginWorld, svc: Tournaments }`.
#[macro_export]
macro_rules! deref_world {
    ($world:ty) => {
        impl ::std::ops::Deref for $world {
            type Target = $crate::PluginWorld;
            fn deref(&self) -> &$crate::PluginWorld {
                &self.world
            }
        }
    };
}
