//! Privilege escalation inside an organization, tried through the API as a Member Manager would:
//! each attack worked before the escalation rules (`sdk::auth::escalation`), on SQLite and
//! PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{TestApp, TestUser};
use sdk::{auth::GlobalLevel, db::Backend};
use serde_json::{json, Value};
use testkit::both_backends;

/// An organization (founded by a site admin) with `alice` as its Admin, with `mallory` holding the built-in Member
/// Manager role (`member:*`) and `bob`, a plain member who is mallory's accomplice.
struct Org {
    app: TestApp,
    id: i64,
    alice: TestUser,
    mallory: TestUser,
    bob: TestUser,
}

async fn org_with_a_member_manager(backend: Backend) -> Org {
    let app = TestApp::spawn(backend).await;
    let root = app.user("root", GlobalLevel::Superadmin).await;
    let alice = app.user("alice", GlobalLevel::User).await;
    let mallory = app.user("mallory", GlobalLevel::User).await;
    let bob = app.user("bob", GlobalLevel::User).await;
    let id = app
        .ok(
            &root,
            "create_organization",
            json!({"name": "Target", "description": "d"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    for user in [&alice, &mallory, &bob] {
        app.ok(
            &root,
            "add_member",
            json!({"org_id": id, "user_id": user.id}),
        )
        .await;
    }
    for (user, role) in [(&alice, "Admin"), (&mallory, "Member Manager")] {
        app.ok(
            &root,
            "assign_role",
            json!({"org_id": id, "user_id": user.id, "role": role}),
        )
        .await;
    }
    Org {
        app,
        id,
        alice,
        mallory,
        bob,
    }
}

impl Org {
    async fn refused(&self, endpoint: &str, body: Value) -> String {
        let (status, error) = self.app.fails(Some(&self.mallory), endpoint, body).await;
        assert_eq!(status, 403, "{endpoint}: {error}");
        error["message"].as_str().unwrap().to_string()
    }

    async fn roles_of(&self, user: &TestUser) -> Vec<String> {
        let members = self
            .app
            .ok(&self.alice, "list_members", json!({"org_id": self.id}))
            .await;
        let member = members["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user_id"].as_i64() == Some(user.id))
            .unwrap_or_else(|| panic!("{} is not a member: {members}", user.id));
        member["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect()
    }
}

async fn check_member_manager_cannot_make_anyone_admin(backend: Backend) {
    let org = org_with_a_member_manager(backend).await;
    let message = org
        .refused(
            "assign_role",
            json!({"org_id": org.id, "user_id": org.mallory.id, "role": "Admin"}),
        )
        .await;
    assert!(message.contains("your own"), "{message}");
    let message = org
        .refused(
            "assign_role",
            json!({"org_id": org.id, "user_id": org.bob.id, "role": "Admin"}),
        )
        .await;
    assert!(message.contains("Admin"), "{message}");
    assert!(!org.roles_of(&org.bob).await.contains(&"Admin".to_string()));
    // The Admin can.
    org.app
        .ok(
            &org.alice,
            "assign_role",
            json!({"org_id": org.id, "user_id": org.bob.id, "role": "Admin"}),
        )
        .await;
    assert!(org.roles_of(&org.bob).await.contains(&"Admin".to_string()));
    org.app.stop().await;
}
both_backends!(
    member_manager_cannot_make_anyone_admin,
    check_member_manager_cannot_make_anyone_admin
);

async fn check_member_manager_cannot_grant_allow_everything(backend: Backend) {
    let org = org_with_a_member_manager(backend).await;
    let everything = json!([{"effect": "ALLOW", "actions": ["*"]}]);
    let message = org
        .refused(
            "set_member_policy",
            json!({"org_id": org.id, "user_id": org.mallory.id, "statements": everything}),
        )
        .await;
    assert!(message.contains("your own"), "{message}");
    let message = org
        .refused(
            "set_member_policy",
            json!({"org_id": org.id, "user_id": org.bob.id, "statements": everything}),
        )
        .await;
    assert!(message.contains("`*`"), "{message}");
    let message = org
        .refused(
            "set_member_policy",
            json!({"org_id": org.id, "user_id": org.bob.id,
                   "statements": [{"effect": "ALLOW", "actions": ["organization:update"]}]}),
        )
        .await;
    assert!(message.contains("`organization:update`"), "{message}");
    // Nor through a role of its own making.
    let message = org
        .refused(
            "create_role",
            json!({"org_id": org.id, "name": "Boss",
                   "statements": [{"effect": "ALLOW", "actions": ["organization:*"]}]}),
        )
        .await;
    assert!(message.contains("`organization:*`"), "{message}");
    // What it holds it may hand out.
    org.app
        .ok(
            &org.mallory,
            "set_member_policy",
            json!({"org_id": org.id, "user_id": org.bob.id,
                   "statements": [{"effect": "ALLOW", "actions": ["member:read"]}]}),
        )
        .await;
    org.app
        .ok(
            &org.mallory,
            "create_role",
            json!({"org_id": org.id, "name": "Readers",
                   "statements": [{"effect": "ALLOW", "actions": ["member:read"]}]}),
        )
        .await;
    org.app.stop().await;
}
both_backends!(
    member_manager_cannot_grant_allow_everything,
    check_member_manager_cannot_grant_allow_everything
);

async fn check_member_manager_cannot_remove_or_strip_the_admin(backend: Backend) {
    let org = org_with_a_member_manager(backend).await;
    let message = org
        .refused(
            "remove_member",
            json!({"org_id": org.id, "user_id": org.alice.id}),
        )
        .await;
    assert!(message.contains("`organization:update`"), "{message}");
    org.refused(
        "unassign_role",
        json!({"org_id": org.id, "user_id": org.alice.id, "role": "Admin"}),
    )
    .await;
    org.refused(
        "set_member_policy",
        json!({"org_id": org.id, "user_id": org.alice.id,
               "statements": [{"effect": "DENY", "actions": ["member:*"]}]}),
    )
    .await;
    assert!(org
        .roles_of(&org.alice)
        .await
        .contains(&"Admin".to_string()));
    // A plain member it may remove.
    org.app
        .ok(
            &org.mallory,
            "remove_member",
            json!({"org_id": org.id, "user_id": org.bob.id}),
        )
        .await;
    org.app.stop().await;
}
both_backends!(
    member_manager_cannot_remove_or_strip_the_admin,
    check_member_manager_cannot_remove_or_strip_the_admin
);

/// A role's DENY keeps its members from something; editing the role or deleting it lifts that.
async fn check_editing_or_deleting_a_role_cannot_lift_what_the_editor_lacks(backend: Backend) {
    let org = org_with_a_member_manager(backend).await;
    let role = org
        .app
        .ok(
            &org.alice,
            "create_role",
            json!({"org_id": org.id, "name": "No tournaments",
                   "statements": [{"effect": "ALLOW", "actions": ["member:read"]},
                                  {"effect": "DENY", "actions": ["tournament:create"]}]}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let message = org
        .refused("delete_role", json!({"org_id": org.id, "role_id": role}))
        .await;
    assert!(message.contains("`tournament:create`"), "{message}");
    let message = org
        .refused(
            "update_role",
            json!({"org_id": org.id, "role_id": role,
                   "statements": [{"effect": "ALLOW", "actions": ["member:read"]}]}),
        )
        .await;
    assert!(message.contains("`tournament:create`"), "{message}");
    // Nor by taking the role off someone.
    org.app
        .ok(
            &org.alice,
            "assign_role",
            json!({"org_id": org.id, "user_id": org.bob.id, "role": "No tournaments"}),
        )
        .await;
    org.refused(
        "unassign_role",
        json!({"org_id": org.id, "user_id": org.bob.id, "role": "No tournaments"}),
    )
    .await;
    // The Admin may do all of it.
    org.app
        .ok(
            &org.alice,
            "delete_role",
            json!({"org_id": org.id, "role_id": role}),
        )
        .await;
    org.app.stop().await;
}
both_backends!(
    editing_or_deleting_a_role_cannot_lift_what_the_editor_lacks,
    check_editing_or_deleting_a_role_cannot_lift_what_the_editor_lacks
);

/// Nobody edits their own roles or direct statements, not even an Admin.
async fn check_nobody_edits_their_own_rights(backend: Backend) {
    let org = org_with_a_member_manager(backend).await;
    let (status, error) = org
        .app
        .fails(
            Some(&org.alice),
            "set_member_policy",
            json!({"org_id": org.id, "user_id": org.alice.id,
                   "statements": [{"effect": "ALLOW", "actions": ["member:read"]}]}),
        )
        .await;
    assert_eq!(status, 403, "{error}");
    let (status, error) = org
        .app
        .fails(
            Some(&org.mallory),
            "unassign_role",
            json!({"org_id": org.id, "user_id": org.mallory.id, "role": "Member Manager"}),
        )
        .await;
    assert_eq!(status, 403, "{error}");
    org.app.stop().await;
}
both_backends!(
    nobody_edits_their_own_rights,
    check_nobody_edits_their_own_rights
);
