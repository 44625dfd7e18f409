//! Presets on Discord and on a schedule: the `/preset` command, the `presets.post_list` task
//! type (post a namespace's presets to a channel), and the announcement of new presets in the
//! channel an organization chose (`announce_channel_id` in the plugin's settings).
//!
//! The Discord side is thin: the texts are built by the pure functions below (unit tested), the
//! rules come from [`crate::service`] and [`crate::repo`], and messages go out through
//! `sdk::bot::channels::checked_rest`: the bot posts only to a channel of a Discord server
//! linked to the organization (checked again before every post, so a server unlinked since the
//! channel was saved gets nothing), and says clearly when the site has no bot. Both channel
//! settings are marked `"format": "discord_channel"`, so the platform checks them when saved.

use std::sync::{Arc, OnceLock};

use sdk::{
    bot::{
        channels::checked_rest, command_handler, BotCommand, BotRuntime, CommandOption,
        CommandReply, OptionKind,
    },
    context::Platform,
    db::Db,
    events::Envelope,
    plugin::LoadContext,
    tasks::{handler, TaskType},
    Error,
};
use serde_json::{json, Value};

use crate::{events::PresetCreated, repo, service::PresetService, PLUGIN_ID};

/// Discord refuses messages longer than this.
pub const DISCORD_MESSAGE_LIMIT: usize = 2000;

/// Registers the command, the task type and the announcement listener. `platform` is filled in
/// `on_start` (the listener needs the organization's settings, which live in the plugin host).
pub fn register(ctx: &LoadContext, platform: Arc<OnceLock<Platform>>) -> Result<(), Error> {
    ctx.command(preset_command())?;
    ctx.task_type(post_list_task(ctx.db.clone(), ctx.bot()))?;
    let bot = ctx.bot();
    ctx.listen::<PresetCreated, _, _>(move |event| {
        let platform = platform.get().cloned();
        let bot = Arc::clone(&bot);
        async move {
            match platform {
                Some(platform) => announce(&platform, &bot, event).await,
                // Not started as a server (a CLI command): nobody to announce to.
                None => Ok(()),
            }
        }
    });
    Ok(())
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
            let may_read_private = match &ctx.user {
                Some(user) => {
                    ctx.platform
                        .authorizer
                        .allowed(user, ctx.org_id, "preset:read")
                        .await?
                }
                None => false,
            };
            let service = PresetService::new(ctx.platform.db.clone());
            let (kind, settings) = service
                .settings(
                    may_read_private.then_some(ctx.org_id),
                    namespace.as_deref(),
                    &randomizer,
                    &name,
                )
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

/// "**Open** (alttpr, namespace `league`, standard): 3 settings — goal, mode, swords".
pub fn preset_summary(
    name: &str,
    randomizer: &str,
    namespace: Option<&str>,
    kind: &str,
    settings: &Value,
) -> String {
    let keys: Vec<&str> = settings
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let place = namespace
        .map(|n| format!("namespace `{n}`"))
        .unwrap_or_else(|| "global".into());
    let text = format!(
        "**{name}** ({randomizer}, {place}, {kind}): {} setting{}{}",
        keys.len(),
        if keys.len() == 1 { "" } else { "s" },
        if keys.is_empty() {
            String::new()
        } else {
            format!(" — {}", keys.join(", "))
        }
    );
    truncate(text)
}

/// The `presets.post_list` task: posts the presets of one of the organization's namespaces.
fn post_list_task(db: Db, bot: Arc<BotRuntime>) -> TaskType {
    TaskType {
        name: "post_list".into(),
        description: "Post a namespace's presets to a Discord channel".into(),
        config_schema: Some(json!({
            "type": "object",
            "properties": {
                "channel_id": {"type": "string", "pattern": "^[0-9]{5,25}$", "format": "discord_channel", "description": "Discord channel id (in a Discord server linked to this organization)"},
                "namespace": {"type": "string", "minLength": 1, "description": "Namespace slug owned by this organization"}
            },
            "required": ["channel_id", "namespace"],
            "additionalProperties": false
        })),
        handler: handler(move |run| {
            let db = db.clone();
            let bot = Arc::clone(&bot);
            async move {
                let channel = run.config["channel_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let slug = run.config["namespace"]
                    .as_str()
                    .unwrap_or_default()
                    .to_lowercase();
                let namespace = repo::namespace_by_slug(&db, &slug)
                    .await?
                    .filter(|ns| ns.owner_org_id.is_some() && ns.owner_org_id == run.org_id)
                    .ok_or_else(|| {
                        Error::invalid(
                            "namespace",
                            format!("The namespace `{slug}` does not exist or does not belong to this organization."),
                        )
                    })?;
                let org_id = run.org_id.ok_or_else(|| {
                    Error::internal("presets.post_list runs only as an organization's task")
                })?;
                // Checked before every post: the server may have been unlinked since.
                let rest = checked_rest(&bot, &db, org_id, "channel_id", &channel).await?;
                let rows = repo::search_presets(&db, None, Some(namespace.id), None, 500).await?;
                let entries: Vec<(String, String)> =
                    rows.into_iter().map(|r| (r.randomizer, r.name)).collect();
                rest.post_message(&channel, &catalog_message(&slug, &entries))
                    .await?;
                Ok(())
            }
        }),
    }
}

/// The list the task posts; cut to Discord's limit with a note of how many were left out.
pub fn catalog_message(namespace: &str, presets: &[(String, String)]) -> String {
    if presets.is_empty() {
        return format!("Namespace `{namespace}` has no presets yet.");
    }
    let mut text = format!("Presets in `{namespace}` ({}):", presets.len());
    for (i, (randomizer, name)) in presets.iter().enumerate() {
        let line = format!("\n• {name} ({randomizer})");
        let rest = presets.len() - i;
        let note = format!("\n… and {rest} more");
        if text.len() + line.len() + note.len() > DISCORD_MESSAGE_LIMIT {
            text.push_str(&note);
            return text;
        }
        text.push_str(&line);
    }
    text
}

/// "New preset **Open** (alttpr) in `league`."
pub fn announcement(name: &str, randomizer: &str, namespace: Option<&str>) -> String {
    truncate(match namespace {
        Some(ns) => format!("New preset **{name}** ({randomizer}) in `{ns}`."),
        None => format!("New global preset **{name}** ({randomizer})."),
    })
}

async fn announce(
    platform: &Platform,
    bot: &BotRuntime,
    event: Envelope<PresetCreated>,
) -> Result<(), Error> {
    let Some(org_id) = event.org_id else {
        return Ok(());
    };
    if !platform.plugins.is_enabled(org_id, PLUGIN_ID).await? {
        return Ok(());
    }
    let config = platform.plugins.effective_config(org_id, PLUGIN_ID).await?;
    let channel = config["announce_channel_id"].as_str().unwrap_or_default();
    if channel.is_empty() {
        return Ok(());
    }
    let p = &event.event;
    // A channel that is no longer in one of the organization's servers gets nothing; the error
    // is logged and kept with the bus's listener failures.
    checked_rest(bot, &platform.db, org_id, "announce_channel_id", channel)
        .await?
        .post_message(
            channel,
            &announcement(&p.name, &p.randomizer, p.namespace.as_deref()),
        )
        .await
        .map(|_| ())
}

/// Cuts `text` to Discord's limit, which counts characters.
fn truncate(text: String) -> String {
    if text.chars().count() <= DISCORD_MESSAGE_LIMIT {
        return text;
    }
    let mut cut: String = text.chars().take(DISCORD_MESSAGE_LIMIT - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn summary_lists_settings() {
        let s = preset_summary(
            "Open",
            "alttpr",
            Some("league"),
            "standard",
            &json!({"goal": "ganon", "mode": "open"}),
        );
        assert_eq!(
            s,
            "**Open** (alttpr, namespace `league`, standard): 2 settings — goal, mode"
        );
        let g = preset_summary("Any", "smz3", None, "mystery", &json!({"weights": {}}));
        assert_eq!(g, "**Any** (smz3, global, mystery): 1 setting — weights");
    }

    #[test]
    fn catalog_fits_discord() {
        assert_eq!(
            catalog_message("x", &[]),
            "Namespace `x` has no presets yet."
        );
        let two = vec![
            ("alttpr".into(), "Open".into()),
            ("smz3".into(), "Normal".into()),
        ];
        assert_eq!(
            catalog_message("league", &two),
            "Presets in `league` (2):\n• Open (alttpr)\n• Normal (smz3)"
        );
        let many: Vec<(String, String)> = (0..400)
            .map(|i| ("alttpr".to_string(), format!("Preset number {i}")))
            .collect();
        let text = catalog_message("big", &many);
        assert!(text.len() <= DISCORD_MESSAGE_LIMIT, "{}", text.len());
        assert!(text.contains("more"), "{text}");
    }

    #[test]
    fn announcements_and_long_names() {
        assert_eq!(
            announcement("Open", "alttpr", Some("league")),
            "New preset **Open** (alttpr) in `league`."
        );
        let long = "é".repeat(3000);
        assert_eq!(
            announcement(&long, "alttpr", None).chars().count(),
            DISCORD_MESSAGE_LIMIT
        );
    }
}
