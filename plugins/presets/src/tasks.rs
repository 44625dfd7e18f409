//! The `presets.post_list` task type: an organization schedules it to post one of its
//! namespaces' presets to a Discord channel. The list comes from
//! [`PresetService::catalog`](crate::service::PresetService::catalog) (the namespace must be the
//! organization's), the text from [`crate::messages`].
//!
//! The channel is marked `"format": "discord_channel"`, so the platform checks it is in one of
//! the organization's Discord servers when the task is saved; it is checked again before every
//! post (`sdk::bot::channels::checked_rest`), so a server unlinked since gets nothing and the
//! run fails saying why.

use std::sync::Arc;

use sdk::{
    bot::{channels::checked_rest, BotRuntime},
    db::Db,
    plugin::LoadContext,
    tasks::{handler, TaskType},
    Error,
};
use serde_json::json;

use crate::{messages::catalog_message, service::PresetService};

/// Registers the `post_list` task type.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.task_type(post_list_task(ctx.db.clone(), ctx.bot()))
}

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
                let presets = PresetService::new(db.clone())
                    .catalog(run.org_id, &slug)
                    .await?;
                let org_id = run.org_id.ok_or_else(|| {
                    Error::internal("presets.post_list runs only as an organization's task")
                })?;
                // Checked before every post: the server may have been unlinked since.
                let rest = checked_rest(&bot, &db, org_id, "channel_id", &channel).await?;
                rest.post_message(&channel, &catalog_message(&slug, &presets))
                    .await?;
                Ok(())
            }
        }),
    }
}
