//! Async qualifiers: players draw a seed from a pool, press Ready, race the clock on their own
//! time, and are scored against the permalink's par (the rules are in `rules.rs`).
//!
//! How the pieces fit:
//! - `plugin.toml` — the manifest: actions, pages, events, tasks.
//! - [`rules`] — every rule as a pure function of given facts and `now` (scores, par, leaderboard,
//!   eligibility, pool balancing, reattempts, reviews, timeouts), unit tested.
//! - [`model`] — what the browser and API see (instants as RFC 3339, scores unrounded).
//! - [`api`] — server functions under `/api/p/async_qualifier/`: guard → service → DTO.
//! - `views` (server) — what a viewer sees of runs, pools and the leaderboard
//!   ([`rules::visibility`]: `hide_results`), for the API, the pages and the Discord adapters.
//! - `service` (server) — [`service::Qualifiers`]: each operation in one transaction (scores
//!   recomputed inside it, under the qualifier's lock), audit-logged, then its event. Web, Discord
//!   adapters and tasks call the same functions with an actor and a `now`.
//! - `repo` (server) — the SQL, tested on SQLite and PostgreSQL (`tests/`).
//! - `tasks` (server) — the 60-second timeout task and the hourly recalculation.
//! - `bot` / `discord` (server) — slash commands, and the qualifier's embed with its Start
//!   button and each run's private thread with Ready / Finish / Forfeit / Get Timer.
//! - [`ui`] — the pages under `/org/{org_id}/async`.
// Deeply nested page views (tables of buttons) exceed the default in the wasm build.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod bot;
#[cfg(feature = "ssr")]
pub mod discord;
pub mod events;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod tasks;
pub mod time;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod views;

/// This plugin's id, as in `plugin.toml`.
pub const PLUGIN_ID: &str = "async_qualifier";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

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
    /// Publishes the service and registers the timeout and recalculation tasks.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        let service = service::Qualifiers::new(ctx.db.clone(), ctx.events()).with_bot(ctx.bot());
        tasks::register(ctx, service.clone())?;
        bot::register(ctx, service.clone())?;
        discord::register(ctx, service.clone())?;
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
