//! `/smz3 preset [namespace] [race] [spoiler]` on Discord (SahasrahBot's `/smz3 preset race
//! spoiler_race`): rolls an SMZ3 seed from one of the organization's presets through the presets
//! plugin's seed service, as the Discord user's linked SahaBot account (a member holding
//! `seed:roll`), and answers with the link and the file-select code. The bot defers the answer
//! while samus.link works. The spoiler link is not posted: it is on the seed's page, for those
//! allowed to see it.
//!
//! The command itself (preset suggestions while typing, the seed service's rights, the
//! deferred answer) is presets' [`RollCommand`]; here are only its options and its answer.

use presets::{
    model::SeedRoll,
    roll_command::{seed_message as usual_message, RollCommand},
};
use sdk::{plugin::LoadContext, Error};

/// Registers `/smz3`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(
        RollCommand {
            name: "smz3",
            description: "Roll an SMZ3 (Super Metroid + A Link to the Past) seed from a preset",
            randomizer: crate::PLUGIN_ID,
            spoiler: Some("Keep the spoiler link (shown on the seed's page to those allowed)"),
            race: Some("A race seed (no spoiler on samus.link) even if the preset does not say so"),
            kind: None,
            buttons: None,
            message: seed_message,
        }
        .build(),
    )
}

/// The answer: what was rolled, the link, the file-select code.
pub fn seed_message(seed: &SeedRoll) -> String {
    usual_message("SMZ3 seed", "File select", seed)
}
