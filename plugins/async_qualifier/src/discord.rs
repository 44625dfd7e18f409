//! Runs from Discord: the qualifier's embed with its persistent "Start New Async Run" button, and
//! a private thread per run with Ready / Finish / Forfeit / Get Timer buttons.
//!
//! Every button's `custom_id` carries what its handler needs (`async:ready:42`), so buttons keep
//! working after a restart; [`Click::parse`] reads them. The handlers are thin adapters over
//! [`Qualifiers`] — the same service functions as the web pages — and the platform's checks
//! (server linked to the org, plugin on, the clicker a member holding `async_race:run`) run in
//! `sdk::bot::dispatch_component` before them. Whether the run is the clicker's own is the
//! service's rule, as on the web.

use sdk::{
    bot::{
        command_handler, BotComponent, Button, ButtonStyle, CommandContext, CommandReply,
        OutgoingMessage,
    },
    context::Platform,
    plugin::LoadContext,
    time::now_ms,
    Error,
};

use crate::{
    repo::RaceRow,
    rules::{self, RaceStatus},
    service::{Actor, Qualifiers},
};

/// The pools Discord reads: the first page, of the maximum size.
const FIRST_PAGE_MAX: sdk::page::PageRequest = sdk::page::PageRequest {
    limit: Some(sdk::page::MAX_LIMIT),
    before_id: None,
};

/// The prefix of every button this plugin puts on Discord.
pub const PREFIX: &str = "async:";

/// A click on one of our buttons, read from its custom id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Click {
    /// The embed's button: start a run in the qualifier (choosing a pool when several have runs
    /// left).
    Start {
        qualifier_id: i64,
    },
    /// A pool chosen after Start.
    Pool {
        qualifier_id: i64,
        pool_id: i64,
    },
    Ready {
        race_id: i64,
    },
    Finish {
        race_id: i64,
    },
    /// Asks for confirmation first.
    Forfeit {
        race_id: i64,
    },
    ForfeitConfirmed {
        race_id: i64,
    },
    Timer {
        race_id: i64,
    },
}

impl Click {
    /// The custom id of the button for this click.
    pub fn custom_id(self) -> String {
        match self {
            Self::Start { qualifier_id } => format!("{PREFIX}start:{qualifier_id}"),
            Self::Pool {
                qualifier_id,
                pool_id,
            } => format!("{PREFIX}pool:{qualifier_id}:{pool_id}"),
            Self::Ready { race_id } => format!("{PREFIX}ready:{race_id}"),
            Self::Finish { race_id } => format!("{PREFIX}finish:{race_id}"),
            Self::Forfeit { race_id } => format!("{PREFIX}forfeit:{race_id}"),
            Self::ForfeitConfirmed { race_id } => format!("{PREFIX}forfeit_yes:{race_id}"),
            Self::Timer { race_id } => format!("{PREFIX}timer:{race_id}"),
        }
    }

    /// Reads a custom id written by [`Click::custom_id`]; `None` for anything else.
    pub fn parse(custom_id: &str) -> Option<Self> {
        let rest = custom_id.strip_prefix(PREFIX)?;
        let mut parts = rest.split(':');
        let kind = parts.next()?;
        let mut number = || parts.next()?.parse::<i64>().ok().filter(|n| *n > 0);
        let click = match kind {
            "start" => Self::Start {
                qualifier_id: number()?,
            },
            "pool" => Self::Pool {
                qualifier_id: number()?,
                pool_id: number()?,
            },
            "ready" => Self::Ready { race_id: number()? },
            "finish" => Self::Finish { race_id: number()? },
            "forfeit" => Self::Forfeit { race_id: number()? },
            "forfeit_yes" => Self::ForfeitConfirmed { race_id: number()? },
            "timer" => Self::Timer { race_id: number()? },
            _ => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(click)
    }

    fn button(self, label: &str, style: ButtonStyle) -> Button {
        Button::new(self.custom_id(), label, style)
    }
}

pub fn register(ctx: &LoadContext, service: Qualifiers) -> Result<(), Error> {
    ctx.component(BotComponent {
        prefix: PREFIX.into(),
        action: Some(crate::api::actions::RUN.into()),
        handler: command_handler(move |ctx| {
            let service = service.clone();
            async move { on_click(&service, &ctx).await }
        }),
    })
}

/// Posts (or posts again) the qualifier's embed with the Start button in its Discord channel.
/// Returns the message id.
pub async fn post_embed(
    platform: &Platform,
    service: &Qualifiers,
    org_id: i64,
    qualifier_id: i64,
) -> Result<String, Error> {
    let q = service.qualifier(org_id, qualifier_id).await?;
    let channel = q.discord_channel_id.clone().ok_or_else(|| {
        Error::invalid(
            "discord_channel_id",
            "Set the qualifier's Discord channel id first (under Settings), then post it.",
        )
    })?;
    // The embed lists the first page of the maximum size (200), oldest first; Discord cuts a
    // longer text.
    let mut pools = service
        .pools(org_id, qualifier_id, None, &FIRST_PAGE_MAX)
        .await?
        .items;
    pools.reverse();
    if pools.is_empty() {
        return Err(Error::invalid(
            "pools",
            "Add at least one pool with seeds before posting the qualifier to Discord.",
        ));
    }
    let mut description = String::new();
    if !q.description.trim().is_empty() {
        description.push_str(q.description.trim());
        description.push_str("\n\n");
    }
    description.push_str(&format!(
        "**Pools** (each player runs {} seed{} per pool):\n",
        q.runs_per_pool,
        if q.runs_per_pool == 1 { "" } else { "s" }
    ));
    for (pool, links, _) in &pools {
        description.push_str(&format!(
            "• {} — {} seed{}\n",
            pool.name,
            links.len(),
            if links.len() == 1 { "" } else { "s" }
        ));
    }
    description.push_str(
        "\nPress **Start New Async Run**: you get a private thread with your seed. Press Ready \
         there when you are set; the clock starts 10 seconds later.",
    );
    let message = OutgoingMessage {
        content: String::new(),
        embed: Some((format!("Async qualifier: {}", q.name), description)),
        buttons: vec![
            Click::Start { qualifier_id }.button("Start New Async Run", ButtonStyle::Primary)
        ],
    };
    // Only into a channel of a server (still) linked to the organization.
    sdk::bot::channels::checked_rest(
        &platform.plugins.bot(),
        &platform.db,
        org_id,
        "discord_channel_id",
        &channel,
    )
    .await?
    .send(&channel, &message)
    .await
}

fn actor(ctx: &CommandContext) -> Actor {
    Actor {
        user_id: ctx.user.as_ref().map(|u| u.id),
        ip: None,
    }
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
    let now = now_ms();
    match click {
        Click::Start { qualifier_id } => {
            let user = ctx.user.as_ref().map(|u| u.id);
            // A picker: the first page of the maximum size (200), oldest first; at most 5 are
            // offered.
            let open: Vec<_> = service
                .pools(org, qualifier_id, user, &FIRST_PAGE_MAX)
                .await?
                .items
                .into_iter()
                .rev()
                .filter(|(_, links, left)| *left > 0 && !links.is_empty())
                .collect();
            match open.as_slice() {
                [] => Ok(CommandReply::private(
                    "You have no runs left in this qualifier's pools.",
                )),
                [(pool, _, _)] => start_in_pool(service, ctx, qualifier_id, pool.id).await,
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
        } => start_in_pool(service, ctx, qualifier_id, pool_id).await,
        Click::Ready { race_id } => {
            let race = service.ready_run(org, &actor(ctx), race_id, now).await?;
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
            let race = service.finish_run(org, &actor(ctx), race_id, now).await?;
            Ok(CommandReply::public(format!(
                "**Finished** in {}. Add your VOD link and notes, or ask for a review, on the \
                 run's page: {}",
                rules::hms(race.elapsed_seconds().unwrap_or_default()),
                run_url(ctx, &race)
            )))
        }
        Click::Forfeit { race_id } => {
            // The same rule as the web: only the runner's own run, only while live.
            let race = service.race(org, race_id).await?;
            if Some(race.user_id) != ctx.user.as_ref().map(|u| u.id) {
                return Err(Error::forbidden("This is someone else's run."));
            }
            Ok(
                CommandReply::private("Forfeit this run? It scores 0.")
                    .with_buttons(vec![Click::ForfeitConfirmed { race_id }
                        .button("Yes, forfeit", ButtonStyle::Danger)]),
            )
        }
        Click::ForfeitConfirmed { race_id } => {
            let race = service.forfeit_run(org, &actor(ctx), race_id, now).await?;
            Ok(CommandReply::public(format!(
                "**Forfeited.** The run scores 0. {}",
                run_url(ctx, &race)
            )))
        }
        Click::Timer { race_id } => {
            // Under hide_results, only whoever may see the run's results gets its clock.
            let authorizer = ctx.platform.authorizer.as_ref();
            let text = service
                .timer_view(authorizer, ctx.user.as_ref(), org, race_id, now)
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
    qualifier_id: i64,
    pool_id: i64,
) -> Result<CommandReply, Error> {
    let org = ctx.org_id;
    let race = service
        .start_run(org, &actor(ctx), qualifier_id, pool_id, now_ms())
        .await?;
    let q = service.qualifier(org, qualifier_id).await?;
    match open_thread(service, ctx, &q.name, &race).await {
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
        .set_discord_thread(ctx.org_id, &actor(ctx), race.id, &thread, now_ms())
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

/// What "Get Timer" answers at `now`.
pub fn timer_text(race: &RaceRow, now: i64) -> String {
    match (race.status, race.start_time) {
        (RaceStatus::Pending, _) => "You have not pressed Ready yet.".to_string(),
        (RaceStatus::InProgress, Some(start)) if now < start => format!(
            "The clock starts in {} s.",
            (start - now + 999).div_euclid(1000)
        ),
        (RaceStatus::InProgress, Some(start)) => {
            format!("Running: **{}**", rules::hms((now - start) as f64 / 1000.0))
        }
        (status, _) => match race.elapsed_seconds() {
            Some(elapsed) => format!("{}: **{}**", status.label(), rules::hms(elapsed)),
            None => format!("This run is {}.", status.label().to_lowercase()),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::Click;

    #[test]
    fn custom_ids_round_trip() {
        let clicks = [
            Click::Start { qualifier_id: 3 },
            Click::Pool {
                qualifier_id: 3,
                pool_id: 9,
            },
            Click::Ready { race_id: 12 },
            Click::Finish { race_id: 12 },
            Click::Forfeit { race_id: 12 },
            Click::ForfeitConfirmed { race_id: 12 },
            Click::Timer { race_id: 12 },
        ];
        for click in clicks {
            let id = click.custom_id();
            assert!(id.len() <= 100, "{id}");
            assert_eq!(Click::parse(&id), Some(click), "{id}");
        }
        assert_eq!(
            Click::Pool {
                qualifier_id: 3,
                pool_id: 9
            }
            .custom_id(),
            "async:pool:3:9"
        );
    }

    #[test]
    fn foreign_or_damaged_ids_are_not_clicks() {
        for id in [
            "",
            "async:",
            "async:ready",
            "async:ready:x",
            "async:ready:0",
            "async:ready:-4",
            "async:ready:4:5",
            "async:pool:3",
            "async:fly:3",
            "presets:ready:3",
        ] {
            assert_eq!(Click::parse(id), None, "{id}");
        }
    }
}
