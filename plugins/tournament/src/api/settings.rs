//! Settings submissions of a match's players.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::SettingsSubmission;
use serde_json::Value;
#[cfg(feature = "ssr")]
use {super::guard::*, crate::actions};

#[server(prefix = "/api/p/tournament", endpoint = "submit_match_settings", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn submit_match_settings(
    org_id: i64,
    match_id: i64,
    game_number: i64,
    settings: Value,
    #[server(default)] notes: String,
) -> Result<SettingsSubmission, sdk::Error> {
    let g = guard(org_id, actions::MATCH_SETTINGS).await?;
    g.service
        .submit_settings(
            g.org_id,
            &g.actor,
            match_id,
            game_number,
            &settings,
            &notes,
            now(),
        )
        .await
}
sdk::api_doc!(
    SubmitMatchSettings,
    "`match:settings` in the organization, with tournament enabled"
);

/// Managers (`tournament:update`) see every submission of the match; others their own.
#[server(prefix = "/api/p/tournament", endpoint = "list_match_settings", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_match_settings(
    org_id: i64,
    match_id: i64,
) -> Result<Vec<SettingsSubmission>, sdk::Error> {
    let g = guard(org_id, actions::MATCH_READ).await?;
    g.service
        .submissions(g.platform.authorizer.as_ref(), g.org_id, &g.actor, match_id)
        .await
}
sdk::api_doc!(
    ListMatchSettings,
    "`match:read` in the organization, with tournament enabled"
);
