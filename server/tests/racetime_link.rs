//! RaceTime.gg account links over real HTTP against `testkit::fake_racetime`, on both databases:
//! the link starts with a state signed for the signed-in user, the callback exchanges the code
//! and reads the account; a tampered state, another user's state and an account linked to
//! someone else are refused with clear messages; unlink; and without a RaceTime application
//! the profile says linking is not configured.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{browser_like_client, TestApp};
use platform::identity::users;
use sdk::db::Backend;
use serde_json::{json, Value};
use server::config::RacetimeConfig;
use testkit::{
    both_backends, fake_racetime::FakeRacetime, fake_racetime::CLIENT_ID,
    fake_racetime::CLIENT_SECRET,
};

async fn spawn(backend: Backend, fake: Option<&FakeRacetime>) -> TestApp {
    let racetime = fake.map(|fake| RacetimeConfig {
        url: fake.url().to_string(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
    });
    TestApp::spawn_with(backend, move |config| config.racetime = racetime).await
}

/// A browser-like client signed in as a new user `name`; returns it and the user's id.
async fn signed_in(app: &TestApp, name: &str) -> (reqwest::Client, i64) {
    let user = users::create(app.db(), name, sdk::auth::GlobalLevel::User)
        .await
        .unwrap();
    let (_, secret) = platform::identity::login_links::create(app.db(), name)
        .await
        .unwrap();
    let client = browser_like_client();
    let res = client
        .get(app.url(&format!("/auth/link/{secret}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    (client, user.id)
}

async fn call(app: &TestApp, client: &reqwest::Client, endpoint: &str) -> (u16, Value) {
    let res = client
        .post(app.url(&format!("/api/core/{endpoint}")))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// `/auth/racetime/link` as the browser follows it: the authorize URL's query.
async fn start(app: &TestApp, client: &reqwest::Client, fake: &FakeRacetime) -> String {
    let res = client
        .get(app.url("/auth/racetime/link"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with(&format!("{}/o/authorize?", fake.url())),
        "{location}"
    );
    let url = reqwest::Url::parse(&location).unwrap();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["client_id"], CLIENT_ID);
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["scope"], "read");
    assert!(query["redirect_uri"].ends_with("/auth/racetime/callback"));
    query["state"].clone()
}

/// RaceTime.gg's redirect back: (status, Location or the problem page's text).
async fn callback(
    app: &TestApp,
    client: &reqwest::Client,
    code: &str,
    state: &str,
) -> (u16, String) {
    let url = reqwest::Url::parse_with_params(
        &app.url("/auth/racetime/callback"),
        &[("code", code), ("state", state)],
    )
    .unwrap();
    let res = client.get(url).send().await.unwrap();
    let status = res.status().as_u16();
    if res.status().is_redirection() {
        let location = res.headers()["location"].to_str().unwrap().to_string();
        return (status, location);
    }
    (status, res.text().await.unwrap())
}

async fn check_link_flow(backend: Backend) {
    let fake = FakeRacetime::start().await.unwrap();
    let app = spawn(backend, Some(&fake)).await;
    let (alice, alice_id) = signed_in(&app, "alice").await;
    let (bob, bob_id) = signed_in(&app, "bob").await;

    let (status, before) = call(&app, &alice, "my_racetime").await;
    assert_eq!(status, 200);
    assert_eq!(before, json!({"configured": true, "linked_name": null}));

    // Link: authorize, RaceTime sends the browser back with a code.
    let state = start(&app, &alice, &fake).await;
    fake.add_user("code-alice", "rtAlice01", "alice_rt", "1234");
    let (status, location) = callback(&app, &alice, "code-alice", &state).await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/profile?racetime=linked")
    );
    let (_, after) = call(&app, &alice, "my_racetime").await;
    assert_eq!(after["linked_name"], "alice_rt#1234");
    assert_eq!(
        users::racetime_id(app.db(), alice_id)
            .await
            .unwrap()
            .as_deref(),
        Some("rtAlice01")
    );
    // The code exchange sent the client's credentials as a form.
    let token_call = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/o/token")
        .unwrap();
    assert!(token_call.body.contains("grant_type=authorization_code"));
    assert!(token_call
        .body
        .contains(&format!("client_secret={CLIENT_SECRET}")));
    let audit: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_logs WHERE action = 'user.racetime_link' AND user_id = $1",
    )
    .bind(alice_id)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(audit, 1);

    // A tampered state: refused, nothing linked.
    let bob_state = start(&app, &bob, &fake).await;
    fake.add_user("code-bob", "rtBob02", "bob_rt", "0001");
    let tampered = format!("{}0", bob_state);
    let (status, page) = callback(&app, &bob, "code-bob", &tampered).await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("does not carry a link this site issued"),
        "{page}"
    );
    assert_eq!(users::racetime_id(app.db(), bob_id).await.unwrap(), None);

    // Another user's state (alice's, used in bob's browser): refused.
    let alice_state = start(&app, &alice, &fake).await;
    let (status, page) = callback(&app, &bob, "code-bob", &alice_state).await;
    assert_eq!(status, 403, "{page}");
    assert!(page.contains("started by another SahaBot user"), "{page}");
    assert_eq!(users::racetime_id(app.db(), bob_id).await.unwrap(), None);

    // Bob tries to link the RaceTime account alice already has: Conflict, named.
    fake.add_user("code-bob-2", "rtAlice01", "alice_rt", "1234");
    let (status, page) = callback(&app, &bob, "code-bob-2", &bob_state).await;
    assert_eq!(status, 409, "{page}");
    assert!(
        page.contains("alice_rt#1234 is already linked to another SahaBot user"),
        "{page}"
    );
    assert_eq!(users::racetime_id(app.db(), bob_id).await.unwrap(), None);

    // Bob's own account with his own state links.
    let (status, _) = callback(&app, &bob, "code-bob", &bob_state).await;
    assert_eq!(status, 303);
    assert_eq!(
        users::racetime_id(app.db(), bob_id)
            .await
            .unwrap()
            .as_deref(),
        Some("rtBob02")
    );

    // Unlink.
    let (status, body) = call(&app, &alice, "unlink_racetime").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["racetime_id"], Value::Null);
    let (_, after) = call(&app, &alice, "my_racetime").await;
    assert_eq!(after["linked_name"], Value::Null);
    assert_eq!(users::racetime_id(app.db(), alice_id).await.unwrap(), None);

    // Signed out: the link start asks to sign in first.
    let res = browser_like_client()
        .get(app.url("/auth/racetime/link"))
        .send()
        .await
        .unwrap();
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    app.stop().await;
}
both_backends!(racetime_link_flow, check_link_flow);

async fn check_not_configured(backend: Backend) {
    let app = spawn(backend, None).await;
    let (client, _) = signed_in(&app, "carol").await;
    let (_, status) = call(&app, &client, "my_racetime").await;
    assert_eq!(status, json!({"configured": false, "linked_name": null}));
    let res = client
        .get(app.url("/auth/racetime/link"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("not configured on this site"));
    app.stop().await;
}
both_backends!(racetime_not_configured, check_not_configured);

/// The profile's time zone: a known IANA zone is saved (and shown by my_profile), an unknown
/// one is refused naming the field, an empty one means the browser's zone.
async fn check_profile_time_zone(backend: Backend) {
    let app = spawn(backend, None).await;
    let user = app.user("dana", sdk::auth::GlobalLevel::User).await;
    let update = |zone: &str| json!({"update": {"display_name": "", "pronouns": "", "show_pronouns": false, "time_zone": zone}});
    let saved = app
        .ok(&user, "update_profile", update("Asia/Kolkata"))
        .await;
    assert_eq!(saved["time_zone"], "Asia/Kolkata");
    let (status, error) = app
        .fails(Some(&user), "update_profile", update("Mars/Olympus"))
        .await;
    assert_eq!(status, 422, "{error}");
    assert!(error.to_string().contains("time_zone"), "{error}");
    assert!(
        error.to_string().contains("not a known time zone"),
        "{error}"
    );
    let profile = app.ok(&user, "my_profile", json!({})).await;
    assert_eq!(
        profile["time_zone"], "Asia/Kolkata",
        "the refused zone left it"
    );
    let cleared = app.ok(&user, "update_profile", update("")).await;
    assert_eq!(cleared["time_zone"], Value::Null);
    app.stop().await;
}
both_backends!(profile_time_zone, check_profile_time_zone);
