//! The calendar feeds, served at `/p/tournament/…` (see `sdk::plugin::feeds`; who may read what
//! is decided in `service::calendar`):
//! - `calendar/{token}.ics` — one tournament's public schedule, when its managers publish one;
//!   the token is random (never the organization's id, which anyone could guess) and replaced on
//!   request;
//! - `calendar/{org_id}/{token}.ics` — one member's matches (played or crewed); the token is
//!   their private secret from My matches, shown once.
//!
//! Any other address — the old organization-wide `calendar/{org_id}.ics` included — is "not
//! found". Both need the plugin on for the organization, like its pages. The server keeps the
//! tokens out of its request log (`server/src/deadline.rs`, `loggable_path`).

use sdk::{
    plugin::feeds::{FeedRequest, FeedResponse},
    Error,
};

use crate::{service::Tournaments, PLUGIN_ID};

const CALENDAR: &str = "text/calendar; charset=utf-8";

fn nothing_here() -> Error {
    Error::not_found(
        "There is no calendar at this address; copy the link from the tournament or My matches page.",
    )
}

pub async fn serve(service: Tournaments, request: FeedRequest) -> Result<FeedResponse, Error> {
    let parts: Vec<&str> = request.path.split('/').collect();
    let file = |name: &str| -> Result<String, Error> {
        let token = name.strip_suffix(".ics").ok_or_else(nothing_here)?;
        if token.is_empty() {
            return Err(nothing_here());
        }
        Ok(token.to_string())
    };
    let platform = &request.platform;
    let now = sdk::time::now_ms();
    let body = match parts.as_slice() {
        ["calendar", name] => {
            let tournament = service.public_feed_tournament(&file(name)?).await?;
            platform
                .plugins
                .ensure_enabled(tournament.org_id, PLUGIN_ID)
                .await?;
            service
                .public_calendar(&tournament, &platform.base_url, now)
                .await?
        }
        ["calendar", org, name] => {
            let token = file(name)?;
            let org_id: i64 = org.parse().map_err(|_| nothing_here())?;
            let org = sdk::identity::lookup::get(&platform.db, org_id).await?;
            platform.plugins.ensure_enabled(org_id, PLUGIN_ID).await?;
            service
                .player_calendar(
                    platform.authorizer.as_ref(),
                    org_id,
                    &org.name,
                    &token,
                    &platform.base_url,
                    now,
                )
                .await?
        }
        _ => return Err(nothing_here()),
    };
    Ok(FeedResponse {
        content_type: CALENDAR.into(),
        body,
    })
}
