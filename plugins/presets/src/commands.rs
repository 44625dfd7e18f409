//! Presets' commands, thin adapters over the service:
//! - on Discord, `/preset randomizer name [namespace]` over
//!   [`Presets::settings_for`](crate::service::Presets::settings_for), which decides what the
//!   user may see; the reply's text comes from [`crate::messages`];
//! - on the command line, `sahabot presets import DIR --namespace NAME --user USERNAME
//!   [--randomizer NAME]` over [`Presets::import_dir`](crate::service::Presets::import_dir), as
//!   that user, with the same rights checks as the API.

use std::{path::PathBuf, sync::Arc};

use sdk::{
    auth::CurrentUser,
    bot::{
        autocomplete_handler, command_handler, BotCommand, Choice, CommandContext, CommandOption,
        CommandReply, Completing, OptionKind,
    },
    plugin::{
        cli::{CliArgs, CliCall, CliCommand},
        LoadContext,
    },
    Actor, Error,
};

use crate::{messages::preset_summary, rules::split_preset_key, service::Presets};

/// Registers `/preset` and `sahabot presets import`.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.command(preset_command())?;
    ctx.cli_command(import_command())
}

/// `sahabot presets import DIR --namespace NAME --user USERNAME [--randomizer NAME]`.
fn import_command() -> CliCommand {
    CliCommand {
        name: "import".into(),
        about: "Import every *.yaml / *.yml file of DIR into a namespace (name = file name; \
                randomizer = the file's `randomizer:` key or --randomizer)"
            .into(),
        usage: "DIR --namespace NAME --user USERNAME [--randomizer NAME]".into(),
        handler: Arc::new(|call| Box::pin(import(call))),
    }
}

async fn import(call: CliCall) -> Result<String, Error> {
    let args = CliArgs::parse(&call.args, &["namespace", "user", "randomizer"])?;
    let dir = PathBuf::from(args.positional(0, "folder of YAML files")?);
    let namespace = args.require("namespace")?;
    let username = args.require("user")?;
    let user = sdk::identity::lookup::find_by_username(&call.platform.db, username)
        .await?
        .ok_or_else(|| Error::invalid("user", format!("there is no user `{username}`")))?;
    let actor = Actor::user(CurrentUser {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        level: user.level,
        impersonated_by: None,
    });
    let results = Presets::new(call.platform)
        .import_dir(
            None,
            &actor,
            &dir,
            namespace,
            args.option("randomizer"),
            sdk::time::now_ms(),
        )
        .await?;
    let mut out = String::new();
    let mut failed = 0;
    for r in &results {
        match &r.outcome {
            Ok(name) => out += &format!("ok    {}: {name}\n", r.file),
            Err(why) => {
                failed += 1;
                out += &format!("error {}: {why}\n", r.file);
            }
        }
    }
    out += &format!("{} imported, {failed} failed", results.len() - failed);
    Ok(out)
}

/// `/preset randomizer name [namespace]`: a preset's summary. Members who hold `preset:read`
/// see the organization's private presets too; everybody else only public ones.
fn preset_command() -> BotCommand {
    let option = |name: &str, description: &str, required: bool| {
        CommandOption::new(name, description, OptionKind::String, required)
    };
    BotCommand {
        name: "preset".into(),
        description: "Show a randomizer preset".into(),
        options: vec![
            option("randomizer", "The randomizer, e.g. alttpr", true),
            option("name", "The preset: pick one, or type namespace/name", true).autocompleted(),
            option(
                "namespace",
                "The namespace (leave out for a global preset)",
                false,
            ),
        ],
        action: None,
        autocomplete: Some(autocomplete_handler(suggest_preset)),
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
            // A Discord user without a linked SahaBot account acts as nobody: public only.
            let actor = ctx.user.clone().map(Actor::user).unwrap_or_default();
            let presets = Presets::new(ctx.platform.clone());
            let ((mut namespace, mut name), global) =
                split_preset_key(&name, ctx.call.string("namespace"));
            let mut found = presets
                .settings_for(ctx.org_id, &actor, namespace.as_deref(), &randomizer, &name)
                .await;
            // `a/b` typed, and no namespace `a` has `b`: a global preset named `a/b`, maybe.
            if let (Err(Error::NotFound { .. }), Some(whole)) = (&found, global) {
                if let Ok(settings) = presets
                    .settings_for(ctx.org_id, &actor, None, &randomizer, &whole)
                    .await
                {
                    (namespace, name) = (None, whole);
                    found = Ok(settings);
                }
            }
            let (kind, settings) = found?;
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

/// Presets to pick while `name` is typed, of the randomizer given (nothing until it is); with
/// `namespace` filled in, that namespace's presets by name.
async fn suggest_preset(ctx: CommandContext, completing: Completing) -> Result<Vec<Choice>, Error> {
    let Some(randomizer) = ctx
        .call
        .string("randomizer")
        .filter(|r| !r.trim().is_empty())
    else {
        return Ok(Vec::new());
    };
    if completing.option != "name" {
        return Ok(Vec::new());
    }
    crate::roll_command::preset_suggestions(&ctx, randomizer, completing.typed, None, false).await
}
