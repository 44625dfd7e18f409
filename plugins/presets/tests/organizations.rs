//! Organization namespaces on SQLite and PostgreSQL: the organization's policies decide who
//! writes and reads, standing counts only when acting from the organization, and another
//! organization neither sees nor changes them (tenant isolation). One rule per test; the world
//! is in `common`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{kind, ns, preset, world, World};
use presets::{model::Preset, service::PresetChange};
use sdk::{db::Backend, Actor};
use testkit::both_backends;

/// Orgs A and B; A's admin, a tournament manager and a plain member, B's admin; A's private
/// namespace `org-a` with the manager's private preset "League".
struct OrgNamespace {
    w: World,
    org_a: i64,
    org_b: i64,
    admin_a: Actor,
    manager_a: Actor,
    plain_a: Actor,
    admin_b: Actor,
    league: Preset,
}

async fn org_namespace(backend: Backend) -> OrgNamespace {
    let w = world(backend).await;
    let org_a = w.other_org("Org A").await;
    let org_b = w.other_org("Org B").await;
    let admin_a = w.member(org_a, "admina", Some("Admin")).await;
    let manager_a = w.member(org_a, "tma", Some("Tournament Manager")).await;
    let plain_a = w.member(org_a, "plaina", None).await;
    let admin_b = w.member(org_b, "adminb", Some("Admin")).await;
    w.create_namespace(Some(org_a), &admin_a, ns("org-a", false, true))
        .await
        .unwrap();
    let league = w
        .create_preset(
            Some(org_a),
            &manager_a,
            preset(Some("org-a"), "League", false),
        )
        .await
        .unwrap();
    OrgNamespace {
        w,
        org_a,
        org_b,
        admin_a,
        manager_a,
        plain_a,
        admin_b,
        league,
    }
}

async fn check_only_namespace_manage_creates_organization_namespaces(backend: Backend) {
    let s = org_namespace(backend).await;
    let err =
        s.w.create_namespace(Some(s.org_a), &s.manager_a, ns("org-a-2", false, true))
            .await
            .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    s.w.create_namespace(Some(s.org_a), &s.admin_a, ns("org-a-2", false, true))
        .await
        .unwrap();
}
both_backends!(
    only_namespace_manage_creates_organization_namespaces,
    check_only_namespace_manage_creates_organization_namespaces
);

async fn check_plain_members_neither_write_nor_see_private_presets(backend: Backend) {
    let s = org_namespace(backend).await;
    let (w, org_a, id) = (&s.w, Some(s.org_a), s.league.summary.id);
    // A private namespace the member cannot read does not exist for them.
    assert_eq!(
        kind(
            w.create_preset(org_a, &s.plain_a, preset(Some("org-a"), "Mine", false))
                .await
        ),
        "NotFound"
    );
    assert_eq!(
        kind(w.presets.get_preset(org_a, &s.plain_a, id).await),
        "NotFound"
    );
    // The manager (preset:create/update, preset:read) wrote it and sees it.
    assert!(w.presets.get_preset(org_a, &s.manager_a, id).await.is_ok());
}
both_backends!(
    plain_members_neither_write_nor_see_private_presets,
    check_plain_members_neither_write_nor_see_private_presets
);

async fn check_standing_counts_only_when_acting_from_the_organization(backend: Backend) {
    let s = org_namespace(backend).await;
    assert_eq!(
        kind(
            s.w.presets
                .get_preset(None, &s.manager_a, s.league.summary.id)
                .await
        ),
        "NotFound"
    );
}
both_backends!(
    standing_counts_only_when_acting_from_the_organization,
    check_standing_counts_only_when_acting_from_the_organization
);

async fn check_deleting_needs_preset_delete(backend: Backend) {
    let s = org_namespace(backend).await;
    // The manager's rights do not include deleting (Admin's do).
    assert_eq!(
        kind(
            s.w.presets
                .delete_preset(Some(s.org_a), &s.manager_a, s.league.summary.id)
                .await
        ),
        "Forbidden"
    );
    s.w.presets
        .delete_preset(Some(s.org_a), &s.admin_a, s.league.summary.id)
        .await
        .unwrap();
}
both_backends!(
    deleting_needs_preset_delete,
    check_deleting_needs_preset_delete
);

async fn check_another_organization_neither_sees_nor_changes_it(backend: Backend) {
    let s = org_namespace(backend).await;
    let (w, org_b) = (&s.w, Some(s.org_b));
    assert_eq!(
        kind(
            w.presets
                .get_preset(org_b, &s.admin_b, s.league.summary.id)
                .await
        ),
        "NotFound"
    );
    assert_eq!(
        kind(
            w.create_preset(org_b, &s.admin_b, preset(Some("org-a"), "Intruder", true))
                .await
        ),
        "NotFound"
    );
    let listed = w
        .presets
        .list_namespaces(org_b, &s.admin_b, &Default::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty());
}
both_backends!(
    another_organization_neither_sees_nor_changes_it,
    check_another_organization_neither_sees_nor_changes_it
);

async fn check_a_member_of_both_changes_it_only_from_its_own_organization(backend: Backend) {
    let s = org_namespace(backend).await;
    let w = &s.w;
    // Org A's admin, also a member of org B.
    let both = w.member(s.org_a, "both", Some("Admin")).await;
    w.join(s.org_b, &both, None).await;
    let rename = PresetChange {
        name: Some("x".into()),
        description: None,
        yaml: None,
        is_public: None,
    };
    // Acting from org B, org A's private preset does not exist for them at all.
    assert_eq!(
        kind(
            w.update_preset(Some(s.org_b), &both, s.league.summary.id, rename)
                .await
        ),
        "NotFound"
    );
    w.presets
        .delete_preset(Some(s.org_a), &both, s.league.summary.id)
        .await
        .unwrap();
}
both_backends!(
    a_member_of_both_changes_it_only_from_its_own_organization,
    check_a_member_of_both_changes_it_only_from_its_own_organization
);
