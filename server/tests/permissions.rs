//! The policy engine against a real database, on SQLite and PostgreSQL: the permission matrix
//! of the reference's built-in roles, DENY over ALLOW, wildcards, and cache invalidation.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use platform::{authorizer::Authorizer, identity::orgs, identity::roles, identity::users};
use sdk::{
    auth::guard::authorize, auth::policy::Statement, auth::CurrentUser, auth::GlobalLevel,
    db::Backend,
};
use testkit::both_backends;

const ACTIONS: [&str; 12] = [
    "organization:read",
    "organization:update",
    "organization:audit",
    "member:read",
    "member:add",
    "member:invite",
    "member:assign_role",
    "member:manage_roles",
    "tournament:create",
    "match:read",
    "async_race:review",
    "scheduled_task:create",
];

async fn current(app: &TestApp, name: &str, level: GlobalLevel) -> CurrentUser {
    users::create(app.db(), name, level)
        .await
        .unwrap()
        .to_current(None)
}

async fn member_with(
    app: &TestApp,
    authz: &Authorizer,
    boss: &CurrentUser,
    org: i64,
    name: &str,
    role: Option<&str>,
) -> CurrentUser {
    let user = current(app, name, GlobalLevel::User).await;
    orgs::add_member(app.db(), authz, boss, org, user.id, None)
        .await
        .unwrap();
    if let Some(role) = role {
        roles::assign(app.db(), authz, boss, org, user.id, role, None)
            .await
            .unwrap();
    }
    user
}

async fn permission_matrix(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db().clone();
    let authz = Authorizer::new(db.clone());
    let root = current(&app, "root", GlobalLevel::Superadmin).await;
    let org_a = orgs::create(&db, &root, "Org A", "", None)
        .await
        .unwrap()
        .id;
    let org_b = orgs::create(&db, &root, "Org B", "", None)
        .await
        .unwrap()
        .id;

    let non_member = current(&app, "outsider", GlobalLevel::User).await;
    let site_admin = current(&app, "siteadmin", GlobalLevel::Admin).await;
    let member = member_with(&app, &authz, &root, org_a, "plain", None).await;
    let moderator = member_with(&app, &authz, &root, org_a, "mod", Some("Moderator")).await;
    let reviewer = member_with(
        &app,
        &authz,
        &root,
        org_a,
        "reviewer",
        Some("Async Reviewer"),
    )
    .await;
    let manager = member_with(&app, &authz, &root, org_a, "tm", Some("Tournament Manager")).await;
    let member_manager =
        member_with(&app, &authz, &root, org_a, "mm", Some("Member Manager")).await;
    let admin = member_with(&app, &authz, &root, org_a, "admin", Some("Admin")).await;
    let b_admin = member_with(&app, &authz, &root, org_b, "badmin", Some("Admin")).await;

    // Columns follow ACTIONS; 1 = allowed in org A.
    let expected: Vec<(&CurrentUser, [u8; 12])> = vec![
        (&non_member, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        (&member, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        (&moderator, [1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]),
        (&reviewer, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0]),
        (&manager, [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1]),
        (&member_manager, [1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0]),
        (&admin, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
        (&b_admin, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        (&site_admin, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
        (&root, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
    ];
    let mut cases = 0;
    let mut wrong = Vec::new();
    for (user, row) in &expected {
        for (action, allowed) in ACTIONS.iter().zip(row) {
            cases += 1;
            let got = authorize(&db, &authz, user, org_a, action).await;
            if got.is_ok() != (*allowed == 1) {
                wrong.push(format!(
                    "{} {action}: expected {}, got {got:?}",
                    user.username,
                    allowed == &1
                ));
            }
            if let Err(error) = got {
                assert_eq!(error.status().as_u16(), 403, "{} {action}", user.username);
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cases} cases wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(cases, 120);
    // B's admin is an admin there, and a missing organization is NotFound for everyone.
    assert!(authorize(&db, &authz, &b_admin, org_b, "member:remove")
        .await
        .is_ok());
    let missing = authorize(&db, &authz, &admin, 9_999, "organization:read")
        .await
        .unwrap_err();
    assert_eq!(missing.status().as_u16(), 404);
    app.stop().await;
}
both_backends!(matrix, permission_matrix);

async fn deny_wins_wildcards_match_and_changes_apply_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db().clone();
    let authz = Authorizer::new(db.clone());
    let root = current(&app, "root", GlobalLevel::Superadmin).await;
    let org = orgs::create(&db, &root, "Org", "", None).await.unwrap().id;
    let helper = member_with(&app, &authz, &root, org, "helper", None).await;

    let mut deny_remove = Statement::deny(&["member:remove"]);
    deny_remove.resources = vec!["*".into()];
    roles::create(
        &db,
        &authz,
        &root,
        org,
        "Helpers",
        "",
        &[Statement::allow(&["member:*"]), deny_remove],
        None,
    )
    .await
    .unwrap();
    // Not yet assigned: nothing.
    assert!(authorize(&db, &authz, &helper, org, "member:add")
        .await
        .is_err());
    roles::assign(&db, &authz, &root, org, helper.id, "Helpers", None)
        .await
        .unwrap();
    assert!(
        authorize(&db, &authz, &helper, org, "member:add")
            .await
            .is_ok(),
        "wildcard allow"
    );
    assert!(
        authorize(&db, &authz, &helper, org, "member:remove")
            .await
            .is_err(),
        "deny beats allow"
    );

    // A direct statement on the member: wildcard allow, then a DENY of one action.
    roles::set_user_statements(
        &db,
        &authz,
        &root,
        org,
        helper.id,
        &[Statement::allow(&["tournament:*"])],
        None,
    )
    .await
    .unwrap();
    assert!(authorize(&db, &authz, &helper, org, "tournament:delete")
        .await
        .is_ok());
    roles::set_user_statements(
        &db,
        &authz,
        &root,
        org,
        helper.id,
        &[
            Statement::allow(&["tournament:*"]),
            Statement::deny(&["tournament:delete"]),
        ],
        None,
    )
    .await
    .unwrap();
    assert!(authorize(&db, &authz, &helper, org, "tournament:delete")
        .await
        .is_err());
    assert!(authorize(&db, &authz, &helper, org, "tournament:update")
        .await
        .is_ok());

    // Unassigning and removing take effect at once (the cache was invalidated).
    roles::unassign(&db, &authz, &root, org, helper.id, "Helpers", None)
        .await
        .unwrap();
    assert!(authorize(&db, &authz, &helper, org, "member:add")
        .await
        .is_err());
    orgs::remove_member(&db, &authz, &root, org, helper.id, "member.remove", None)
        .await
        .unwrap();
    assert!(authorize(&db, &authz, &helper, org, "tournament:update")
        .await
        .is_err());

    // Locked built-in roles cannot be edited or deleted; the last Admin cannot leave.
    let admin_role = roles::list(&db, org)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "Admin")
        .unwrap();
    let err = roles::delete(&db, &authz, &root, org, admin_role.id, None)
        .await
        .unwrap_err();
    assert_eq!(err.status().as_u16(), 403);
    let err = orgs::remove_member(&db, &authz, &root, org, root.id, "member.leave", None)
        .await
        .unwrap_err();
    assert_eq!(err.status().as_u16(), 409);
    app.stop().await;
}
both_backends!(
    deny_over_allow,
    deny_wins_wildcards_match_and_changes_apply_at_once
);
