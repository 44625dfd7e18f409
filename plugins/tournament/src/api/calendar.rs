//! The calendar feeds' addresses (the feeds themselves: `crate::feeds`).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::{CalendarFeeds, PublicFeed};
#[cfg(feature = "ssr")]
use {super::guard::*, crate::actions};

/// The public feeds of the organization's open tournaments, and whether the caller has a private
/// feed of their own matches. `reset` makes a new private address (the old one stops working);
/// it is in this answer only, as the database keeps its hash.
#[server(prefix = "/api/p/tournament", endpoint = "calendar_links", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn calendar_links(
    org_id: i64,
    #[server(default)] reset: bool,
) -> Result<CalendarFeeds, sdk::Error> {
    let g = guard(org_id, actions::MATCH_READ).await?;
    g.service
        .calendar_links(g.org_id, &g.actor, &g.platform.base_url, reset, now())
        .await
}
sdk::api_doc!(
    CalendarLinks,
    "`match:read` in the organization, with tournament enabled"
);

/// Gives the tournament's public feed a new address; the old one stops working.
#[server(prefix = "/api/p/tournament", endpoint = "rotate_public_feed", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn rotate_public_feed(org_id: i64, tournament_id: i64) -> Result<PublicFeed, sdk::Error> {
    let g = guard(org_id, actions::UPDATE).await?;
    g.service
        .rotate_public_feed(
            g.org_id,
            &g.actor,
            tournament_id,
            &g.platform.base_url,
            now(),
        )
        .await
}
sdk::api_doc!(
    RotatePublicFeed,
    "`tournament:update` in the organization, with tournament enabled"
);
