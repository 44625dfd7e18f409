//! The tournament plugin over real HTTP, on both databases: a manager schedules a match through
//! `/api/p/tournament/`, and the calendar feeds at `/p/tournament/calendar/…` answer with
//! `text/calendar` that an iCalendar reader parses — a tournament's public schedule only when it
//! opted in and only behind its token, a member's own matches behind their private link (a new
//! link → the old one is gone), and plain-text 404s for the old organization-wide address,
//! unknown addresses, unknown links and organizations without the plugin.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{TestApp, TestUser};
use sdk::{auth::GlobalLevel, db::Backend};
use serde_json::{json, Value};
use testkit::both_backends;

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

    // The tournament publishes no feed, and the old organization-wide address is gone.
    let links = ok(&app, ada, "calendar_links", json!({"org_id": org})).await;
    assert_eq!(links["public"], json!([]), "{links}");
    assert_eq!(links["my_url"], Value::Null, "{links}");
    let (status, _, text) = fetch(&app, &format!("/p/tournament/calendar/{org}.ics")).await;
    assert_eq!(status, 404, "{text}");

    // Opted in: the schedule behind its token, both matches in order.
    let settings = json!({"org_id": org, "tournament_id": cup["id"], "name": "Feed Cup",
                          "is_active": true, "public_feed": true});
    let updated = ok(&app, &admin, "update_tournament", settings).await;
    assert_eq!(updated["public_feed"], true);
    let links = ok(&app, ada, "calendar_links", json!({"org_id": org})).await;
    let public_url = links["public"][0]["url"].as_str().unwrap().to_string();
    let schedule_path = public_url[public_url.find("/p/tournament/").unwrap()..].to_string();
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

    // Ada's own feed: only her match; after a new link the old one is a 404.
    let made = ok(
        &app,
        ada,
        "calendar_links",
        json!({"org_id": org, "reset": true}),
    )
    .await;
    let my_url = made["my_url"].as_str().unwrap().to_string();
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
    assert_ne!(reset["my_url"], made["my_url"]);
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
        "/p/tournament/calendar/.ics".to_string(),
        format!("/p/tournament/calendar/{org}"),
        format!("/p/tournament/calendar/{org}/.ics"),
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
    for path in [schedule_path.as_str(), my_path] {
        let (status, _, text) = fetch(&app, path).await;
        assert_eq!(status, 404, "{text}");
        assert!(text.contains("Tournaments"), "{text}");
    }
    app.stop().await;
}
both_backends!(calendar_feeds_over_http, check_calendar_feeds_over_http);

/// An organization with a manager-created tournament (`public_feed` as given) and one scheduled
/// match between two members: (admin, org id, tournament id).
async fn league(app: &TestApp, public_feed: bool) -> (TestUser, i64, i64) {
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
    let mut players = Vec::new();
    for name in ["ada", "bob"] {
        let user = app.user(name, GlobalLevel::User).await;
        app.ok(
            &admin,
            "add_member",
            json!({"org_id": org, "user_id": user.id}),
        )
        .await;
        players.push(user.id);
    }
    let cup = ok(
        app,
        &admin,
        "create_tournament",
        json!({"org_id": org, "name": "Feed Cup", "public_feed": public_feed}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    ok(
        app,
        &admin,
        "create_match",
        json!({"org_id": org, "tournament_id": cup, "title": "Final",
               "scheduled_at": "2026-12-01T18:00:00Z", "player_ids": players}),
    )
    .await;
    (admin, org, cup)
}

/// The old address `/p/tournament/calendar/{org_id}.ics` gave anyone the whole schedule of an
/// organization found by counting: now it answers 404, whether or not a tournament publishes.
async fn check_anonymous_calendar_feed_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, org, cup) = league(&app, false).await;
    for path in [
        format!("/p/tournament/calendar/{org}.ics"),
        format!("/p/tournament/calendar/{org}"),
        format!("/p/tournament/calendar/{org}/.ics"),
    ] {
        let (status, _, text) = fetch(&app, &path).await;
        assert_eq!(status, 404, "{path}: {text}");
        assert!(!text.contains("Final"), "{text}");
    }
    ok(
        &app,
        &admin,
        "update_tournament",
        json!({"org_id": org, "tournament_id": cup, "name": "Feed Cup", "is_active": true,
               "public_feed": true}),
    )
    .await;
    let (status, _, text) = fetch(&app, &format!("/p/tournament/calendar/{org}.ics")).await;
    assert_eq!(status, 404, "{text}");
    app.stop().await;
}
both_backends!(
    anonymous_calendar_feed_is_refused,
    check_anonymous_calendar_feed_is_refused
);

/// A tournament's feed exists only once its managers turn it on, only at its random address,
/// and a new address (or switching it off) ends the old one.
async fn check_public_feed_is_opt_in_and_needs_its_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, org, cup) = league(&app, false).await;
    let links = ok(&app, &admin, "calendar_links", json!({"org_id": org})).await;
    assert_eq!(links["public"], json!([]), "{links}");
    let (status, _, _) = fetch(&app, &format!("/p/tournament/calendar/{cup}.ics")).await;
    assert_eq!(status, 404);

    let settings = |public_feed: bool| {
        json!({"org_id": org, "tournament_id": cup, "name": "Feed Cup", "is_active": true,
               "public_feed": public_feed})
    };
    ok(&app, &admin, "update_tournament", settings(true)).await;
    let links = ok(&app, &admin, "calendar_links", json!({"org_id": org})).await;
    assert_eq!(links["public"][0]["tournament_id"], cup, "{links}");
    let url = links["public"][0]["url"].as_str().unwrap().to_string();
    let path = url[url.find("/p/tournament/").unwrap()..].to_string();
    let token = path
        .trim_start_matches("/p/tournament/calendar/")
        .trim_end_matches(".ics")
        .to_string();
    assert_eq!(token.len(), 43, "{path}");
    let (status, content_type, text) = fetch(&app, &path).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/calendar; charset=utf-8")
    );
    assert_eq!(
        events(&text).iter().map(summary).collect::<Vec<_>>(),
        vec!["Feed Cup: Final (ada vs bob)"]
    );
    // Near misses are 404s.
    for wrong in [
        format!("/p/tournament/calendar/{}.ics", &token[..42]),
        format!("/p/tournament/calendar/{token}x.ics"),
        format!("/p/tournament/calendar/{token}"),
        format!("/p/tournament/calendar/{org}/{token}.ics"),
    ] {
        let (status, _, text) = fetch(&app, &wrong).await;
        assert_eq!(status, 404, "{wrong}: {text}");
    }

    // A member cannot replace the address; a manager can, and the old one stops.
    let ada = app.user("ada2", GlobalLevel::User).await;
    app.ok(
        &admin,
        "add_member",
        json!({"org_id": org, "user_id": ada.id}),
    )
    .await;
    let (status, _) = tournament_call(
        &app,
        &ada,
        "rotate_public_feed",
        json!({"org_id": org, "tournament_id": cup}),
    )
    .await;
    assert_eq!(status, 403);
    let rotated = ok(
        &app,
        &admin,
        "rotate_public_feed",
        json!({"org_id": org, "tournament_id": cup}),
    )
    .await;
    let new_url = rotated["url"].as_str().unwrap();
    assert_ne!(new_url, url);
    let new_path = &new_url[new_url.find("/p/tournament/").unwrap()..];
    assert_eq!(fetch(&app, &path).await.0, 404);
    assert_eq!(fetch(&app, new_path).await.0, 200);

    // Switched off: gone.
    ok(&app, &admin, "update_tournament", settings(false)).await;
    assert_eq!(fetch(&app, new_path).await.0, 404);
    app.stop().await;
}
both_backends!(
    public_feed_is_opt_in_and_needs_its_token,
    check_public_feed_is_opt_in_and_needs_its_token
);
