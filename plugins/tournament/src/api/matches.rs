//! Matches: reading, scheduling, editing, deleting, status steps, results and seeds.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::{Match, RankInput, StationInput};
use serde_json::Value;
#[cfg(feature = "ssr")]
use {super::guard::*, crate::actions};

/// Matches a page at a time (`sdk::page`: the most recently created first), each page in
/// schedule order: by time, pending last. `from`/`to` bound the scheduled time (RFC 3339);
/// `status` is a status key (`scheduled`, `checked_in`, …); `mine` keeps the caller's matches
/// (played or crewed).
#[server(prefix = "/api/p/tournament", endpoint = "list_matches", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
#[allow(clippy::too_many_arguments)]
pub async fn list_matches(
    org_id: i64,
    #[server(default)] tournament_id: Option<i64>,
    #[server(default)] from: Option<sdk::time::TimeText>,
    #[server(default)] to: Option<sdk::time::TimeText>,
    #[server(default)] status: Option<String>,
    #[server(default)] stream_channel_id: Option<i64>,
    #[server(default)] mine: bool,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Match>, sdk::Error> {
    let g = guard(org_id, actions::MATCH_READ).await?;
    let status = status_key("status", status.as_deref())?;
    let query = crate::repo::MatchQuery {
        tournament_id,
        from: instant("from", from.as_deref())?,
        to: instant("to", to.as_deref())?,
        stream_channel_id,
        involving: if mine { g.actor.user_id() } else { None },
        open_tournaments_only: false,
        page: None,
    };
    g.service.matches_page(g.org_id, &query, status, page).await
}
sdk::api_doc!(
    ListMatches,
    "`match:read` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "get_match", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_match(org_id: i64, match_id: i64) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::MATCH_READ).await?;
    g.service.get_match(g.org_id, match_id).await
}
sdk::api_doc!(
    GetMatch,
    "`match:read` in the organization, with tournament enabled"
);

/// The settings form (JSON Schema) of the match's tournament, if it has one.
#[server(prefix = "/api/p/tournament", endpoint = "match_settings_form", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn match_settings_form(org_id: i64, match_id: i64) -> Result<Option<Value>, sdk::Error> {
    let g = guard(org_id, actions::MATCH_READ).await?;
    g.service.settings_form(g.org_id, match_id).await
}
sdk::api_doc!(
    MatchSettingsForm,
    "`match:read` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "create_match", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
#[allow(clippy::too_many_arguments)]
pub async fn create_match(
    org_id: i64,
    tournament_id: i64,
    #[server(default)] title: String,
    #[server(default)] scheduled_at: Option<sdk::time::TimeText>,
    player_ids: Vec<i64>,
    #[server(default)] stream_channel_id: Option<i64>,
    #[server(default)] comment: String,
) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::MATCH_CREATE).await?;
    let input = crate::service::MatchInput {
        title,
        comment,
        scheduled_at: instant("scheduled_at", scheduled_at.as_deref())?,
        player_ids,
        stream_channel_id,
    };
    g.service
        .create_match(g.org_id, &g.actor, tournament_id, &input, now())
        .await
}
sdk::api_doc!(
    CreateMatch,
    "`match:create` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "update_match", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
#[allow(clippy::too_many_arguments)]
pub async fn update_match(
    org_id: i64,
    match_id: i64,
    #[server(default)] title: String,
    #[server(default)] scheduled_at: Option<sdk::time::TimeText>,
    player_ids: Vec<i64>,
    #[server(default)] stream_channel_id: Option<i64>,
    #[server(default)] comment: String,
) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::MATCH_UPDATE).await?;
    let input = crate::service::MatchInput {
        title,
        comment,
        scheduled_at: instant("scheduled_at", scheduled_at.as_deref())?,
        player_ids,
        stream_channel_id,
    };
    g.service
        .update_match(g.org_id, &g.actor, match_id, &input, now())
        .await
}
sdk::api_doc!(
    UpdateMatch,
    "`match:update` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "delete_match", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn delete_match(org_id: i64, match_id: i64) -> Result<(), sdk::Error> {
    let g = guard(org_id, actions::MATCH_DELETE).await?;
    g.service
        .delete_match(g.org_id, &g.actor, match_id, now())
        .await
}
sdk::api_doc!(
    DeleteMatch,
    "`match:delete` in the organization, with tournament enabled"
);

/// One status step forward; `stations` check in an onsite match. `from` is the status the caller
/// saw (a status key): when the match has moved since, the step is refused instead of taken twice.
#[server(prefix = "/api/p/tournament", endpoint = "advance_match", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn advance_match(
    org_id: i64,
    match_id: i64,
    #[server(default)] stations: Vec<StationInput>,
    #[server(default)] from: Option<String>,
) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::MATCH_ADVANCE).await?;
    let request = crate::service::StepRequest {
        forward: true,
        expected: seen_status(from.as_deref())?,
        stations,
        as_holder: None,
    };
    g.service
        .step(g.org_id, &g.actor, match_id, &request, now())
        .await
}
sdk::api_doc!(
    AdvanceMatch,
    "`match:advance` in the organization, with tournament enabled"
);

/// One status step back; `from` as for `advance_match`.
#[server(prefix = "/api/p/tournament", endpoint = "revert_match", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn revert_match(
    org_id: i64,
    match_id: i64,
    #[server(default)] from: Option<String>,
) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::MATCH_ADVANCE).await?;
    let request = crate::service::StepRequest {
        forward: false,
        expected: seen_status(from.as_deref())?,
        stations: Vec::new(),
        as_holder: None,
    };
    g.service
        .step(g.org_id, &g.actor, match_id, &request, now())
        .await
}
sdk::api_doc!(
    RevertMatch,
    "`match:advance` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "set_match_result", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn set_match_result(
    org_id: i64,
    match_id: i64,
    ranks: Vec<RankInput>,
) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::MATCH_ADVANCE).await?;
    g.service
        .set_result(g.org_id, &g.actor, match_id, &ranks, None, now())
        .await
}
sdk::api_doc!(
    SetMatchResult,
    "`match:advance` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "set_match_seed", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn set_match_seed(
    org_id: i64,
    match_id: i64,
    url: String,
    #[server(default)] description: String,
) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::MATCH_UPDATE).await?;
    g.service
        .set_seed(g.org_id, &g.actor, match_id, &url, &description, now())
        .await
}
sdk::api_doc!(
    SetMatchSeed,
    "`match:update` in the organization, with tournament enabled"
);

/// Rolls the match's seed from its tournament's randomizer and preset (through the presets
/// plugin's seed service, which keeps it in the seed history) and sets it.
#[server(prefix = "/api/p/tournament", endpoint = "roll_match_seed", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn roll_match_seed(org_id: i64, match_id: i64) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::MATCH_UPDATE).await?;
    g.service
        .roll_seed(&g.platform, g.org_id, &g.actor, match_id, now())
        .await
}
sdk::api_doc!(
    RollMatchSeed,
    "`match:update` and `seed:roll` in the organization, with tournament, presets and the randomizer's plugin enabled"
);
