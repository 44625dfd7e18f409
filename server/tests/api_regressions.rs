//! Cases the API fuzz run (scripts/fuzz-api.sh, schemathesis from /api/openapi.json) found, kept
//! as tests once fixed: each names what was wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use sdk::{auth::GlobalLevel, db::Backend};
use serde_json::{json, Value};

/// A bot invite on a site without a Discord application answered 502, as if Discord had
/// failed; it is this site's setup that is missing, so it is a 409 that names the settings.
async fn check_bot_invite_without_discord_application(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.user("root", GlobalLevel::Superadmin).await;
    let org = app
        .ok(
            &root,
            "create_organization",
            json!({"name": "League", "description": ""}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let res = app
        .client
        .post(app.url("/api/p/discordbot/bot_invite"))
        .bearer_auth(&root.token)
        .json(&json!({ "org_id": org }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["kind"], "Conflict");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("SAHABOT_DISCORD_CLIENT_ID"),
        "{body}"
    );
    app.stop().await;
}
testkit::both_backends!(
    bot_invite_without_discord_application_is_a_conflict,
    check_bot_invite_without_discord_application
);
