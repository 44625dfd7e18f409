//! Notes: a SahaBot plugin.
//!
//! How the pieces fit (the same in every plugin):
//! - `plugin.toml` — the manifest: id, dependencies, permissions, pages, settings schema.
//! - [`model`] — the types the browser and the API see.
//! - [`api`] — server functions under `/api/p/notes/`: guard → service → DTO.
//! - `service` (server) — the rules, unit tested without a database.
//! - `repo` (server) — the SQL, tested on SQLite and PostgreSQL (`tests/`).
//! - [`ui`] — the pages, mounted by the app under `/org/{org_id}/notes` behind the plugin
//!   gate (a 404 when the organization has not switched the plugin on).
//! - `migrations/{sqlite,postgres}` — this plugin's tables, applied at start-up.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

/// This plugin's id, as in `plugin.toml`.
pub const PLUGIN_ID: &str = "notes";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The plugin object the registry loads (the app's generated list calls this).
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(ThePlugin)
}

#[cfg(feature = "ssr")]
struct ThePlugin;

/// Every hook has a default; override `on_load` to publish services, `on_enable` /
/// `on_disable` to prepare or tidy an organization's data.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for ThePlugin {}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    #[test]
    fn manifest_is_valid() {
        let manifest = sdk::plugin::manifest::Manifest::parse(super::MANIFEST, "plugin.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(manifest.id, super::PLUGIN_ID);
    }
}
