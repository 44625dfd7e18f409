//! Server functions: the JSON API under `/api/p/discordbot/`. Each is guard → service → DTO; the
//! guard wants the action `discord:link` in the organization.
//!
//! `link_callback` is where Discord sends the browser back after the bot was added to a server
//! (a GET with `code`, `state`, `guild_id`): it links the server when the state is ours, was
//! issued to the signed-in user, and that user administers the server — then redirects to the
//! organization's Discord page with the outcome (`?linked=…` or `?error=…`).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use crate::model::{DiscordPage, InviteLink, LinkOutcome};
#[cfg(feature = "ssr")]
use crate::{service, settings::Settings, PLUGIN_ID};
#[cfg(feature = "ssr")]
use sdk::auth::guard::require_plugin;

/// The action every function here needs.
pub const ACTION: &str = "discord:link";

#[cfg(feature = "ssr")]
fn settings(platform: &sdk::context::Platform) -> Result<std::sync::Arc<Settings>, sdk::Error> {
    platform.plugins.service::<Settings>(PLUGIN_ID)
}

/// The organization's Discord page: bot status and linked servers.
#[server(prefix = "/api/p/discordbot", endpoint = "discord_overview", input = Json, output = Json)]
pub async fn discord_overview(org_id: i64) -> Result<DiscordPage, sdk::Error> {
    // Context first: during server rendering it is only certain before the first await.
    let platform = sdk::context::platform()?;
    require_plugin(org_id, PLUGIN_ID, ACTION).await?;
    service::page(&platform, &*settings(&platform)?, org_id).await
}

/// A bot invite for this organization, valid for 15 minutes, for the signed-in user only.
#[server(prefix = "/api/p/discordbot", endpoint = "bot_invite", input = Json, output = Json)]
pub async fn bot_invite(org_id: i64) -> Result<InviteLink, sdk::Error> {
    let platform = sdk::context::platform()?;
    let scope = require_plugin(org_id, PLUGIN_ID, ACTION).await?;
    service::new_invite(
        &*settings(&platform)?,
        org_id,
        scope.user.id,
        sdk::time::now_ms(),
    )
}

/// Unlinks one of the organization's Discord servers.
#[server(prefix = "/api/p/discordbot", endpoint = "unlink_server", input = Json, output = Json)]
pub async fn unlink_server(org_id: i64, guild_id: String) -> Result<(), sdk::Error> {
    let scope = require_plugin(org_id, PLUGIN_ID, ACTION).await?;
    service::unlink_guild(
        &scope.db,
        org_id,
        scope.user.id,
        &guild_id,
        scope.ip.as_deref(),
    )
    .await
    .map(|_| ())
}

/// Discord's redirect after the bot was added (or adding it was cancelled).
#[server(prefix = "/api/p/discordbot", endpoint = "link_callback", input = GetUrl, output = Json)]
pub async fn link_callback(
    #[server(default)] code: Option<String>,
    #[server(default)] state: Option<String>,
    #[server(default)] guild_id: Option<String>,
    #[server(default)] error: Option<String>,
    #[server(default)] error_description: Option<String>,
) -> Result<LinkOutcome, sdk::Error> {
    let platform = sdk::context::platform()?;
    let callback = service::Callback {
        code,
        state,
        guild_id,
        error,
        error_description,
    };
    let outcome = match settings(&platform) {
        Ok(settings) => {
            let caller = sdk::auth::guard::caller();
            service::finish_link(&platform, &settings, &callback, &caller).await
        }
        Err(e) => LinkOutcome {
            linked: false,
            org_id: None,
            guild_id: None,
            message: e.message(),
        },
    };
    leptos_axum::redirect(&service::page_after_link(&outcome));
    Ok(outcome)
}
