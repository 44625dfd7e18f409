//! `/ctjets preset [namespace] [spoiler]` on Discord (SahasrahBot's `/ctjets preset`, with our
//! namespaces and the spoiler choice): rolls a CTJets seed from one of the organization's
//! presets through the presets plugin's seed service, as the Discord user's linked SahaBot
//! account (a member holding `seed:roll`), and answers with the seed's share link. The bot
//! defers the answer while ctjot.com works.
//!
//! The command itself (preset suggestions while typing, the seed service's rights, the
//! deferred answer) is presets' [`RollCommand`]; here are only its options and its answer.

use presets::{model::SeedRoll, roll_command::RollCommand};
use sdk::{plugin::LoadContext, Error};

/// Registers `/ctjets`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(
        RollCommand {
            name: "ctjets",
            description: "Roll a Chrono Trigger: Jets of Time seed from a preset",
            randomizer: crate::PLUGIN_ID,
            spoiler: Some(
                "Ask for a spoiler log (not a race seed: ctjot.com shows it on the share page)",
            ),
            race: None,
            kind: None,
            buttons: None,
            message: seed_message,
        }
        .build(),
    )
}

/// The answer: what was rolled and the share link.
pub fn seed_message(seed: &SeedRoll) -> String {
    let mut text = format!(
        "**CTJets seed** ({})\n<{}>",
        if seed.preset.is_empty() {
            "settings given"
        } else {
            &seed.preset
        },
        seed.url
    );
    if seed.has_spoiler {
        text += "\nNot a race seed: ctjot.com shows its spoiler log on the share page.";
    }
    text
}
