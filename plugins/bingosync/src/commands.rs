//! `/bingosync preset [namespace]` on Discord: makes a Bingosync room from one of the
//! organization's presets through the presets plugin's seed service, as the Discord user's
//! linked SahaBot account (a member holding `seed:roll`), and answers with the room's link and
//! password. The bot defers the answer while bingosync.com works.
//!
//! The command itself (preset suggestions while typing, the seed service's rights, the
//! deferred answer) is presets' [`RollCommand`]; here are only its options and its answer.

use presets::{model::SeedRoll, roll_command::RollCommand};
use sdk::{plugin::LoadContext, Error};

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
            message: room_message,
        }
        .build(),
    )
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
