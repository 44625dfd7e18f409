//! `/bingosync preset [namespace]` on Discord: makes a Bingosync room from one of the
//! organization's presets through the presets plugin's seed service, as the Discord user's
//! linked SahaBot account (a member holding `seed:roll`), and answers with the room's link and
//! password, with a "New card" button: a fresh card in the same room (the same checks, then
//! `service::new_card`). The bot defers the answer while bingosync.com works.
//!
//! The command itself (preset suggestions while typing, the seed service's rights, the
//! deferred answer) is presets' [`RollCommand`]; here are only its options and its answer.

use presets::{model::SeedRoll, roll_command::RollCommand};
use sdk::{
    bot::{command_handler, BotComponent, Button, ButtonStyle, CommandReply},
    plugin::LoadContext,
    Actor, Error,
};

/// Registers `/bingosync`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(
        RollCommand {
            name: "bingosync",
            description: "Make a Bingosync room from a preset",
            randomizer: crate::PLUGIN_ID,
            spoiler: None,
            race: None,
            kind: None,
            buttons: Some(new_card_button),
            message: room_message,
        }
        .build(),
    )?;
    ctx.component(BotComponent {
        prefix: NEW_CARD.into(),
        action: Some(presets::actions::SEED_ROLL.into()),
        handler: command_handler(|ctx| async move {
            let seed_id = ctx
                .call
                .custom_id
                .as_deref()
                .and_then(|id| id.strip_prefix(NEW_CARD))
                .and_then(|id| id.parse::<i64>().ok())
                .ok_or_else(|| Error::invalid("custom_id", "This button names no room."))?;
            let user = ctx.user.clone().ok_or_else(|| {
                Error::unauthenticated(
                    "Sign in to SahaBot with this Discord account to make new cards.",
                )
            })?;
            let made =
                crate::service::new_card(&ctx.platform, ctx.org_id, &Actor::user(user), seed_id)
                    .await?;
            Ok(CommandReply::public(format!(
                "New card in <{}>{}",
                made.url,
                made.card_seed
                    .map(|seed| format!(" (card seed {seed})"))
                    .unwrap_or_default()
            )))
        }),
    })
}

/// The prefix of the "New card" button's `custom_id`, followed by the seed's id.
pub const NEW_CARD: &str = "bingosync:new_card:";

/// "New card" under a room: a fresh card in the same room, for whoever may roll seeds.
fn new_card_button(seed: &SeedRoll) -> Vec<Button> {
    vec![Button::new(
        format!("{NEW_CARD}{}", seed.id),
        "New card",
        ButtonStyle::Secondary,
    )]
}

/// The answer: what was made, the link, the password.
pub fn room_message(seed: &SeedRoll) -> String {
    let mut text = format!(
        "**Bingosync room** ({})\n<{}>",
        if seed.preset.is_empty() {
            "settings given"
        } else {
            &seed.preset
        },
        seed.url
    );
    let passphrase = seed
        .settings
        .as_ref()
        .and_then(|s| s.get("passphrase"))
        .and_then(serde_json::Value::as_str);
    match passphrase {
        // In code formatting, unless the password itself has a backtick.
        Some(passphrase) if !passphrase.contains('`') => {
            text += &format!("\nPassword: `{passphrase}`");
        }
        Some(passphrase) => text += &format!("\nPassword: {passphrase}"),
        None => {}
    }
    text
}
