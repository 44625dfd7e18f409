//! `/sm preset [namespace] [race]` on Discord (SahasrahBot's `/sm preset race`; its `/smvaria`
//! and `/smdash` are presets with `generator: varia` / `dash` here): rolls a Super Metroid seed
//! from one of the organization's presets through the presets plugin's seed service, as the
//! Discord user's linked SahaBot account (a member holding `seed:roll`), and answers with the
//! link and, when the generator gives one, the file-select code. The bot defers the answer
//! while the site works.
//!
//! The command itself (preset suggestions while typing, the seed service's rights, the
//! deferred answer) is presets' [`RollCommand`]; here are only its options and its answer.

use presets::{
    model::SeedRoll,
    roll_command::{seed_message as usual_message, RollCommand},
};
use sdk::{plugin::LoadContext, Error};

/// Registers `/sm`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(
        RollCommand {
            name: "sm",
            description: "Roll a Super Metroid randomizer seed from a preset",
            randomizer: crate::PLUGIN_ID,
            spoiler: None,
            race: Some("A race seed (no spoiler on the site) even if the preset does not say so"),
            kind: None,
            buttons: None,
            message: seed_message,
        }
        .build(),
    )
}

/// The answer: what was rolled, the link, the file-select code.
pub fn seed_message(seed: &SeedRoll) -> String {
    usual_message("Super Metroid seed", "File select", seed)
}
