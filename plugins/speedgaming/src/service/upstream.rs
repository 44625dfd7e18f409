//! The one request this plugin makes: `GET {base_url}/api/schedule/?event=…&from=…&to=…`
//! (docs/upstreams/speedgaming.md), through the shared client (`sdk::http::client()`, which
//! has the time limit). Any failure — unreachable, a time-out, an error status, a body that is
//! not a list of episodes, an answer over [`MAX_BODY_BYTES`] or [`rules::MAX_EPISODES`] — is an
//! `Upstream` error saying which, so the run is recorded as failed and nothing is deleted.

use sdk::Error;

use crate::rules::{self, Schedule, HOLDER};

/// The largest schedule answer read (a week of a busy event is well under 1 MiB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The body, read chunk by chunk up to [`MAX_BODY_BYTES`]: a larger answer (announced by its
/// Content-Length or found while reading) is refused before it is all in memory. The same
/// pattern as `sdk::randomizer::upstream`'s reader, with this plugin's smaller budget.
async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let too_large = || format!("larger than the {} MiB accepted", MAX_BODY_BYTES >> 20);
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) if e.is_timeout() => return Err("it did not arrive in time".into()),
            Err(_) => return Err("it broke off".into()),
        }
    }
}

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
    let body = read_limited(response)
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
