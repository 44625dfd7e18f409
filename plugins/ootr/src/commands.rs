//! `/ootr preset [namespace]` on Discord: rolls an OoTR seed from one of the organization's
//! presets through the presets plugin's seed service, as the Discord user's linked SahaBot
//! account (a member holding `seed:roll`), and answers with the link and the hash icons. The
//! bot defers the answer while ootrandomizer.com generates the seed.

use sdk::{
    bot::{command_handler, BotCommand, CommandOption, CommandReply, OptionKind},
    plugin::LoadContext,
    Actor, Error,
};

use presets::{
    model::SeedRoll,
    service::{Presets, RollRequest},
};

/// Registers `/ootr`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(ootr_command())
}

fn ootr_command() -> BotCommand {
    let option = |name: &str, description: &str, kind: OptionKind, required: bool| CommandOption {
        name: name.into(),
        description: description.into(),
        kind,
        required,
    };
    BotCommand {
        name: "ootr".into(),
        description: "Roll an Ocarina of Time Randomizer seed from a preset".into(),
        options: vec![
            option("preset", "The preset's name", OptionKind::String, true),
            option(
                "namespace",
                "The preset's namespace (leave out for a global preset)",
                OptionKind::String,
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
                        spoiler: false,
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

/// The answer: what was rolled, the link, the hash icons.
pub fn seed_message(seed: &SeedRoll) -> String {
    let mut text = format!(
        "**OoTR seed** ({})\n<{}>",
        if seed.preset.is_empty() {
            "settings given"
        } else {
            &seed.preset
        },
        seed.url
    );
    if let Some(code) = &seed.file_select_code {
        text += &format!("\nHash: {}", code.join(" / "));
    }
    if seed.has_spoiler {
        text += "\nA spoiler log is kept with the seed.";
    }
    text
}
