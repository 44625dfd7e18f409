//! Presets: namespaces of randomizer presets, shared by organizations and users.
//!
//! Presets work with or without an organization: a namespace is owned by a user or by an
//! organization, and every call names the organization it is made from, if any (site-wide,
//! only the caller's own and public things are in reach).
//!
//! How the pieces fit:
//! - `plugin.toml` — the manifest: actions, pages, events, the services it publishes.
//! - [`format`] — the YAML preset format (mapping, SahasrahBot's wrapper, mystery detection,
//!   the size budgets).
//! - [`model`] — what the browser and API see.
//! - [`rules`] — the pure rules: who may do what in a namespace, which presets are visible,
//!   what names and slugs look like, what a seed may say it was rolled for.
//! - `service` (server) — `Presets`: loads the facts, applies the rules, writes each change in
//!   one transaction with its audit entry, then emits the event; every adapter goes through it.
//!   Also `PresetService` (a preset's settings by key, for other plugins) and the randomizers
//!   presets can be written for (`service::randomizers`: the host's registry of randomizer
//!   plugins, against which a preset is checked when saved).
//! - `repo` (server) — the SQL, tested on SQLite and PostgreSQL (`tests/`).
//! - [`api`] — server functions under `/api/p/presets/`: guard → service → DTO.
//! - [`ui`] — the pages under `/org/{org_id}/presets`, one file per page.
//! - `commands` (server) — the `/preset` Discord command.
//! - `roll_command` (server) — the roll command every randomizer plugin registers on Discord
//!   (`/alttpr`, `/smz3`, …), with preset suggestions while typing.
//! - `tasks` (server) — the `post_list` task type (a namespace's presets to a channel).
//! - `listeners` (server) — the announcement of new presets in the organization's channel.
//! - `messages` (server) — the texts the bot posts.
//! - [`events`] — PresetCreated / PresetUpdated / PresetDeleted / NamespaceCreated.
//! - `samples` (server, tests only) — hostile preset documents from a seed, for the fuzz tests.
// Page views are deep types; the full-type (release) wasm build, which hydrates them
// asynchronously, needs more than rustc's default limit of 128.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod commands;
pub mod events;
#[cfg(feature = "ssr")]
pub mod format;
#[cfg(not(feature = "ssr"))]
pub mod format {
    //! The preset kinds, for the browser (parsing happens on the server).
    pub use crate::kind::PresetKind;
}
mod kind;
#[cfg(feature = "ssr")]
pub mod listeners;
#[cfg(feature = "ssr")]
pub mod messages;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod roll_command;
pub mod rules;
#[cfg(feature = "ssr")]
#[doc(hidden)]
pub mod samples;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod tasks;
pub mod ui;

/// This plugin's id, as in `plugin.toml`.
pub const PLUGIN_ID: &str = "presets";

/// The actions this plugin defines (`[[permissions]]` in plugin.toml), as the service asks the
/// authorizer about them.
pub mod actions {
    /// See the organization's private presets.
    pub const PRESET_READ: &str = "preset:read";
    /// Add presets to the organization's namespaces.
    pub const PRESET_CREATE: &str = "preset:create";
    /// Change presets in the organization's namespaces.
    pub const PRESET_UPDATE: &str = "preset:update";
    /// Delete presets in the organization's namespaces.
    pub const PRESET_DELETE: &str = "preset:delete";
    /// Create the organization's namespaces and grant people rights in them.
    pub const NAMESPACE_MANAGE: &str = "namespace:manage";
    /// Roll seeds for the organization.
    pub const SEED_ROLL: &str = "seed:roll";
    /// See spoiler logs before the organization releases them, and release them.
    pub const SEED_SPOILER: &str = "seed:spoiler";
}

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The plugin object the registry loads.
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(PresetsPlugin {
        started: sdk::plugin::StartedPlatform::new(PLUGIN_ID),
    })
}

#[cfg(feature = "ssr")]
struct PresetsPlugin {
    /// The running platform, for listeners that read organizations' settings (set in
    /// `on_start`; empty for CLI commands, which do not start background work).
    started: sdk::plugin::StartedPlatform,
}

#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for PresetsPlugin {
    /// Registers the `/preset` command, the `post_list` task type and the new-preset
    /// announcement; publishes the preset lookup for other plugins.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        commands::register(ctx)?;
        tasks::register(ctx)?;
        listeners::register(ctx, self.started.clone())?;
        ctx.provide(std::sync::Arc::new(service::PresetService::new(
            ctx.db.clone(),
        )));
        Ok(())
    }

    async fn on_start(&self, platform: &sdk::context::Platform) -> Result<(), sdk::Error> {
        self.started.set(platform.clone());
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

    #[test]
    fn every_action_is_in_the_manifest() {
        use super::actions::*;
        let manifest = sdk::plugin::manifest::Manifest::parse(super::MANIFEST, "plugin.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        let declared: Vec<&str> = manifest
            .permissions
            .iter()
            .map(|p| p.action.as_str())
            .collect();
        for action in [
            PRESET_READ,
            PRESET_CREATE,
            PRESET_UPDATE,
            PRESET_DELETE,
            NAMESPACE_MANAGE,
            SEED_ROLL,
            SEED_SPOILER,
        ] {
            assert!(declared.contains(&action), "{action} is not in plugin.toml");
        }
    }
}
