//! The core API over HTTP with bearer tokens, on SQLite and PostgreSQL: organizations, invites,
//! roles, tokens, the rate limit, bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{TestApp, TestUser};
use sdk::{auth::GlobalLevel, db::Backend};
use serde_json::json;
use testkit::both_backends;

/// A superadmin's org with an admin, an invite accepted by a member, and a role assigned.
async fn org_with_people(app: &TestApp, root: &TestUser, name: &str) -> (i64, TestUser) {
    let org = app
        .ok(
            root,
            "create_organization",
            json!({"name": name, "description": "d"}),
        )
        .await;
    let org_id = org["id"].as_i64().unwrap();
    let admin = app
        .user(
            &format!("{}-admin", name.to_lowercase().replace(' ', "")),
            GlobalLevel::User,
        )
        .await;
    app.ok(
        root,
        "add_member",
        json!({"org_id": org_id, "user_id": admin.id}),
    )
    .await;
    app.ok(
        root,
        "assign_role",
        json!({"org_id": org_id, "user_id": admin.id, "role": "Admin"}),
    )
    .await;
    (org_id, admin)
}

async fn organizations_invites_and_roles(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.user("root", GlobalLevel::Superadmin).await;
    let (org_id, admin) = org_with_people(&app, &root, "Speed League").await;

    // The admin invites; a new user accepts and shows up as a member.
    let invite = app
        .ok(
            &admin,
            "create_invite",
            json!({"org_id": org_id, "slug": "join-speed", "max_uses": 1}),
        )
        .await;
    assert_eq!(invite["slug"], "join-speed");
    let runner = app.user("runner", GlobalLevel::User).await;
    let preview = app
        .call(None, "preview_invite", json!({"slug": "join-speed"}))
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(preview["organization_name"], "Speed League");
    assert_eq!(
        app.ok(&runner, "accept_invite", json!({"slug": "join-speed"}))
            .await,
        json!(org_id)
    );
    // Used up after one use; unknown and malformed slugs say so.
    let late = app.user("late", GlobalLevel::User).await;
    let (status, body) = app
        .fails(Some(&late), "accept_invite", json!({"slug": "join-speed"}))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        app.fails(
            Some(&late),
            "accept_invite",
            json!({"slug": "no-such-invite"})
        )
        .await
        .0,
        404
    );
    let (status, body) = app
        .fails(Some(&late), "accept_invite", json!({"slug": "../Bad Slug"}))
        .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("slug")));

    let members = app
        .ok(&admin, "list_members", json!({"org_id": org_id}))
        .await;
    let names: Vec<&str> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["username"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"runner") && names.contains(&"root"),
        "{names:?}"
    );

    // A custom role, assigned, grants what it says; the runner may then invite.
    app.ok(&admin, "create_role", json!({"org_id": org_id, "name": "Inviters", "statements": [{"effect": "ALLOW", "actions": ["member:invite"]}]})).await;
    assert_eq!(
        app.fails(Some(&runner), "list_invites", json!({"org_id": org_id}))
            .await
            .0,
        403
    );
    app.ok(
        &admin,
        "assign_role",
        json!({"org_id": org_id, "user_id": runner.id, "role": "Inviters"}),
    )
    .await;
    app.ok(&runner, "list_invites", json!({"org_id": org_id}))
        .await;
    app.ok(
        &admin,
        "unassign_role",
        json!({"org_id": org_id, "user_id": runner.id, "role": "Inviters"}),
    )
    .await;
    assert_eq!(
        app.fails(Some(&runner), "list_invites", json!({"org_id": org_id}))
            .await
            .0,
        403
    );

    // Members leave on their own; the audit log saw all of it.
    app.ok(&runner, "leave_organization", json!({"org_id": org_id}))
        .await;
    let log = app
        .ok(&admin, "audit_log", json!({"filter": {"org_id": org_id}}))
        .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "organization.create",
        "member.add",
        "role.assign",
        "invite.create",
        "invite.accept",
        "role.create",
        "role.unassign",
        "member.leave",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    // Only a superadmin sees the whole site's log.
    assert_eq!(app.fails(Some(&admin), "audit_log", json!({})).await.0, 403);
    assert!(!app.ok(&root, "audit_log", json!({})).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    app.stop().await;
}
both_backends!(orgs_invites_roles, organizations_invites_and_roles);

async fn requests_for_new_organizations(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.user("root", GlobalLevel::Superadmin).await;
    let user = app.user("hopeful", GlobalLevel::User).await;
    // Users cannot create, only request.
    assert_eq!(
        app.fails(Some(&user), "create_organization", json!({"name": "Mine"}))
            .await
            .0,
        403
    );
    let request = app
        .ok(
            &user,
            "request_organization",
            json!({"name": "Mine", "description": "please"}),
        )
        .await;
    assert_eq!(
        app.fails(Some(&user), "request_organization", json!({"name": "mine"}))
            .await
            .0,
        409
    );
    assert_eq!(
        app.fails(
            Some(&user),
            "review_organization_request",
            json!({"request_id": request["id"], "approve": true})
        )
        .await
        .0,
        403
    );
    let reviewed = app
        .ok(
            &root,
            "review_organization_request",
            json!({"request_id": request["id"], "approve": true, "notes": "welcome"}),
        )
        .await;
    assert_eq!(reviewed["status"], "approved");
    let org_id = reviewed["organization_id"].as_i64().unwrap();
    // The requester is the new organization's Admin.
    app.ok(&user, "create_invite", json!({"org_id": org_id}))
        .await;
    assert_eq!(
        app.fails(
            Some(&root),
            "review_organization_request",
            json!({"request_id": request["id"], "approve": false})
        )
        .await
        .0,
        409
    );
    app.stop().await;
}
both_backends!(org_requests, requests_for_new_organizations);

async fn tokens_are_hashed_revocable_and_expire(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.user("owner", GlobalLevel::User).await;
    // Tokens are managed from a browser session (an API token may not touch tokens).
    let browser = app.signed_in("owner").await;
    let created = app
        .ok_in_session(&browser, "create_api_token", json!({"name": "bot"}))
        .await;
    let secret = created["secret"].as_str().unwrap().to_string();
    let token_id = created["token"]["id"].as_i64().unwrap();
    let second = TestUser {
        id: user.id,
        token: secret.clone(),
    };
    assert_eq!(
        app.ok(&second, "whoami", json!({})).await["username"],
        "owner"
    );
    // Listing never shows a secret.
    let listed = app
        .ok_in_session(&browser, "list_api_tokens", json!({}))
        .await;
    assert!(!listed.to_string().contains(&secret));
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["last_used_at"]
            .as_str()
            .is_some_and(|at| at.ends_with('Z'))));

    // The raw token is nowhere in the database.
    assert!(
        !database_contains(&app, backend, &secret).await,
        "raw token stored"
    );
    assert!(
        database_contains(&app, backend, &sdk::auth::tokens::hash(&secret)).await,
        "hash stored"
    );

    app.ok_in_session(&browser, "revoke_api_token", json!({"token_id": token_id}))
        .await;
    let (status, body) = app.fails(Some(&second), "whoami", json!({})).await;
    assert_eq!(
        (status, body["kind"].as_str()),
        (401, Some("Unauthenticated"))
    );

    // Expired tokens are refused too.
    // Every API time is an RFC 3339 string.
    let soon = sdk::time::api_instant(sdk::db::now_ms() + 60_000);
    let expiring = app
        .ok_in_session(
            &browser,
            "create_api_token",
            json!({"name": "short", "expires_at": soon}),
        )
        .await;
    sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE id = $2")
        .bind(sdk::db::now_ms() - 1)
        .bind(expiring["token"]["id"].as_i64().unwrap())
        .execute(app.db().pool())
        .await
        .unwrap();
    let expired = TestUser {
        id: user.id,
        token: expiring["secret"].as_str().unwrap().into(),
    };
    assert_eq!(app.fails(Some(&expired), "whoami", json!({})).await.0, 401);

    // A deactivated user's tokens stop working from the next request on (the token and its user
    // are read together on every request; nothing is cached).
    let kept = app
        .ok_in_session(&browser, "create_api_token", json!({"name": "kept"}))
        .await;
    let kept = TestUser {
        id: user.id,
        token: kept["secret"].as_str().unwrap().into(),
    };
    let me = app.ok(&kept, "whoami", json!({})).await;
    assert_eq!(me["id"].as_i64(), Some(user.id));
    sqlx::query("UPDATE users SET is_active = $1 WHERE id = $2")
        .bind(false)
        .bind(user.id)
        .execute(app.db().pool())
        .await
        .unwrap();
    assert_eq!(app.fails(Some(&kept), "whoami", json!({})).await.0, 401);
    sqlx::query("UPDATE users SET is_active = $1 WHERE id = $2")
        .bind(true)
        .bind(user.id)
        .execute(app.db().pool())
        .await
        .unwrap();
    assert_eq!(
        app.ok(&kept, "whoami", json!({})).await["id"].as_i64(),
        Some(user.id)
    );
    let garbage = TestUser {
        id: 0,
        token: "not-a-token".into(),
    };
    assert_eq!(app.fails(Some(&garbage), "whoami", json!({})).await.0, 401);
    // Bad input names the field.
    for (body, field) in [
        (json!({"name": "  "}), "name"),
        (
            json!({"name": "x", "expires_at": "1970-01-01T00:00:00.005Z"}),
            "expires_at",
        ),
        (json!({"name": "x", "expires_at": "tomorrow"}), "expires_at"),
    ] {
        let res = app
            .call_in_session(&browser, "create_api_token", body)
            .await;
        assert_eq!(res.status(), 422);
        let error: serde_json::Value = res.json().await.unwrap();
        assert_eq!(error["field"], field);
    }
    app.stop().await;
}
both_backends!(tokens, tokens_are_hashed_revocable_and_expire);

/// Whether any text in the identity tables contains `needle`.
async fn database_contains(app: &TestApp, backend: Backend, needle: &str) -> bool {
    use sqlx::Row;
    let tables = [
        "users",
        "api_tokens",
        "audit_logs",
        "sessions",
        "login_links",
        "global_settings",
    ];
    for table in tables {
        let sql = match backend {
            Backend::Postgres => format!("SELECT CAST(t AS TEXT) AS row_text FROM {table} t"),
            // SQLite has no row-to-text; every column of these tables that could hold it is listed.
            Backend::Sqlite => match table {
                "api_tokens" => "SELECT name || '|' || token_hash AS row_text FROM api_tokens".to_string(),
                "audit_logs" => "SELECT action || '|' || details AS row_text FROM audit_logs".to_string(),
                "sessions" => "SELECT data AS row_text FROM sessions".to_string(),
                "login_links" => "SELECT token_hash AS row_text FROM login_links".to_string(),
                "global_settings" => "SELECT value AS row_text FROM global_settings".to_string(),
                _ => "SELECT username || '|' || COALESCE(discord_access_token, '') AS row_text FROM users".to_string(),
            },
        };
        for row in sqlx::query(&sql).fetch_all(app.db().pool()).await.unwrap() {
            let text: Option<String> = row.try_get("row_text").unwrap();
            if text.is_some_and(|t| t.contains(needle)) {
                return true;
            }
        }
    }
    false
}

async fn the_61st_request_in_a_minute_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.user("busy", GlobalLevel::User).await;
    for i in 0..60 {
        let res = app.call(Some(&user), "whoami", json!({})).await;
        assert_eq!(res.status(), 200, "request {}", i + 1);
    }
    let res = app.call(Some(&user), "whoami", json!({})).await;
    assert_eq!(res.status(), 429);
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["kind"], "RateLimited");
    assert_eq!(body["retry_after"], retry_after);

    // A per-user override set by a site admin changes the limit.
    let admin = app.user("boss", GlobalLevel::Superadmin).await;
    let limited = app.user("limited", GlobalLevel::User).await;
    app.ok(&admin, "admin_update_user", json!({"user_id": limited.id, "update": {"level": "User", "is_active": true, "api_rate_limit_per_minute": 5}})).await;
    for _ in 0..5 {
        assert_eq!(
            app.call(Some(&limited), "whoami", json!({})).await.status(),
            200
        );
    }
    assert_eq!(
        app.call(Some(&limited), "whoami", json!({})).await.status(),
        429
    );
    let (status, body) = app.fails(Some(&admin), "admin_update_user", json!({"user_id": limited.id, "update": {"level": "User", "is_active": true, "api_rate_limit_per_minute": 0}})).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("api_rate_limit_per_minute"))
    );
    app.stop().await;
}
both_backends!(rate_limit, the_61st_request_in_a_minute_is_refused);

async fn bad_input_is_named(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.user("root", GlobalLevel::Superadmin).await;
    let cases = [
        (json!({"name": ""}), "name"),
        (json!({"name": "   "}), "name"),
        (json!({"name": "x".repeat(101)}), "name"),
        (
            json!({"name": "ok", "description": "d".repeat(2001)}),
            "description",
        ),
    ];
    for (body, field) in cases {
        let (status, error) = app
            .fails(Some(&root), "create_organization", body.clone())
            .await;
        assert_eq!(
            (status, error["field"].as_str()),
            (422, Some(field)),
            "{body}: {error}"
        );
        assert!(
            error["message"].as_str().unwrap().contains("must"),
            "{error}"
        );
    }
    app.ok(
        &root,
        "create_organization",
        json!({"name": "Unique League"}),
    )
    .await;
    let (status, error) = app
        .fails(
            Some(&root),
            "create_organization",
            json!({"name": "unique league"}),
        )
        .await;
    assert_eq!(status, 409);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("already exists"));
    let (status, error) = app
        .fails(Some(&root), "create_organization", json!({"nam": "typo"}))
        .await;
    assert!(status == 422 || status == 400, "{status} {error}");
    let res = app
        .post_json_text("/api/core/create_organization", "{\"name\": ")
        .await;
    assert_eq!(res.status(), 422);
    let org = app
        .ok(&root, "create_organization", json!({"name": "Patterns"}))
        .await;
    let (status, error) = app
        .fails(Some(&root), "create_role", json!({"org_id": org["id"], "name": "Bad", "statements": [{"effect": "ALLOW", "actions": ["Tournament:Create!"]}]}))
        .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (422, Some("statements[0].actions"))
    );
    app.stop().await;
}
both_backends!(bad_input, bad_input_is_named);
