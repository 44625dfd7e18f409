//! The first run on SQLite and PostgreSQL: while the site has no user, a one-time setup link
//! creates the first admin (as SUPERADMIN) and signs them in; the home page's status says so;
//! a link works once, every open link dies with the first one used, none is minted or accepted
//! once a user exists, and a bad name gets the form back without using the link.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{browser_like_client, whoami, TestApp};
use platform::identity::setup;
use sdk::db::Backend;
use testkit::both_backends;

async fn needs_setup(app: &TestApp) -> bool {
    let status: serde_json::Value = app
        .post_json("/api/core/server_status", &serde_json::json!({}))
        .await
        .json()
        .await
        .unwrap();
    status["needs_setup"].as_bool().unwrap()
}

/// Sends the setup form for `secret` with `username`, as the browser does.
async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    secret: &str,
    username: &str,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/setup/{secret}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", app.url(""))
        .body(format!("username={username}"))
        .send()
        .await
        .unwrap()
}

async fn user_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

async fn check_first_admin_through_the_setup_link(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert!(needs_setup(&app).await);
    let earlier = setup::offer(app.db())
        .await
        .unwrap()
        .expect("a link on an empty site");
    let secret = setup::offer(app.db())
        .await
        .unwrap()
        .expect("a link on an empty site");

    // Kept hashed, like every other secret.
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM setup_links")
        .fetch_all(app.db().pool())
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored
        .iter()
        .all(|h| !h.contains(&secret) && !h.contains(&earlier)));

    let res = app.get(&format!("/setup/{secret}")).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("id=\"setup-form\""));

    // A name to fix: the form again with the reason, and the link still works.
    let client = browser_like_client();
    let res = submit(&app, &client, &secret, "a%20b").await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"setup-error\""), "{page}");
    assert_eq!(user_count(&app).await, 0);

    let res = submit(&app, &client, &secret, "firstadmin").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/");
    let me = whoami(&app, &client).await;
    assert_eq!(me["username"], "firstadmin");
    assert_eq!(me["level"], "Superadmin");
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_logs WHERE action = 'user.create' AND details LIKE '%setup_link%'",
    )
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(audited, 1);
    assert!(!needs_setup(&app).await);

    // Never twice, and the other open link died with it.
    let other = browser_like_client();
    for used in [&secret, &earlier] {
        assert_eq!(app.get(&format!("/setup/{used}")).await.status(), 404);
        let res = submit(&app, &other, used, "second").await;
        assert_eq!(res.status(), 401);
        assert!(res.text().await.unwrap().contains("not valid"));
    }
    assert_eq!(whoami(&app, &other).await, serde_json::Value::Null);
    assert_eq!(user_count(&app).await, 1);
    // With a user, no link is minted.
    assert!(setup::offer(app.db()).await.unwrap().is_none());
    app.stop().await;
}
both_backends!(
    first_admin_through_the_setup_link,
    check_first_admin_through_the_setup_link
);

/// A link minted before someone created a user another way (the CLI) no longer works.
async fn check_setup_link_is_void_once_a_user_exists(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let secret = setup::offer(app.db()).await.unwrap().unwrap();
    platform::identity::users::create(app.db(), "cliadmin", sdk::auth::GlobalLevel::Superadmin)
        .await
        .unwrap();
    assert_eq!(app.get(&format!("/setup/{secret}")).await.status(), 404);
    let client = browser_like_client();
    let res = submit(&app, &client, &secret, "intruder").await;
    assert_eq!(res.status(), 409);
    assert_eq!(user_count(&app).await, 1);
    assert_eq!(whoami(&app, &client).await, serde_json::Value::Null);
    app.stop().await;
}
both_backends!(
    setup_link_is_void_once_a_user_exists,
    check_setup_link_is_void_once_a_user_exists
);
