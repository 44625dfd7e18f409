//! Discord commands that plugins contribute, and the bot's shared state.
//!
//! A plugin registers [`BotCommand`]s in `on_load` (`LoadContext::command`). The bot (the global
//! `discordbot` plugin) turns every registered command into a slash command and, when one is
//! used, builds a [`CommandCall`] from the interaction and hands it to [`dispatch`]. `dispatch`
//! is where the platform's rules live, so they are tested without Discord:
//! the server must be linked to an organization (`discord_guilds`), the command's plugin must be
//! enabled there, and, when the command names an action, the Discord user must be a SahaBot user
//! holding it. Only then does the plugin's handler run; whatever it returns — or the message of
//! the error it fails with — is the reply.
//!
//! [`BotRuntime`] is the bot's state everybody may read (status for the admin page, the REST
//! client for posting messages): the bot plugin writes it, other plugins and the app read it, so
//! nobody depends on the bot crate.
//!
//! [`channels`] is the check every post to a channel an organization chose goes through
//! ([`channels::ensure_channel_in_org`]): the channel must be in a Discord server linked to that
//! organization.
//!
//! The pieces, by job:
//! - `command`: what a plugin registers ([`BotCommand`], [`BotComponent`]) and what its handler
//!   gets ([`CommandCall`], [`CommandContext`]);
//! - `message`: what the bot says ([`CommandReply`], [`OutgoingMessage`], [`Button`]);
//! - `registry`: the registered commands and buttons ([`CommandRegistry`],
//!   [`ComponentRegistry`]);
//! - `checks`: the rules above ([`dispatch`], [`complete`], [`checked_for`]) and their lookups
//!   ([`linked_org`], [`user_by_discord_id`]);
//! - `rest`: the REST client ([`DiscordRest`]), within Discord's rate limits (`ratelimit`);
//! - here: [`BotRuntime`], which holds the registries, the status and the client.
//!
//! Everything is re-exported here, so paths stay `sdk::bot::X`.

pub mod channels;
mod checks;
mod command;
mod message;
pub mod ratelimit;
mod registry;
mod rest;

use std::sync::RwLock;

use crate::Error;

pub use checks::{
    checked, checked_for, complete, dispatch, dispatch_component, linked_guilds, linked_org,
    user_by_discord_id,
};
pub use command::{
    autocomplete_handler, command_handler, AutocompleteHandler, BotCommand, BotComponent, Choice,
    CommandCall, CommandContext, CommandHandler, CommandOption, Completing, OptionKind,
    MAX_CHOICES,
};
pub use message::{components_json, Button, ButtonStyle, CommandReply, OutgoingMessage};
pub use registry::{CommandRegistry, ComponentRegistry, RegisteredCommand, RegisteredComponent};
pub use rest::DiscordRest;

pub use crate::runtime::{BotStatus, LinkedGuild};

/// The bot's state shared with the platform: commands, status, and the REST client once a token
/// is configured.
#[derive(Debug, Default)]
pub struct BotRuntime {
    pub commands: CommandRegistry,
    pub components: ComponentRegistry,
    status: RwLock<BotStatus>,
    rest: RwLock<Option<DiscordRest>>,
    /// Channel → server answers for [`channels::ensure_channel_in_org`].
    pub channel_guilds: channels::GuildCache,
}

impl BotRuntime {
    pub fn status(&self) -> BotStatus {
        self.status.read().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn update_status(&self, change: impl FnOnce(&mut BotStatus)) {
        if let Ok(mut status) = self.status.write() {
            change(&mut status);
        }
    }

    /// Set by the bot plugin when a token is configured.
    pub fn set_rest(&self, rest: Option<DiscordRest>) {
        if let Ok(mut r) = self.rest.write() {
            *r = rest;
        }
        self.channel_guilds.clear();
    }

    /// The REST client, or a clear error when the site has no bot.
    pub fn rest(&self) -> Result<DiscordRest, Error> {
        self.rest
            .read()
            .ok()
            .and_then(|r| r.clone())
            .ok_or_else(|| {
                Error::upstream(
                    "Discord",
                    "The Discord bot is not configured on this site (no DISCORD_TOKEN).",
                )
            })
    }
}
