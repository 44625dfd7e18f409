//! Discord: slash commands and buttons, thin adapters over [`Qualifiers`] — the same service
//! functions, rights and visibility as the web pages. The platform's checks (server linked to
//! the org, plugin on, the user's action) happen in `sdk::bot::dispatch` /
//! `dispatch_component` before these run; whatever depends on more (whose run it is, what
//! `hide_results` hides from whom) is the service's decision.
//!
//! - `/async_calculate_scores` in a qualifier's channel (or with `qualifier`): recalculates it.
//! - `/async_extend_timeout minutes` in a run's thread: moves the pending run's timeout.
//! - The qualifier's embed (posted by [`Qualifiers::post_embed`]) has a persistent "Start New
//!   Async Run" button; each run gets a private thread with Ready / Finish / Forfeit / Get Timer.
//!   Every button's `custom_id` carries what its handler needs ([`Click`]), so buttons keep
//!   working after a restart.

use sdk::{
    bot::{
        command_handler, BotCommand, BotComponent, ButtonStyle, CommandContext, CommandOption,
        CommandReply, OptionKind, OutgoingMessage,
    },
    plugin::LoadContext,
    time::{format_utc, now_ms},
    Actor, Error,
};

pub use crate::service::discord::{timer_text, Click, PREFIX};
use crate::{actions, repo::RaceRow, rules, service::Qualifiers};

/// Registers the commands and the buttons' handler.
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
            autocomplete: false,
        }],
        action: Some(actions::RECALCULATE.into()),
        autocomplete: None,
        handler: command_handler(move |ctx| {
            let service = recalc.clone();
            async move { calculate_scores(&service, &ctx).await }
        }),
    })?;
    let extend = service.clone();
    ctx.command(BotCommand {
        name: "async_extend_timeout".into(),
        description: "Give the pending async run of this thread more time before it times out"
            .into(),
        options: vec![CommandOption {
            name: "minutes".into(),
            description: "How many minutes to add (1 to 1440)".into(),
            kind: OptionKind::Integer,
            required: true,
            autocomplete: false,
        }],
        action: Some(actions::UPDATE.into()),
        autocomplete: None,
        handler: command_handler(move |ctx| {
            let service = extend.clone();
            async move { extend_timeout(&service, &ctx).await }
        }),
    })?;
    ctx.component(BotComponent {
        prefix: PREFIX.into(),
        action: Some(actions::RUN.into()),
        handler: command_handler(move |ctx| {
            let service = service.clone();
            async move { on_click(&service, &ctx).await }
        }),
    })
}

/// Whoever used the command, as a user: a Discord account without a SahaBot user never acts
/// (and never as the system).
fn actor(ctx: &CommandContext) -> Result<Actor, Error> {
    ctx.user
        .clone()
        .map(Actor::user)
        .ok_or_else(|| Error::unauthenticated("Link your Discord account on the site first."))
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
        .recalculate(ctx.org_id, &actor(ctx)?, qualifier.id, now_ms(), "discord")
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
        .extend_timeout(ctx.org_id, &actor(ctx)?, race.id, minutes, now_ms())
        .await?;
    Ok(CommandReply::public(format!(
        "Extended by {minutes} minute{}: this run now times out at {}.",
        if minutes == 1 { "" } else { "s" },
        format_utc(race.timeout_at)
    )))
}

async fn on_click(service: &Qualifiers, ctx: &CommandContext) -> Result<CommandReply, Error> {
    let custom_id = ctx.call.custom_id.as_deref().unwrap_or_default();
    let Some(click) = Click::parse(custom_id) else {
        return Ok(CommandReply::private(
            "This button is from an older version of the qualifier; ask an organizer to post the \
             qualifier again.",
        ));
    };
    let org = ctx.org_id;
    let actor = actor(ctx)?;
    let now = now_ms();
    match click {
        Click::Start { qualifier_id } => {
            // At most 5 are offered.
            let open = service.open_pools(org, &actor, qualifier_id).await?;
            match open.as_slice() {
                [] => Ok(CommandReply::private(
                    "You have no runs left in this qualifier's pools.",
                )),
                [(pool, _, _)] => start_in_pool(service, ctx, &actor, qualifier_id, pool.id).await,
                pools => Ok(CommandReply::private("Choose a pool:").with_buttons(
                    pools
                        .iter()
                        .take(5)
                        .map(|(pool, _, left)| {
                            Click::Pool {
                                qualifier_id,
                                pool_id: pool.id,
                            }
                            .button(
                                &format!("{} ({left} left)", pool.name),
                                ButtonStyle::Secondary,
                            )
                        })
                        .collect(),
                )),
            }
        }
        Click::Pool {
            qualifier_id,
            pool_id,
        } => start_in_pool(service, ctx, &actor, qualifier_id, pool_id).await,
        Click::Ready { race_id } => {
            let race = service.ready_run(org, &actor, race_id, now).await?;
            let start = race.start_time.unwrap_or(now);
            Ok(CommandReply::public(format!(
                "**Get ready!** The clock starts <t:{}:R> (at <t:{}:T>). Press **Finish** the \
                 moment you are done.",
                start.div_euclid(1000),
                start.div_euclid(1000)
            ))
            .with_buttons(vec![
                Click::Finish { race_id }.button("Finish", ButtonStyle::Success),
                Click::Forfeit { race_id }.button("Forfeit", ButtonStyle::Danger),
                Click::Timer { race_id }.button("Get Timer", ButtonStyle::Secondary),
            ]))
        }
        Click::Finish { race_id } => {
            let race = service.finish_run(org, &actor, race_id, now).await?;
            Ok(CommandReply::public(format!(
                "**Finished** in {}. Add your VOD link and notes, or ask for a review, on the \
                 run's page: {}",
                rules::hms(race.elapsed_seconds().unwrap_or_default()),
                run_url(ctx, &race)
            )))
        }
        Click::Forfeit { race_id } => {
            service.check_forfeit(org, &actor, race_id).await?;
            Ok(
                CommandReply::private("Forfeit this run? It scores 0.")
                    .with_buttons(vec![Click::ForfeitConfirmed { race_id }
                        .button("Yes, forfeit", ButtonStyle::Danger)]),
            )
        }
        Click::ForfeitConfirmed { race_id } => {
            let race = service.forfeit_run(org, &actor, race_id, now).await?;
            Ok(CommandReply::public(format!(
                "**Forfeited.** The run scores 0. {}",
                run_url(ctx, &race)
            )))
        }
        Click::Timer { race_id } => {
            let text = service
                .timer(ctx.platform.authorizer.as_ref(), org, &actor, race_id, now)
                .await?;
            Ok(CommandReply::private(text))
        }
    }
}

/// Opens a run in `pool_id` for the clicker, then its private thread with the seed and the
/// Ready / Forfeit buttons. The run exists even when Discord refuses the thread: the reply then
/// points to the web page.
async fn start_in_pool(
    service: &Qualifiers,
    ctx: &CommandContext,
    actor: &Actor,
    qualifier_id: i64,
    pool_id: i64,
) -> Result<CommandReply, Error> {
    let org = ctx.org_id;
    let race = service
        .start_run(org, actor, qualifier_id, pool_id, now_ms())
        .await?;
    let q = service.qualifier(org, qualifier_id).await?;
    match open_thread(service, ctx, actor, &q.name, &race).await {
        Ok(thread_id) => Ok(CommandReply::private(format!(
            "Your run is ready in <#{thread_id}>."
        ))),
        Err(e) => Ok(CommandReply::private(format!(
            "Your run #{} is open, but Discord did not create its thread ({}). Continue on the \
             web: {}",
            race.id,
            e.message(),
            run_url(ctx, &race)
        ))),
    }
}

async fn open_thread(
    service: &Qualifiers,
    ctx: &CommandContext,
    actor: &Actor,
    qualifier_name: &str,
    race: &RaceRow,
) -> Result<String, Error> {
    let rest = ctx.platform.plugins.bot().rest()?;
    let channel = ctx
        .call
        .channel_id
        .clone()
        .ok_or_else(|| Error::invalid("channel", "Start runs from the qualifier's channel."))?;
    let thread = rest
        .create_private_thread(
            &channel,
            &format!(
                "{qualifier_name} – {} (run #{})",
                race.display_name, race.id
            ),
        )
        .await?;
    rest.add_thread_member(&thread, &ctx.call.discord_user_id)
        .await?;
    service
        .set_discord_thread(ctx.org_id, actor, race.id, &thread, now_ms())
        .await?;
    let message = OutgoingMessage {
        content: format!(
            "<@{}> — **Run #{}** in the pool **{}**.\nYour seed: {}\n\nOpen the seed and get \
             ready, then press **Ready**: the clock starts 10 seconds later. A run not started \
             by <t:{}:t> is forfeited.",
            ctx.call.discord_user_id,
            race.id,
            race.pool_name,
            race.url,
            race.timeout_at.div_euclid(1000)
        ),
        embed: None,
        buttons: vec![
            Click::Ready { race_id: race.id }.button("Ready", ButtonStyle::Success),
            Click::Forfeit { race_id: race.id }.button("Forfeit", ButtonStyle::Danger),
        ],
    };
    rest.send(&thread, &message).await?;
    Ok(thread)
}

fn run_url(ctx: &CommandContext, race: &RaceRow) -> String {
    format!(
        "{}/org/{}/async/race/{}",
        ctx.platform.base_url.trim_end_matches('/'),
        ctx.org_id,
        race.id
    )
}
