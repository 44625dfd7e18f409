//! The Discord bot: a global plugin (always on) that runs serenity + poise in the server process.
//!
//! How the pieces fit:
//! - `plugin.toml` — the manifest: global, the `discord:link` action, the `/org/{id}/discord`
//!   page, the events it emits.
//! - `settings` (server) — `DISCORD_TOKEN`, `DISCORD_API_URL`, the OAuth2 application,
//!   `SECRET_KEY`, `BASE_URL`, `DISCORD_GATEWAY_LEASE_SECONDS`, read in `on_load`.
//! - `gateway` (server) — the supervisor started in `on_start` when a token is set: it holds the
//!   gateway lease (one instance per database connects) and runs the client while it does.
//! - `bot` (server) — the serenity client and poise framework; every plugin's command is a
//!   slash command answered through [`sdk::bot::dispatch`].
//! - `service` (server) — the rules: signed invite state, invite URL, who may link a server,
//!   lease decisions, linking and unlinking with their audit entries.
//! - `oauth` (server) — the code exchange and server list of the link callback.
//! - `repo` (server) — the SQL (`discord_guilds`, `discordbot_gateway_lease`).
//! - [`api`] — server functions under `/api/p/discordbot/`, including the link callback.
//! - [`events`] — BotReady / BotDisconnected.
//! - [`ui`] — the organization's Discord page.
//!
//! Without `DISCORD_TOKEN` nothing connects: the platform's bot status says `configured: false`
//! and the page says the bot is off; linking servers still works.
// Deeply nested page views (tables of buttons) exceed the default in the wasm build.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod bot;
pub mod events;
#[cfg(feature = "ssr")]
pub mod gateway;
pub mod model;
#[cfg(feature = "ssr")]
pub mod oauth;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod settings;
pub mod ui;

/// This plugin's id, as in `plugin.toml`.
pub const PLUGIN_ID: &str = "discordbot";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

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
    /// Reads the settings, tells the platform whether a bot is configured (and gives it the REST
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
        ctx.command(sdk::bot::BotCommand {
            name: "sahabot".into(),
            description: "Which organization this Discord server belongs to, and its commands"
                .into(),
            options: vec![],
            action: None,
            handler: sdk::bot::command_handler(service::about_server),
        })?;
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
    }
}
