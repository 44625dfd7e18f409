//! Server functions: the JSON API under `/api/p/discordbot/`. Each is guard → service → DTO; the
//! guard wants the action `discord:link` ([`crate::actions::LINK`]) in the organization.
//!
//! `link_callback` is where Discord sends the browser back after the bot was added to a server
//! (a GET with `code`, `state`, `guild_id`): it links the server when the state is ours, was
//! issued to the signed-in user, and that user administers the server — then redirects to the
//! organization's Discord page with the outcome (`?linked=…` or `?error=…`). It has no guard:
//! whoever Discord sends back is checked by the service against the signed state.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use crate::model::{DiscordPage, InviteLink, LinkOutcome};
#[cfg(feature = "ssr")]
use crate::{actions, rules, service::DiscordBotService, PLUGIN_ID};
#[cfg(feature = "ssr")]
use sdk::{auth::guard::require_plugin, Actor};

/// The guard of every function but the callback: the plugin, and `discord:link` in `org_id`.
#[cfg(feature = "ssr")]
async fn guard(org_id: i64) -> Result<(DiscordBotService, Actor), sdk::Error> {
    // Context first: during server rendering it is only certain before the first await.
    let platform = sdk::context::platform()?;
    let scope = require_plugin(org_id, PLUGIN_ID, actions::LINK).await?;
    Ok((
        DiscordBotService::from_platform(&platform)?,
        Actor::from(&scope),
    ))
}

/// The organization's Discord page: bot status and linked servers.
#[server(prefix = "/api/p/discordbot", endpoint = "discord_overview", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn discord_overview(org_id: i64) -> Result<DiscordPage, sdk::Error> {
    let (service, actor) = guard(org_id).await?;
    service.page(&actor, org_id, sdk::time::now_ms()).await
}
sdk::api_doc!(
    DiscordOverview,
    "`discord:link` in the organization, with discordbot enabled"
);

/// A bot invite for this organization, valid for 15 minutes, for the signed-in user only.
#[server(prefix = "/api/p/discordbot", endpoint = "bot_invite", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn bot_invite(org_id: i64) -> Result<InviteLink, sdk::Error> {
    let (service, actor) = guard(org_id).await?;
    service
        .new_invite(&actor, org_id, sdk::time::now_ms())
        .await
}
sdk::api_doc!(
    BotInvite,
    "`discord:link` in the organization, with discordbot enabled"
);

/// Unlinks one of the organization's Discord servers.
#[server(prefix = "/api/p/discordbot", endpoint = "unlink_server", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn unlink_server(org_id: i64, guild_id: String) -> Result<(), sdk::Error> {
    let (service, actor) = guard(org_id).await?;
    service
        .unlink_guild(&actor, org_id, &guild_id)
        .await
        .map(|_| ())
}
sdk::api_doc!(
    UnlinkServer,
    "`discord:link` in the organization, with discordbot enabled"
);

/// Discord's redirect after the bot was added (or adding it was cancelled).
#[server(prefix = "/api/p/discordbot", endpoint = "link_callback", input = GetUrl, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn link_callback(
    #[server(default)] code: Option<String>,
    #[server(default)] state: Option<String>,
    #[server(default)] guild_id: Option<String>,
    #[server(default)] error: Option<String>,
    #[server(default)] error_description: Option<String>,
) -> Result<LinkOutcome, sdk::Error> {
    let platform = sdk::context::platform()?;
    let callback = rules::Callback {
        code,
        state,
        guild_id,
        error,
        error_description,
    };
    let outcome = match DiscordBotService::from_platform(&platform) {
        Ok(service) => {
            let caller = sdk::auth::guard::caller();
            let actor = Actor {
                user: caller.user,
                ip: caller.ip,
            };
            service
                .finish_link(&actor, &callback, sdk::time::now_ms())
                .await
        }
        Err(e) => LinkOutcome {
            linked: false,
            org_id: None,
            guild_id: None,
            message: e.message(),
        },
    };
    leptos_axum::redirect(&rules::page_after_link(&outcome));
    Ok(outcome)
}
sdk::api_doc!(
    LinkCallback,
    "signed in; Discord sends the browser here after the bot was added"
);
