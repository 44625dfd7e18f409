//! A match's field lock: whether another plugin (SpeedGaming) keeps its title, time, players
//! and stream channel, so the edit form shows them read-only with the reason.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {super::guard::*, crate::actions};

/// Who keeps a match's synced fields, and why (shown on the match page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FieldLockInfo {
    pub holder: String,
    pub reason: String,
}

/// The match's field lock, None when its fields are the managers' to edit.
#[server(prefix = "/api/p/tournament", endpoint = "match_lock", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn match_lock(org_id: i64, match_id: i64) -> Result<Option<FieldLockInfo>, sdk::Error> {
    let g = guard(org_id, actions::MATCH_READ).await?;
    Ok(g.service
        .field_lock(g.org_id, match_id)
        .await?
        .map(|l| FieldLockInfo {
            holder: l.holder,
            reason: l.reason,
        }))
}
sdk::api_doc!(
    MatchLock,
    "`match:read` in the organization, with tournament enabled"
);
