//! `/avianart preset [race] [namespace]` on Discord: rolls an Avianart seed from one of the
//! organization's presets through the presets plugin's seed service, as the Discord user's
//! linked SahaBot account (a member holding `seed:roll`), and answers with the link and the
//! file-select code. The bot defers the answer while avianart.games generates the seed.
//!
//! `race` mirrors SahasrahBot's race flag: `race: true` makes it a race seed whatever the
//! preset says; left out (or false), the preset's own `race` setting decides (on by default).
//!
//! The command itself (preset suggestions while typing, the seed service's rights, the
//! deferred answer) is presets' [`RollCommand`]; here are only its options and its answer.

use presets::{
    model::SeedRoll,
    roll_command::{seed_message as usual_message, RollCommand},
};
use sdk::{plugin::LoadContext, Error};

/// Registers `/avianart`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(
        RollCommand {
            name: "avianart",
            description: "Roll an Avianart (door randomizer) seed from a preset",
            randomizer: crate::PLUGIN_ID,
            spoiler: None,
            race: Some("Make it a race seed even if the preset does not (no spoiler log)"),
            kind: None,
            buttons: None,
            message: seed_message,
        }
        .build(),
    )
}

/// The answer: what was rolled, the link, the file-select code.
pub fn seed_message(seed: &SeedRoll) -> String {
    usual_message("Avianart seed", "File select", seed)
}
