//! [`Avianart`]: the randomizer this plugin gives the host. `generate` names a preset of
//! avianart.games ([`crate::rules::roll_of`]), asks the site to generate a seed from it
//! (`POST api.php?action=generate&preset=…`), then polls `GET api.php?action=permlink&hash=…`
//! until the seed is done or the site gives up on it, and reads the seed: its page
//! (`/perm/{hash}`), the file-select code in ALTTPR's icon names, the randomizer version, and —
//! for a non-race seed asked for with a spoiler — the spoiler in the answer.
//!
//! Creating a seed is not idempotent: a create that timed out may have made a seed anyway, and
//! sending it again would make a second one (docs/upstreams/randomizers.md §0, point 4). So a
//! create is tried once by `Upstream`, and sent again here only after an answer that says the
//! site made nothing (HTTP 500 or 503). Polls are safe to repeat, so they retry as every
//! upstream call does. Running out of polls is an explicit error (SahasrahBot returned a seed
//! without a URL then).

use std::time::Duration;

use async_trait::async_trait;
use serde_json::{json, Value};

use sdk::{
    randomizer::{
        upstream::{Upstream, DEFAULT_BACKOFF},
        GenerateRequest, Randomizer, Seed,
    },
    Error,
};

use crate::rules::{self, Progress, Refusal, Roll};

/// The site, when the site's administrators set no other.
pub const DEFAULT_BASE_URL: &str = "https://avianart.games";
/// How long to wait before each check of a seed being generated (both known clients wait 5 s).
pub const POLL_SECONDS: u64 = 5;
/// How many checks before giving up: 60 × 5 s, five minutes (hyrule-town-hall's limit;
/// SahasrahBot's two minutes cut off slow door seeds).
pub const POLL_ATTEMPTS: u64 = 60;
/// How many times a create is sent when the site answers that it made nothing.
pub const CREATE_ATTEMPTS: u32 = 3;
/// The server errors after which a create is sent again: the site itself failed and made
/// nothing. A 502 or 504 comes from a proxy that may have passed the request on, so the seed
/// may exist: not sent again.
const CREATE_RETRY_STATUSES: [u16; 2] = [500, 503];

/// The Avianart randomizer.
#[derive(Debug, Default)]
pub struct Avianart;

/// How often and how long a seed being generated is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Polling {
    pub interval: Duration,
    pub attempts: u64,
}

impl Polling {
    /// The site-only `poll_seconds` / `poll_attempts` settings, else [`POLL_SECONDS`] and
    /// [`POLL_ATTEMPTS`].
    pub fn from_config(config: &Value) -> Self {
        let seconds = config
            .get("poll_seconds")
            .and_then(Value::as_u64)
            .unwrap_or(POLL_SECONDS);
        let attempts = config
            .get("poll_attempts")
            .and_then(Value::as_u64)
            .filter(|n| *n > 0)
            .unwrap_or(POLL_ATTEMPTS);
        Self {
            interval: Duration::from_secs(seconds),
            attempts,
        }
    }
}

/// The site-only API key, when one is set.
fn api_key(config: &Value) -> Option<String> {
    config
        .get("api_key")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
}

/// The error for an answer that is not what was expected.
fn refused(site: &Upstream, what: &str, refusal: Refusal) -> Error {
    let service = site.service();
    Error::upstream(
        service,
        match refusal {
            Refusal::Said(message) => format!("{service} refused {what}: {message}"),
            Refusal::Status(status) => format!("{service} refused {what} (status {status})."),
            Refusal::Unreadable(why) => {
                format!("{service} answered with something we cannot read ({why}).")
            }
        },
    )
}

impl Avianart {
    fn site(config: &Value) -> Result<Upstream, Error> {
        Upstream::from_config("avianart.games", config, "base_url", DEFAULT_BASE_URL)
    }

    /// Asks for a seed; its hash.
    async fn create(site: &Upstream, roll: &Roll, key: Option<&str>) -> Result<String, Error> {
        // One attempt per send: a timeout is not sent again (the seed may exist). Every error
        // status is read here, so the site's envelope says why it refused.
        let once = site.clone().with_attempts(1);
        let statuses: Vec<u16> = (400..600).collect();
        let body = rules::create_body(roll);
        let service = site.service();
        let mut wait = DEFAULT_BACKOFF;
        let mut attempt = 1;
        loop {
            let response = once
                .send_allowing("the seed", "api.php", &statuses, |client, url| {
                    let request = client
                        .post(url)
                        .query(&[("action", "generate"), ("preset", roll.preset.as_str())])
                        .header("accept", "application/json")
                        .json(&body);
                    match key {
                        Some(key) => request.header("authorization", key),
                        None => request,
                    }
                })
                .await?;
            let status = response.status().as_u16();
            if status >= 500 {
                let again = CREATE_RETRY_STATUSES.contains(&status);
                if again && attempt < CREATE_ATTEMPTS {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    attempt += 1;
                    continue;
                }
                return Err(Error::upstream(
                    service,
                    if again {
                        format!("{service} could not make the seed (HTTP {status}) ({attempt} attempts). Try again in a few minutes.")
                    } else {
                        format!("{service} could not make the seed (HTTP {status}). It was not asked again, since the seed may have been made anyway: check avianart.games before rolling again.")
                    },
                ));
            }
            let text = site.text(response).await?;
            return rules::created(status, &text).map_err(|r| refused(site, "the seed", r));
        }
    }

    /// Polls the seed `hash` until it is done (its answer's `response`) or failed.
    async fn wait(
        site: &Upstream,
        hash: &str,
        key: Option<&str>,
        polling: Polling,
    ) -> Result<Value, Error> {
        // A 4xx is read here (the envelope says why); a 5xx or a timeout is tried again by
        // Upstream — asking how a seed is doing changes nothing.
        let statuses: Vec<u16> = (400..500).collect();
        let service = site.service();
        for _ in 0..polling.attempts {
            tokio::time::sleep(polling.interval).await;
            let response = site
                .send_allowing(
                    "the seed's progress",
                    "api.php",
                    &statuses,
                    |client, url| {
                        let request = client
                            .get(url)
                            .query(&[("action", "permlink"), ("hash", hash)])
                            .header("accept", "application/json");
                        match key {
                            Some(key) => request.header("authorization", key),
                            None => request,
                        }
                    },
                )
                .await?;
            let status = response.status().as_u16();
            let text = site.text(response).await?;
            match rules::progress(status, &text)
                .map_err(|r| refused(site, "the seed's progress", r))?
            {
                Progress::Generating(_) => continue,
                Progress::Failed(reason) => {
                    return Err(Error::upstream(
                        service,
                        format!("{service} could not generate the seed: {reason}"),
                    ))
                }
                Progress::Done(response) => return Ok(response),
            }
        }
        let page = seed_url(site, hash);
        Err(Error::upstream(
            service,
            format!(
                "{service} had not finished the seed after {} checks over {} seconds; it may still appear at {page}.",
                polling.attempts,
                polling.attempts * polling.interval.as_secs()
            ),
        ))
    }
}

fn seed_url(site: &Upstream, hash: &str) -> String {
    site.url(&format!("perm/{hash}"))
        .map(|u| u.to_string())
        .unwrap_or_default()
}

#[async_trait]
impl Randomizer for Avianart {
    fn id(&self) -> &'static str {
        crate::PLUGIN_ID
    }

    fn name(&self) -> &'static str {
        "Avianart (ALTTPR door randomizer)"
    }

    fn settings_schema(&self) -> Value {
        rules::settings_schema()
    }

    fn check_settings(&self, settings: &Value, mystery: bool) -> Result<(), Error> {
        if mystery {
            return Err(Error::invalid(
                "yaml",
                "Avianart does not take mystery weightsets: name one of avianart.games' presets (`preset: <name>`); its mystery presets are rolled there.",
            ));
        }
        rules::check(settings)
    }

    async fn generate(&self, request: GenerateRequest) -> Result<Seed, Error> {
        let options = rules::RollOptions {
            spoiler: request.options.spoiler,
            tournament: request.options.tournament,
        };
        let roll = rules::roll_of(&request.settings, options)?;
        let site = Self::site(&request.config)?;
        let key = api_key(&request.config);
        let hash = Self::create(&site, &roll, key.as_deref()).await?;
        let answer = Self::wait(
            &site,
            &hash,
            key.as_deref(),
            Polling::from_config(&request.config),
        )
        .await?;
        let url = seed_url(&site, &hash);
        let code = rules::file_select_code(&answer).map_err(|why| {
            Error::upstream(
                site.service(),
                format!("{} made the seed ({url}), but {why}.", site.service()),
            )
        })?;
        Ok(Seed {
            url,
            hash: Some(hash),
            permalink: None,
            spoiler_url: None,
            // Only a non-race seed asked for with a spoiler gets here with one (`roll_of`).
            spoiler_log: answer
                .get("spoiler")
                .filter(|_| options.spoiler && !roll.race)
                .cloned(),
            file_select_code: Some(code),
            settings: json!({"preset": roll.preset, "race": roll.race}),
            metadata: json!({"version": rules::version(&answer)}),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn polling_comes_from_the_site_settings_or_the_defaults() {
        assert_eq!(
            Polling::from_config(&json!({})),
            Polling {
                interval: Duration::from_secs(POLL_SECONDS),
                attempts: POLL_ATTEMPTS
            }
        );
        assert_eq!(
            Polling::from_config(&json!({"poll_seconds": 0, "poll_attempts": 3})),
            Polling {
                interval: Duration::ZERO,
                attempts: 3
            }
        );
        assert_eq!(api_key(&json!({"api_key": "  "})), None);
        assert_eq!(api_key(&json!({"api_key": " k "})).as_deref(), Some("k"));
    }
}
