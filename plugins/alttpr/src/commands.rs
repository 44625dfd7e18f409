//! `/alttpr preset [namespace] [spoiler]` on Discord: rolls an ALTTPR seed from one of the
//! organization's presets through the presets plugin's seed service, as the Discord user's
//! linked SahaBot account (a member holding `seed:roll`), and answers with the link and the
//! file-select code. The bot defers the answer while alttpr.com works.

use sdk::{
    bot::{command_handler, BotCommand, CommandOption, CommandReply, OptionKind},
    plugin::LoadContext,
    Actor, Error,
};

use presets::{
    model::SeedRoll,
    service::{Presets, RollRequest},
};

/// Registers `/alttpr`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(alttpr_command())
}

fn alttpr_command() -> BotCommand {
    let option = |name: &str, description: &str, kind: OptionKind, required: bool| CommandOption {
        name: name.into(),
        description: description.into(),
        kind,
        required,
    };
    BotCommand {
        name: "alttpr".into(),
        description: "Roll an ALTTPR seed from a preset".into(),
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
                "Keep a spoiler log (shown on the seed's page to those allowed)",
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

/// The answer: what was rolled, the link, the code.
pub fn seed_message(seed: &SeedRoll) -> String {
    let mut text = format!(
        "**ALTTPR seed** ({})\n<{}>",
        if seed.preset.is_empty() {
            "settings given"
        } else {
            &seed.preset
        },
        seed.url
    );
    if let Some(code) = &seed.file_select_code {
        text += &format!("\nFile select: {}", code.join(" / "));
    }
    if seed.mystery {
        text += "\nMystery: the rolled settings stay hidden until the spoiler is released.";
    }
    if seed.has_spoiler {
        text += "\nA spoiler log is kept with the seed.";
    }
    text
}
