//! No request waits forever, and neither does stopping, on SQLite and PostgreSQL: a handler
//! that never answers gets 503 at the request time limit (an error page for a person, the JSON
//! error body for the API), and a stopping server gives up on a hung request after its grace
//! period.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use common::{plain_client, test_config, TestApp};
use sdk::{
    auth::GlobalLevel, db::Backend, plugin::Bundle, plugin::LoadContext, plugin::Plugin, Error,
};
use serde_json::json;
use testkit::{both_backends, TestDb};

/// A plugin whose feed (`/p/stuck/…`) never answers.
const STUCK_MANIFEST: &str = r#"
id = "stuck"
name = "Stuck"
version = "0.1.0"
category = "utility"
enabled_by_default = true

[requires]
app = ">=0.1"
"#;

struct Stuck;

#[async_trait::async_trait]
impl Plugin for Stuck {
    async fn on_load(&self, ctx: &LoadContext) -> Result<(), Error> {
        ctx.feed(|_request| Box::pin(std::future::pending()))
    }
}

async fn spawn(backend: Backend, request_timeout: u64, shutdown_grace: u64) -> TestApp {
    let test_db = TestDb::new(backend).await;
    let mut config = test_config(&test_db.url);
    config.request_timeout = Duration::from_secs(request_timeout);
    config.shutdown_grace = Duration::from_secs(shutdown_grace);
    let data_dir = config.data_dir.clone();
    let mut bundles = app::plugins::bundles();
    bundles.push(Bundle::builtin(
        STUCK_MANIFEST,
        "tests/stuck.toml",
        &[],
        &[],
        Arc::new(Stuck),
    ));
    let server = server::start_with_plugins(config, bundles)
        .await
        .expect("the test server starts");
    TestApp {
        server,
        client: common::browser_like_client(),
        test_db,
        data_dir,
    }
}

async fn check_a_hung_handler_answers_503(backend: Backend) {
    let app = spawn(backend, 1, 5).await;
    let started = Instant::now();
    let res = app.get("/p/stuck/anything").await;
    assert_eq!(res.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(res.headers()["retry-after"], "5");
    let page = res.text().await.unwrap();
    assert!(page.contains("This page took too long"), "{page}");
    // The server goes on answering.
    assert_eq!(app.get("/health").await.status(), 200);
    app.stop().await;
}
both_backends!(hung_handler_answers_503, check_a_hung_handler_answers_503);

/// An API call stuck behind another connection's write lock answers 503 with the error body.
async fn check_a_stuck_api_call_answers_503_with_the_error_body(backend: Backend) {
    let app = spawn(backend, 1, 5).await;
    let root = app.user("root", GlobalLevel::Superadmin).await;
    let mut blocker = app.db().begin().await.unwrap();
    // SQLite's transactions begin IMMEDIATE (the write lock); on PostgreSQL, lock the table.
    if backend == Backend::Postgres {
        sqlx::query("LOCK TABLE organizations IN ACCESS EXCLUSIVE MODE")
            .execute(&mut *blocker)
            .await
            .unwrap();
    }
    let started = Instant::now();
    let res = app
        .call(
            Some(&root),
            "create_organization",
            json!({"name": "Blocked", "description": "d"}),
        )
        .await;
    let waited = started.elapsed();
    blocker.rollback().await.unwrap();
    assert_eq!(res.status(), 503);
    assert!(waited < Duration::from_secs(8), "answered after {waited:?}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["kind"], "TimedOut", "{body}");
    // Once the lock is gone the same call goes through.
    app.ok(
        &root,
        "create_organization",
        json!({"name": "Unblocked", "description": "d"}),
    )
    .await;
    app.stop().await;
}
both_backends!(
    stuck_api_call_answers_503,
    check_a_stuck_api_call_answers_503_with_the_error_body
);

async fn check_stopping_gives_up_on_a_hung_request(backend: Backend) {
    // The request limit is far away: only the shutdown grace period can end the wait.
    let app = spawn(backend, 600, 1).await;
    let url = app.url("/p/stuck/forever");
    let hung = tokio::spawn(async move { plain_client().get(url).send().await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(20), app.stop())
        .await
        .expect("stopping ends within the grace period");
    assert!(started.elapsed() < Duration::from_secs(10));
    hung.abort();
}
both_backends!(
    stopping_gives_up_on_hung_requests,
    check_stopping_gives_up_on_a_hung_request
);
