//! What the caller may do here.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::Rights;
#[cfg(feature = "ssr")]
use {super::guard::*, crate::actions};

/// What the caller may do here (the pages show only what works).
#[server(prefix = "/api/p/tournament", endpoint = "my_rights", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn my_rights(org_id: i64) -> Result<Rights, sdk::Error> {
    let g = guard(org_id, actions::MATCH_READ).await?;
    g.service
        .rights(g.platform.authorizer.as_ref(), g.org_id, &g.actor)
        .await
}
sdk::api_doc!(
    MyRights,
    "`match:read` in the organization, with tournament enabled"
);
