//! Async qualifiers: players draw a seed from a pool, press Ready, race the clock on their own
//! time, and are scored against the permalink's par (the rules are in `rules/`).
//!
//! How the pieces fit:
//! - `plugin.toml` — the manifest: actions, pages, events, tasks.
//! - [`rules`] — every rule as a pure function of given facts and `now` (scores, par, leaderboard,
//!   eligibility, pool balancing, reattempts, reviews, timeouts), unit tested.
//! - [`model`] — what the browser and API see (instants as RFC 3339, scores unrounded).
//! - [`actions`] — the actions this plugin defines (`plugin.toml` grants them to roles).
//! - `service` (server) — [`service::Qualifiers`]: each operation in one transaction (scores
//!   recomputed inside it, under the qualifier's lock), audit-logged, then its event; and the
//!   rights and visibility (`hide_results`) every adapter goes through. Web, Discord and tasks
//!   call the same functions with an `sdk::Actor` and a `now`.
//! - `repo` (server) — the SQL, one file per feature, rows read with `sqlx::FromRow`; tested on
//!   SQLite and PostgreSQL (`tests/`).
//! - [`api`] — server functions under `/api/p/async_qualifier/`: guard → service → DTO.
//! - `commands` (server) — Discord: slash commands, the qualifier's embed's Start button and
//!   each run's private thread with Ready / Finish / Forfeit / Get Timer.
//! - `tasks` (server) — the 60-second timeout task and the hourly recalculation.
//! - `listeners` (server) — none yet; `events` — what this plugin emits.
//! - [`ui`] — the pages under `/org/{org_id}/async`.
//!
//! Adapters (`api`, `commands`, `tasks`) depend on the service only, never on each other; the
//! service depends on `repo`, `rules` and `model`.
// Deeply nested page views (tables of buttons) exceed the default in the wasm build.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod commands;
pub mod events;
#[cfg(feature = "ssr")]
pub mod listeners;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod tasks;
pub mod ui;

/// This plugin's id, as in `plugin.toml`.
pub const PLUGIN_ID: &str = "async_qualifier";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The actions of this plugin.
pub mod actions {
    pub const CREATE: &str = "async_tournament:create";
    pub const UPDATE: &str = "async_tournament:update";
    pub const RECALCULATE: &str = "async_tournament:recalculate";
    pub const AUDIT: &str = "async_tournament:audit";
    pub const RUN: &str = "async_race:run";
    pub const REVIEW: &str = "async_race:review";
    pub const APPROVE: &str = "async_race:approve";
    pub const REJECT: &str = "async_race:reject";
}

/// The plugin object the registry loads.
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(AsyncQualifierPlugin)
}

#[cfg(feature = "ssr")]
struct AsyncQualifierPlugin;

#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for AsyncQualifierPlugin {
    /// Registers the Discord commands, the timeout and recalculation tasks and the listeners,
    /// and publishes the service.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        let service = service::Qualifiers::new(ctx.db.clone(), ctx.events()).with_bot(ctx.bot());
        commands::register(ctx, service.clone())?;
        tasks::register(ctx, service.clone())?;
        listeners::register(ctx, service.clone())?;
        ctx.provide(std::sync::Arc::new(service));
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
