//! Tournaments: matches on a schedule, moved by managers from Scheduled through Checked in, In
//! progress and Finished to Recorded; players, crew sign-up with approval, stream channels,
//! per-game settings forms, and calendar feeds (the rules, with their reasons, are in `rules.rs`).
//!
//! How the pieces fit:
//! - `plugin.toml` — the manifest: actions, pages, events; [`actions`] names the actions.
//! - [`model`] — what the browser and API see; [`model::MatchStatus`] derives a match's status
//!   from its timestamps.
//! - [`rules`] — the status flow, results, crew and settings rules as pure functions, unit tested.
//! - [`api`] — server functions under `/api/p/tournament/`: guard → service → DTO.
//! - `service` (server) — [`service::Tournaments`], one file per feature: every write one
//!   transaction (a match's row lock first), audit-logged by the [`sdk::Actor`] inside it, then
//!   its event ([`events`]). Rights and visibility are decided there. Published for the
//!   integration plugins: holds (a linked race room stops manual steps), steps taken as a holder,
//!   seeds.
//! - `repo` (server) — the SQL, one file per feature, rows read with `sqlx::FromRow`; tested on
//!   SQLite and PostgreSQL (`tests/`).
//! - [`ics`] — iCalendar text; the feeds are served at `/p/tournament/calendar/…` (`feeds`, an
//!   adapter over the service like the API).
//! - [`ui`] — the pages under `/org/{org_id}/tournaments`, a file per page.
//!
//! - `commands`, `tasks`, `listeners` — none yet (each module says what would go there);
//!   [`events`] — what the integration plugins listen to.
// Deeply nested page views (tables of buttons) exceed the default in the wasm build.
#![recursion_limit = "256"]

/// The actions of this plugin (`permissions` in plugin.toml): the guard of each server function
/// checks one, and the service asks about others where a right widens what a caller sees.
pub mod actions {
    pub const READ: &str = "tournament:read";
    pub const CREATE: &str = "tournament:create";
    pub const UPDATE: &str = "tournament:update";
    pub const REGISTER: &str = "tournament:register";
    pub const STREAMS: &str = "tournament:streams";
    pub const MATCH_READ: &str = "match:read";
    pub const MATCH_CREATE: &str = "match:create";
    pub const MATCH_UPDATE: &str = "match:update";
    pub const MATCH_DELETE: &str = "match:delete";
    pub const MATCH_ADVANCE: &str = "match:advance";
    pub const MATCH_SETTINGS: &str = "match:settings";
    pub const CREW_SIGNUP: &str = "crew:signup";
    pub const CREW_APPROVE: &str = "crew:approve";
}

pub mod api;
#[cfg(feature = "ssr")]
mod commands;
pub mod events;
#[cfg(feature = "ssr")]
mod feeds;
pub mod ics;
#[cfg(feature = "ssr")]
mod listeners;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod tasks;
pub mod ui;

/// This plugin's id, as in `plugin.toml`.
pub const PLUGIN_ID: &str = "tournament";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The plugin object the registry loads.
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(TournamentPlugin)
}

#[cfg(feature = "ssr")]
struct TournamentPlugin;

#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for TournamentPlugin {
    /// Publishes the service and serves the calendar feeds.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        commands::register(ctx)?;
        tasks::register(ctx)?;
        listeners::register(ctx)?;
        let service = service::Tournaments::new(ctx.db.clone(), ctx.events());
        ctx.provide(std::sync::Arc::new(service.clone()));
        ctx.feed(move |request| Box::pin(feeds::serve(service.clone(), request)))
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn manifest_is_valid() {
        let manifest = sdk::plugin::manifest::Manifest::parse(super::MANIFEST, "plugin.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(manifest.id, super::PLUGIN_ID);
    }
}
