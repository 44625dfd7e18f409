//! `/bingosync preset [namespace]` on Discord: makes a Bingosync room from one of the
//! organization's presets through the presets plugin's seed service, as the Discord user's
//! linked SahaBot account (a member holding `seed:roll`), and answers with the room's link and
//! password. The bot defers the answer while bingosync.com works.

use sdk::{
    bot::{command_handler, BotCommand, CommandOption, CommandReply, OptionKind},
    plugin::LoadContext,
    Actor, Error,
};

use presets::{
    model::SeedRoll,
    service::{Presets, RollRequest},
};

/// Registers `/bingosync`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(bingosync_command())
}

fn bingosync_command() -> BotCommand {
    let option = |name: &str, description: &str, kind: OptionKind, required: bool| CommandOption {
        name: name.into(),
        description: description.into(),
        kind,
        required,
    };
    BotCommand {
        name: "bingosync".into(),
        description: "Make a Bingosync room from a preset".into(),
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
                .ok_or_else(|| Error::invalid("preset", "Say which preset to use."))?
                .to_string();
            let namespace = ctx.call.string("namespace").map(str::to_string);
            let user = ctx.user.clone().ok_or_else(|| {
                Error::unauthenticated(
                    "Sign in to SahaBot with this Discord account to make rooms for this server's organization.",
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
            Ok(CommandReply::public(room_message(&seed)))
        }),
    }
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
