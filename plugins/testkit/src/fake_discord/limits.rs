//! The fake's rate limits: 429s a test asks for, and buckets that count calls and answer with
//! Discord's `X-RateLimit-*` headers (and a 429 once used up), so the client's handling of
//! Discord's rate limits is tested against real HTTP.
//!
//! Rules match the bot API's path after `/api/v10` by prefix (`/guilds/1/scheduled-events`),
//! and a method (`"*"`: any).

use std::time::Instant;

use super::*;

/// One rule a test set.
#[derive(Debug, Clone)]
pub(super) enum LimitRule {
    /// The next `times` matching calls answer 429 with `retry_after` seconds.
    Refuse {
        method: String,
        prefix: String,
        times: usize,
        retry_after: f64,
        global: bool,
    },
    /// At most `limit` matching calls per `window`; every answer carries the bucket's headers.
    Bucket {
        method: String,
        prefix: String,
        bucket: String,
        limit: u64,
        window: Duration,
        used: u64,
        started: Option<Instant>,
    },
}

fn matches(rule_method: &str, prefix: &str, method: &str, path: &str) -> bool {
    (rule_method == "*" || rule_method.eq_ignore_ascii_case(method)) && path.starts_with(prefix)
}

/// What the rules say about a call: a 429 to answer instead, or headers to add to the answer.
pub(super) enum Verdict {
    Pass(Vec<(String, String)>),
    Refuse(Response),
}

fn too_many(retry_after: f64, global: bool, mut headers: Vec<(String, String)>) -> Response {
    headers.push((
        "retry-after".into(),
        format!("{}", retry_after.ceil().max(0.0) as u64),
    ));
    if global {
        headers.push(("x-ratelimit-global".into(), "true".into()));
    }
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        Json(json!({
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": global,
        })),
    )
        .into_response();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::try_from(name),
            axum::http::HeaderValue::try_from(value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// Applies the rules to a call of the bot API (`path` after `/api/v10`).
pub(super) fn verdict(shared: &Shared, method: &str, path: &str) -> Verdict {
    shared.with(|i| {
        let mut headers = Vec::new();
        for rule in i.limit_rules.iter_mut() {
            match rule {
                LimitRule::Refuse {
                    method: m,
                    prefix,
                    times,
                    retry_after,
                    global,
                } if *times > 0 && matches(m, prefix, method, path) => {
                    *times -= 1;
                    i.rate_limited += 1;
                    return Verdict::Refuse(too_many(*retry_after, *global, Vec::new()));
                }
                LimitRule::Bucket {
                    method: m,
                    prefix,
                    bucket,
                    limit,
                    window,
                    used,
                    started,
                } if matches(m, prefix, method, path) => {
                    let now = Instant::now();
                    let start = match started {
                        Some(at) if now.duration_since(*at) < *window => *at,
                        _ => {
                            *used = 0;
                            *started = Some(now);
                            now
                        }
                    };
                    let reset_after = window.saturating_sub(now.duration_since(start));
                    let mut bucket_headers = vec![
                        ("x-ratelimit-bucket".to_string(), bucket.clone()),
                        ("x-ratelimit-limit".to_string(), limit.to_string()),
                        (
                            "x-ratelimit-reset-after".to_string(),
                            format!("{:.3}", reset_after.as_secs_f64()),
                        ),
                    ];
                    if *used >= *limit {
                        i.rate_limited += 1;
                        bucket_headers.push(("x-ratelimit-remaining".into(), "0".into()));
                        return Verdict::Refuse(too_many(
                            reset_after.as_secs_f64(),
                            false,
                            bucket_headers,
                        ));
                    }
                    *used += 1;
                    bucket_headers.push((
                        "x-ratelimit-remaining".to_string(),
                        (*limit - *used).to_string(),
                    ));
                    headers.extend(bucket_headers);
                }
                _ => {}
            }
        }
        Verdict::Pass(headers)
    })
}

/// Adds the headers a [`Verdict::Pass`] carried to the answer.
pub(super) fn with_headers(mut response: Response, headers: Vec<(String, String)>) -> Response {
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::try_from(name),
            axum::http::HeaderValue::try_from(value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

impl FakeDiscord {
    /// Answers the next `times` bot API calls with `method` (`"*"`: any) whose path after
    /// `/api/v10` starts with `path_prefix` with a 429: `Retry-After` (whole seconds, rounded
    /// up) and the JSON `retry_after` (`retry_after` seconds, as given), like Discord.
    pub fn rate_limit_next(&self, method: &str, path_prefix: &str, times: usize, retry_after: f64) {
        self.add_limit(LimitRule::Refuse {
            method: method.to_string(),
            prefix: path_prefix.to_string(),
            times,
            retry_after,
            global: false,
        });
    }

    /// Answers the next `times` bot API calls, whatever they are, with a global 429
    /// (`X-RateLimit-Global: true`, `"global": true`).
    pub fn rate_limit_globally_next(&self, times: usize, retry_after: f64) {
        self.add_limit(LimitRule::Refuse {
            method: "*".into(),
            prefix: "/".into(),
            times,
            retry_after,
            global: true,
        });
    }

    /// Makes matching calls a Discord bucket named `bucket`: at most `limit` per `window`,
    /// each answer with `X-RateLimit-Bucket`, `-Limit`, `-Remaining` and `-Reset-After`; a call
    /// over the limit is answered 429 (and counted in [`FakeDiscord::rate_limited_count`]).
    pub fn limit_bucket(
        &self,
        method: &str,
        path_prefix: &str,
        bucket: &str,
        limit: u64,
        window: Duration,
    ) {
        self.add_limit(LimitRule::Bucket {
            method: method.to_string(),
            prefix: path_prefix.to_string(),
            bucket: bucket.to_string(),
            limit,
            window,
            used: 0,
            started: None,
        });
    }

    /// How many calls the fake answered with a 429 so far.
    pub fn rate_limited_count(&self) -> usize {
        self.shared.with(|i| i.rate_limited)
    }

    fn add_limit(&self, rule: LimitRule) {
        self.shared.with(|i| i.limit_rules.push(rule));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn client(fake: &FakeDiscord) -> sdk::bot::DiscordRest {
        sdk::bot::DiscordRest::new(format!("{}/v10", fake.api_url()), "token")
    }

    #[tokio::test]
    async fn a_429_is_waited_out_and_retried() {
        let fake = FakeDiscord::start().await;
        fake.rate_limit_next("POST", "/channels/555/messages", 2, 0.2);
        let started = Instant::now();
        let id = client(&fake).post_message("555", "hello").await.unwrap();
        assert!(!id.is_empty());
        // Two refusals, each waited out, then the message landed once.
        assert!(started.elapsed() >= Duration::from_millis(400));
        assert_eq!(fake.rate_limited_count(), 2);
        assert_eq!(fake.requests_to("POST", "/api/v10/channels/555").len(), 3);
        assert_eq!(fake.messages().len(), 1);
    }

    #[tokio::test]
    async fn an_exhausted_bucket_delays_the_next_call() {
        let fake = FakeDiscord::start().await;
        fake.limit_bucket(
            "POST",
            "/channels/555/messages",
            "bucket-a",
            1,
            Duration::from_millis(600),
        );
        let rest = client(&fake);
        rest.post_message("555", "one").await.unwrap();
        // The answer said the bucket is empty: a clone (same limits) waits for its reset
        // instead of being refused.
        let started = Instant::now();
        rest.clone().post_message("555", "two").await.unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(400),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(fake.rate_limited_count(), 0);
        assert_eq!(fake.messages().len(), 2);
    }

    #[tokio::test]
    async fn another_channels_bucket_is_not_held_back() {
        let fake = FakeDiscord::start().await;
        // The same Discord bucket id on two channels: counted per channel.
        fake.limit_bucket(
            "POST",
            "/channels/555/messages",
            "bucket-a",
            1,
            Duration::from_secs(5),
        );
        fake.limit_bucket(
            "POST",
            "/channels/556/messages",
            "bucket-a",
            2,
            Duration::from_secs(5),
        );
        let rest = client(&fake);
        // 556's bucket is known (one left), then 555's is used up.
        rest.post_message("556", "one").await.unwrap();
        rest.post_message("555", "two").await.unwrap();
        // Channel 556 still has one: it goes at once, though 555 waits five seconds.
        let started = Instant::now();
        rest.post_message("556", "three").await.unwrap();
        assert!(
            started.elapsed() < Duration::from_millis(400),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(fake.rate_limited_count(), 0);
    }

    #[tokio::test]
    async fn limits_one_deadline_bounds_a_call_across_its_waits() {
        let fake = FakeDiscord::start().await;
        // Each wait is short, but four attempts with their waits would exceed the budget.
        let rest = client(&fake).with_max_wait(Duration::from_secs(1));
        fake.rate_limit_next("*", "/channels/778", 100, 0.4);
        let started = Instant::now();
        let e = rest.post_message("778", "x").await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert!(e.message().contains("try again in"), "{e}");
        // At 0, 0.4 and 0.8 s; the next wait would end after the deadline.
        assert_eq!(fake.requests_to("POST", "/api/v10/channels/778").len(), 3);
    }

    #[tokio::test]
    async fn a_long_retry_after_fails_at_once_with_when_to_retry() {
        let fake = FakeDiscord::start().await;
        fake.rate_limit_next("*", "/channels/555", 1, 120.0);
        let started = Instant::now();
        let e = client(&fake)
            .post_message("555", "hello")
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(e.message().contains("try again in 120 seconds"), "{e}");
        assert!(fake.messages().is_empty());
    }

    #[tokio::test]
    async fn a_global_limit_holds_every_call_and_retries_are_bounded() {
        let fake = FakeDiscord::start().await;
        let rest = client(&fake).with_max_wait(Duration::from_secs(1));
        fake.rate_limit_globally_next(1, 0.3);
        let started = Instant::now();
        rest.post_message("555", "a").await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(300));
        // Discord refusing again and again: a bounded number of attempts, then a clear error.
        fake.rate_limit_next("*", "/channels/777", 100, 0.05);
        let started = Instant::now();
        let e = rest.post_message("777", "b").await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(e.message().contains("kept rate limiting"), "{e}");
        assert_eq!(
            fake.requests_to("POST", "/api/v10/channels/777").len(),
            sdk::bot::ratelimit::MAX_ATTEMPTS
        );
    }
}
