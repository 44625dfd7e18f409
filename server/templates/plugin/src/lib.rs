//! __NAME__: a SahaBot plugin.
//!
//! How the pieces fit (the same in every plugin; docs/plugins.md explains each):
//! - `plugin.toml` — the manifest: id, dependencies, permissions, pages, settings schema.
//! - [`actions`] — the names of the actions the manifest defines, for code to check.
//! - [`model`] — the types the browser and the API see (rows read with `FromRow`).
//! - [`rules`] — pure rules with `now` passed in, unit tested without a database.
//! - `service` (server) — [`service::Entries`]: every adapter (API, pages, Discord, tasks)
//!   calls it with an `sdk::Actor`; it decides rights and visibility, writes each change in one
//!   transaction with its audit entry, and emits the plugin's [`events`].
//! - `repo` (server) — the SQL, tested on SQLite and PostgreSQL (`tests/`).
//! - [`api`] — server functions under `/api/p/__ID__/`: guard → service → DTO.
//! - [`ui`] — the pages, mounted by the app under `/org/{org_id}/__ROUTE__` behind the plugin
//!   gate (a 404 when the organization has not switched the plugin on).
//! - `commands`, `tasks`, `listeners` (server) — what the plugin registers in `on_load`:
//!   Discord commands, scheduled tasks, event listeners.
//! - `migrations/{sqlite,postgres}` — this plugin's tables, applied at start-up.
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
pub const PLUGIN_ID: &str = "__ID__";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The actions `plugin.toml` defines.
pub mod actions {
    pub const READ: &str = "__ID__:read";
    pub const WRITE: &str = "__ID__:write";
}

/// The plugin object the registry loads (the app's generated list calls this).
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(ThePlugin)
}

#[cfg(feature = "ssr")]
struct ThePlugin;

/// Every hook has a default; `on_enable` / `on_disable` can prepare or tidy an organization's
/// data inside the transaction that switches the plugin.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for ThePlugin {
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        commands::register(ctx)?;
        tasks::register(ctx)?;
        listeners::register(ctx)?;
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
        for action in [super::actions::READ, super::actions::WRITE] {
            assert!(defined.contains(&action), "{action} is not in plugin.toml");
        }
    }
}
