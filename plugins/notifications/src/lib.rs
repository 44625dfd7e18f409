//! Notifications: players and crew hear about their matches by Discord DM.
//!
//! How the pieces fit:
//! - Causes → outbox. The tournament stages its events inside the transaction of the change
//!   (`EventBus::stage`); our in-transaction [`listeners`] turn each into rows of
//!   `notifications_outbox` on that connection (`service::queue`), so a row exists exactly when
//!   its cause committed. Each row's idempotency key (`rules::match_key`, …) makes a repeated
//!   cause a no-op; users who opted out get no row.
//! - Outbox → Discord. The `deliver` task ([`tasks`], every 15 s) claims due rows with a lease
//!   and sends them through the bot (`sdk::bot::DiscordRest::send_dm`): failures back off
//!   exponentially and are dead-lettered after `rules::MAX_ATTEMPTS` with the error kept;
//!   quiet hours (in the user's profile time zone) hold a row back to the window's end.
//! - The `reminders` task queues "starting soon" messages at the organization's offsets.
//! - Users choose per organization what they get and when not ([`ui`]: "My notifications",
//!   with a test message and their delivery log); admins see every delivery and retry dead
//!   letters ("Delivery log").
//!
//! The standard inside (docs/plugins.md): [`model`] (DTOs), [`rules`] (pure, `now` passed in),
//! `service` (rights, transactions, audit), `repo` (SQL on both backends), [`api`] (guard →
//! service → DTO), [`ui`], `commands` (none), `tasks`, `listeners`, [`events`],
//! `migrations/{sqlite,postgres}`, `tests/`.
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
pub const PLUGIN_ID: &str = "notifications";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");
/// `enabled_by_default` of `plugin.toml`: whether an organization that chose nothing has the
/// plugin on (the in-transaction listeners read the choice on the cause's connection and need
/// the default without the platform; a test keeps the two equal).
pub const ENABLED_BY_DEFAULT: bool = false;

/// The actions `plugin.toml` defines.
pub mod actions {
    /// Choose one's own notifications and see what was sent to oneself (every member).
    pub const SUBSCRIBE: &str = "notifications:subscribe";
    /// See every delivery of the organization and retry dead letters.
    pub const ADMIN: &str = "notifications:admin";
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
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        commands::register(ctx)?;
        tasks::register(ctx, self.started.clone())?;
        listeners::register(ctx)?;
        Ok(())
    }

    /// The server is up: listeners check enablement and the tasks run on the platform.
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
        assert_eq!(manifest.enabled_by_default, super::ENABLED_BY_DEFAULT);
        let defined: Vec<&str> = manifest
            .permissions
            .iter()
            .map(|p| p.action.as_str())
            .collect();
        for action in [super::actions::SUBSCRIBE, super::actions::ADMIN] {
            assert!(defined.contains(&action), "{action} is not in plugin.toml");
        }
    }
}
