//! Every core list endpoint answers a page at a time, on SQLite and PostgreSQL: with more rows
//! than the maximum page, asking for a huge page gets at most the maximum and a
//! `next_before_id`, and following it gets every other row exactly once. Before, each of these
//! read and sent the whole table in one answer.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::collections::BTreeSet;

use common::TestApp;
use sdk::{
    auth::{CurrentUser, GlobalLevel},
    both_backends,
    db::Backend,
    identity::{invites, orgs, tokens, users},
    page::{DEFAULT_LIMIT, MAX_LIMIT},
};
use serde_json::{json, Value};

/// More rows than one page may hold.
const ROWS: usize = MAX_LIMIT as usize + 7;

/// One list endpoint: its name, its request body around a page request, and where its items
/// sit in the answer.
struct ListEndpoint {
    endpoint: &'static str,
    body: fn(org_id: i64, page: Value) -> Value,
}

fn endpoints() -> Vec<ListEndpoint> {
    vec![
        ListEndpoint {
            endpoint: "list_members",
            body: |org, page| json!({"org_id": org, "page": page}),
        },
        ListEndpoint {
            endpoint: "list_invites",
            body: |org, page| json!({"org_id": org, "page": page}),
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
            body: |org, page| {
                let mut filter = json!({"org_id": org});
                if let Value::Object(p) = page {
                    filter.as_object_mut().unwrap().extend(p);
                }
                json!({"filter": filter})
            },
        },
    ]
}

/// Fills every list past one page: members (and users), invites, tokens, organizations the
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

    for list in endpoints() {
        let name = format!("{} {}", list.endpoint, (list.body)(org_id, json!({})));
        // A huge page is cut to the maximum, and says where the rest starts.
        let first = app
            .ok_in_session(
                &browser,
                list.endpoint,
                (list.body)(org_id, json!({"limit": u32::MAX})),
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
            let page = app
                .ok_in_session(
                    &browser,
                    list.endpoint,
                    (list.body)(org_id, json!({"before_id": before_id})),
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
        match sdk::identity::roles::create(
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
            made <= sdk::identity::roles::MAX_ROLES,
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
        sdk::identity::roles::MAX_ROLES as usize
    );

    let max_tasks = sdk::tasks::engine::MAX_ORG_TASKS;
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
