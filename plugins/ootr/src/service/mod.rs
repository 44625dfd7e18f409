//! [`Ootr`]: the randomizer this plugin gives the host. `generate` turns a preset into a create
//! ([`crate::rules::create_request`]), posts it to `/api/v2/seed/create`, polls
//! `/api/v2/seed/status` until the seed is done, then reads `/api/v2/seed/details` for its hash
//! icons (and, when a spoiler was asked for, its spoiler log). The seed's page is
//! `/seed/get?id={id}`: the create answers only `{id, version, spoilers}`.
//!
//! The site's limits (docs/upstreams/randomizers.md §7.1, §0):
//! - every call carries the site-only `api_key` as the `key` query parameter; without one
//!   nothing is sent and the error tells the site's administrators to set it;
//! - at most 20 requests per 10 s per key: every request waits its turn in a [`Bucket`] per key
//!   shared by every roll in this process, which lets through at most 18 in any 10 s (two
//!   left for the retries of a failing poll);
//! - a create is not idempotent: it is tried once by `Upstream` (a timeout may have made a
//!   seed; asking again would make a second and spend the limit), and sent again here only
//!   after an answer saying nothing was made (HTTP 500 or 503). Polls and details are safe to
//!   repeat and retry as every upstream call does;
//! - a seed whose generation failed (status 3) is created again, at most twice (§7.3): OoTR's
//!   generator fails now and then on hard settings;
//! - running out of polls is an explicit error naming the seed's page, where it may still
//!   appear.

use std::{
    collections::HashMap,
    sync::{Mutex, OnceLock, PoisonError},
    time::{Duration, Instant},
};

use async_trait::async_trait;
use serde_json::{json, Value};

use sdk::{
    randomizer::{
        upstream::{Upstream, DEFAULT_BACKOFF},
        GenerateRequest, Randomizer, Seed,
    },
    Error,
};

use crate::rules::{self, Create, Created, Status};

/// The site, when the site's administrators set no other.
pub const DEFAULT_BASE_URL: &str = "https://ootrandomizer.com";
/// How long to wait before each status check: 2 s keeps a roll well inside the rate limit.
pub const POLL_SECONDS: u64 = 2;
/// How many status checks before giving up: 150 × 2 s, five minutes (single-world seeds).
pub const POLL_ATTEMPTS: u64 = 150;
/// How many seeds one roll may create when the site fails to generate them (status 3).
pub const GENERATIONS: u32 = 3;
/// How many times a create is sent when the site answers that it made nothing.
pub const CREATE_ATTEMPTS: u32 = 3;
/// The server errors after which a create is sent again: the site documents 500 as its
/// database failing and 503 as the API not ready — nothing was made. A 502 or 504 comes from a
/// proxy that may have passed the request on: not sent again.
const CREATE_RETRY_STATUSES: [u16; 2] = [500, 503];
/// The requests a key may send at once before waiting ([`Bucket`]).
pub const BURST: f64 = 8.0;
/// The requests per second a key earns back ([`Bucket`]).
pub const PER_SECOND: f64 = 1.0;

/// What a roll without a key says: the site's administrators must set one.
pub const NO_KEY: &str = "OoTR seeds cannot be rolled here yet: ootrandomizer.com takes only requests with an API key, and this site has none. A site administrator must set `api_key` in the OoTR plugin's settings (Site admin → Plugins), with a key from ootrandomizer.com.";

/// The OoTR randomizer.
#[derive(Debug, Default)]
pub struct Ootr;

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

/// A token bucket pacing one key's requests: [`BURST`] may go at once, then one per
/// 1/[`PER_SECOND`] s. In any 10 s at most `BURST + 10 × PER_SECOND` = 18 requests leave,
/// under the site's 20. A reservation may take a token not earned yet (the balance goes below
/// zero): its wait is how long until it is, so concurrent rolls queue in order.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn new(now: Instant) -> Self {
        Self {
            tokens: BURST,
            last: now,
        }
    }

    /// Reserves one request at `now`: how long to wait before sending it.
    pub fn reserve(&mut self, now: Instant) -> Duration {
        let earned = now.saturating_duration_since(self.last).as_secs_f64() * PER_SECOND;
        self.tokens = (self.tokens + earned).min(BURST);
        self.last = self.last.max(now);
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / PER_SECOND)
        }
    }
}

/// Waits for this key's turn at this site (every roll in the process shares the buckets).
async fn pace(site: &Upstream, key: &str) {
    static BUCKETS: OnceLock<Mutex<HashMap<String, Bucket>>> = OnceLock::new();
    let name = format!(
        "{}\n{key}",
        site.url("").map(|u| u.to_string()).unwrap_or_default()
    );
    let wait = {
        let mut buckets = BUCKETS
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        buckets
            .entry(name)
            .or_insert_with(|| Bucket::new(now))
            .reserve(now)
    };
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
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

fn seed_url(site: &Upstream, id: &str) -> String {
    site.url(&format!("seed/get?id={id}"))
        .map(|u| u.to_string())
        .unwrap_or_default()
}

/// An upstream error after the seed was made, with its page: the players can still use it.
fn with_seed(error: Error, url: &str) -> Error {
    match error {
        Error::Upstream { service, message } => Error::Upstream {
            service,
            message: format!("{message} The seed itself was made: {url}"),
        },
        other => other,
    }
}

/// How one generation ended.
enum Generation {
    Done,
    Failed,
}

impl Ootr {
    fn site(config: &Value) -> Result<Upstream, Error> {
        Upstream::from_config("ootrandomizer.com", config, "base_url", DEFAULT_BASE_URL)
    }

    /// Creates a seed.
    async fn create(site: &Upstream, key: &str, create: &Create) -> Result<Created, Error> {
        // One attempt per send: a timeout is not sent again (the seed may exist). Every error
        // status is read here, so a refusal says what the site meant.
        let once = site.clone().with_attempts(1);
        let statuses: Vec<u16> = (400..600).collect();
        let mut query = vec![("key", key.to_string())];
        query.extend(create.query());
        let service = site.service();
        let mut wait = DEFAULT_BACKOFF;
        let mut attempt = 1;
        loop {
            pace(site, key).await;
            let response = once
                .send_allowing(
                    "the seed",
                    "api/v2/seed/create",
                    &statuses,
                    |client, url| {
                        client
                            .post(url)
                            .query(&query)
                            .header("accept", "application/json")
                            .json(&create.body)
                    },
                )
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
                        format!("{service} could not make the seed (HTTP {status}). It was not asked again, since the seed may have been made anyway.")
                    },
                ));
            }
            if status >= 400 {
                let text = site.text(response).await.unwrap_or_default();
                return Err(Error::upstream(
                    service,
                    format!(
                        "{service} refused the seed: {}",
                        rules::refusal(status, &text)
                    ),
                ));
            }
            let answer: Value = site.json(response).await?;
            return rules::created(&answer).map_err(|why| {
                Error::upstream(
                    service,
                    format!("{service} answered with something we cannot read ({why})."),
                )
            });
        }
    }

    /// Polls seed `id` until it is done or failed.
    async fn wait(
        site: &Upstream,
        key: &str,
        id: &str,
        polling: Polling,
    ) -> Result<Generation, Error> {
        let service = site.service();
        let query = [("key", key), ("id", id)];
        for _ in 0..polling.attempts {
            tokio::time::sleep(polling.interval).await;
            pace(site, key).await;
            // A 5xx or a timeout is tried again by Upstream: asking changes nothing.
            let response = site
                .send_allowing(
                    "the seed's status",
                    "api/v2/seed/status",
                    &[404, 429],
                    |client, url| {
                        client
                            .get(url)
                            .query(&query)
                            .header("accept", "application/json")
                    },
                )
                .await?;
            match response.status().as_u16() {
                // "No content yet" and "too many requests": ask again at the next turn.
                204 | 429 => continue,
                404 => {
                    return Err(Error::upstream(
                        service,
                        format!("{service} no longer knows seed {id} (not found, or expired) while it was being generated."),
                    ))
                }
                _ => {}
            }
            let answer: Value = site.json(response).await?;
            match rules::status(&answer).map_err(|why| {
                Error::upstream(
                    service,
                    format!("{service} answered with something we cannot read ({why})."),
                )
            })? {
                Status::Generating => continue,
                Status::Done => return Ok(Generation::Done),
                Status::Failed => return Ok(Generation::Failed),
            }
        }
        Err(Error::upstream(
            service,
            format!(
                "{service} had not finished seed {id} after {} checks over {} seconds; it may still appear at {}.",
                polling.attempts,
                polling.attempts * polling.interval.as_secs(),
                seed_url(site, id)
            ),
        ))
    }

    /// The details of seed `id`.
    async fn details(site: &Upstream, key: &str, id: &str) -> Result<Value, Error> {
        pace(site, key).await;
        let query = [("key", key), ("id", id)];
        let response = site
            .send(
                "the seed's details",
                "api/v2/seed/details",
                |client, url| {
                    client
                        .get(url)
                        .query(&query)
                        .header("accept", "application/json")
                },
            )
            .await?;
        site.json(response).await
    }
}

#[async_trait]
impl Randomizer for Ootr {
    fn id(&self) -> &'static str {
        crate::PLUGIN_ID
    }

    fn name(&self) -> &'static str {
        "Ocarina of Time Randomizer"
    }

    fn settings_schema(&self) -> Value {
        rules::settings_schema()
    }

    fn check_settings(&self, settings: &Value, mystery: bool) -> Result<(), Error> {
        if mystery {
            return Err(Error::invalid(
                "yaml",
                "OoTR does not take mystery weightsets here: give the settings map under `settings:`.",
            ));
        }
        rules::check(settings)
    }

    async fn generate(&self, request: GenerateRequest) -> Result<Seed, Error> {
        let site = Self::site(&request.config)?;
        let Some(key) = api_key(&request.config) else {
            return Err(Error::upstream(site.service(), NO_KEY));
        };
        let options = rules::RollOptions {
            spoiler: request.options.spoiler,
            tournament: request.options.tournament,
        };
        let create = rules::create_request(&request.settings, options)?;
        let polling = Polling::from_config(&request.config);
        let service = site.service();
        for generation in 1..=GENERATIONS {
            let created = Self::create(&site, &key, &create).await?;
            let url = seed_url(&site, &created.id);
            match Self::wait(&site, &key, &created.id, polling).await? {
                Generation::Failed => continue,
                Generation::Done => {}
            }
            let details = Self::details(&site, &key, &created.id)
                .await
                .map_err(|e| with_seed(e, &url))?;
            let icons = rules::file_hash(&details).map_err(|why| {
                Error::upstream(
                    service,
                    format!("{service} made the seed ({url}), but its hash icons cannot be read: {why}."),
                )
            })?;
            let spoiler_log = rules::spoiler_log(&details).filter(|_| options.spoiler);
            let version = created.version.clone().or(create.version.clone());
            // The preset's shape, so the seed can be rolled again from its settings (a version
            // only when there is one: the schema wants a string).
            let mut settings = json!({"settings": create.body, "encrypt": create.encrypt});
            if let (Some(version), Some(map)) = (&version, settings.as_object_mut()) {
                map.insert("version".into(), json!(version));
            }
            return Ok(Seed {
                url,
                hash: Some(created.id),
                permalink: None,
                spoiler_url: None,
                file_select_code: Some(icons),
                settings,
                metadata: json!({
                    "version": version,
                    "spoilers": created.spoilers,
                    "created": details.get("creationTimestamp"),
                    "encrypted": create.encrypt,
                    "locked": create.locked,
                    "generations": generation,
                    // A spoiler asked for that the site kept to itself (the key lacks the
                    // scope to read locked logs).
                    "spoiler_withheld": options.spoiler && spoiler_log.is_none(),
                }),
                spoiler_log,
            });
        }
        Err(Error::upstream(
            service,
            format!("{service} could not generate a seed from these settings ({GENERATIONS} attempts): its generator failed each time."),
        ))
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
        assert_eq!(api_key(&json!({})), None);
        assert_eq!(api_key(&json!({"api_key": ""})), None);
        assert_eq!(api_key(&json!({"api_key": "k"})).as_deref(), Some("k"));
    }

    /// Sends at the times the bucket allows, and counts the most in any 10 s.
    fn most_in_ten_seconds(wanted: &[Duration]) -> usize {
        let start = Instant::now();
        let mut bucket = Bucket::new(start);
        let sent: Vec<Duration> = wanted
            .iter()
            .map(|at| *at + bucket.reserve(start + *at))
            .collect();
        sent.iter()
            .map(|from| {
                sent.iter()
                    .filter(|t| **t >= *from && **t < *from + Duration::from_secs(10))
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn the_bucket_lets_a_burst_through_then_paces() {
        let start = Instant::now();
        let mut bucket = Bucket::new(start);
        for _ in 0..8 {
            assert_eq!(bucket.reserve(start), Duration::ZERO);
        }
        // The ninth and tenth wait for tokens earned one per second, queued in order.
        assert_eq!(bucket.reserve(start).as_millis(), 1000);
        assert_eq!(bucket.reserve(start).as_millis(), 2000);
        // Idle long enough, the bucket is full again (and no fuller).
        let later = start + Duration::from_secs(60);
        for _ in 0..8 {
            assert_eq!(bucket.reserve(later), Duration::ZERO);
        }
        assert!(bucket.reserve(later) > Duration::ZERO);
    }

    #[test]
    fn no_ten_seconds_see_more_than_eighteen_requests() {
        // A hundred requests wanted at once, or one every 100 ms, or in bursts.
        let at_once = vec![Duration::ZERO; 100];
        let steady: Vec<Duration> = (0..100).map(|i| Duration::from_millis(i * 100)).collect();
        let bursts: Vec<Duration> = (0..100)
            .map(|i| Duration::from_secs((i / 10) * 7))
            .collect();
        for wanted in [at_once, steady, bursts] {
            let most = most_in_ten_seconds(&wanted);
            assert!(most <= 18, "{most} in 10 s");
            assert!(most >= 17, "the limit is used, not wasted: {most}");
        }
    }
}
