//! Discord's rate limits, as [`super::DiscordRest`] honours them.
//!
//! Discord (docs: "Rate Limits") limits a bot per route and globally, and says so in headers on
//! every answer rather than in fixed numbers:
//! - `X-RateLimit-Bucket` names the limit a route shares with similar routes; the limit counts
//!   separately per top-level resource in the path (the channel, server or webhook id), so the
//!   state here is kept per *bucket + top-level resource*. `X-RateLimit-Remaining` is what is
//!   left of it and `X-RateLimit-Reset-After` (seconds, with decimals) when it fills again.
//! - A 429 carries `Retry-After` (seconds) and a JSON body with `retry_after` (seconds, float)
//!   and `global`; `X-RateLimit-Global` marks the limit on all the bot's calls.
//!
//! [`RateLimits`] remembers which bucket each route (method + path with the ids after the
//! top-level one blanked) answered with, what is left of each bucket, and until when everything
//! must wait after a global 429. Before a call it waits for an exhausted bucket (or the global
//! limit) to reset, and takes one from a known bucket's remaining count, so concurrent callers
//! sharing it queue rather than all being refused. It lives in an `Arc` shared by every clone of
//! the client: the whole site's bot is one token, so it is one set of limits.
//!
//! Waiting is always bounded: [`RateLimits::max_wait`] is the whole budget of one call — every
//! wait and every attempt together (the client enforces it as one deadline). A wait that would
//! run past it is not waited out but refused at once with an Upstream error that says when to
//! try again, and a call retries a 429 at most [`MAX_ATTEMPTS`] times. The default budget
//! (25 s) is below the event bus's time limit for a listener, so a listener or a request that
//! makes one call to Discord cannot be cut off in the middle of it by its caller's limit.
//!
//! When a bucket's reset time has passed it is refilled from the `X-RateLimit-Limit` it
//! announced (and counted again from there), so callers that waited for the same reset do not
//! all go at once: the first `limit` go, the others wait for the next reset.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use serde_json::Value;

use crate::Error;

/// Calls made for one request at most: the first and the retries after 429s.
pub const MAX_ATTEMPTS: usize = 4;
/// The longest one call takes, waits and attempts together, before it gives up (default).
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(25);
/// The wait assumed when a 429 says nothing readable about how long.
const FALLBACK_WAIT: Duration = Duration::from_secs(1);
/// Bounded bookkeeping: routes and buckets kept at most (a bot touches few; ids make more).
const MAX_ENTRIES: usize = 4096;

/// One bucket's state for one top-level resource.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    remaining: u64,
    reset_at: Instant,
    /// What the bucket holds when full (`X-RateLimit-Limit`), when Discord said.
    limit: Option<u64>,
    /// How long it takes to fill again (the last `X-RateLimit-Reset-After` seen).
    window: Duration,
}

#[derive(Debug, Default)]
struct State {
    /// Route key → Discord's bucket id for it.
    routes: HashMap<String, String>,
    /// `bucket id|top-level resource` → what is left.
    buckets: HashMap<String, Bucket>,
    /// Every call waits until then (a global 429).
    global_until: Option<Instant>,
}

/// The rate-limit state of one bot token (see the module docs).
#[derive(Debug)]
pub struct RateLimits {
    state: Mutex<State>,
    max_wait: Duration,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_WAIT)
    }
}

/// What a 429 said: how long to wait and whether the whole bot is limited.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limited {
    pub retry_after: Duration,
    pub global: bool,
}

/// The rate-limit headers of one answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Headers {
    pub bucket: Option<String>,
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub reset_after: Option<Duration>,
    pub retry_after: Option<Duration>,
    pub global: bool,
}

impl Headers {
    pub fn from_map(headers: &reqwest::header::HeaderMap) -> Self {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        Self {
            bucket: text("x-ratelimit-bucket").map(str::to_string),
            limit: text("x-ratelimit-limit").and_then(|v| v.parse().ok()),
            remaining: text("x-ratelimit-remaining").and_then(|v| v.parse().ok()),
            reset_after: text("x-ratelimit-reset-after").and_then(seconds),
            retry_after: text("retry-after").and_then(seconds),
            global: text("x-ratelimit-global").is_some_and(|v| v.eq_ignore_ascii_case("true")),
        }
    }
}

/// Seconds as Discord writes them ("1", "0.25"); None for anything else (negative, NaN, huge).
fn seconds(text: &str) -> Option<Duration> {
    let value: f64 = text.trim().parse().ok()?;
    (value.is_finite() && (0.0..=86_400.0).contains(&value)).then(|| Duration::from_secs_f64(value))
}

/// What a 429 asks for: the JSON body's `retry_after` (more precise), else the `Retry-After`
/// header, else [`FALLBACK_WAIT`]; global when either the header or the body says so.
pub fn limited(headers: &Headers, body: &Value) -> Limited {
    let from_body = body
        .get("retry_after")
        .and_then(Value::as_f64)
        .and_then(|s| seconds(&s.to_string()));
    Limited {
        retry_after: from_body.or(headers.retry_after).unwrap_or(FALLBACK_WAIT),
        global: headers.global || body.get("global").and_then(Value::as_bool) == Some(true),
    }
}

/// The route a path belongs to, and its top-level resource: ids after the top-level one are
/// blanked (`/guilds/1/scheduled-events/2` → `guilds/1/scheduled-events/{id}`, top-level
/// `guilds/1`), because Discord counts a bucket per top-level resource only.
pub fn route_of(method: &str, path: &str) -> (String, String) {
    let segments: Vec<&str> = path
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_matches('/')
        .split('/')
        .collect();
    let major = match segments.as_slice() {
        [kind @ ("channels" | "guilds" | "webhooks"), id, ..] => format!("{kind}/{id}"),
        _ => String::new(),
    };
    let route: Vec<&str> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let is_id = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            // The top-level resource's id stays: buckets are counted per resource.
            let top_level = i == 1 && !major.is_empty();
            if is_id && !top_level {
                "{id}"
            } else {
                s
            }
        })
        .collect();
    (format!("{method} /{}", route.join("/")), major)
}

pub(crate) fn too_long(wait: Duration) -> Error {
    Error::upstream(
        "Discord",
        format!(
            "Discord is rate limiting the bot; try again in {} seconds.",
            wait.as_secs_f64().ceil().max(1.0)
        ),
    )
}

impl RateLimits {
    pub fn new(max_wait: Duration) -> Self {
        Self {
            state: Mutex::new(State::default()),
            max_wait,
        }
    }

    /// The longest a call waits for a limit before it fails instead.
    pub fn max_wait(&self) -> Duration {
        self.max_wait
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut state)
    }

    /// How long a call on `(route, major)` must wait before it is sent (zero: go now), taking
    /// one from the bucket's remaining count when it is known. Too long a wait is an error.
    pub fn before(&self, route: &str, major: &str, now: Instant) -> Result<Duration, Error> {
        let wait = self.with(|state| {
            let global = state
                .global_until
                .map(|until| until.saturating_duration_since(now))
                .unwrap_or_default();
            let key = state
                .routes
                .get(route)
                .map(|bucket| format!("{bucket}|{major}"));
            let bucket = key.and_then(|key| state.buckets.get_mut(&key));
            let local = match bucket {
                // Reset: full again (when the limit is known), and this call takes one.
                Some(bucket) if bucket.reset_at <= now => {
                    match bucket.limit {
                        Some(limit) => {
                            bucket.remaining = limit.saturating_sub(1);
                            bucket.reset_at = now + bucket.window;
                        }
                        // Nothing to count with: go, and learn from the answer.
                        None => bucket.reset_at = now,
                    }
                    Duration::ZERO
                }
                Some(bucket) if bucket.remaining > 0 => {
                    bucket.remaining -= 1;
                    Duration::ZERO
                }
                Some(bucket) => bucket.reset_at.saturating_duration_since(now),
                None => Duration::ZERO,
            };
            global.max(local)
        });
        if wait > self.max_wait {
            return Err(too_long(wait));
        }
        Ok(wait)
    }

    /// Records what an answer on `(route, major)` said about its bucket.
    pub fn after(&self, route: &str, major: &str, headers: &Headers, now: Instant) {
        let Some(bucket) = headers.bucket.as_deref() else {
            return;
        };
        self.with(|state| {
            if state.routes.len() >= MAX_ENTRIES {
                state.routes.clear();
            }
            if state.buckets.len() >= MAX_ENTRIES {
                state.buckets.retain(|_, b| b.reset_at > now);
            }
            state.routes.insert(route.to_string(), bucket.to_string());
            if let (Some(remaining), Some(reset_after)) = (headers.remaining, headers.reset_after) {
                state.buckets.insert(
                    format!("{bucket}|{major}"),
                    Bucket {
                        remaining,
                        reset_at: now + reset_after,
                        limit: headers.limit,
                        window: reset_after,
                    },
                );
            }
        });
    }

    /// Records a 429 and answers how long to wait before retrying; too long a wait is an error
    /// saying when to try again.
    pub fn refused(
        &self,
        route: &str,
        major: &str,
        limit: Limited,
        now: Instant,
    ) -> Result<Duration, Error> {
        self.with(|state| {
            let until = now + limit.retry_after;
            if limit.global {
                state.global_until = Some(state.global_until.map_or(until, |u| u.max(until)));
            } else if let Some(bucket) = state.routes.get(route) {
                let key = format!("{bucket}|{major}");
                let known = state.buckets.get(&key);
                let (limit, window) = (
                    known.and_then(|b| b.limit),
                    known.map_or(limit.retry_after, |b| b.window),
                );
                state.buckets.insert(
                    key,
                    Bucket {
                        remaining: 0,
                        reset_at: until,
                        limit,
                        window,
                    },
                );
            }
        });
        if limit.retry_after > self.max_wait {
            return Err(too_long(limit.retry_after));
        }
        Ok(limit.retry_after)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn routes_keep_the_top_level_id_only() {
        assert_eq!(
            route_of("PATCH", "/guilds/123456/scheduled-events/987654"),
            (
                "PATCH /guilds/123456/scheduled-events/{id}".to_string(),
                "guilds/123456".to_string()
            )
        );
        assert_eq!(
            route_of("POST", "/users/@me/channels"),
            ("POST /users/@me/channels".to_string(), String::new())
        );
        assert_eq!(
            route_of("PUT", "/channels/55555/thread-members/42424"),
            (
                "PUT /channels/55555/thread-members/{id}".to_string(),
                "channels/55555".to_string()
            )
        );
    }

    #[test]
    fn a_429_says_how_long_and_whether_global() {
        let headers = Headers {
            retry_after: Some(Duration::from_secs(2)),
            ..Headers::default()
        };
        // The body's float wins over the header's whole seconds.
        let l = limited(&headers, &json!({"retry_after": 1.5, "global": false}));
        assert_eq!(l.retry_after, Duration::from_millis(1500));
        assert!(!l.global);
        let l = limited(&headers, &Value::Null);
        assert_eq!(l.retry_after, Duration::from_secs(2));
        let l = limited(&Headers::default(), &json!({"global": true}));
        assert_eq!((l.retry_after, l.global), (FALLBACK_WAIT, true));
        // Nonsense is not a wait.
        assert_eq!(seconds("-1"), None);
        assert_eq!(seconds("NaN"), None);
        assert_eq!(seconds("0.25"), Some(Duration::from_millis(250)));
    }

    #[test]
    fn an_exhausted_bucket_waits_until_it_resets() {
        let limits = RateLimits::default();
        let now = Instant::now();
        let (route, major) = route_of("POST", "/guilds/1/scheduled-events");
        // Unknown route: go.
        assert_eq!(limits.before(&route, &major, now).unwrap(), Duration::ZERO);
        let headers = Headers {
            bucket: Some("abc".into()),
            remaining: Some(1),
            reset_after: Some(Duration::from_secs(2)),
            ..Headers::default()
        };
        limits.after(&route, &major, &headers, now);
        // One left: taken now; then the bucket is empty until it resets.
        assert_eq!(limits.before(&route, &major, now).unwrap(), Duration::ZERO);
        assert_eq!(
            limits.before(&route, &major, now).unwrap(),
            Duration::from_secs(2)
        );
        // Another server's bucket of the same route is counted apart.
        let (other, other_major) = route_of("POST", "/guilds/2/scheduled-events");
        assert_eq!(
            limits.before(&other, &other_major, now).unwrap(),
            Duration::ZERO
        );
        // After the reset: go.
        assert_eq!(
            limits
                .before(&route, &major, now + Duration::from_secs(3))
                .unwrap(),
            Duration::ZERO
        );
    }

    #[test]
    fn ratelimit_a_reset_bucket_refills_from_its_limit_so_waiters_do_not_burst() {
        let limits = RateLimits::default();
        let now = Instant::now();
        let (route, major) = route_of("POST", "/guilds/1/scheduled-events");
        limits.before(&route, &major, now).unwrap();
        let headers = Headers {
            bucket: Some("abc".into()),
            limit: Some(2),
            remaining: Some(0),
            reset_after: Some(Duration::from_secs(1)),
            ..Headers::default()
        };
        limits.after(&route, &major, &headers, now);
        // Three callers wait for the reset; then two go and the third waits a window more.
        let later = now + Duration::from_secs(1);
        for _ in 0..3 {
            assert_eq!(
                limits.before(&route, &major, now).unwrap(),
                Duration::from_secs(1)
            );
        }
        assert_eq!(
            limits.before(&route, &major, later).unwrap(),
            Duration::ZERO
        );
        assert_eq!(
            limits.before(&route, &major, later).unwrap(),
            Duration::ZERO
        );
        assert_eq!(
            limits.before(&route, &major, later).unwrap(),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn waits_are_bounded() {
        let limits = RateLimits::new(Duration::from_secs(30));
        let now = Instant::now();
        let (route, major) = route_of("GET", "/guilds/1/scheduled-events");
        let long = Limited {
            retry_after: Duration::from_secs(120),
            global: true,
        };
        let e = limits.refused(&route, &major, long, now).unwrap_err();
        assert!(e.message().contains("try again in 120 seconds"), "{e}");
        // The global limit now holds back every route, and too long a wait fails at once.
        let (any, any_major) = route_of("POST", "/channels/9/messages");
        let e = limits.before(&any, &any_major, now).unwrap_err();
        assert!(e.message().contains("rate limiting"), "{e}");
        let short = Limited {
            retry_after: Duration::from_millis(200),
            global: false,
        };
        assert_eq!(
            limits.refused(&route, &major, short, now).unwrap(),
            Duration::from_millis(200)
        );
    }
}
