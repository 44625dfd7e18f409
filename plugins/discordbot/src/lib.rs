//! The Discord bot: a global plugin (always on) that runs serenity + poise in the server process.
//!
//! Two halves live here. The **plugin inside**, shaped like every other plugin:
//! - `plugin.toml` — the manifest: global, the `discord:link` action ([`actions`]), the
//!   `/org/{id}/discord` page, the `/sahabot` command, the events it emits.
//! - [`model`] — what the browser and the API see (and the lease row).
//! - `rules` (server) — pure rules, `now` passed in: the invite's signed state and URL, who may
//!   link a server and what a link may replace, the callback's checks, the lease decisions.
//! - `service` (server) — [`DiscordBotService`](service::DiscordBotService): rights (the actor
//!   holds `discord:link`) and the writes, each in one transaction with its audit entry; one file
//!   per feature (guild links, the page's status, `/sahabot`'s answer).
//! - `repo` (server) — the SQL (`discord_guilds`, `discordbot_gateway_lease`), rows via FromRow.
//! - [`api`] — server functions under `/api/p/discordbot/`: guard → service, plus the link
//!   callback Discord redirects to.
//! - [`ui`] — the organization's Discord page.
//! - `commands` (server) — `/sahabot`, this plugin's own command, an adapter over the service.
//! - `tasks`, `listeners` (server) — none; their docs say why.
//! - [`events`] — BotReady / BotDisconnected.
//!
//! And the **bot runner**, which no other plugin has: it is not a command but the machinery that
//! answers every plugin's commands.
//! - `settings` (server) — `DISCORD_TOKEN`, `DISCORD_API_URL`, the OAuth2 application,
//!   `SECRET_KEY`, `BASE_URL`, `DISCORD_GATEWAY_LEASE_SECONDS`, read in `on_load` and published
//!   for the service.
//! - `gateway` (server) — the supervisor started in `on_start` when a token is set: it holds the
//!   gateway lease (one instance per database connects) and runs the client while it does.
//! - `bot` (server) — the serenity client and poise framework; every plugin's registered command
//!   becomes a slash command answered through [`sdk::bot::dispatch`], and the connection's
//!   status and events are kept here.
//!
//! Dependencies run one way: `api`, `commands` → `service` → `repo`, `rules` → `model`,
//! `settings`; the bot runner uses `repo` and `rules` directly (the lease is the system's, not an
//! actor's).
//!
//! Without `DISCORD_TOKEN` nothing connects: the platform's bot status says `configured: false`
//! and the page says the bot is off; linking servers still works.
// Deeply nested page views (tables of buttons) exceed the default in the wasm build.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod bot;
#[cfg(feature = "ssr")]
pub mod commands;
pub mod events;
#[cfg(feature = "ssr")]
pub mod gateway;
#[cfg(feature = "ssr")]
pub mod listeners;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod settings;
#[cfg(feature = "ssr")]
pub mod tasks;
pub mod ui;

/// This plugin's id, as in `plugin.toml`.
pub const PLUGIN_ID: &str = "discordbot";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The actions this plugin defines (`[[permissions]]` in plugin.toml).
pub mod actions {
    /// Link the organization's Discord servers to it and unlink them; see its Discord page.
    pub const LINK: &str = "discord:link";
}

/// The plugin object the registry loads.
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(DiscordBotPlugin::default())
}

#[cfg(feature = "ssr")]
#[derive(Default)]
struct DiscordBotPlugin {
    settings: std::sync::RwLock<Option<std::sync::Arc<settings::Settings>>>,
    gateway: tokio::sync::Mutex<Option<gateway::Supervisor>>,
}

#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for DiscordBotPlugin {
    /// Reads the settings and publishes them (the service is assembled from them and the
    /// platform per call), tells the platform whether a bot is configured (and gives it the REST
    /// client), registers `/sahabot`. Connects nothing: CLI commands load plugins too.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        use std::sync::Arc;

        let settings = Arc::new(settings::Settings::from_lookup(|name| ctx.setting(name)));
        ctx.provide(Arc::clone(&settings));
        let bot = ctx.bot();
        bot.update_status(|s| {
            s.configured = settings.token.is_some();
            s.last_error = match (&settings.token, settings.serenity_proxy()) {
                (Some(_), Err(problem)) => Some(problem),
                _ => None,
            };
        });
        bot.set_rest(
            settings
                .token
                .as_ref()
                .map(|token| sdk::bot::DiscordRest::new(settings.rest_base(), token.clone())),
        );
        commands::register(ctx)?;
        tasks::register(ctx)?;
        listeners::register(ctx)?;
        if let Ok(mut slot) = self.settings.write() {
            *slot = Some(settings);
        }
        Ok(())
    }

    /// Starts the gateway supervisor when a token is configured.
    async fn on_start(&self, platform: &sdk::context::Platform) -> Result<(), sdk::Error> {
        let settings = self.settings.read().ok().and_then(|s| s.clone());
        let Some(settings) = settings.filter(|s| s.token.is_some()) else {
            tracing::info!("no DISCORD_TOKEN: the Discord bot stays off");
            return Ok(());
        };
        let mut gateway = self.gateway.lock().await;
        if gateway.is_none() {
            *gateway = Some(gateway::Supervisor::start(std::sync::Arc::new(bot::Bot {
                platform: platform.clone(),
                settings,
                instance: platform.events.instance().to_string(),
            })));
        }
        Ok(())
    }

    /// Disconnects and gives the gateway lease up, so another instance takes over at once.
    async fn on_stop(&self) {
        if let Some(gateway) = self.gateway.lock().await.take() {
            gateway.stop().await;
        }
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
        assert!(manifest.global);
        assert!(
            manifest
                .permissions
                .iter()
                .any(|p| p.action == super::actions::LINK),
            "the manifest defines {}",
            super::actions::LINK
        );
    }
}
