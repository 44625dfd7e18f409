//! The announcement of new presets: when a preset is created from an organization that has
//! Presets on and chose a channel (`announce_channel_id` in the plugin's settings), the bot
//! posts [`crate::messages::announcement`] there.
//!
//! The setting is marked `"format": "discord_channel"`, so the platform checks it when saved;
//! the channel is checked again before every post (`sdk::bot::channels::checked_rest`): a
//! channel no longer in one of the organization's servers gets nothing, and the refusal is
//! logged with the bus's listener failures. Without a bot nothing is posted.

use std::sync::Arc;

use sdk::{
    bot::{channels::checked_rest, BotRuntime},
    context::Platform,
    events::Envelope,
    plugin::{LoadContext, StartedPlatform},
    Error,
};

use crate::{events::PresetCreated, messages::announcement, PLUGIN_ID};

/// Registers the announcement listener. `platform` is filled in `on_start` (the listener needs
/// the organization's settings, which live in the plugin host); until then — and for CLI
/// commands, which never start — there is nobody to announce to.
pub fn register(ctx: &LoadContext, started: StartedPlatform) -> Result<(), Error> {
    let bot = ctx.bot();
    ctx.listen::<PresetCreated, _, _>(move |event| {
        let platform = started.try_get();
        let bot = Arc::clone(&bot);
        async move {
            match platform {
                Some(platform) => announce(&platform, &bot, event).await,
                None => Ok(()),
            }
        }
    });
    Ok(())
}

async fn announce(
    platform: &Platform,
    bot: &BotRuntime,
    event: Envelope<PresetCreated>,
) -> Result<(), Error> {
    let Some(org_id) = event.org_id else {
        return Ok(());
    };
    if !platform.plugins.is_enabled(org_id, PLUGIN_ID).await? {
        return Ok(());
    }
    let config = platform.plugins.effective_config(org_id, PLUGIN_ID).await?;
    let channel = config["announce_channel_id"].as_str().unwrap_or_default();
    if channel.is_empty() {
        return Ok(());
    }
    let p = &event.event;
    checked_rest(bot, &platform.db, org_id, "announce_channel_id", channel)
        .await?
        .post_message(
            channel,
            &announcement(&p.name, &p.randomizer, p.namespace.as_deref()),
        )
        .await
        .map(|_| ())
}
