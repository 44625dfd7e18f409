//! The calendar feeds, served at `/p/tournament/…` (see `sdk::plugin::feeds`):
//! - `calendar/{org_id}.ics` — the organization's schedule, for anyone with the address;
//! - `calendar/{org_id}/{token}.ics` — one member's matches (played or crewed); the token is
//!   their private secret from My matches, reset there.
//!
//! Both need the plugin on for the organization, like its pages.

use sdk::{
    plugin::feeds::{FeedRequest, FeedResponse},
    Error,
};

use crate::{service::Tournaments, PLUGIN_ID};

const CALENDAR: &str = "text/calendar; charset=utf-8";

fn nothing_here() -> Error {
    Error::not_found(
        "There is no calendar at this address; copy the link from the Schedule or My matches page.",
    )
}

pub async fn serve(service: Tournaments, request: FeedRequest) -> Result<FeedResponse, Error> {
    let parts: Vec<&str> = request.path.split('/').collect();
    let (org, token) = match parts.as_slice() {
        ["calendar", file] => (file.strip_suffix(".ics").ok_or_else(nothing_here)?, None),
        ["calendar", org, file] => (
            *org,
            Some(file.strip_suffix(".ics").ok_or_else(nothing_here)?),
        ),
        _ => return Err(nothing_here()),
    };
    let org_id: i64 = org.parse().map_err(|_| nothing_here())?;
    let platform = &request.platform;
    let org = sdk::identity::orgs::get(&platform.db, org_id).await?;
    platform.plugins.ensure_enabled(org_id, PLUGIN_ID).await?;
    let now = sdk::time::now_ms();
    let body = match token {
        None => {
            service
                .schedule_calendar(org_id, &org.name, &platform.base_url, now)
                .await?
        }
        Some(token) => {
            service
                .player_calendar(org_id, &org.name, token, &platform.base_url, now)
                .await?
        }
    };
    Ok(FeedResponse {
        content_type: CALENDAR.into(),
        body,
    })
}
