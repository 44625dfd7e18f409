//! Presets: namespaces of randomizer presets, shared by organizations and users.
//!
//! How the pieces fit:
//! - `plugin.toml` — the manifest: actions, pages, events, the services it publishes.
//! - [`format`] — the YAML preset format (mapping, SahasrahBot's wrapper, mystery detection).
//! - [`model`] — what the browser and API see.
//! - [`api`] — server functions under `/api/p/presets/`.
//! - `service` (server) — who may do what (a pure `rights` function) and every write, each in one
//!   transaction followed by its event; `PresetService` for other plugins.
//! - `repo` (server) — the SQL, tested on SQLite and PostgreSQL (`tests/`).
//! - `randomizers` — the registry of randomizers, published as a service other plugins extend.
//! - [`events`] — PresetCreated / PresetUpdated / PresetDeleted / NamespaceCreated.
//! - [`ui`] — the pages under `/org/{org_id}/presets`.
//! - `samples` (server, tests only) — hostile preset documents from a seed, for the fuzz tests.

pub mod api;
#[cfg(feature = "ssr")]
pub mod discord;
pub mod events;
#[cfg(feature = "ssr")]
pub mod format;
#[cfg(not(feature = "ssr"))]
pub mod format {
    //! The preset kinds, for the browser (parsing happens on the server).
    pub use crate::kind::PresetKind;
}
mod kind;
pub mod model;
pub mod randomizers;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
#[doc(hidden)]
pub mod samples;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

/// This plugin's id, as in `plugin.toml`.
pub const PLUGIN_ID: &str = "presets";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The plugin object the registry loads.
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(PresetsPlugin::default())
}

#[cfg(feature = "ssr")]
#[derive(Default)]
struct PresetsPlugin {
    /// The running platform, for listeners that read organizations' settings (set in
    /// `on_start`; empty for CLI commands, which do not start background work).
    platform: std::sync::Arc<std::sync::OnceLock<sdk::context::Platform>>,
}

#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for PresetsPlugin {
    /// Publishes the randomizer registry and the preset lookup for other plugins; registers the
    /// `/preset` command, the `post_list` task type and the new-preset announcement.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        discord::register(ctx, std::sync::Arc::clone(&self.platform))?;
        ctx.provide(std::sync::Arc::new(
            randomizers::RandomizerRegistry::with_known(),
        ));
        ctx.provide(std::sync::Arc::new(service::PresetService::new(
            ctx.db.clone(),
        )));
        Ok(())
    }

    async fn on_start(&self, platform: &sdk::context::Platform) -> Result<(), sdk::Error> {
        self.platform.set(platform.clone()).ok();
        Ok(())
    }
}

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
