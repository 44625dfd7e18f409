//! Slash commands: thin adapters over [`crate::service::Qualifiers`], the same functions the web
//! pages call. The platform's checks (server linked, plugin on, the user's action) happen in
//! `sdk::bot::dispatch` before these run.
//! - `/async_calculate_scores` in a qualifier's channel (or with `qualifier`): recalculates it.
//! - `/async_extend_timeout minutes` in a run's thread: moves the pending run's timeout.

use sdk::{
    bot::{command_handler, BotCommand, CommandContext, CommandOption, CommandReply, OptionKind},
    plugin::LoadContext,
    time::{format_utc, now_ms},
    Error,
};

use crate::service::{Actor, Qualifiers};

pub fn register(ctx: &LoadContext, service: Qualifiers) -> Result<(), Error> {
    let recalc = service.clone();
    ctx.command(BotCommand {
        name: "async_calculate_scores".into(),
        description: "Recalculate par times and scores of this channel's async qualifier".into(),
        options: vec![CommandOption {
            name: "qualifier".into(),
            description: "The qualifier's id (leave out in the qualifier's channel)".into(),
            kind: OptionKind::Integer,
            required: false,
        }],
        action: Some("async_tournament:recalculate".into()),
        handler: command_handler(move |ctx| {
            let service = recalc.clone();
            async move { calculate_scores(&service, &ctx).await }
        }),
    })?;
    ctx.command(BotCommand {
        name: "async_extend_timeout".into(),
        description: "Give the pending async run of this thread more time before it times out"
            .into(),
        options: vec![CommandOption {
            name: "minutes".into(),
            description: "How many minutes to add (1 to 1440)".into(),
            kind: OptionKind::Integer,
            required: true,
        }],
        action: Some("async_tournament:update".into()),
        handler: command_handler(move |ctx| {
            let service = service.clone();
            async move { extend_timeout(&service, &ctx).await }
        }),
    })
}

fn actor(ctx: &CommandContext) -> Actor {
    Actor {
        user_id: ctx.user.as_ref().map(|u| u.id),
        ip: None,
    }
}

async fn calculate_scores(
    service: &Qualifiers,
    ctx: &CommandContext,
) -> Result<CommandReply, Error> {
    let qualifier = match ctx.call.integer("qualifier") {
        Some(id) => service.qualifier(ctx.org_id, id).await?,
        None => {
            let channel = ctx.call.channel_id.as_deref().unwrap_or_default();
            service
                .qualifier_by_channel(ctx.org_id, channel)
                .await
                .map_err(|_| {
                    Error::invalid(
                    "qualifier",
                    "No async qualifier is posted in this channel; give its id with `qualifier`.",
                )
                })?
        }
    };
    let permalinks = service
        .recalculate(ctx.org_id, &actor(ctx), qualifier.id, now_ms(), "discord")
        .await?;
    Ok(CommandReply::public(format!(
        "Recalculated **{}**: {permalinks} seed{} with finished runs.",
        qualifier.name,
        if permalinks == 1 { "" } else { "s" }
    )))
}

async fn extend_timeout(service: &Qualifiers, ctx: &CommandContext) -> Result<CommandReply, Error> {
    let minutes = ctx
        .call
        .integer("minutes")
        .ok_or_else(|| Error::invalid("minutes", "Say how many minutes to add."))?;
    let thread = ctx.call.channel_id.as_deref().unwrap_or_default();
    let race = service.race_by_thread(ctx.org_id, thread).await?;
    let race = service
        .extend_timeout(ctx.org_id, &actor(ctx), race.id, minutes, now_ms())
        .await?;
    Ok(CommandReply::public(format!(
        "Extended by {minutes} minute{}: this run now times out at {}.",
        if minutes == 1 { "" } else { "s" },
        format_utc(race.timeout_at)
    )))
}
