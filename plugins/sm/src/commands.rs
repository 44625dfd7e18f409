//! `/sm preset [namespace] [race]` on Discord (SahasrahBot's `/sm preset race`; its `/smvaria`
//! and `/smdash` are presets with `generator: varia` / `dash` here): rolls a Super Metroid seed
//! from one of the organization's presets through the presets plugin's seed service, as the
//! Discord user's linked SahaBot account (a member holding `seed:roll`), and answers with the
//! link and, when the generator gives one, the file-select code. The bot defers the answer
//! while the site works.

use sdk::{
    bot::{command_handler, BotCommand, CommandOption, CommandReply, OptionKind},
    plugin::LoadContext,
    Actor, Error,
};

use presets::{
    model::SeedRoll,
    service::{Presets, RollRequest},
};

/// Registers `/sm`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(sm_command())
}

fn sm_command() -> BotCommand {
    let option = |name: &str, description: &str, kind: OptionKind, required: bool| CommandOption {
        name: name.into(),
        description: description.into(),
        kind,
        required,
    };
    BotCommand {
        name: "sm".into(),
        description: "Roll a Super Metroid randomizer seed from a preset".into(),
        options: vec![
            option("preset", "The preset's name", OptionKind::String, true),
            option(
                "namespace",
                "The preset's namespace (leave out for a global preset)",
                OptionKind::String,
                false,
            ),
            option(
                "race",
                "A race seed (no spoiler on the site) even if the preset does not say so",
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
            let flag = |name: &str| {
                ctx.call
                    .options
                    .get(name)
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false)
            };
            let race = flag("race");
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
                        tournament: race,
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
        "**Super Metroid seed** ({})\n<{}>",
        if seed.preset.is_empty() {
            "settings given"
        } else {
            &seed.preset
        },
        seed.url
    );
    if let Some(code) = &seed.file_select_code {
        text += &format!("\nFile select: {}", code.join(" "));
    }
    text
}
