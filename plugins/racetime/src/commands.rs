//! Discord: `/racetime title [randomizer] [preset] [goal] [category]` opens a race room on
//! racetime.gg for the organization the server is linked to (a daily race, a live async race),
//! with the seed rolled from the preset when one is named. The caller must be a SahaBot user
//! holding `racetime:room` there; the service checks it, as it does for the API.

use std::sync::Arc;

use sdk::{
    bot::{command_handler, BotCommand, CommandOption, CommandReply, OptionKind},
    plugin::LoadContext,
    Actor, Error,
};

use crate::{
    repo,
    service::{OpenOutcome, Racetime, Runtime},
};

pub fn register(ctx: &LoadContext, runtime: Arc<Runtime>) -> Result<(), Error> {
    let option = |name: &str, description: &str, required: bool| {
        CommandOption::new(name, description, OptionKind::String, required)
    };
    ctx.command(BotCommand {
        name: "racetime".into(),
        description: "Open a race room on racetime.gg".into(),
        options: vec![
            option("title", "What the room is for (shown as its info)", true),
            option("randomizer", "Roll the seed with this randomizer, e.g. alttpr", false),
            option("preset", "The preset to roll: namespace/name", false),
            option("goal", "The goal (default: Beat the game)", false),
            option("category", "The racetime.gg category, when the organization has several bots", false),
        ],
        action: Some(crate::actions::ROOM.into()),
        autocomplete: None,
        handler: command_handler(move |ctx| {
            let runtime = Arc::clone(&runtime);
            async move {
                let service = Racetime::from_platform(&ctx.platform).or_else(|_| runtime.service())?;
                let actor = ctx
                    .user
                    .clone()
                    .map(Actor::user)
                    .ok_or_else(|| Error::forbidden("Link your Discord account to SahaBot first."))?;
                let bots = repo::bots::granted(&ctx.platform.db, ctx.org_id).await?;
                let wanted = ctx.call.string("category").map(str::trim).filter(|c| !c.is_empty());
                let bot = match wanted {
                    Some(category) => bots.iter().find(|b| b.category == category),
                    None => bots.first(),
                }
                .ok_or_else(|| {
                    Error::invalid(
                        "category",
                        "This organization has no RaceTime.gg bot for that category: ask a site admin to grant one.",
                    )
                })?;
                let text = |name: &str| ctx.call.string(name).unwrap_or_default().to_string();
                let seed = Some((text("randomizer"), text("preset")));
                let outcome = service
                    .open_room(ctx.org_id, &actor, bot.id, None, &text("title"), &text("goal"), seed, sdk::time::now_ms())
                    .await?;
                let room_id = match outcome {
                    OpenOutcome::Opened { room_id, .. }
                    | OpenOutcome::AlreadyOpen { room_id }
                    | OpenOutcome::Busy { room_id } => room_id,
                };
                let room = service.room(ctx.org_id, &actor, room_id).await?;
                let mut text = format!("Race room open: {}", room.url.unwrap_or_default());
                if let Some(seed) = room.seed_url {
                    text += &format!("\nSeed: {seed}");
                }
                Ok(CommandReply::public(text))
            }
        }),
    })
}
