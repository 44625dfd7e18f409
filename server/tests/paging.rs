//! Every list endpoint (core and plugin) answers a page at a time, on SQLite and PostgreSQL: with more rows
//! than the maximum page, asking for a huge page gets at most the maximum and a
//! `next_before_id`, and following it gets every other row exactly once. Before, each of these
//! read and sent the whole table in one answer.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::collections::BTreeSet;

use common::TestApp;
use platform::{identity::invites, identity::orgs, identity::tokens, identity::users};
use sdk::{
    auth::CurrentUser, auth::GlobalLevel, db::Backend, page::DEFAULT_LIMIT, page::MAX_LIMIT,
};
use serde_json::{json, Value};
use testkit::both_backends;

/// More rows than one page may hold.
const ROWS: usize = MAX_LIMIT as usize + 7;

/// One list endpoint: its name (`plugin/endpoint` for a plugin's, under `/api/p/`; a bare name
/// is a core one, under `/api/core/`) and its request body around a page request.
struct ListEndpoint {
    endpoint: &'static str,
    body: fn(ids: &Ids, page: Value) -> Value,
}

fn endpoints() -> Vec<ListEndpoint> {
    vec![
        ListEndpoint {
            endpoint: "list_members",
            body: |ids, page| json!({"org_id": ids.org, "page": page}),
        },
        ListEndpoint {
            endpoint: "list_invites",
            body: |ids, page| json!({"org_id": ids.org, "page": page}),
        },
        ListEndpoint {
            endpoint: "list_api_tokens",
            body: |_, page| json!({"page": page}),
        },
        ListEndpoint {
            endpoint: "list_organizations",
            body: |_, page| json!({"page": page}),
        },
        ListEndpoint {
            endpoint: "list_organizations",
            body: |_, page| json!({"all": true, "page": page}),
        },
        ListEndpoint {
            endpoint: "list_organization_requests",
            body: |_, page| json!({"page": page}),
        },
        ListEndpoint {
            endpoint: "search_users",
            body: |_, page| json!({"query": "", "page": page}),
        },
        ListEndpoint {
            endpoint: "admin_task_runs",
            body: |_, page| json!({"page": page}),
        },
        // The audit log keeps its filter's own `limit` and `before_id`.
        ListEndpoint {
            endpoint: "audit_log",
            body: |ids, page| {
                let mut filter = json!({"org_id": ids.org});
                if let Value::Object(p) = page {
                    filter.as_object_mut().unwrap().extend(p);
                }
                json!({"filter": filter})
            },
        },
        ListEndpoint {
            endpoint: "tournament/list_tournaments",
            body: |ids, page| json!({"org_id": ids.org, "include_archived": true, "page": page}),
        },
        ListEndpoint {
            endpoint: "async_qualifier/list_qualifiers",
            body: |ids, page| json!({"org_id": ids.org, "page": page}),
        },
        ListEndpoint {
            endpoint: "presets/list_namespaces",
            body: |ids, page| json!({"org_id": ids.org, "page": page}),
        },
        ListEndpoint {
            endpoint: "presets/list_presets",
            body: |ids, page| json!({"org_id": ids.org, "page": page}),
        },
        ListEndpoint {
            endpoint: "presets/list_namespace_grants",
            body: |ids, page| json!({"org_id": ids.org, "namespace": "league-0", "page": page}),
        },
        ListEndpoint {
            endpoint: "tournament/list_members",
            body: |ids, page| json!({"org_id": ids.org, "page": page}),
        },
        ListEndpoint {
            endpoint: "tournament/list_players",
            body: |ids, page| json!({"org_id": ids.org, "tournament_id": ids.tournament, "page": page}),
        },
        ListEndpoint {
            endpoint: "tournament/list_stream_channels",
            body: |ids, page| json!({"org_id": ids.org, "page": page}),
        },
        ListEndpoint {
            endpoint: "async_qualifier/list_pools",
            body: |ids, page| json!({"org_id": ids.org, "qualifier_id": ids.qualifier, "page": page}),
        },
        ListEndpoint {
            endpoint: "async_qualifier/review_queue",
            body: |ids, page| json!({"org_id": ids.org, "qualifier_id": ids.qualifier, "page": page}),
        },
    ]
}

/// The ids list endpoints are called with.
struct Ids {
    org: i64,
    /// The tournament whose players fill a list.
    tournament: i64,
    /// The qualifier whose pools and review queue fill a list.
    qualifier: i64,
}

/// The plugins whose lists are paged here.
const PLUGINS: [&str; 3] = ["tournament", "async_qualifier", "presets"];

/// Fills the plugins' lists past one page: tournaments, qualifiers, preset namespaces, presets
/// and grants in the first namespace, stream channels, one tournament's players, one qualifier's
/// pools and its review queue (a finished run of every user). The organization's members (for
/// the tournament's member picker) were made by [`seed`].
async fn seed_plugins(app: &TestApp, org_id: i64) -> Ids {
    let db = app.db();
    let run = |sql: &'static str, binds: Vec<Value>| async move {
        let mut query = sqlx::query(sql);
        for bind in binds {
            query = match bind {
                Value::Number(n) => query.bind(n.as_i64().unwrap()),
                other => query.bind(other.as_str().unwrap().to_string()),
            };
        }
        query.execute(db.pool()).await.unwrap();
    };
    for i in 0..ROWS {
        run(
            "INSERT INTO tournaments (organization_id, name, created_at, updated_at)
             VALUES ($1, $2, 0, 0)",
            vec![json!(org_id), json!(format!("Cup {i}"))],
        )
        .await;
        run(
            "INSERT INTO tournament_stream_channels (organization_id, name, stream_url, created_at)
             VALUES ($1, $2, 'https://twitch.tv/x', 0)",
            vec![json!(org_id), json!(format!("Channel {i}"))],
        )
        .await;
        run(
            "INSERT INTO async_qualifiers (organization_id, name, created_at, updated_at)
             VALUES ($1, $2, 0, 0)",
            vec![json!(org_id), json!(format!("Qualifier {i}"))],
        )
        .await;
        run(
            "INSERT INTO preset_namespaces (slug, display_name, owner_org_id, created_at, updated_at)
             VALUES ($1, $1, $2, 0, 0)",
            vec![json!(format!("league-{i}")), json!(org_id)],
        )
        .await;
    }
    let first = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .bind(org_id)
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    let tournament = first("SELECT MIN(id) FROM tournaments WHERE organization_id = $1").await;
    let namespace = first("SELECT MIN(id) FROM preset_namespaces WHERE owner_org_id = $1").await;
    for i in 0..ROWS {
        run(
            "INSERT INTO randomizer_presets (namespace_id, randomizer, name, kind, yaml, settings,
                 created_at, updated_at)
             VALUES ($1, 'alttpr', $2, 'standard', 'settings: {}', '{}', 0, 0)",
            vec![json!(namespace), json!(format!("Preset {i}"))],
        )
        .await;
    }
    // Every user (more than a page of them) has a grant there (public presets: no flag needed).
    run(
        "INSERT INTO preset_namespace_permissions (namespace_id, user_id, created_at)
         SELECT $1, id, 0 FROM users",
        vec![json!(namespace)],
    )
    .await;
    let qualifier = first("SELECT MIN(id) FROM async_qualifiers WHERE organization_id = $1").await;
    // Every user (more than a page of them) plays in the tournament and has a run to review.
    run(
        "INSERT INTO tournament_players (tournament_id, user_id, added_at)
         SELECT $1, id, 0 FROM users",
        vec![json!(tournament)],
    )
    .await;
    for i in 0..ROWS {
        run(
            "INSERT INTO async_qualifier_pools (qualifier_id, name, created_at) VALUES ($1, $2, 0)",
            vec![json!(qualifier), json!(format!("Pool {i}"))],
        )
        .await;
    }
    run(
        "INSERT INTO async_qualifier_permalinks (pool_id, url, created_at)
         SELECT MIN(id), 'https://alttpr.com/h/x', 0 FROM async_qualifier_pools
         WHERE qualifier_id = $1",
        vec![json!(qualifier)],
    )
    .await;
    run(
        "INSERT INTO async_qualifier_races (qualifier_id, permalink_id, user_id, thread_open_time,
             thread_timeout_time, start_time, end_time, status, created_at, updated_at)
         SELECT $1, (SELECT MIN(id) FROM async_qualifier_permalinks), id, 0, 0, 0, 1000,
             'finished', 0, 0 FROM users",
        vec![json!(qualifier)],
    )
    .await;
    Ids {
        org: org_id,
        tournament,
        qualifier,
    }
}

/// Calls a list endpoint (see [`ListEndpoint`]) in the browser's session; the JSON answer.
async fn list_at(app: &TestApp, browser: &reqwest::Client, endpoint: &str, body: Value) -> Value {
    let path = if endpoint.contains('/') {
        format!("/api/p/{endpoint}")
    } else {
        format!("/api/core/{endpoint}")
    };
    let res = browser
        .post(app.url(&path))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    assert!(status.is_success(), "{endpoint} {body} → {status}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// Fills every core list past one page: members (and users), invites, tokens, organizations the
/// root is a member of, organization requests, task runs; these writes also fill the audit log.
async fn seed(app: &TestApp, root: &CurrentUser, org_id: i64) {
    let db = app.db();
    let authorizer = &app.server.platform.authorizer;
    let requester = users::create(db, "requester", GlobalLevel::User)
        .await
        .unwrap()
        .to_current(None);
    for i in 0..ROWS {
        let user = users::create(db, &format!("member{i}"), GlobalLevel::User)
            .await
            .unwrap();
        orgs::add_member(db, authorizer, root, org_id, user.id, None)
            .await
            .unwrap();
        invites::create(db, root, org_id, None, None, None, None)
            .await
            .unwrap();
        tokens::create(db, root.id, &format!("token {i}"), None, None)
            .await
            .unwrap();
        orgs::create(db, root, &format!("Org {i}"), "", None)
            .await
            .unwrap();
        orgs::request(db, &requester, &format!("Wanted {i}"), "", None)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO task_runs (task_key, organization_id, due_at, trigger_kind, started_at, status, instance)
             VALUES ('builtin:test.paging', NULL, $1, 'schedule', $1, 'success', 'test')",
        )
        .bind(i64::try_from(i).unwrap())
        .execute(db.pool())
        .await
        .unwrap();
    }
}

async fn check_list_endpoints_page_with_a_maximum(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root_user = app.user("root", GlobalLevel::Superadmin).await;
    let root = users::get(app.db(), root_user.id)
        .await
        .unwrap()
        .to_current(None);
    let browser = app.signed_in("root").await;
    let org = app
        .ok_in_session(
            &browser,
            "create_organization",
            json!({"name": "Big League"}),
        )
        .await;
    let org_id = org["id"].as_i64().unwrap();
    seed(&app, &root, org_id).await;
    for plugin in PLUGINS {
        app.ok_in_session(
            &browser,
            "set_plugin_enabled",
            json!({"org_id": org_id, "plugin_id": plugin, "enabled": true}),
        )
        .await;
    }
    let ids = seed_plugins(&app, org_id).await;

    for list in endpoints() {
        let name = format!("{} {}", list.endpoint, (list.body)(&ids, json!({})));
        // A huge page is cut to the maximum, and says where the rest starts.
        let first = list_at(
            &app,
            &browser,
            list.endpoint,
            (list.body)(&ids, json!({"limit": u32::MAX})),
        )
        .await;
        let items = first["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: {first}"));
        assert_eq!(items.len(), MAX_LIMIT as usize, "{name}");
        let mut seen: BTreeSet<String> = items.iter().map(Value::to_string).collect();
        let mut next = first["next_before_id"].as_i64();
        assert!(next.is_some(), "{name}: no next_before_id on a full page");
        // Following it, in default-sized pages, gets every other row once.
        let mut pages = 1;
        while let Some(before_id) = next {
            let page = list_at(
                &app,
                &browser,
                list.endpoint,
                (list.body)(&ids, json!({"before_id": before_id})),
            )
            .await;
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= DEFAULT_LIMIT as usize, "{name}");
            for item in items {
                assert!(seen.insert(item.to_string()), "{name}: {item} twice");
            }
            next = page["next_before_id"].as_i64();
            pages += 1;
            assert!(pages < 100, "{name}: paging does not end");
        }
        assert!(seen.len() >= ROWS, "{name}: {} of {ROWS} rows", seen.len());
    }
    app.stop().await;
}
both_backends!(
    list_endpoints_page_with_a_maximum,
    check_list_endpoints_page_with_a_maximum
);

/// Roles and an organization's scheduled tasks are listed whole, so their number has a maximum:
/// an organization admin could otherwise make the lists (and every page showing them) as long
/// as they liked.
async fn check_lists_shown_whole_have_a_maximum(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root_user = app.user("root", GlobalLevel::Superadmin).await;
    let root = users::get(app.db(), root_user.id)
        .await
        .unwrap()
        .to_current(None);
    let org_id = orgs::create(app.db(), &root, "Busy League", "", None)
        .await
        .unwrap()
        .id;
    let mut made = 0;
    let refused = loop {
        let name = format!("Role {made}");
        match platform::identity::roles::create(
            app.db(),
            &app.server.platform.authorizer,
            &root,
            org_id,
            &name,
            "",
            &[],
            None,
        )
        .await
        {
            Ok(_) => made += 1,
            Err(error) => break error,
        }
        assert!(
            made <= platform::identity::roles::MAX_ROLES,
            "no maximum on roles"
        );
    };
    assert_eq!(refused.kind(), "Conflict", "{refused:?}");
    assert!(
        refused.message().contains("at most 100 roles"),
        "{refused:?}"
    );
    let roles = app
        .ok(&root_user, "list_roles", json!({"org_id": org_id}))
        .await;
    assert_eq!(
        roles.as_array().unwrap().len(),
        platform::identity::roles::MAX_ROLES as usize
    );

    let max_tasks = platform::tasks::engine::MAX_ORG_TASKS;
    for i in 0..max_tasks {
        sqlx::query(
            "INSERT INTO scheduled_tasks (organization_id, name, task_type, schedule_type, interval_seconds, is_active, created_at, updated_at)
             VALUES ($1, $2, 'presets.post_list', 'interval', 3600, $3, 0, 0)",
        )
        .bind(org_id)
        .bind(format!("Task {i}"))
        .bind(false)
        .execute(app.db().pool())
        .await
        .unwrap();
    }
    let (status, body) = app
        .fails(
            Some(&root_user),
            "create_org_task",
            json!({"org_id": org_id, "task": {
                "name": "One more",
                "task_type": "presets.post_list",
                "schedule": {"type": "interval", "seconds": 3600},
            }}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains(&format!("at most {max_tasks} tasks")),
        "{body}"
    );
    app.stop().await;
}
both_backends!(
    lists_shown_whole_have_a_maximum,
    check_lists_shown_whole_have_a_maximum
);
