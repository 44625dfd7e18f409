//! Server functions: the JSON API under `/api/p/discord_events/`. Each is guard → service → DTO:
//! the guard answers NotEnabled (404) when the organization has not switched the plugin on and
//! Forbidden without the action; the service decides everything else (the tournament and the
//! Discord server must be the organization's).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::{EventSettings, GuildChoice, ReconcileOutcome, Rights, TournamentEvents};
#[cfg(feature = "ssr")]
use crate::{actions, service::DiscordEvents, PLUGIN_ID};
#[cfg(feature = "ssr")]
use sdk::{auth::guard::require_plugin, context::platform, Actor};

/// What the caller may do on the page.
#[server(prefix = "/api/p/discord_events", endpoint = "my_rights", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn my_rights(org_id: i64) -> Result<Rights, sdk::Error> {
    // The request's context is there until the first await: read it first.
    let service = DiscordEvents::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::READ).await?;
    service.rights(org_id, &Actor::from(&scope)).await
}
sdk::api_doc!(
    MyRights,
    "`discord_events:read` in the organization, with discord_events enabled"
);

/// The Discord servers linked to the organization (where events may go; a handful at most).
#[server(prefix = "/api/p/discord_events", endpoint = "list_guilds", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_guilds(org_id: i64) -> Result<Vec<GuildChoice>, sdk::Error> {
    let service = DiscordEvents::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::READ).await?;
    service.guild_choices(org_id, &Actor::from(&scope)).await
}
sdk::api_doc!(
    ListGuilds,
    "`discord_events:read` in the organization, with discord_events enabled"
);

/// A tournament's settings, last sync, last error and events.
#[server(prefix = "/api/p/discord_events", endpoint = "tournament_events", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_tournament_events(
    org_id: i64,
    tournament_id: i64,
) -> Result<TournamentEvents, sdk::Error> {
    let service = DiscordEvents::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::READ).await?;
    service
        .tournament_events(org_id, &Actor::from(&scope), tournament_id)
        .await
}
sdk::api_doc!(
    GetTournamentEvents,
    "`discord_events:read` in the organization, with discord_events enabled"
);

/// Saves a tournament's settings (the server must be linked to the organization; templates
/// with known placeholders and within Discord's limits), then syncs its events.
#[server(prefix = "/api/p/discord_events", endpoint = "save_event_settings", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn save_event_settings(
    org_id: i64,
    settings: EventSettings,
) -> Result<TournamentEvents, sdk::Error> {
    let service = DiscordEvents::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::MANAGE).await?;
    let now = sdk::time::now_ms();
    service
        .save_settings(org_id, &Actor::from(&scope), &settings, now)
        .await
}
sdk::api_doc!(
    SaveEventSettings,
    "`discord_events:manage` in the organization, with discord_events enabled"
);

/// Brings the tournament's Discord events in step now (what the periodic task does).
#[server(prefix = "/api/p/discord_events", endpoint = "reconcile", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn reconcile(org_id: i64, tournament_id: i64) -> Result<ReconcileOutcome, sdk::Error> {
    let service = DiscordEvents::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::MANAGE).await?;
    let now = sdk::time::now_ms();
    service
        .reconcile_now(org_id, &Actor::from(&scope), tournament_id, now)
        .await
}
sdk::api_doc!(
    Reconcile,
    "`discord_events:manage` in the organization, with discord_events enabled"
);
