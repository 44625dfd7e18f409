//! The one request this plugin makes: `GET {base_url}/api/schedule/?event=…&from=…&to=…`
//! (docs/upstreams/speedgaming.md), through the shared client (`sdk::http::client()`, which
//! has the time limit). Any failure — unreachable, a time-out, an error status, a body that is
//! not a list of episodes, an answer over [`MAX_BODY_BYTES`] or [`rules::MAX_EPISODES`] — is an
//! `Upstream` error saying which, so the run is recorded as failed and nothing is deleted.

use sdk::Error;

use crate::rules::{self, Schedule, HOLDER};

/// The largest schedule answer read (a week of a busy event is well under 1 MiB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

pub async fn fetch_schedule(
    base_url: &str,
    slug: &str,
    from: i64,
    to: i64,
) -> Result<Schedule, Error> {
    // The trailing slash: the real site redirects without it, and the client follows none.
    let url = format!("{base_url}/api/schedule/");
    let from = sdk::time::rfc3339_utc(from);
    let to = sdk::time::rfc3339_utc(to);
    let response = sdk::http::client()
        .get(&url)
        .query(&[
            ("event", slug),
            ("from", from.as_str()),
            ("to", to.as_str()),
        ])
        .send()
        .await
        .map_err(|e| {
            Error::upstream(
                HOLDER,
                if e.is_timeout() {
                    "SpeedGaming did not answer in time.".to_string()
                } else {
                    format!("SpeedGaming could not be reached ({url}).")
                },
            )
        })?;
    let status = response.status();
    let body = sdk::http::read_limited(response, MAX_BODY_BYTES)
        .await
        .map_err(|why| Error::upstream(HOLDER, format!("SpeedGaming's answer: {why}")))?;
    let body = String::from_utf8_lossy(&body);
    if !status.is_success() {
        let start: String = body.trim().chars().take(120).collect();
        return Err(Error::upstream(
            HOLDER,
            format!("SpeedGaming answered {status}: {start}"),
        ));
    }
    rules::parse_schedule(&body).map_err(|why| Error::upstream(HOLDER, why))
}
