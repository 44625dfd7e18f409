//! `/aosr preset [namespace]` on Discord: rolls an AOSR seed from one of the organization's
//! presets through the presets plugin's seed service, as the Discord user's linked SahaBot
//! account (a member holding `seed:roll`), and answers with the generator link and the seed.
//! No `spoiler` option: AOSR seeds have none to keep.

use sdk::{
    bot::{command_handler, BotCommand, CommandOption, CommandReply, OptionKind},
    plugin::LoadContext,
    Actor, Error,
};

use presets::{
    model::SeedRoll,
    service::{Presets, RollRequest},
};

/// Registers `/aosr`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(aosr_command())
}

fn aosr_command() -> BotCommand {
    let option = |name: &str, description: &str, kind: OptionKind, required: bool| CommandOption {
        name: name.into(),
        description: description.into(),
        kind,
        required,
    };
    BotCommand {
        name: "aosr".into(),
        description: "Roll an Aria of Sorrow Randomizer seed from a preset".into(),
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
                .ok_or_else(|| Error::invalid("preset", "Say which preset to roll."))?
                .to_string();
            let namespace = ctx.call.string("namespace").map(str::to_string);
            let user = ctx.user.clone().ok_or_else(|| {
                Error::unauthenticated(
                    "Sign in to SahaBot with this Discord account to roll seeds for this server's organization.",
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
            Ok(CommandReply::public(seed_message(&seed)))
        }),
    }
}

/// The answer: what was rolled, the link, the seed.
pub fn seed_message(seed: &SeedRoll) -> String {
    let mut text = format!(
        "**AOSR seed** ({})\n<{}>",
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
    text += "\nThe link opens aosrando.surge.sh, which makes the ROM in your browser.";
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_has_the_link_and_the_seed() {
        let seed = SeedRoll {
            id: 1,
            randomizer: "aosr".into(),
            preset: "league/standard".into(),
            rolled_by: Some("ada".into()),
            source: "discord".into(),
            mystery: false,
            url: "https://aosrando.surge.sh/?seed=-2&logic=AreaTechTiers".into(),
            hash: Some("-2".into()),
            permalink: None,
            file_select_code: None,
            has_spoiler: false,
            has_spoiler_log: false,
            spoiler_released: false,
            spoiler_url: None,
            settings: Some(serde_json::json!({"seed": -2, "flags": [["logic", "AreaTechTiers"]]})),
            can_release: false,
            used_for: None,
            created_at: 0,
        };
        let text = seed_message(&seed);
        assert!(text.starts_with("**AOSR seed** (league/standard)\n<https://aosrando.surge.sh/?seed=-2&logic=AreaTechTiers>"), "{text}");
        assert!(text.contains("Seed: `-2`"), "{text}");
    }
}
