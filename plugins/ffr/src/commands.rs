//! `/ffr preset [namespace]` on Discord: rolls an FFR seed from one of the organization's
//! presets through the presets plugin's seed service, as the Discord user's linked SahaBot
//! account (a member holding `seed:roll`), and answers with the generator link and the seed.
//! No `spoiler` option: FFR seeds have none to keep.
//!
//! The command itself (preset suggestions while typing, the seed service's rights, the
//! deferred answer) is presets' [`RollCommand`]; here are only its options and its answer.

use presets::{model::SeedRoll, roll_command::RollCommand};
use sdk::{plugin::LoadContext, Error};

/// Registers `/ffr`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(
        RollCommand {
            name: "ffr",
            description: "Roll a Final Fantasy Randomizer seed from a preset",
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

/// The answer: what was rolled, the link, the seed.
pub fn seed_message(seed: &SeedRoll) -> String {
    let mut text = format!(
        "**FFR seed** ({})\n<{}>",
        if seed.preset.is_empty() {
            "settings given"
        } else {
            &seed.preset
        },
        seed.url
    );
    if let Some(number) = &seed.hash {
        text += &format!("\nSeed: `{number}`");
    }
    text += "\nThe link opens finalfantasyrandomizer.com, which makes the ROM in your browser.";
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_has_the_link_and_the_seed() {
        let seed = SeedRoll {
            id: 1,
            randomizer: "ffr".into(),
            preset: "league/standard".into(),
            rolled_by: Some("ada".into()),
            source: "discord".into(),
            mystery: false,
            url: "https://finalfantasyrandomizer.com/Randomize?s=00C0FFEE&f=AbC".into(),
            hash: Some("00C0FFEE".into()),
            permalink: None,
            file_select_code: None,
            has_spoiler: false,
            has_spoiler_log: false,
            spoiler_released: false,
            spoiler_url: None,
            settings: Some(serde_json::json!({"seed": "00C0FFEE", "flags": "AbC"})),
            can_release: false,
            used_for: None,
            created_at: 0,
        };
        let text = seed_message(&seed);
        assert!(text.starts_with("**FFR seed** (league/standard)\n<https://finalfantasyrandomizer.com/Randomize?s=00C0FFEE&f=AbC>"), "{text}");
        assert!(text.contains("Seed: `00C0FFEE`"), "{text}");
    }
}
