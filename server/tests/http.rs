//! The server over HTTP, on SQLite and PostgreSQL: health, pages, 404, server functions and
//! their error bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use sdk::db::Backend;
use testkit::both_backends;

async fn health_reports_ok_and_the_backend(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.get("/health").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], backend.name());
    assert_eq!(body["migrations"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    app.stop().await;
}
both_backends!(health_ok, health_reports_ok_and_the_backend);

async fn health_is_503_when_the_database_is_gone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(app.get("/health").await.status(), 200);
    match backend {
        // Really take the database away under the running server.
        sdk::db::Backend::Postgres => {
            let admin = sdk::db::Db::connect(&testkit::postgres_admin_url())
                .await
                .unwrap();
            let name = app.test_db.url.rsplit('/').next().unwrap().to_string();
            sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(admin.pool())
                .await
                .unwrap();
            admin.close().await;
        }
        // A SQLite file cannot vanish from under open connections; closing the pool is the
        // nearest equivalent.
        sdk::db::Backend::Sqlite => app.server.db.close().await,
    }
    let res = app.get("/health").await;
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    app.stop().await;
}
both_backends!(health_unavailable, health_is_503_when_the_database_is_gone);

async fn home_page_is_server_rendered_with_hydration(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..80.min(html.len())]
    );
    assert!(html.contains("<title>SahaBot</title>"));
    assert!(html.contains("Run tournaments, async qualifiers and race rooms"));
    // The status card is rendered on the server, not left to the browser.
    assert!(html.contains("id=\"server-time\""), "status card missing");
    // The hydration script and stylesheet point at the build output (a content-hashed folder
    // when the site is built: `server::assets`).
    let dir = server::assets::build_dir(&common::test_config("sqlite::memory:").site_root);
    for ext in ["js", "wasm", "css"] {
        assert!(
            html.contains(&format!("/{dir}/sahabot.{ext}")),
            "{dir} {ext}"
        );
    }
    app.stop().await;
}
both_backends!(home_page, home_page_is_server_rendered_with_hydration);

async fn unknown_paths_are_a_404_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(html.contains("Page not found"));
    assert!(html.contains("Go to the home page"));
    app.stop().await;
}
both_backends!(not_found, unknown_paths_are_a_404_page);

async fn server_function_round_trip(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let before = sdk::db::now_ms();
    let res = app
        .post_json("/api/core/server_status", &serde_json::json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["database"], backend.name());
    let now = body["now_ms"].as_i64().unwrap();
    assert!(
        now >= before && now <= sdk::db::now_ms(),
        "server time {now} is not now"
    );
    app.stop().await;
}
both_backends!(server_fn_round_trip, server_function_round_trip);

async fn malformed_json_is_a_4xx_with_the_error_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for body in ["{nope", "[1, 2", "\"just a string\""] {
        let res = app.post_json_text("/api/core/server_status", body).await;
        assert_eq!(res.status(), 422, "body {body}");
        assert_eq!(res.headers()["content-type"], "application/json");
        let error: serde_json::Value = res.json().await.unwrap();
        assert_eq!(error["kind"], "Invalid", "body {body}: {error}");
        assert_eq!(error["field"], "body");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.starts_with("The request body could not be read"),
            "{message}"
        );
    }
    // The server is fine afterwards.
    assert_eq!(app.get("/health").await.status(), 200);
    app.stop().await;
}
both_backends!(malformed_json, malformed_json_is_a_4xx_with_the_error_body);

async fn unknown_server_function_is_a_4xx(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app
        .post_json("/api/core/no_such_function", &serde_json::json!({}))
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    app.stop().await;
}
both_backends!(unknown_server_fn, unknown_server_function_is_a_4xx);
