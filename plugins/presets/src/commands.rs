//! Presets on Discord: the `/preset randomizer name [namespace]` command, a thin adapter over
//! [`Presets::settings_for`](crate::service::Presets::settings_for), which decides what the
//! user may see; the reply's text comes from [`crate::messages`].

use sdk::{
    bot::{command_handler, BotCommand, CommandOption, CommandReply, OptionKind},
    plugin::LoadContext,
    Actor, Error,
};

use crate::{messages::preset_summary, service::Presets};

/// Registers `/preset`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(preset_command())
}

/// `/preset randomizer name [namespace]`: a preset's summary. Members who hold `preset:read`
/// see the organization's private presets too; everybody else only public ones.
fn preset_command() -> BotCommand {
    let option = |name: &str, description: &str, required: bool| CommandOption {
        name: name.into(),
        description: description.into(),
        kind: OptionKind::String,
        required,
    };
    BotCommand {
        name: "preset".into(),
        description: "Show a randomizer preset".into(),
        options: vec![
            option("randomizer", "The randomizer, e.g. alttpr", true),
            option("name", "The preset's name", true),
            option(
                "namespace",
                "The namespace (leave out for a global preset)",
                false,
            ),
        ],
        action: None,
        handler: command_handler(|ctx| async move {
            let randomizer = ctx
                .call
                .string("randomizer")
                .ok_or_else(|| Error::invalid("randomizer", "Say which randomizer."))?
                .to_string();
            let name = ctx
                .call
                .string("name")
                .ok_or_else(|| Error::invalid("name", "Say which preset."))?
                .to_string();
            let namespace = ctx.call.string("namespace").map(str::to_string);
            // A Discord user without a linked SahaBot account acts as nobody: public only.
            let actor = ctx.user.clone().map(Actor::user).unwrap_or_default();
            let (kind, settings) = Presets::new(ctx.platform.clone())
                .settings_for(ctx.org_id, &actor, namespace.as_deref(), &randomizer, &name)
                .await?;
            Ok(CommandReply::public(preset_summary(
                &name,
                &randomizer.to_lowercase(),
                namespace.as_deref(),
                &kind.label().to_lowercase(),
                &settings,
            )))
        }),
    }
}
