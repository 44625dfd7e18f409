//! `/ctjets preset [namespace] [spoiler]` on Discord (SahasrahBot's `/ctjets preset`, with our
//! namespaces and the spoiler choice): rolls a CTJets seed from one of the organization's
//! presets through the presets plugin's seed service, as the Discord user's linked SahaBot
//! account (a member holding `seed:roll`), and answers with the seed's share link. The bot
//! defers the answer while ctjot.com works.

use sdk::{
    bot::{command_handler, BotCommand, CommandOption, CommandReply, OptionKind},
    plugin::LoadContext,
    Actor, Error,
};

use presets::{
    model::SeedRoll,
    service::{Presets, RollRequest},
};

/// Registers `/ctjets`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(ctjets_command())
}

fn ctjets_command() -> BotCommand {
    let option = |name: &str, description: &str, kind: OptionKind, required: bool| CommandOption {
        name: name.into(),
        description: description.into(),
        kind,
        required,
    };
    BotCommand {
        name: "ctjets".into(),
        description: "Roll a Chrono Trigger: Jets of Time seed from a preset".into(),
        options: vec![
            option("preset", "The preset's name", OptionKind::String, true),
            option(
                "namespace",
                "The preset's namespace (leave out for a global preset)",
                OptionKind::String,
                false,
            ),
            option(
                "spoiler",
                "Ask for a spoiler log (not a race seed: ctjot.com shows it on the share page)",
                OptionKind::Boolean,
                false,
            ),
        ],
        action: None,
        handler: command_handler(|ctx| async move {
            let preset = ctx
                .call
                .string("preset")
                .ok_or_else(|| Error::invalid("preset", "Say which preset to roll."))?
                .to_string();
            let namespace = ctx.call.string("namespace").map(str::to_string);
            let spoiler = ctx
                .call
                .options
                .get("spoiler")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            let user = ctx.user.clone().ok_or_else(|| {
                Error::unauthenticated(
                    "Sign in to SahaBot with this Discord account to roll seeds for this server's organization.",
                )
            })?;
            let seed = Presets::new(ctx.platform.clone())
                .roll_seed(
                    ctx.org_id,
                    &Actor::user(user),
                    RollRequest {
                        randomizer: crate::PLUGIN_ID.into(),
                        namespace,
                        preset: Some(preset),
                        settings: None,
                        spoiler,
                        tournament: false,
                        source: "discord".into(),
                    },
                    sdk::time::now_ms(),
                )
                .await?;
            Ok(CommandReply::public(seed_message(&seed)))
        }),
    }
}

/// The answer: what was rolled and the share link.
pub fn seed_message(seed: &SeedRoll) -> String {
    let mut text = format!(
        "**CTJets seed** ({})\n<{}>",
        if seed.preset.is_empty() {
            "settings given"
        } else {
            &seed.preset
        },
        seed.url
    );
    if seed.has_spoiler {
        text += "\nNot a race seed: ctjot.com shows its spoiler log on the share page.";
    }
    text
}
