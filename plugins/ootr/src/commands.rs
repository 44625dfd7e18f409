//! `/ootr preset [namespace]` on Discord: rolls an OoTR seed from one of the organization's
//! presets through the presets plugin's seed service, as the Discord user's linked SahaBot
//! account (a member holding `seed:roll`), and answers with the link and the hash icons. The
//! bot defers the answer while ootrandomizer.com generates the seed.
//!
//! The command itself (preset suggestions while typing, the seed service's rights, the
//! deferred answer) is presets' [`RollCommand`]; here are only its options and its answer.

use presets::{
    model::SeedRoll,
    roll_command::{seed_message as usual_message, RollCommand},
};
use sdk::{plugin::LoadContext, Error};

/// Registers `/ootr`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(
        RollCommand {
            name: "ootr",
            description: "Roll an Ocarina of Time Randomizer seed from a preset",
            randomizer: crate::PLUGIN_ID,
            spoiler: None,
            race: None,
            kind: None,
            buttons: None,
            message: seed_message,
        }
        .build(),
    )
}

/// The answer: what was rolled, the link, the hash icons.
pub fn seed_message(seed: &SeedRoll) -> String {
    usual_message("OoTR seed", "Hash", seed)
}
