//! Server functions: the JSON API under `/api/p/speedgaming/`. Each is guard → service → DTO:
//! the guard answers NotEnabled (404) when the organization has not switched the plugin on and
//! Forbidden without `speedgaming:read`; the service checks `tournament:update` for managing.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use sdk::page::{Page, PageRequest};

use crate::model::{Link, SyncRights, TournamentChoice};
#[cfg(feature = "ssr")]
use crate::{actions, service::SpeedGaming, PLUGIN_ID};
#[cfg(feature = "ssr")]
use sdk::{auth::guard::require_plugin, context::platform, Actor};

/// What the caller may do on the sync page.
#[server(prefix = "/api/p/speedgaming", endpoint = "my_rights", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn my_rights(org_id: i64) -> Result<SyncRights, sdk::Error> {
    let service = SpeedGaming::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::READ).await?;
    service.rights(org_id, &Actor::from(&scope)).await
}
sdk::api_doc!(
    MyRights,
    "`speedgaming:read` in the organization, with speedgaming enabled"
);

/// The linked tournaments with their sync status and last run, a page at a time.
#[server(prefix = "/api/p/speedgaming", endpoint = "list_links", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_links(
    org_id: i64,
    #[server(default)] page: PageRequest,
) -> Result<Page<Link>, sdk::Error> {
    let service = SpeedGaming::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::READ).await?;
    service.links(org_id, &Actor::from(&scope), &page).await
}
sdk::api_doc!(
    ListLinks,
    "`speedgaming:read` in the organization, with speedgaming enabled"
);

/// The tournaments a link can be made for (not archived), a page at a time.
#[server(prefix = "/api/p/speedgaming", endpoint = "list_tournament_choices", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_tournament_choices(
    org_id: i64,
    #[server(default)] page: PageRequest,
) -> Result<Page<TournamentChoice>, sdk::Error> {
    let service = SpeedGaming::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::READ).await?;
    service
        .tournament_choices(org_id, &Actor::from(&scope), &page)
        .await
}
sdk::api_doc!(
    ListTournamentChoices,
    "`tournament:update` in the organization, with speedgaming enabled"
);

/// Links a tournament to a SpeedGaming event (or changes its slug) and switches its sync.
#[server(prefix = "/api/p/speedgaming", endpoint = "save_link", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn save_link(
    org_id: i64,
    tournament_id: i64,
    event_slug: String,
    sync_enabled: bool,
) -> Result<Link, sdk::Error> {
    let service = SpeedGaming::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::READ).await?;
    let now = sdk::time::now_ms();
    service
        .save_link(
            org_id,
            &Actor::from(&scope),
            tournament_id,
            &event_slug,
            sync_enabled,
            now,
        )
        .await
}
sdk::api_doc!(
    SaveLink,
    "`tournament:update` in the organization, with speedgaming enabled"
);

/// Syncs one linked tournament now; the answer is the link with this run's result.
#[server(prefix = "/api/p/speedgaming", endpoint = "sync_now", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn sync_now(org_id: i64, tournament_id: i64) -> Result<Link, sdk::Error> {
    let service = SpeedGaming::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::READ).await?;
    let now = sdk::time::now_ms();
    service
        .sync_now(org_id, &Actor::from(&scope), tournament_id, now)
        .await
}
sdk::api_doc!(
    SyncNow,
    "`tournament:update` in the organization, with speedgaming enabled"
);
