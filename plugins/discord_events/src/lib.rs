//! Discord Events: one Discord scheduled event per tournament match, in one of the
//! organization's linked Discord servers, kept in step with the match.
//!
//! How the pieces fit:
//! - `plugin.toml` — requires `tournament` (the matches, their events and service) and
//!   `discordbot` (the site's bot, whose REST client makes the calls); defines
//!   `discord_events:read` and `discord_events:manage`; the `reconcile` task.
//! - [`model`] — a tournament's [`model::EventSettings`] (server, filter, duration, templates)
//!   and the page's status ([`model::TournamentEvents`]).
//! - [`rules`] — pure: which matches get an event and what it says (`plan`), the templates'
//!   placeholders and Discord's limits, the fingerprint of what was sent.
//! - `service` (server) — [`service::DiscordEvents`]: the settings (checked against the
//!   organization's linked servers on save, and again before every call to Discord), one
//!   match's sync, a tournament's reconciliation, the site-wide pass.
//! - `repo` (server) — the settings and the match → Discord event table.
//! - `listeners` (server) — the tournament's match events (scheduled, updated, status changed,
//!   finished, deleted) → `sync_match`.
//! - `tasks` (server) — `reconcile`, every 15 minutes for the whole site (once across
//!   instances: the task engine claims each slot): orphans deleted, lost events recreated.
//! - [`api`] and [`ui`] — the page: per tournament settings, the status list, "Reconcile now".
//! - `commands` and [`events`] — none: the plugin adds no Discord commands and emits nothing.
//!
//! Limits kept on purpose: only matches within 14 days get an event (`rules::HORIZON_MS`;
//! Discord allows 100 upcoming events per server); every event ends with a footer naming its
//! organization, tournament and match (`rules::marker`) — only such events are ever deleted as
//! orphans or adopted, never other plugins' or other organizations' events made by the same
//! site-wide bot. Switching the plugin off stops the syncing, and the next pass of the
//! reconciliation task (within 15 minutes) deletes the events it made (the switch's own
//! transaction must not wait on Discord); the settings stay, and switched on again the events
//! come back.
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
pub const PLUGIN_ID: &str = "discord_events";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The actions `plugin.toml` defines.
pub mod actions {
    pub const READ: &str = "discord_events:read";
    pub const MANAGE: &str = "discord_events:manage";
}

/// The plugin object the registry loads (the app's generated list calls this).
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(ThePlugin {
        started: sdk::plugin::StartedPlatform::new(PLUGIN_ID),
    })
}

/// The platform, once the server started: listeners and the task need it (they are registered
/// in `on_load`, before it exists; CLI commands never start it, so nothing syncs there).
#[cfg(feature = "ssr")]
struct ThePlugin {
    started: sdk::plugin::StartedPlatform,
}

#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for ThePlugin {
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        commands::register(ctx)?;
        tasks::register(ctx, self.started.clone())?;
        listeners::register(ctx, &self.started)?;
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
    fn manifest_is_valid_and_defines_the_actions() {
        let manifest = sdk::plugin::manifest::Manifest::parse(super::MANIFEST, "plugin.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(manifest.id, super::PLUGIN_ID);
        let defined: Vec<&str> = manifest
            .permissions
            .iter()
            .map(|p| p.action.as_str())
            .collect();
        for action in [super::actions::READ, super::actions::MANAGE] {
            assert!(defined.contains(&action), "{action} is not in plugin.toml");
        }
        assert_eq!(manifest.provides.tasks, [crate::tasks::RECONCILE_TASK]);
    }
}
