//! Crew sign-ups and their approval.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::Match;
#[cfg(feature = "ssr")]
use {super::guard::*, crate::actions};

#[server(prefix = "/api/p/tournament", endpoint = "crew_signup", input = Json, output = Json)]
pub async fn crew_signup(org_id: i64, match_id: i64, role: String) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::CREW_SIGNUP).await?;
    let role = crate::rules::parse_role(&role)?;
    g.service
        .crew_signup(g.org_id, &g.actor, match_id, role, now())
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "crew_withdraw", input = Json, output = Json)]
pub async fn crew_withdraw(org_id: i64, match_id: i64, role: String) -> Result<Match, sdk::Error> {
    let g = guard(org_id, actions::CREW_SIGNUP).await?;
    let role = crate::rules::parse_role(&role)?;
    g.service
        .crew_withdraw(g.org_id, &g.actor, match_id, role, now())
        .await
}

/// A manager adds crew (approved at once).
#[server(prefix = "/api/p/tournament", endpoint = "add_crew", input = Json, output = Json)]
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

/// Approve (or, with `approved: false`, unapprove) a crew sign-up.
#[server(prefix = "/api/p/tournament", endpoint = "approve_crew", input = Json, output = Json)]
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
