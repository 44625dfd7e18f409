//! Site admin → Sign-in, through the API on SQLite and PostgreSQL against the test kit's fake
//! Discord: the redirect URLs come from the base URL, the client secret is never shown, only
//! site admins see or check it, and the live check tells a working application from a wrong
//! secret, another application's id, a Discord that cannot be reached, and no application.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use sdk::{auth::GlobalLevel, db::Backend};
use serde_json::{json, Value};
use server::config::DiscordConfig;
use testkit::{
    both_backends,
    fake_discord::{FakeDiscord, APPLICATION_ID, APPLICATION_NAME, CLIENT_SECRET},
};

fn discord_app(fake: &FakeDiscord, client_id: &str, client_secret: &str) -> DiscordConfig {
    DiscordConfig {
        client_id: client_id.into(),
        client_secret: client_secret.into(),
        authorize_url: fake.authorize_url(),
        token_url: fake.token_url(),
        api_url: fake.api_url(),
        configured_in: "/srv/sahabot/sahabot.toml".into(),
    }
}

async fn app_with(backend: Backend, discord: Option<DiscordConfig>) -> TestApp {
    TestApp::spawn_with(backend, |config| {
        config.base_url = "https://races.example.org".into();
        config.discord = discord;
    })
    .await
}

async fn check(app: &TestApp) -> Value {
    let admin = app.user("site-admin", GlobalLevel::Admin).await;
    app.ok(&admin, "check_discord_sign_in", json!({})).await
}

async fn set_up_application_is_reported_and_checked(backend: Backend) {
    let fake = FakeDiscord::start().await;
    let app = app_with(
        backend,
        Some(discord_app(&fake, APPLICATION_ID, CLIENT_SECRET)),
    )
    .await;
    let admin = app.user("site-admin", GlobalLevel::Admin).await;
    let report = app.ok(&admin, "discord_sign_in_setup", json!({})).await;
    assert_eq!(report["discord_client_id"], APPLICATION_ID);
    assert_eq!(report["configured_in"], "/srv/sahabot/sahabot.toml");
    assert_eq!(report["base_url"], "https://races.example.org");
    let urls: Vec<&str> = report["redirect_urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "https://races.example.org/auth/callback",
            "https://races.example.org/api/p/discordbot/link_callback"
        ]
    );
    assert!(
        !report.to_string().contains(CLIENT_SECRET),
        "the secret never leaves the server: {report}"
    );

    let result = app.ok(&admin, "check_discord_sign_in", json!({})).await;
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["application_name"], APPLICATION_NAME);
    assert!(result["detail"]
        .as_str()
        .unwrap()
        .contains(APPLICATION_NAME));
    // The check asked for the application's own token, with the configured id and secret.
    let grants = fake.requests_to("POST", "/api/oauth2/token");
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].body["grant_type"], "client_credentials");
    assert_eq!(grants[0].body["client_id"], APPLICATION_ID);

    // Neither a moderator nor an anonymous caller sees or checks it.
    let moderator = app.user("moderator", GlobalLevel::Moderator).await;
    for endpoint in ["discord_sign_in_setup", "check_discord_sign_in"] {
        let (status, _) = app.fails(Some(&moderator), endpoint, json!({})).await;
        assert_eq!(status, 403, "{endpoint} as a moderator");
        let (status, _) = app.fails(None, endpoint, json!({})).await;
        assert_eq!(status, 401, "{endpoint} anonymously");
    }
    assert_eq!(fake.requests_to("POST", "/api/oauth2/token").len(), 1);
    app.stop().await;
}
both_backends!(
    set_up_application,
    set_up_application_is_reported_and_checked
);

async fn a_wrong_secret_is_named(backend: Backend) {
    let fake = FakeDiscord::start().await;
    let app = app_with(
        backend,
        Some(discord_app(&fake, APPLICATION_ID, "not-the-secret")),
    )
    .await;
    let result = check(&app).await;
    assert_eq!(result["ok"], false, "{result}");
    let detail = result["detail"].as_str().unwrap();
    assert!(detail.contains("invalid_client"), "{detail}");
    assert!(detail.contains("client id or secret is wrong"), "{detail}");
    assert!(detail.contains("/srv/sahabot/sahabot.toml"), "{detail}");
    app.stop().await;
}
both_backends!(wrong_secret, a_wrong_secret_is_named);

async fn another_applications_id_is_named(backend: Backend) {
    // Discord checks the secret against the id it is sent with; the fake only knows one
    // application, so a different id is refused the same way.
    let fake = FakeDiscord::start().await;
    let app = app_with(
        backend,
        Some(discord_app(&fake, "123456789", CLIENT_SECRET)),
    )
    .await;
    let result = check(&app).await;
    assert_eq!(result["ok"], false, "{result}");
    assert!(result["detail"]
        .as_str()
        .unwrap()
        .contains("client id or secret is wrong"));
    app.stop().await;
}
both_backends!(other_application, another_applications_id_is_named);

async fn an_unreachable_discord_is_reported(backend: Backend) {
    let fake = FakeDiscord::start().await;
    let mut config = discord_app(&fake, APPLICATION_ID, CLIENT_SECRET);
    drop(fake);
    // Nothing listens there any more.
    config.token_url = format!("{}/api/oauth2/token", unused_local_url().await);
    let app = app_with(backend, Some(config)).await;
    let result = check(&app).await;
    assert_eq!(result["ok"], false, "{result}");
    assert!(
        result["detail"]
            .as_str()
            .unwrap()
            .contains("Discord could not be reached"),
        "{result}"
    );
    app.stop().await;
}
both_backends!(unreachable, an_unreachable_discord_is_reported);

async fn no_application_says_how_to_add_one(backend: Backend) {
    let app = app_with(backend, None).await;
    let admin = app.user("site-admin", GlobalLevel::Admin).await;
    let report = app.ok(&admin, "discord_sign_in_setup", json!({})).await;
    assert_eq!(report["discord_client_id"], Value::Null);
    assert_eq!(report["configured_in"], Value::Null);
    let config_file = report["config_file"].as_str().unwrap();
    assert!(config_file.ends_with("sahabot.toml"), "{config_file}");
    assert_eq!(
        report["redirect_urls"][0]["url"],
        "https://races.example.org/auth/callback"
    );
    let result = app.ok(&admin, "check_discord_sign_in", json!({})).await;
    assert_eq!(result["ok"], false);
    let detail = result["detail"].as_str().unwrap();
    assert!(detail.contains("not configured"), "{detail}");
    assert!(detail.contains(config_file), "{detail}");
    // The home page's status says so too (the notice for site admins).
    let status = app.ok(&admin, "server_status", json!({})).await;
    assert_eq!(status["discord_sign_in"], false);
    app.stop().await;
}
both_backends!(not_configured, no_application_says_how_to_add_one);

/// An address on this machine where nothing listens.
async fn unused_local_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}
