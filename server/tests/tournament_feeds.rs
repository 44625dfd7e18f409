//! The tournament plugin over real HTTP, on both databases: a manager schedules a match through
//! `/api/p/tournament/`, and the calendar feeds at `/p/tournament/calendar/…` answer with
//! `text/calendar` that an iCalendar reader parses — the organization's schedule for anyone, a
//! member's own matches behind their private link (reset → the old link is gone), and plain-text
//! 404s for unknown addresses, unknown links and organizations without the plugin.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{TestApp, TestUser};
use sdk::{auth::GlobalLevel, both_backends, db::Backend};
use serde_json::{json, Value};

/// Calls `/api/p/tournament/{endpoint}` as `user`; answers (status, JSON).
async fn tournament_call(
    app: &TestApp,
    user: &TestUser,
    endpoint: &str,
    body: Value,
) -> (u16, Value) {
    let res = common::plain_client()
        .post(app.url(&format!("/api/p/tournament/{endpoint}")))
        .bearer_auth(&user.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn ok(app: &TestApp, user: &TestUser, endpoint: &str, body: Value) -> Value {
    let (status, value) = tournament_call(app, user, endpoint, body.clone()).await;
    assert_eq!(status, 200, "{endpoint} {body} → {value}");
    value
}

/// (status, content type, body) of a GET.
async fn fetch(app: &TestApp, path: &str) -> (u16, String, String) {
    let res = common::plain_client()
        .get(app.url(path))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, res.text().await.unwrap())
}

fn events(text: &str) -> Vec<ical::parser::ical::component::IcalEvent> {
    let mut reader = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = reader.next().expect("a calendar").expect("it parses");
    calendar.events
}

fn summary(event: &ical::parser::ical::component::IcalEvent) -> String {
    event
        .properties
        .iter()
        .find(|p| p.name == "SUMMARY")
        .and_then(|p| p.value.clone())
        .unwrap_or_default()
}

async fn check_calendar_feeds_over_http(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.user("admin", GlobalLevel::Superadmin).await;
    let org = app
        .ok(
            &admin,
            "create_organization",
            json!({"name": "Feed League"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let mut members = Vec::new();
    for name in ["ada", "bob", "cal"] {
        let user = app.user(name, GlobalLevel::User).await;
        app.ok(
            &admin,
            "add_member",
            json!({"org_id": org, "user_id": user.id}),
        )
        .await;
        members.push(user);
    }
    let (ada, bob, cal) = (&members[0], &members[1], &members[2]);
    let cup = ok(
        &app,
        &admin,
        "create_tournament",
        json!({"org_id": org, "name": "Feed Cup"}),
    )
    .await;
    let final_match = ok(
        &app,
        &admin,
        "create_match",
        json!({"org_id": org, "tournament_id": cup["id"], "title": "Final",
               "scheduled_at": "2026-12-01T18:00:00Z", "player_ids": [ada.id, bob.id]}),
    )
    .await;
    assert_eq!(final_match["status"], "scheduled");
    ok(
        &app,
        &admin,
        "create_match",
        json!({"org_id": org, "tournament_id": cup["id"], "title": "Semi",
               "scheduled_at": "2026-11-30T18:00:00Z", "player_ids": [bob.id, cal.id]}),
    )
    .await;
    // A bad request is a 422 naming the field, not a 500.
    let (status, error) = tournament_call(
        &app,
        &admin,
        "create_match",
        json!({"org_id": org, "tournament_id": cup["id"], "scheduled_at": "soon", "player_ids": [ada.id, bob.id]}),
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (422, Some("scheduled_at")),
        "{error}"
    );

    // The organization's schedule: both matches, in order.
    let links = ok(&app, ada, "calendar_links", json!({"org_id": org})).await;
    let schedule_path = format!("/p/tournament/calendar/{org}.ics");
    assert!(
        links["schedule_url"]
            .as_str()
            .unwrap()
            .ends_with(&schedule_path),
        "{links}"
    );
    let (status, content_type, text) = fetch(&app, &schedule_path).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(content_type, "text/calendar; charset=utf-8");
    let names: Vec<String> = events(&text).iter().map(summary).collect();
    assert_eq!(
        names,
        vec![
            "Feed Cup: Semi (bob vs cal)",
            "Feed Cup: Final (ada vs bob)"
        ]
    );

    // Ada's own feed: only her match; after a reset the old link is a 404.
    let my_url = links["my_url"].as_str().unwrap().to_string();
    let my_path = &my_url[my_url.find("/p/tournament/").unwrap()..];
    let (status, _, text) = fetch(&app, my_path).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        events(&text).iter().map(summary).collect::<Vec<_>>(),
        vec!["Feed Cup: Final (ada vs bob)"]
    );
    let reset = ok(
        &app,
        ada,
        "calendar_links",
        json!({"org_id": org, "reset": true}),
    )
    .await;
    assert_ne!(reset["my_url"], links["my_url"]);
    let (status, content_type, text) = fetch(&app, my_path).await;
    assert_eq!(
        (status, content_type.as_str()),
        (404, "text/plain; charset=utf-8")
    );
    assert!(text.contains("reset"), "{text}");

    // Unknown addresses and organizations are plain 404s.
    for path in [
        "/p/tournament/calendar/999999.ics".to_string(),
        "/p/tournament/calendar/abc.ics".to_string(),
        format!("/p/tournament/calendar/{org}"),
        "/p/nosuchplugin/calendar/1.ics".to_string(),
    ] {
        let (status, _, text) = fetch(&app, &path).await;
        assert_eq!(status, 404, "{path}: {text}");
    }

    // Switched off for the organization: the feeds are gone too.
    app.ok(
        &admin,
        "set_plugin_enabled",
        json!({"org_id": org, "plugin_id": "tournament", "enabled": false}),
    )
    .await;
    let (status, _, text) = fetch(&app, &schedule_path).await;
    assert_eq!(status, 404, "{text}");
    assert!(text.contains("Tournaments"), "{text}");
    app.stop().await;
}
both_backends!(calendar_feeds_over_http, check_calendar_feeds_over_http);
