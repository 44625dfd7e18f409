//! SpeedGaming: a tournament follows its event on speedgaming.org. Every 5 minutes the import
//! task reads the event's schedule (2 hours back, 7 days ahead) and keeps one match per episode:
//! its title, time, players, stream channel and approved crew (crew who signed up here stay; a
//! waiting sign-up that SpeedGaming approved is approved). People are found by Discord id,
//! Discord tag or their remembered SpeedGaming id, else they get a placeholder user that becomes
//! their real account when they sign in with Discord. Synced matches finish by themselves 4 hours
//! after their time; a scheduled one whose episode is missing from two successful runs in a row
//! is deleted (an empty answer deletes nothing); finished ones are never
//! touched. While a tournament's sync is on, its matches' synced fields are locked in the
//! tournament plugin (hand edits are refused, saying why); switching the plugin off for an
//! organization lifts them (`on_disable`).
//!
//! How the pieces fit (docs/plugins.md explains each):
//! - `plugin.toml` — the manifest: requires `tournament`; the `base_url` setting only site admins
//!   set; the two built-in tasks.
//! - [`rules`] — pure: reading the schedule answer, what a match made from an episode is, the
//!   window, auto-finish and vanishing, the slug.
//! - `service` (server) — [`service::SpeedGaming`]: links, a sync run, people and placeholders,
//!   the upstream request. The matches are written through `tournament::service::Tournaments`
//!   (`sync_match` and friends), which writes only what differs and emits the tournament's
//!   events.
//! - `repo` (server) — the SQL of this plugin's tables and of the user lookups.
//! - [`api`] and [`ui`] — the sync page: per linked tournament its status, last run, changes and
//!   errors, with "sync now" and the link form (`tournament:update`).
//! - `tasks` (server) — `import` (every 300 s) and `cleanup_placeholders` (daily, 02:00 UTC).
// Page views are deep types; the full-type (release) wasm build, which hydrates them
// asynchronously, needs more than rustc's default limit of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod events;
pub mod model;
pub mod rules;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod commands;
#[cfg(feature = "ssr")]
pub mod listeners;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod tasks;

/// This plugin's id, as in `plugin.toml`.
pub const PLUGIN_ID: &str = "speedgaming";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The actions `plugin.toml` defines.
pub mod actions {
    pub const READ: &str = "speedgaming:read";
}

/// The plugin object the registry loads (the app's generated list calls this).
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(ThePlugin {
        started: sdk::plugin::StartedPlatform::new(PLUGIN_ID),
    })
}

#[cfg(feature = "ssr")]
struct ThePlugin {
    started: sdk::plugin::StartedPlatform,
}

#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for ThePlugin {
    fn default_config(&self) -> serde_json::Value {
        serde_json::json!({ "base_url": rules::DEFAULT_URL })
    }

    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        commands::register(ctx)?;
        tasks::register(ctx, self.started.clone())?;
        listeners::register(ctx)?;
        Ok(())
    }

    /// Switched off for an organization: its matches' SpeedGaming field locks go too (a lock
    /// only means something while the sync that keeps the fields can run), in the enablement
    /// change's transaction.
    async fn on_disable(&self, ctx: &mut sdk::plugin::HookContext<'_>) -> Result<(), sdk::Error> {
        tournament::service::Tournaments::release_org_field_locks_in(
            ctx.conn,
            ctx.org_id,
            rules::HOLDER,
        )
        .await?;
        Ok(())
    }

    /// The server is up: the tasks may use the platform.
    async fn on_start(&self, platform: &sdk::context::Platform) -> Result<(), sdk::Error> {
        self.started.set(platform.clone());
        Ok(())
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    #[test]
    fn manifest_is_valid_and_defines_the_actions() {
        let manifest = sdk::plugin::manifest::Manifest::parse(super::MANIFEST, "plugin.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(manifest.id, super::PLUGIN_ID);
        let defined: Vec<&str> = manifest
            .permissions
            .iter()
            .map(|p| p.action.as_str())
            .collect();
        let action = super::actions::READ;
        assert!(defined.contains(&action), "{action} is not in plugin.toml");
    }
}
