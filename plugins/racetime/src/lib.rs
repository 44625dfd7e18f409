//! RaceTime.gg: category bots that open race rooms for tournament matches by themselves, roll
//! and post the seed, invite the players, follow the race and carry its result to the match;
//! rooms on demand from a preset; racer verification. docs/upstreams/racetime.md describes
//! racetime.gg as a bot sees it (the endpoints, the websocket, the race states).
//!
//! How the pieces fit:
//! - `plugin.toml` — the manifest; [`actions`] names its actions. Room profiles use the
//!   platform's `race_room_profile:*` actions.
//! - [`model`] — what the browser and the API see.
//! - [`rules`] — pure rules: when a room opens and its form ([`rules::rooms`]), what the race
//!   means for the match ([`rules::race`]), preset selection ([`rules::presets`]), chat
//!   commands ([`rules::chat`]).
//! - `service` (server) — [`service::Racetime`]: bots (site admin) and grants, profiles and
//!   tournament settings, rooms (open exactly once, even across instances and crashes),
//!   the room watcher (one websocket per live room, reconnecting, each `race.data` applied to
//!   the match through the tournament plugin's holder API), chat commands. `service::site` is
//!   racetime.gg's HTTP API, `service::socket` its bot websocket.
//! - `repo` (server) — the SQL, tested on SQLite and PostgreSQL (`tests/`).
//! - [`api`] — server functions under `/api/p/racetime/`: guard → service → DTO.
//! - [`ui`] — the pages under `/org/{org_id}/racetime`.
//! - `tasks` — every 30 seconds: open the rooms that are due and attach to live rooms no
//!   instance watches. `commands` — Discord `/racetime room`. `listeners` — none yet.
//! - `migrations/{sqlite,postgres}` — the plugin's tables.
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
pub const PLUGIN_ID: &str = "racetime";

/// How the plugin names itself as a match's holder.
pub const HOLDER: &str = "RaceTime.gg";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The actions `plugin.toml` defines.
pub mod actions {
    pub const READ: &str = "racetime:read";
    pub const ROOM: &str = "racetime:room";
    pub const PROFILE_READ: &str = "race_room_profile:read";
    pub const PROFILE_UPDATE: &str = "race_room_profile:update";
    pub const VERIFY: &str = "racetime:verify";
    pub const BOTS: &str = "racetime:bots";
}

/// The plugin object the registry loads (the app's generated list calls this).
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(ThePlugin {
        runtime: service::Runtime::shared(),
    })
}

#[cfg(feature = "ssr")]
struct ThePlugin {
    runtime: std::sync::Arc<service::Runtime>,
}

#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for ThePlugin {
    /// Reads the deployment settings (`RACETIME_URL`, `SECRET_KEY`) and registers the tasks.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        self.runtime
            .configure(ctx.setting("RACETIME_URL"), ctx.setting("SECRET_KEY"));
        ctx.provide(std::sync::Arc::clone(&self.runtime));
        commands::register(ctx, std::sync::Arc::clone(&self.runtime))?;
        tasks::register(ctx, std::sync::Arc::clone(&self.runtime))?;
        listeners::register(ctx)?;
        Ok(())
    }

    /// The server is up: the tasks and pages may use the platform, and rooms are watched.
    async fn on_start(&self, platform: &sdk::context::Platform) -> Result<(), sdk::Error> {
        self.runtime.start(platform.clone());
        Ok(())
    }

    /// Closes every room connection and gives their leases up, so another instance takes
    /// them over at once.
    async fn on_stop(&self) {
        self.runtime.stop().await;
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
        use super::actions::*;
        for action in [READ, ROOM, PROFILE_READ, PROFILE_UPDATE, VERIFY, BOTS] {
            assert!(defined.contains(&action), "{action} is not in plugin.toml");
        }
    }
}
