//! Crew sign-ups and their approval.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::Match;
#[cfg(feature = "ssr")]
use {super::guard::*, crate::actions};

#[server(prefix = "/api/p/tournament", endpoint = "crew_signup", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn crew_signup(org_id: i64, match_id: i64, role: String) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::CREW_SIGNUP).await?;
    let role = crate::rules::parse_role(&role)?;
    g.service
        .crew_signup(g.org_id, &g.actor, match_id, role, now())
        .await
}
sdk::api_doc!(
    CrewSignup,
    "`crew:signup` in the organization, with tournament enabled"
);

#[server(prefix = "/api/p/tournament", endpoint = "crew_withdraw", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn crew_withdraw(org_id: i64, match_id: i64, role: String) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::CREW_SIGNUP).await?;
    let role = crate::rules::parse_role(&role)?;
    g.service
        .crew_withdraw(g.org_id, &g.actor, match_id, role, now())
        .await
}
sdk::api_doc!(
    CrewWithdraw,
    "`crew:signup` in the organization, with tournament enabled"
);

/// A manager adds crew (approved at once).
#[server(prefix = "/api/p/tournament", endpoint = "add_crew", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn add_crew(
    org_id: i64,
    match_id: i64,
    user_id: i64,
    role: String,
) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::CREW_APPROVE).await?;
    let role = crate::rules::parse_role(&role)?;
    g.service
        .add_crew(g.org_id, &g.actor, match_id, user_id, role, now())
        .await
}
sdk::api_doc!(
    AddCrew,
    "`crew:approve` in the organization, with tournament enabled"
);

/// Approve (or, with `approved: false`, unapprove) a crew sign-up.
#[server(prefix = "/api/p/tournament", endpoint = "approve_crew", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn approve_crew(
    org_id: i64,
    crew_id: i64,
    #[server(default)] approved: Option<bool>,
) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::CREW_APPROVE).await?;
    g.service
        .set_crew_approved(g.org_id, &g.actor, crew_id, approved.unwrap_or(true), now())
        .await
}
sdk::api_doc!(
    ApproveCrew,
    "`crew:approve` in the organization, with tournament enabled"
);
