//! Server-rendered pages always finish: many signed-in page loads at once, on SQLite and
//! PostgreSQL, every response complete (the document closed) within the client's time limit.
//!
//! The hang `make test` once had: under `cargo test` several tests start servers in one process.
//! Starting a server lists the app's routes by rendering the app once with resource loading
//! switched off by a *process-wide* flag (leptos's `SuppressResourceLoad`). A page that another
//! server was rendering at that moment created resources that never loaded, so its response
//! never ended. `pages_finish_while_other_servers_start` does exactly that, many times over;
//! the fix lists the routes once per process (`server::http`); before it, 8 starts left about
//! one page load in a hundred open. `PAGE_SOAK_STARTS` raises the number of server starts, and
//! `PAGE_SOAK_ROUNDS` the rounds of the plain load test (each round loads every page once,
//! several at a time).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::time::{Duration, Instant};

use common::TestApp;
use sdk::{auth::GlobalLevel, db::Backend};
use testkit::both_backends;

/// Pages that read resources in several suspense boundaries (layout, org frame, plugin gate).
fn pages(org: i64) -> Vec<String> {
    let mut pages = vec![
        "/".to_string(),
        "/orgs".to_string(),
        "/profile".to_string(),
        format!("/org/{org}"),
        format!("/org/{org}/members"),
        format!("/org/{org}/roles"),
        format!("/org/{org}/audit"),
        format!("/org/{org}/plugins"),
        format!("/org/{org}/tasks"),
    ];
    for plugin in app::plugins::BUILTIN {
        pages.push(format!("/org/{org}/{}", plugin.route));
    }
    pages
}

async fn admin_of_an_org(app: &TestApp) -> (reqwest::Client, i64) {
    let db = app.db();
    let root = platform::identity::users::create(db, "root", GlobalLevel::Superadmin)
        .await
        .unwrap();
    let root = sdk::auth::CurrentUser {
        id: root.id,
        username: root.username,
        display_name: None,
        level: GlobalLevel::Superadmin,
        impersonated_by: None,
    };
    let org = platform::identity::orgs::create(db, &root, "Streaming", "", None)
        .await
        .unwrap();
    // Every plugin on, so each plugin's page renders in full.
    let plugins = &app.server.platform.plugins;
    for plugin in app::plugins::BUILTIN {
        if !plugins.is_enabled(org.id, plugin.id).await.unwrap() {
            plugins
                .set_enabled(org.id, plugin.id, true, true, &Default::default())
                .await
                .unwrap();
        }
    }
    let client = app.signed_in("root").await;
    (client, org.id)
}

/// Far more than any page needs on a loaded 2-core machine; a stalled stream hits it.
const PAGE_TIME_LIMIT: Duration = Duration::from_secs(20);

/// One page load, read to the end; Err names what went wrong and shows where the stream stopped.
async fn load(client: reqwest::Client, url: String) -> Result<(), String> {
    let started = Instant::now();
    let mut res = client
        .get(url.as_str())
        .timeout(PAGE_TIME_LIMIT)
        .send()
        .await
        .map_err(|e| format!("{url}: no answer after {:?}: {e}", started.elapsed()))?;
    let status = res.status();
    let mut body = Vec::new();
    loop {
        match res.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(e) => {
                let text = String::from_utf8_lossy(&body);
                let tail: String = text
                    .chars()
                    .rev()
                    .take(400)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                return Err(format!(
                    "{url}: the body did not finish after {:?} ({status}, {} bytes): {e}\n  ...{tail}",
                    started.elapsed(),
                    body.len()
                ));
            }
        }
    }
    let body = String::from_utf8_lossy(&body);
    if !status.is_success() {
        return Err(format!("{url}: {status}"));
    }
    if !body.contains("</html>") {
        return Err(format!("{url}: the document is not closed"));
    }
    Ok(())
}

/// Loads every page once, all at the same time; the failures.
async fn load_every_page(client: &reqwest::Client, urls: &[String]) -> Vec<String> {
    let mut loads = tokio::task::JoinSet::new();
    for url in urls {
        loads.spawn(load(client.clone(), url.clone()));
    }
    let mut failures = Vec::new();
    while let Some(result) = loads.join_next().await {
        if let Err(e) = result.unwrap() {
            failures.push(e);
        }
    }
    failures
}

fn assert_no_failures(failures: &[String], loads: usize) {
    assert!(
        failures.is_empty(),
        "{} of {loads} page loads failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn check_pages_always_finish(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (client, org) = admin_of_an_org(&app).await;
    let rounds: usize = std::env::var("PAGE_SOAK_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(6);
    let urls: Vec<String> = pages(org).iter().map(|p| app.url(p)).collect();
    let mut failures = Vec::new();
    for _ in 0..rounds {
        failures.extend(load_every_page(&client, &urls).await);
    }
    assert_no_failures(&failures, rounds * urls.len());
    app.stop().await;
}
both_backends!(pages_always_finish, check_pages_always_finish);

/// Pages keep loading while other servers start and stop in the same process (as tests do).
async fn check_pages_finish_while_other_servers_start(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (client, org) = admin_of_an_org(&app).await;
    let urls: Vec<String> = pages(org).iter().map(|p| app.url(p)).collect();
    let done = std::sync::atomic::AtomicBool::new(false);
    let starts: usize = std::env::var("PAGE_SOAK_STARTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(8);
    let starting = async {
        for i in 0..starts {
            // Said when slow, so a run the time limit kills shows where it stood.
            let at = Instant::now();
            let other = TestApp::spawn(Backend::Sqlite).await;
            let spawned = at.elapsed();
            other.stop().await;
            if at.elapsed() > Duration::from_secs(5) {
                eprintln!(
                    "server {i}: started in {spawned:?}, stopped after {:?}",
                    at.elapsed() - spawned
                );
            }
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
    };
    let loading = async {
        let mut failures = Vec::new();
        let mut loads = 0;
        while !done.load(std::sync::atomic::Ordering::SeqCst) {
            let at = Instant::now();
            let failed = load_every_page(&client, &urls).await;
            if at.elapsed() > Duration::from_secs(5) {
                eprintln!("a round of page loads took {:?}: {failed:?}", at.elapsed());
            }
            failures.extend(failed);
            loads += urls.len();
        }
        (failures, loads)
    };
    let ((), (failures, loads)) = tokio::join!(starting, loading);
    assert_no_failures(&failures, loads);
    app.stop().await;
}
both_backends!(
    pages_finish_while_other_servers_start,
    check_pages_finish_while_other_servers_start
);
