//! Gating through HTTP with the built-in `notes` plugin, on SQLite and PostgreSQL: for an
//! organization with the plugin on, its page renders and its server functions work; off, the
//! page is a 404 saying so, its nav entry is absent and its server functions answer NotEnabled —
//! while another organization keeps using it. Also the `/api/core` plugin endpoints.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;
use sdk::{auth::GlobalLevel, db::Backend};
use serde_json::json;
use testkit::both_backends;

async fn check_plugin_pages_and_api_follow_enablement(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("owner", GlobalLevel::Superadmin).await;
    let member = app.user("member", GlobalLevel::User).await;
    let org_on = app
        .ok(&owner, "create_organization", json!({"name": "Notes On"}))
        .await["id"]
        .as_i64()
        .unwrap();
    let org_off = app
        .ok(&owner, "create_organization", json!({"name": "Notes Off"}))
        .await["id"]
        .as_i64()
        .unwrap();
    app.ok(
        &owner,
        "add_member",
        json!({"org_id": org_on, "user_id": member.id}),
    )
    .await;

    // Off by default (the manifest says so): list shows it off with its dependencies.
    let list = app
        .ok(&owner, "list_plugins", json!({"org_id": org_on}))
        .await;
    let notes = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "notes")
        .unwrap();
    assert_eq!(notes["enabled"], false);
    assert_eq!(notes["status"], "loaded");

    // A member without organization:plugins cannot switch it; an admin can.
    let (status, body) = app
        .fails(
            Some(&member),
            "set_plugin_enabled",
            json!({"org_id": org_on, "plugin_id": "notes", "enabled": true}),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let change = app
        .ok(
            &owner,
            "set_plugin_enabled",
            json!({"org_id": org_on, "plugin_id": "notes", "enabled": true}),
        )
        .await;
    assert_eq!(change["changed"], json!(["notes"]));
    let (status, body) = app
        .fails(
            Some(&owner),
            "set_plugin_enabled",
            json!({"org_id": org_on, "plugin_id": "nope", "enabled": true}),
        )
        .await;
    assert_eq!(
        (status, body["kind"].as_str()),
        (404, Some("NotFound")),
        "{body}"
    );

    // Server functions: on → works; off → NotEnabled (404) naming the plugin.
    let add = |org: i64, text: &str| {
        app.client
            .post(app.url("/api/p/notes/add_entry"))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .bearer_auth(&owner.token)
            .body(json!({"org_id": org, "text": text}).to_string())
            .send()
    };
    let res = add(org_on, "hello").await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = add(org_off, "hello").await.unwrap();
    assert_eq!(res.status(), 404);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["kind"], "NotEnabled");
    assert_eq!(body["plugin"], "notes");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("has not enabled Notes"),
        "{body}"
    );

    // The plugin's config is validated, errors name the key.
    let (status, body) = app
        .fails(
            Some(&owner),
            "set_plugin_config",
            json!({"org_id": org_on, "plugin_id": "notes", "config": {"max_length": 0}}),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("max_length")),
        "{body}"
    );
    let view = app
        .ok(
            &owner,
            "set_plugin_config",
            json!({"org_id": org_on, "plugin_id": "notes", "config": {"max_length": 5}}),
        )
        .await;
    assert_eq!(view["effective"]["max_length"], 5);
    let res = add(org_on, "longer than five").await.unwrap();
    assert_eq!(
        res.status(),
        422,
        "the service reads the organization's setting"
    );
    let got = app
        .ok(
            &owner,
            "get_plugin_config",
            json!({"org_id": org_on, "plugin_id": "notes"}),
        )
        .await;
    assert_eq!(got["entries"][0]["key"], "max_length");
    assert_eq!(got["entries"][0]["source"], "organization");

    // Pages: rendered for the org with the plugin on, 404 with the message for the other.
    let session_cookie = sign_in(&app, "owner").await;
    let page = |path: String| {
        let cookie = session_cookie.clone();
        let client = common::plain_client();
        let url = app.url(&path);
        async move {
            client
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
        }
    };
    let res = page(format!("/org/{org_on}/notes")).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Add an entry"), "the plugin's page renders");
    assert!(!html.contains("has not enabled"));
    let res = page(format!("/org/{org_off}/notes")).await;
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("This organization has not enabled Notes"),
        "{html}"
    );

    // Nav entries follow enablement (and the caller's permissions).
    // (Presets is on by default, so its entry is there too; look at Notes'.)
    let notes_nav = |overview: serde_json::Value| -> Vec<String> {
        overview["plugin_nav"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["plugin_id"] == "notes")
            .map(|e| e["path"].as_str().unwrap().to_string())
            .collect()
    };
    let overview = app
        .ok(&owner, "org_overview", json!({"org_id": org_on}))
        .await;
    assert_eq!(notes_nav(overview), [format!("/org/{org_on}/notes")]);
    let overview = app
        .ok(&owner, "org_overview", json!({"org_id": org_off}))
        .await;
    assert!(notes_nav(overview).is_empty());
    let overview = app
        .ok(&member, "org_overview", json!({"org_id": org_on}))
        .await;
    assert!(
        notes_nav(overview).is_empty(),
        "a member without notes:read gets no entry"
    );

    // Switching off: pages 404, API NotEnabled, the data stays for when it is back on.
    app.ok(
        &owner,
        "set_plugin_enabled",
        json!({"org_id": org_on, "plugin_id": "notes", "enabled": false}),
    )
    .await;
    assert_eq!(page(format!("/org/{org_on}/notes")).await.status(), 404);
    assert_eq!(add(org_on, "x").await.unwrap().status(), 404);
    app.ok(
        &owner,
        "set_plugin_enabled",
        json!({"org_id": org_on, "plugin_id": "notes", "enabled": true}),
    )
    .await;
    let entries = app
        .client
        .post(app.url("/api/p/notes/list_entries"))
        .header("content-type", "application/json")
        .bearer_auth(&owner.token)
        .body(json!({"org_id": org_on}).to_string())
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(entries["items"][0]["text"], "hello");

    // Site admin endpoints.
    let (status, _) = app.fails(Some(&member), "list_plugins", json!({})).await;
    assert_eq!(status, 403);
    let all = app.ok(&owner, "list_plugins", json!({})).await;
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == "notes" && p["migrations_applied"] == 1));
    assert_eq!(
        app.ok(&owner, "admin_reload_plugin", json!({"plugin_id": "notes"}))
            .await,
        "loaded"
    );
    app.stop().await;
}
both_backends!(
    plugin_pages_and_api_follow_enablement,
    check_plugin_pages_and_api_follow_enablement
);

/// A session cookie for `name` through a one-time login link.
async fn sign_in(app: &TestApp, name: &str) -> String {
    let (_, secret) = platform::identity::login_links::create(app.db(), name)
        .await
        .unwrap();
    let res = common::browser_like_client()
        .get(app.url(&format!("/auth/link/{secret}")))
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(server::state::SESSION_COOKIE))
        .expect("the login link sets a session cookie");
    cookie.split(';').next().unwrap().to_string()
}

/// Presets is on by default: one organization switches it off, the other keeps using it.
async fn check_presets_switched_off_for_one_org(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("owner", GlobalLevel::Superadmin).await;
    let on = app
        .ok(
            &owner,
            "create_organization",
            json!({"name": "Keeps Presets"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let off = app
        .ok(
            &owner,
            "create_organization",
            json!({"name": "Drops Presets"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.ok(
        &owner,
        "set_plugin_enabled",
        json!({"org_id": off, "plugin_id": "presets", "enabled": false}),
    )
    .await;

    let call = |endpoint: &str, body: serde_json::Value| {
        app.client
            .post(app.url(&format!("/api/p/presets/{endpoint}")))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .bearer_auth(&owner.token)
            .body(body.to_string())
            .send()
    };
    let res = call("create_namespace", json!({"org_id": on, "slug": "keeps", "display_name": "Keeps", "for_organization": true, "is_public": true})).await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = call("create_preset", json!({"org_id": on, "namespace": "keeps", "randomizer": "alttpr", "name": "Open", "yaml": "mode: open", "is_public": true})).await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = call("create_preset", json!({"org_id": on, "namespace": "keeps", "randomizer": "alttpr", "name": "Open", "yaml": "mode: open"})).await.unwrap();
    assert_eq!(res.status(), 409);
    let res = call("create_preset", json!({"org_id": on, "namespace": "keeps", "randomizer": "alttpr", "name": "Bad", "yaml": "mode: [open"})).await.unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["field"], "yaml");

    let res = call("list_presets", json!({"org_id": off})).await.unwrap();
    assert_eq!(res.status(), 404);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (body["kind"].as_str(), body["plugin"].as_str()),
        (Some("NotEnabled"), Some("presets"))
    );
    let list = call("list_presets", json!({"org_id": on}))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["name"], "Open");

    let cookie = sign_in(&app, "owner").await;
    let get = |path: String| {
        let cookie = cookie.clone();
        let url = app.url(&path);
        async move {
            common::plain_client()
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
        }
    };
    let res = get(format!("/org/{off}/presets")).await;
    assert_eq!(res.status(), 404);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("This organization has not enabled Presets"));
    let res = get(format!("/org/{on}/presets")).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Open"), "the list renders on the server");
    app.stop().await;
}
both_backends!(
    presets_switched_off_for_one_org,
    check_presets_switched_off_for_one_org
);
