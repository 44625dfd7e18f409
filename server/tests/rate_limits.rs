//! Floods: every caller is rate limited — browser sessions per user, anonymous clients per
//! address (read from `X-Forwarded-For` only behind a trusted proxy), API tokens per user — and
//! on PostgreSQL all instances count together. Each test lowers the limits it floods through
//! the configuration (`test_config` raises them for every other test).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{plain_client, test_config, TestApp};
use sdk::{auth::GlobalLevel, db::Backend};
use serde_json::json;
use server::{auth::client_ip::TrustedProxies, config::Config};
use testkit::both_backends;

fn limits(anonymous: u32, session: u32) -> impl FnOnce(&mut Config) {
    move |config: &mut Config| {
        config.rate_limits.anonymous_per_minute = anonymous;
        config.rate_limits.session_per_minute = session;
    }
}

/// An anonymous server function call, optionally claiming to come from `forwarded_for`.
async fn anonymous_call(app: &TestApp, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = plain_client()
        .post(app.url("/api/core/server_status"))
        .header("content-type", "application/json")
        .body("{}");
    if let Some(forwarded) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded);
    }
    request.send().await.unwrap()
}

/// A refused API call: 429, a `Retry-After` within the minute and the SDK's error body.
async fn assert_rate_limited_json(res: reqwest::Response) {
    assert_eq!(res.status(), 429);
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["kind"], "RateLimited", "{body}");
    assert_eq!(body["retry_after"], retry_after);
}

/// A refused page: 429 with `Retry-After` and a page a browser shows.
async fn assert_rate_limited_page(res: reqwest::Response) {
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(res.text().await.unwrap().contains("Too many requests"));
}

/// A signed-in browser (or a script with its cookie) could call the server without limit: only
/// API tokens were counted.
async fn check_session_flood_gets_429_with_retry_after(backend: Backend) {
    let app = TestApp::spawn_with(backend, limits(1_000, 5)).await;
    app.user("flooder", GlobalLevel::User).await;
    app.user("bystander", GlobalLevel::User).await;
    let flooder = app.signed_in("flooder").await;
    let bystander = app.signed_in("bystander").await;
    for i in 0..5 {
        let res = app.call_in_session(&flooder, "whoami", json!({})).await;
        assert_eq!(res.status(), 200, "request {}", i + 1);
    }
    assert_rate_limited_json(app.call_in_session(&flooder, "whoami", json!({})).await).await;
    // Pages are refused too, as a page.
    assert_rate_limited_page(flooder.get(app.url("/")).send().await.unwrap()).await;
    // Static files are not counted.
    let asset = flooder.get(app.url("/robots.txt")).send().await.unwrap();
    assert_ne!(asset.status(), 429);
    // Another user, and anonymous visitors from the same address, are not affected.
    let res = app.call_in_session(&bystander, "whoami", json!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(anonymous_call(&app, None).await.status(), 200);
    app.stop().await;
}
both_backends!(
    session_flood_gets_429_with_retry_after,
    check_session_flood_gets_429_with_retry_after
);

/// Anonymous clients (and token guessers) could call the server without limit.
async fn check_anonymous_flood_gets_429_per_ip(backend: Backend) {
    let app = TestApp::spawn_with(backend, limits(5, 1_000)).await;
    app.user("member", GlobalLevel::User).await;
    // Signing in is an anonymous request: one of the five.
    let member = app.signed_in("member").await;
    for i in 0..4 {
        assert_eq!(
            anonymous_call(&app, None).await.status(),
            200,
            "request {}",
            i + 2
        );
    }
    assert_rate_limited_json(anonymous_call(&app, None).await).await;
    assert_rate_limited_page(plain_client().get(app.url("/")).send().await.unwrap()).await;
    // Guessing API tokens counts against the address as well: refused before it is checked.
    let guess = plain_client()
        .post(app.url("/api/core/whoami"))
        .header("content-type", "application/json")
        .bearer_auth("not-a-real-token")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_rate_limited_json(guess).await;
    // A signed-in user on the same address has their own allowance.
    let res = app.call_in_session(&member, "whoami", json!({})).await;
    assert_eq!(res.status(), 200);
    app.stop().await;
}
both_backends!(
    anonymous_flood_gets_429_per_ip,
    check_anonymous_flood_gets_429_per_ip
);

/// Without a trusted proxy, a client could name a new address in `X-Forwarded-For` with every
/// request and never be counted.
async fn check_spoofed_forwarded_for_from_untrusted_peer_is_ignored(backend: Backend) {
    let app = TestApp::spawn_with(backend, limits(3, 1_000)).await;
    for n in 0..3 {
        let res = anonymous_call(&app, Some(&format!("198.51.100.{n}"))).await;
        assert_eq!(res.status(), 200, "request {}", n + 1);
    }
    assert_rate_limited_json(anonymous_call(&app, Some("198.51.100.99")).await).await;
    app.stop().await;
}
both_backends!(
    spoofed_forwarded_for_from_untrusted_peer_is_ignored,
    check_spoofed_forwarded_for_from_untrusted_peer_is_ignored
);

/// Behind the operator's proxy every client shares the proxy's address; the proxy's
/// `X-Forwarded-For` tells them apart, and what a client wrote into it itself is not believed.
async fn check_trusted_proxy_forwarded_for_is_used(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        limits(3, 1_000)(config);
        config.trusted_proxies = TrustedProxies::parse("127.0.0.0/8").unwrap();
    })
    .await;
    for i in 0..3 {
        let res = anonymous_call(&app, Some("198.51.100.1")).await;
        assert_eq!(res.status(), 200, "request {}", i + 1);
    }
    assert_rate_limited_json(anonymous_call(&app, Some("198.51.100.1")).await).await;
    // A client putting a made-up address in front is still the address the proxy saw.
    assert_rate_limited_json(anonymous_call(&app, Some("6.6.6.6, 198.51.100.1")).await).await;
    // Another client behind the same proxy has its own allowance.
    assert_eq!(
        anonymous_call(&app, Some("198.51.100.2")).await.status(),
        200
    );
    app.stop().await;
}
both_backends!(
    trusted_proxy_forwarded_for_is_used,
    check_trusted_proxy_forwarded_for_is_used
);

/// With several instances behind a load balancer each counted alone, a client got the limit
/// once per instance.
async fn check_two_instances_share_counters_on_postgres(backend: Backend) {
    if backend == Backend::Sqlite {
        // SQLite runs as a single instance (the database is a local file), whose counts live in
        // its memory; only instances on one PostgreSQL database share them.
        return;
    }
    let app = TestApp::spawn_with(backend, limits(4, 1_000)).await;
    let mut config = test_config(&app.test_db.url);
    limits(4, 1_000)(&mut config);
    let data_dir = config.data_dir.clone();
    let second = server::start(config).await.unwrap();
    let call_second = || async {
        plain_client()
            .post(format!("{}/api/core/server_status", second.url()))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap()
    };
    for i in 0..2 {
        assert_eq!(anonymous_call(&app, None).await.status(), 200, "first, {i}");
        assert_eq!(call_second().await.status(), 200, "second, {i}");
    }
    assert_rate_limited_json(anonymous_call(&app, None).await).await;
    assert_rate_limited_json(call_second().await).await;
    second.stop().await.unwrap();
    std::fs::remove_dir_all(data_dir).ok();
    app.stop().await;
}
both_backends!(
    two_instances_share_counters_on_postgres,
    check_two_instances_share_counters_on_postgres
);
