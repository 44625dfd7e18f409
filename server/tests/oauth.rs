//! Discord sign-in end to end against a fake Discord on a local port, on SQLite and PostgreSQL:
//! the authorize redirect, state checks (wrong, missing, expired), code exchange, profile,
//! user creation, token refresh, sign-out; one-time login links.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::sync::{Arc, Mutex};

use axum::{
    extract::State,
    http::HeaderMap,
    routing::{get, post},
    Form, Json, Router,
};
use common::{browser_like_client, whoami, TestApp};
use sdk::db::Backend;
use server::config::DiscordConfig;
use testkit::both_backends;

#[derive(Clone, Default)]
struct FakeDiscord {
    /// grant_type of each token request, in order.
    grants: Arc<Mutex<Vec<String>>>,
}

async fn token(
    State(fake): State<FakeDiscord>,
    Form(form): Form<std::collections::HashMap<String, String>>,
) -> Json<serde_json::Value> {
    let grant = form.get("grant_type").cloned().unwrap_or_default();
    let n = {
        let mut grants = fake.grants.lock().unwrap();
        grants.push(grant.clone());
        grants.len()
    };
    // Tokens expire in 60 s: inside the 5-minute refresh margin, so the next request refreshes.
    Json(serde_json::json!({
        "access_token": format!("access-{n}"),
        "token_type": "Bearer",
        "expires_in": 60,
        "refresh_token": format!("refresh-{n}"),
        "scope": "identify"
    }))
}

async fn me(headers: HeaderMap) -> Result<Json<serde_json::Value>, axum::http::StatusCode> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !auth.starts_with("Bearer access-") {
        return Err(axum::http::StatusCode::UNAUTHORIZED);
    }
    Ok(Json(
        serde_json::json!({"id": "80351110224678912", "username": "speedy", "global_name": "Speedy Runner", "avatar": null}),
    ))
}

async fn start_fake() -> (String, FakeDiscord) {
    let fake = FakeDiscord::default();
    let router = Router::new()
        .route(
            "/oauth2/authorize",
            get(|| async { "the fake authorize page" }),
        )
        .route("/api/oauth2/token", post(token))
        .route("/api/users/@me", get(me))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    (base, fake)
}

async fn app_with_fake_discord(backend: Backend) -> (TestApp, FakeDiscord) {
    app_with_fake_discord_and(backend, Vec::new()).await
}

async fn app_with_fake_discord_and(
    backend: Backend,
    superadmins: Vec<String>,
) -> (TestApp, FakeDiscord) {
    let (base, fake) = start_fake().await;
    let app = TestApp::spawn_with(backend, |config| {
        config.superadmin_discord_ids = superadmins;
        config.discord = Some(DiscordConfig {
            client_id: "client".into(),
            client_secret: "secret".into(),
            authorize_url: format!("{base}/oauth2/authorize"),
            token_url: format!("{base}/api/oauth2/token"),
            api_url: format!("{base}/api"),
            configured_in: "the test".into(),
        });
    })
    .await;
    (app, fake)
}

/// Starts a sign-in in `client`; returns the state Discord would echo back.
async fn begin_login(app: &TestApp, client: &reqwest::Client, redirect: &str) -> String {
    let res = client
        .get(app.url(&format!("/auth/login?redirect={redirect}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "login redirects to Discord");
    let location = reqwest::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.path().ends_with("/oauth2/authorize"));
    let query: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(query["scope"], "identify");
    assert_eq!(query["client_id"], "client");
    assert!(query["redirect_uri"].ends_with("/auth/callback"));
    query["state"].clone()
}

async fn sign_in_with_discord(backend: Backend) {
    let (app, fake) = app_with_fake_discord(backend).await;
    let client = browser_like_client();
    assert_eq!(whoami(&app, &client).await, serde_json::Value::Null);

    let state = begin_login(&app, &client, "/org/1").await;
    let res = client
        .get(app.url(&format!("/auth/callback?code=good&state={state}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/org/1",
        "back where the user started"
    );
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_lowercase();
    assert!(
        cookie.contains("httponly") && cookie.contains("samesite=lax"),
        "{cookie}"
    );

    let me = whoami(&app, &client).await;
    assert_eq!(me["username"], "speedy");
    assert_eq!(me["display_name"], "Speedy Runner");
    assert_eq!(me["level"], "User");
    // The 60-second token was refreshed on that request.
    assert_eq!(
        *fake.grants.lock().unwrap(),
        vec!["authorization_code", "refresh_token"]
    );
    let stored = platform::identity::users::discord_tokens(app.db(), me["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.access_token, "access-2");

    // Signing in again finds the same user.
    let again = browser_like_client();
    let state = begin_login(&app, &again, "/").await;
    again
        .get(app.url(&format!("/auth/callback?code=good&state={state}")))
        .send()
        .await
        .unwrap();
    assert_eq!(whoami(&app, &again).await["id"], me["id"]);

    // The state is single-use: replaying the callback is refused.
    let res = client
        .get(app.url(&format!("/auth/callback?code=good&state={state}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    // Sign-out ends the session.
    let res = client.post(app.url("/auth/logout")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(whoami(&app, &client).await, serde_json::Value::Null);
    app.stop().await;
}
both_backends!(discord_sign_in, sign_in_with_discord);

async fn bad_or_expired_state_is_refused_with_a_clear_page(backend: Backend) {
    let (app, _fake) = app_with_fake_discord(backend).await;

    // Wrong state.
    let client = browser_like_client();
    begin_login(&app, &client, "/").await;
    let res = client
        .get(app.url("/auth/callback?code=good&state=forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("does not match") && page.contains("Sign in again"),
        "{page}"
    );
    assert_eq!(whoami(&app, &client).await, serde_json::Value::Null);

    // No sign-in started in this browser.
    let stranger = browser_like_client();
    let res = stranger
        .get(app.url("/auth/callback?code=good&state=whatever"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("not started in this browser"));

    // Started more than 10 minutes ago: age the pending sign-in in the session store.
    let slow = browser_like_client();
    let state = begin_login(&app, &slow, "/").await;
    use sqlx::Row;
    let rows = sqlx::query("SELECT id, data FROM sessions")
        .fetch_all(app.db().pool())
        .await
        .unwrap();
    for row in rows {
        let id: String = row.get("id");
        let mut data: serde_json::Value =
            serde_json::from_str(&row.get::<String, _>("data")).unwrap();
        if data["oauth"]["state"] == state.as_str() {
            let started = data["oauth"]["started_at"].as_i64().unwrap();
            data["oauth"]["started_at"] = (started - 11 * 60 * 1000).into();
            sqlx::query("UPDATE sessions SET data = $1 WHERE id = $2")
                .bind(data.to_string())
                .bind(id)
                .execute(app.db().pool())
                .await
                .unwrap();
        }
    }
    let res = slow
        .get(app.url(&format!("/auth/callback?code=good&state={state}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("More than 10 minutes"));
    assert_eq!(whoami(&app, &slow).await, serde_json::Value::Null);
    app.stop().await;
}
both_backends!(bad_state, bad_or_expired_state_is_refused_with_a_clear_page);

async fn one_time_login_links(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Without a Discord app, /auth/login says how to get in instead: on a new site through the
    // first-run setup link, then through a login link from the admin.
    let res = app.get("/auth/login").await;
    assert_eq!(res.status(), 503);
    assert!(res.text().await.unwrap().contains("setup link"));

    platform::identity::users::create(app.db(), "selfhost", sdk::auth::GlobalLevel::Superadmin)
        .await
        .unwrap();
    let res = app.get("/auth/login").await;
    assert_eq!(res.status(), 503);
    assert!(res.text().await.unwrap().contains("login-link"));
    let (_, secret) = platform::identity::login_links::create(app.db(), "selfhost")
        .await
        .unwrap();
    let client = browser_like_client();
    let res = client
        .get(app.url(&format!("/auth/link/{secret}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(whoami(&app, &client).await["username"], "selfhost");
    // Used once, never again.
    let other = browser_like_client();
    let res = other
        .get(app.url(&format!("/auth/link/{secret}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.text().await.unwrap().contains("already used"));
    assert!(platform::identity::login_links::create(app.db(), "nobody")
        .await
        .is_err());
    app.stop().await;
}
both_backends!(login_links, one_time_login_links);

async fn configured_discord_ids_become_superadmin(backend: Backend) {
    let (app, _fake) = app_with_fake_discord_and(backend, vec!["80351110224678912".into()]).await;
    let client = browser_like_client();
    let state = begin_login(&app, &client, "/").await;
    client
        .get(app.url(&format!("/auth/callback?code=good&state={state}")))
        .send()
        .await
        .unwrap();
    assert_eq!(whoami(&app, &client).await["level"], "Superadmin");
    app.stop().await;
}
both_backends!(
    bootstrap_superadmin,
    configured_discord_ids_become_superadmin
);

async fn superadmins_impersonate_and_stop(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root =
        platform::identity::users::create(app.db(), "root", sdk::auth::GlobalLevel::Superadmin)
            .await
            .unwrap();
    let target =
        platform::identity::users::create(app.db(), "target", sdk::auth::GlobalLevel::User)
            .await
            .unwrap();
    let (_, secret) = platform::identity::login_links::create(app.db(), "root")
        .await
        .unwrap();
    let client = browser_like_client();
    client
        .get(app.url(&format!("/auth/link/{secret}")))
        .send()
        .await
        .unwrap();
    let call = |endpoint: &'static str, body: serde_json::Value| {
        let client = client.clone();
        let url = app.url(&format!("/api/core/{endpoint}"));
        async move {
            client
                .post(url)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        call("impersonate", serde_json::json!({"user_id": target.id}))
            .await
            .status(),
        200
    );
    let me = whoami(&app, &client).await;
    assert_eq!(me["username"], "target");
    assert_eq!(me["impersonated_by"], root.id);
    // While acting as a USER, superadmin powers are gone.
    assert_eq!(
        call("search_users", serde_json::json!({})).await.status(),
        403
    );
    assert_eq!(
        call("stop_impersonating", serde_json::json!({}))
            .await
            .status(),
        200
    );
    let me = whoami(&app, &client).await;
    assert_eq!(me["username"], "root");
    assert!(me["impersonated_by"].is_null());
    let log = sdk::identity::audit_log::list(app.db(), &Default::default())
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.action == "user.impersonate"));
    assert!(log.iter().any(|e| e.action == "user.stop_impersonating"));
    // Nobody else may.
    let user = app.user("plain", sdk::auth::GlobalLevel::User).await;
    assert_eq!(
        app.fails(
            Some(&user),
            "impersonate",
            serde_json::json!({"user_id": root.id})
        )
        .await
        .0,
        403
    );
    app.stop().await;
}
both_backends!(impersonation, superadmins_impersonate_and_stop);

async fn motd_and_settings(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.user("root", sdk::auth::GlobalLevel::Superadmin).await;
    let user = app.user("plain", sdk::auth::GlobalLevel::User).await;
    assert_eq!(
        app.fails(
            Some(&user),
            "set_setting",
            serde_json::json!({"key": "motd", "value": "hi"})
        )
        .await
        .0,
        403
    );
    app.ok(
        &root,
        "set_setting",
        serde_json::json!({"key": "motd", "value": "Qualifiers close Sunday"}),
    )
    .await;
    app.ok(
        &root,
        "set_setting",
        serde_json::json!({"key": "internal.note", "value": "secret", "is_public": false}),
    )
    .await;
    assert_eq!(
        app.call(None, "motd", serde_json::json!({}))
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap(),
        "Qualifiers close Sunday"
    );
    // Anonymous visitors see only public settings; the banner is on every page.
    let public = app
        .call(None, "list_settings", serde_json::json!({}))
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(public.as_array().unwrap().len(), 1, "{public}");
    assert!(app
        .get("/")
        .await
        .text()
        .await
        .unwrap()
        .contains("Qualifiers close Sunday"));
    let (status, body) = app
        .fails(
            Some(&root),
            "set_setting",
            serde_json::json!({"key": "Bad Key!", "value": "x"}),
        )
        .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("key")));
    app.ok(
        &root,
        "set_setting",
        serde_json::json!({"key": "motd", "value": ""}),
    )
    .await;
    assert!(app
        .call(None, "motd", serde_json::json!({}))
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap()
        .is_null());
    app.stop().await;
}
both_backends!(motd, motd_and_settings);

/// The banner is kept a few seconds (every page shows it): a change written by another instance
/// (straight into the database here) shows once the kept one is dropped or stale, and a change
/// through this instance shows at once.
async fn motd_is_kept_briefly_and_dropped_on_change(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.user("root", sdk::auth::GlobalLevel::Superadmin).await;
    let motd = || async {
        app.call(None, "motd", serde_json::json!({}))
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    app.ok(
        &root,
        "set_setting",
        serde_json::json!({"key": "motd", "value": "First"}),
    )
    .await;
    assert_eq!(motd().await, "First");
    // Another instance changes it: this one still shows what it read.
    sqlx::query("UPDATE global_settings SET value = 'From elsewhere' WHERE key = 'motd'")
        .execute(app.db().pool())
        .await
        .unwrap();
    assert_eq!(motd().await, "First");
    app.server.platform.motd.forget();
    assert_eq!(motd().await, "From elsewhere");
    // A change through this instance shows at once.
    app.ok(
        &root,
        "set_setting",
        serde_json::json!({"key": "motd", "value": "Third"}),
    )
    .await;
    assert_eq!(motd().await, "Third");
    app.stop().await;
}
both_backends!(motd_cache, motd_is_kept_briefly_and_dropped_on_change);
