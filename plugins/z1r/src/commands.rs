//! `/z1r preset [namespace]` on Discord: rolls a Z1R seed from one of the organization's
//! presets through the presets plugin's seed service, as the Discord user's linked SahaBot
//! account (a member holding `seed:roll`), and answers with what players type into the
//! randomizer program — the seed number and the flags — and its home page. No `spoiler`
//! option: Z1R seeds have none to keep.
//!
//! The command itself (preset suggestions while typing, the seed service's rights, the
//! deferred answer) is presets' [`RollCommand`]; here are only its options and its answer.

use presets::{model::SeedRoll, roll_command::RollCommand};
use sdk::{plugin::LoadContext, Error};

use crate::rules::Z1R;

/// Registers `/z1r`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(
        RollCommand {
            name: "z1r",
            description: "Roll a Zelda 1 Randomizer seed from a preset",
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

/// The answer: what was rolled, the seed number and flags to type into the program, and where
/// the program is.
pub fn seed_message(seed: &SeedRoll) -> String {
    Z1R.roll_message(
        &seed.preset,
        &seed.url,
        seed.hash.as_deref(),
        seed.settings.as_ref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_has_the_number_the_flags_and_the_program() {
        let seed = SeedRoll {
            id: 1,
            randomizer: "z1r".into(),
            preset: "league/standard".into(),
            rolled_by: Some("ada".into()),
            source: "discord".into(),
            mystery: false,
            url: "https://sites.google.com/site/zeldarandomizer/".into(),
            hash: Some("42".into()),
            permalink: None,
            file_select_code: None,
            has_spoiler: false,
            has_spoiler_log: false,
            spoiler_released: false,
            spoiler_url: None,
            settings: Some(
                serde_json::json!({"seed": "42", "flags": "oIbnPfPb01HJEAN8LBIMmlBWz!gGeqNjpYphk"}),
            ),
            can_release: false,
            used_for: None,
            created_at: 0,
        };
        assert_eq!(
            seed_message(&seed),
            "**Z1R seed** (league/standard)\nSeed: `42` - Flags: `oIbnPfPb01HJEAN8LBIMmlBWz!gGeqNjpYphk`\nType both into the Zelda 1 Randomizer program (<https://sites.google.com/site/zeldarandomizer/>) and randomize your own ROM."
        );
    }
}
