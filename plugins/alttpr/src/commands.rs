//! `/alttpr preset [namespace] [spoiler]` on Discord: rolls an ALTTPR seed from one of the
//! organization's presets through the presets plugin's seed service, as the Discord user's
//! linked SahaBot account (a member holding `seed:roll`), and answers with the link and the
//! file-select code. The bot defers the answer while alttpr.com works.
//!
//! The command itself (preset suggestions while typing, the seed service's rights, the
//! deferred answer) is presets' [`RollCommand`]; here are only its options and its answer.

use presets::{
    format::PresetKind,
    model::SeedRoll,
    roll_command::{seed_message as usual_message, RollCommand},
};
use sdk::{plugin::LoadContext, Error};

/// Registers `/alttpr` and `/mystery`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(
        RollCommand {
            name: "alttpr",
            description: "Roll an ALTTPR seed from a preset",
            randomizer: crate::PLUGIN_ID,
            spoiler: Some("Keep a spoiler log (shown on the seed's page to those allowed)"),
            race: None,
            kind: None,
            buttons: None,
            message: seed_message,
        }
        .build(),
    )?;
    ctx.command(
        RollCommand {
            name: "mystery",
            description: "Roll an ALTTPR mystery seed from a weightset",
            randomizer: crate::PLUGIN_ID,
            spoiler: None,
            race: None,
            kind: Some(PresetKind::Mystery),
            buttons: None,
            message: seed_message,
        }
        .build(),
    )
}

/// The answer: what was rolled, the link, the file-select code.
pub fn seed_message(seed: &SeedRoll) -> String {
    usual_message("ALTTPR seed", "File select", seed)
}
