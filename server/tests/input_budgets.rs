//! Budgets on what users send, through the real server on SQLite and PostgreSQL (issue 18,
//! item 2):
//! - `check_preset_yaml` needs a signed-in caller (401 otherwise), and a "billion laughs" YAML
//!   is refused at once with the anchors error instead of expanding;
//! - every stored JSON document — plugin config (organization and install), task config, role
//!   statements, a tournament's settings form — is refused past the depth / node budget, with
//!   the field named and what to fix; nothing is stored;
//! - generated hostile preset documents (`presets::samples`: deep nesting, anchors and aliases,
//!   huge scalars, odd unicode, tags, …) posted to `check_preset_yaml` and `create_preset` never
//!   get a 5xx: each is accepted or refused on the `yaml` field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{TestApp, TestUser};
use sdk::{auth::GlobalLevel, db::Backend};
use serde_json::{json, Value};
use testkit::both_backends;

/// `levels` objects inside each other around a text.
fn nested(levels: usize) -> Value {
    (0..levels).fold(json!("deep"), |inner, _| json!({ "a": inner }))
}

/// POSTs to `/api/p/{plugin}/{endpoint}` as `user` (None: anonymous): (status, JSON body).
async fn plugin_call(
    app: &TestApp,
    user: Option<&TestUser>,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url(&format!("/api/p/{path}")))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body.to_string());
    if let Some(user) = user {
        request = request.bearer_auth(&user.token);
    }
    let res = request.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A refusal on `field` whose message says `says`.
fn assert_refused(status: u16, body: &Value, field: &str, says: &str) {
    assert!(
        (400..500).contains(&status),
        "expected a refusal, got {status}: {body}"
    );
    assert_eq!(body["field"], field, "{body}");
    assert!(
        body["message"].as_str().unwrap_or("").contains(says),
        "expected {says:?}: {body}"
    );
}

async fn check_anonymous_check_preset_yaml_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.user("ada", GlobalLevel::User).await;

    let (status, body) = plugin_call(
        &app,
        None,
        "presets/check_preset_yaml",
        json!({"yaml": "goal: ganon\n"}),
    )
    .await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["kind"], "Unauthenticated", "{body}");
    // Anonymous, the bomb is not even parsed.
    let (status, _) = plugin_call(
        &app,
        None,
        "presets/check_preset_yaml",
        json!({"yaml": presets::format::alias_bomb()}),
    )
    .await;
    assert_eq!(status, 401);

    // Signed in, checking works as before…
    let (status, body) = plugin_call(
        &app,
        Some(&ada),
        "presets/check_preset_yaml",
        json!({"yaml": "goal: ganon\nnotes: \"a & b\"\n"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["keys"], 2, "{body}");
    // …and the bomb is refused at once with what to fix.
    let started = Instant::now();
    let (status, body) = plugin_call(
        &app,
        Some(&ada),
        "presets/check_preset_yaml",
        json!({"yaml": presets::format::alias_bomb()}),
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_refused(status, &body, "yaml", "cannot use YAML anchors or aliases");
    app.stop().await;
}
both_backends!(
    anonymous_check_preset_yaml_is_refused,
    check_anonymous_check_preset_yaml_is_refused
);

async fn check_deeply_nested_documents_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.user("root", GlobalLevel::Superadmin).await;
    let org = app
        .ok(
            &root,
            "create_organization",
            json!({"name": "Budget League"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();

    // Plugin config, the organization's and the install's.
    let (status, body) = app
        .fails(
            Some(&root),
            "set_plugin_config",
            json!({"org_id": org, "plugin_id": "presets", "config": {"announce_channel_id": nested(40)}}),
        )
        .await;
    assert_refused(status, &body, "config", "nested more than 32 levels");
    let (status, body) = app
        .fails(
            Some(&root),
            "admin_set_install_config",
            json!({"plugin_id": "presets", "config": {"x": nested(40)}}),
        )
        .await;
    assert_refused(status, &body, "config", "nested more than 32 levels");
    let many: Vec<Value> = (0..20_000).map(|i| json!(i)).collect();
    let (status, body) = app
        .fails(
            Some(&root),
            "set_plugin_config",
            json!({"org_id": org, "plugin_id": "presets", "config": {"x": many}}),
        )
        .await;
    assert_refused(status, &body, "config", "more than 10000 values");
    let stored = app
        .ok(
            &root,
            "get_plugin_config",
            json!({"org_id": org, "plugin_id": "presets"}),
        )
        .await;
    assert_eq!(stored["overrides"], json!({}), "{stored}");

    // Task config.
    let (status, body) = app
        .fails(
            Some(&root),
            "create_org_task",
            json!({"org_id": org, "task": {
                "name": "Deep",
                "task_type": "presets.post_list",
                "schedule": {"type": "interval", "seconds": 3600},
                "config": {"channel_id": "1200000000000000001", "namespace": nested(40)}
            }}),
        )
        .await;
    assert_refused(status, &body, "config", "nested more than 32 levels");

    // Role statements: depth is fixed, but not the number of patterns.
    let actions = vec!["tournament:read"; 20_000];
    let (status, body) = app
        .fails(
            Some(&root),
            "create_role",
            json!({"org_id": org, "name": "Huge", "statements": [{"effect": "ALLOW", "actions": actions}]}),
        )
        .await;
    assert_refused(status, &body, "statements", "more than 10000 values");

    // A tournament's settings form.
    let (status, body) = plugin_call(
        &app,
        Some(&root),
        "tournament/create_tournament",
        json!({"org_id": org, "name": "Deep Cup", "settings_form_schema": {
            "type": "object", "properties": {"mode": nested(40)}
        }}),
    )
    .await;
    assert_refused(
        status,
        &body,
        "settings_form_schema",
        "nested more than 32 levels",
    );
    let (status, body) = plugin_call(
        &app,
        Some(&root),
        "tournament/list_tournaments",
        json!({"org_id": org}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().map(Vec::len), Some(0), "{body}");
    app.stop().await;
}
both_backends!(
    deeply_nested_documents_are_refused,
    check_deeply_nested_documents_are_refused
);

/// How many generated documents each backend posts to each endpoint (two requests each, under
/// the API token's 60 requests a minute).
const GENERATED_BODIES: u64 = 25;

async fn check_generated_preset_bodies_never_fail_the_server(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.user("ada", GlobalLevel::User).await;
    let (status, body) = plugin_call(
        &app,
        Some(&ada),
        "presets/create_namespace",
        json!({"slug": "ada-fuzz", "display_name": "Fuzz", "is_public": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mut created = 0;
    let mut judged = 0;
    for seed in 0..GENERATED_BODIES {
        let yaml = presets::samples::hostile_yaml(seed.wrapping_mul(104_729));
        let calls = [
            ("presets/check_preset_yaml", json!({ "yaml": yaml })),
            (
                "presets/create_preset",
                json!({"namespace": "ada-fuzz", "randomizer": "alttpr",
                       "name": format!("p{seed}"), "yaml": yaml, "is_public": true}),
            ),
        ];
        for (endpoint, request) in calls {
            let (status, answer) = plugin_call(&app, Some(&ada), endpoint, request).await;
            assert!(status < 500, "seed {seed}, {endpoint}: {status} {answer}");
            if status == 200 {
                created += usize::from(endpoint.ends_with("create_preset"));
            } else if status != 413 {
                // Past the YAML: judged on its settings by the randomizer.
                judged += usize::from(
                    answer["field"]
                        .as_str()
                        .is_some_and(|f| f.starts_with("settings")),
                );
                // Refused on the document, saying what to fix (413: past the body limit): the
                // YAML itself, or — when it parses — the setting the randomizer does not take.
                let field = answer["field"].as_str().unwrap_or_default();
                let on_the_document =
                    field == "yaml" || (endpoint.ends_with("create_preset") && !field.is_empty());
                assert!(on_the_document, "seed {seed}, {endpoint}: {answer}");
                assert!(
                    answer["message"].as_str().is_some_and(|m| !m.is_empty()),
                    "seed {seed}, {endpoint}: {answer}"
                );
            }
        }
    }
    assert!(
        created + judged > 0,
        "some generated documents are ordinary YAML (saved, or judged on their settings)"
    );
    app.stop().await;
}
both_backends!(
    generated_preset_bodies_never_fail_the_server,
    check_generated_preset_bodies_never_fail_the_server
);
