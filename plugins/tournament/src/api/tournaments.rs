//! Tournaments, their players, self-registration and the member picker.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::{Person, Tournament};
use sdk::page::{Page, PageRequest};
use serde_json::Value;
#[cfg(feature = "ssr")]
use {super::guard::*, crate::actions};

#[server(prefix = "/api/p/tournament", endpoint = "list_tournaments", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_tournaments(
    org_id: i64,
    #[server(default)] include_archived: bool,
    #[server(default)] page: PageRequest,
) -> Result<Page<Tournament>, sdk::Error> {
    let g = guard(org_id, actions::READ).await?;
    g.service
        .tournaments(g.org_id, &g.actor, include_archived, &page)
        .await
}
sdk::api_doc!(
    ListTournaments,
    "`tournament:read` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "get_tournament", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_tournament(org_id: i64, tournament_id: i64) -> Result<Tournament, sdk::Error> {
    let g = guard(org_id, actions::READ).await?;
    g.service
        .tournament(g.org_id, &g.actor, tournament_id)
        .await
}
sdk::api_doc!(
    GetTournament,
    "`tournament:read` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "create_tournament", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
#[allow(clippy::too_many_arguments)]
pub async fn create_tournament(
    org_id: i64,
    name: String,
    #[server(default)] description: String,
    #[server(default)] is_active: Option<bool>,
    #[server(default)] onsite: bool,
    #[server(default)] tracker_enabled: bool,
    #[server(default)] self_registration: bool,
    #[server(default)] settings_form_schema: Option<Value>,
    #[server(default)] randomizer: String,
    #[server(default)] preset: String,
    #[server(default)] public_feed: bool,
) -> Result<Tournament, sdk::Error> {
    let g = guard(org_id, actions::CREATE).await?;
    let input = crate::service::TournamentInput {
        name,
        description,
        is_active: is_active.unwrap_or(true),
        onsite,
        tracker_enabled,
        self_registration,
        settings_form_schema,
        randomizer,
        preset,
        public_feed,
    };
    g.service
        .create_tournament(g.org_id, &g.actor, &input, now())
        .await
}
sdk::api_doc!(
    CreateTournament,
    "`tournament:create` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "update_tournament", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
#[allow(clippy::too_many_arguments)]
pub async fn update_tournament(
    org_id: i64,
    tournament_id: i64,
    name: String,
    #[server(default)] description: String,
    is_active: bool,
    #[server(default)] onsite: bool,
    #[server(default)] tracker_enabled: bool,
    #[server(default)] self_registration: bool,
    #[server(default)] settings_form_schema: Option<Value>,
    #[server(default)] randomizer: String,
    #[server(default)] preset: String,
    #[server(default)] public_feed: bool,
) -> Result<Tournament, sdk::Error> {
    let g = guard(org_id, actions::UPDATE).await?;
    let input = crate::service::TournamentInput {
        name,
        description,
        is_active,
        onsite,
        tracker_enabled,
        self_registration,
        settings_form_schema,
        randomizer,
        preset,
        public_feed,
    };
    g.service
        .update_tournament(g.org_id, &g.actor, tournament_id, &input, now())
        .await
}
sdk::api_doc!(
    UpdateTournament,
    "`tournament:update` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "archive_tournament", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn archive_tournament(
    org_id: i64,
    tournament_id: i64,
    archived: bool,
) -> Result<Tournament, sdk::Error> {
    let g = guard(org_id, actions::UPDATE).await?;
    g.service
        .set_archived(g.org_id, &g.actor, tournament_id, archived, now())
        .await
}
sdk::api_doc!(
    ArchiveTournament,
    "`tournament:update` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "list_players", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_players(
    org_id: i64,
    tournament_id: i64,
    #[server(default)] page: PageRequest,
) -> Result<Page<Person>, sdk::Error> {
    let g = guard(org_id, actions::READ).await?;
    g.service.players(g.org_id, tournament_id, &page).await
}
sdk::api_doc!(
    ListPlayers,
    "`tournament:read` in the organization, with tournament enabled"
);

/// Adds a player; answers the first page of players.
#[server(prefix = "/api/p/tournament", endpoint = "add_player", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn add_player(
    org_id: i64,
    tournament_id: i64,
    user_id: i64,
) -> Result<Page<Person>, sdk::Error> {
    let g = guard(org_id, actions::UPDATE).await?;
    g.service
        .add_player(g.org_id, &g.actor, tournament_id, user_id, now())
        .await
}
sdk::api_doc!(
    AddPlayer,
    "`tournament:update` in the organization, with tournament enabled"
);

/// Removes a player; answers the first page of players.
#[server(prefix = "/api/p/tournament", endpoint = "remove_player", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn remove_player(
    org_id: i64,
    tournament_id: i64,
    user_id: i64,
) -> Result<Page<Person>, sdk::Error> {
    let g = guard(org_id, actions::UPDATE).await?;
    g.service
        .remove_player(g.org_id, &g.actor, tournament_id, user_id)
        .await
}
sdk::api_doc!(
    RemovePlayer,
    "`tournament:update` in the organization, with tournament enabled"
);

/// Self-registration, where the tournament allows it.
#[server(prefix = "/api/p/tournament", endpoint = "register", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn register(org_id: i64, tournament_id: i64) -> Result<Tournament, sdk::Error> {
    let g = guard(org_id, actions::REGISTER).await?;
    g.service
        .register(g.org_id, &g.actor, tournament_id, now())
        .await
}
sdk::api_doc!(
    Register,
    "`tournament:register` in the organization, with tournament enabled"
);

/// The organization's active members whose name contains `q` (all when blank), for the player
/// and crew pickers of managers; a page at a time, by user id, highest first.
#[server(prefix = "/api/p/tournament", endpoint = "list_members", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_members(
    org_id: i64,
    #[server(default)] q: String,
    #[server(default)] page: PageRequest,
) -> Result<Page<Person>, sdk::Error> {
    let g = guard(org_id, actions::MATCH_CREATE).await?;
    g.service.members(g.org_id, &q, &page).await
}
sdk::api_doc!(
    ListMembers,
    "`match:create` in the organization, with tournament enabled"
);
