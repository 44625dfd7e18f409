//! The one request this plugin makes: `GET {base_url}/api/schedule/?event=…&from=…&to=…`
//! (docs/upstreams/speedgaming.md), through the shared client (`sdk::http::client()`, which
//! has the time limit). Any failure — unreachable, a time-out, an error status, a body that is
//! not a list of episodes — is an `Upstream` error saying which, so the run is recorded as
//! failed and nothing is deleted.

use sdk::Error;

use crate::rules::{self, Schedule, HOLDER};

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
    let body = response
        .text()
        .await
        .map_err(|e| Error::upstream(HOLDER, format!("SpeedGaming's answer broke off: {e}")))?;
    if !status.is_success() {
        let start: String = body.trim().chars().take(120).collect();
        return Err(Error::upstream(
            HOLDER,
            format!("SpeedGaming answered {status}: {start}"),
        ));
    }
    rules::parse_schedule(&body).map_err(|why| Error::upstream(HOLDER, why))
}
