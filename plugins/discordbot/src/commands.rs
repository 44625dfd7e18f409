//! This plugin's own Discord command, `/sahabot`: a thin adapter over
//! [`DiscordBotService::about_server`]. (Answering every plugin's commands on Discord is the
//! gateway runtime's job, in `bot`; this file only contributes the one command this plugin owns.)

use sdk::{
    bot::{command_handler, BotCommand, CommandContext, CommandReply},
    plugin::LoadContext,
    Actor, Error,
};

use crate::service::DiscordBotService;

/// Registers `/sahabot` (listed under `provides.discord_commands` in plugin.toml).
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(BotCommand {
        name: "sahabot".into(),
        description: "Which organization this Discord server belongs to, and its commands".into(),
        options: vec![],
        action: None,
        autocomplete: None,
        handler: command_handler(about_server),
    })
}

/// `/sahabot`: which organization this server belongs to and the commands it has on.
pub async fn about_server(ctx: CommandContext) -> Result<CommandReply, Error> {
    let actor = Actor {
        user: ctx.user.clone(),
        ip: None,
    };
    let text = DiscordBotService::from_platform(&ctx.platform)?
        .about_server(&actor, ctx.org_id)
        .await?;
    Ok(CommandReply::private(text))
}
