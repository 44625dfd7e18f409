//! Switching plugins on and off for an organization: the manifests' defaults; dependencies must
//! be on (and come along when asked) and stay on while a dependent needs them; other
//! organizations and the plugin's data are left alone; a dependent chosen earlier comes on with
//! its dependency; and what cannot be switched: a missing organization, a global plugin, one
//! in `DISABLED_PLUGINS`, a failed one, a private one not granted, an inactive one. Every change
//! is audited. Every test starts from [`orgs`]: two organizations of a SUPERADMIN owner.

use std::collections::BTreeSet;

use sdk::{auth::CurrentUser, auth::GlobalLevel, db::Backend, plugin::PluginStatus, Actor};
use serde_json::json;
use testkit::both_backends;

use super::{alpha_rows, load, registry, Registry};

struct Orgs {
    r: Registry,
    owner: CurrentUser,
    org: i64,
    other: i64,
    /// The owner, who makes every change.
    actor: Actor,
}

async fn orgs(backend: Backend) -> Orgs {
    let r = registry(backend, false).await;
    let owner = r.test.user("owner", GlobalLevel::Superadmin).await;
    let org = r.test.org(&owner, "Org One").await;
    let other = r.test.org(&owner, "Org Two").await;
    let actor = Actor::user(owner.clone());
    Orgs {
        r,
        owner,
        org,
        other,
        actor,
    }
}

/// alpha switched off in `org`, then beta switched on with its dependency.
async fn beta_on_with_alpha(o: &Orgs) {
    let (host, org, actor) = (&o.r.host, o.org, &o.actor);
    host.set_enabled(org, "alpha", false, false, actor)
        .await
        .unwrap();
    host.set_enabled(org, "beta", true, true, actor)
        .await
        .unwrap();
}

/// beta, then alpha, switched off again in `org`.
async fn both_off_again(o: &Orgs) {
    let (host, org, actor) = (&o.r.host, o.org, &o.actor);
    host.set_enabled(org, "beta", false, false, actor)
        .await
        .unwrap();
    host.set_enabled(org, "alpha", false, false, actor)
        .await
        .unwrap();
}

async fn check_defaults_follow_the_manifests(backend: Backend) {
    let o = orgs(backend).await;
    let (host, org) = (&o.r.host, o.org);
    // Defaults: alpha on by default, beta off, global always on, failed and disabled off.
    let on: BTreeSet<String> = host
        .enabled_plugins(org)
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        on,
        BTreeSet::from(["alpha".to_string(), "always".to_string()])
    );
    assert!(!host.is_enabled(org, "gamma").await.unwrap());
}
both_backends!(
    defaults_follow_the_manifests,
    check_defaults_follow_the_manifests
);

async fn check_enabling_needs_the_dependencies_on(backend: Backend) {
    let o = orgs(backend).await;
    let (host, org, actor) = (&o.r.host, o.org, o.actor.clone());
    // Enabling needs the dependencies on.
    host.set_enabled(org, "alpha", false, false, &actor)
        .await
        .unwrap();
    let err = host
        .set_enabled(org, "beta", true, false, &actor)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Conflict");
    assert!(
        err.message().contains("Beta needs Alpha"),
        "{}",
        err.message()
    );
    let change = host
        .set_enabled(org, "beta", true, true, &actor)
        .await
        .unwrap();
    assert_eq!(change.changed, vec!["alpha", "beta"]);
    assert!(host.is_enabled(org, "beta").await.unwrap());
}
both_backends!(
    enabling_needs_the_dependencies_on,
    check_enabling_needs_the_dependencies_on
);

async fn check_disabling_is_refused_while_a_dependent_needs_it(backend: Backend) {
    let o = orgs(backend).await;
    let (host, org, actor) = (&o.r.host, o.org, o.actor.clone());
    beta_on_with_alpha(&o).await;
    // Disabling is refused while an enabled dependent needs it.
    let err = host
        .set_enabled(org, "alpha", false, false, &actor)
        .await
        .unwrap_err();
    assert!(
        err.message().contains("Alpha is needed by Beta"),
        "{}",
        err.message()
    );
    host.set_enabled(org, "beta", false, false, &actor)
        .await
        .unwrap();
    host.set_enabled(org, "alpha", false, false, &actor)
        .await
        .unwrap();
    assert!(!host.is_enabled(org, "alpha").await.unwrap());
}
both_backends!(
    disabling_is_refused_while_a_dependent_needs_it,
    check_disabling_is_refused_while_a_dependent_needs_it
);

async fn check_other_organizations_are_unaffected(backend: Backend) {
    let o = orgs(backend).await;
    let (host, other) = (&o.r.host, o.other);
    beta_on_with_alpha(&o).await;
    both_off_again(&o).await;
    // The other organization is unaffected, and the data stays.
    assert!(host.is_enabled(other, "alpha").await.unwrap());
}
both_backends!(
    other_organizations_are_unaffected,
    check_other_organizations_are_unaffected
);

async fn check_plugin_data_is_kept_after_disabling(backend: Backend) {
    let o = orgs(backend).await;
    let org = o.org;
    beta_on_with_alpha(&o).await;
    both_off_again(&o).await;
    let kept: i64 = alpha_rows(&o.r.test, org).await;
    // alpha's and beta's on_enable each wrote a row; disabling keeps them.
    assert_eq!(kept, 2, "plugin data is kept after disabling");
}
both_backends!(
    plugin_data_is_kept_after_disabling,
    check_plugin_data_is_kept_after_disabling
);

async fn check_a_dependent_comes_on_with_its_dependency(backend: Backend) {
    let o = orgs(backend).await;
    let (test, host, owner, actor) = (&o.r.test, &o.r.host, &o.owner, o.actor.clone());
    // A plugin chosen but off because its dependency is off comes on with it — and its own
    // on_enable runs too.
    let org3 = test.org(owner, "Org Three").await;
    host.set_enabled(org3, "alpha", false, false, &actor)
        .await
        .unwrap();
    sqlx::query("INSERT INTO organization_plugins (organization_id, plugin_id, enabled, granted, config, updated_at) VALUES ($1, 'beta', $2, $3, '{}', 0)")
        .bind(org3)
        .bind(true)
        .bind(false)
        .execute(test.db.pool())
        .await
        .unwrap();
    host.invalidate(Some(org3));
    assert!(!host.is_enabled(org3, "beta").await.unwrap());
    let change = host
        .set_enabled(org3, "alpha", true, false, &actor)
        .await
        .unwrap();
    assert_eq!(change.changed, vec!["alpha", "beta"]);
    let hooked: i64 = alpha_rows(test, org3).await;
    assert_eq!(hooked, 2, "both plugins' on_enable ran");
}
both_backends!(
    a_dependent_comes_on_with_its_dependency,
    check_a_dependent_comes_on_with_its_dependency
);

async fn check_a_missing_organization_is_not_found(backend: Backend) {
    let o = orgs(backend).await;
    let (host, actor) = (&o.r.host, o.actor.clone());
    // An organization that does not exist is named as such (not a database error).
    let err = host
        .set_enabled(9999, "alpha", true, false, &actor)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.message()),
        ("NotFound", "Organization 9999 does not exist.".to_string())
    );
    let err = host
        .set_config(9999, "alpha", json!({}), &actor)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "NotFound");
}
both_backends!(
    a_missing_organization_is_not_found,
    check_a_missing_organization_is_not_found
);

async fn check_global_plugins_are_not_switched_per_organization(backend: Backend) {
    let o = orgs(backend).await;
    let (host, org, actor) = (&o.r.host, o.org, o.actor.clone());
    // Global plugins are not switched per organization.
    let err = host
        .set_enabled(org, "always", false, false, &actor)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("plugin_id"));
}
both_backends!(
    global_plugins_are_not_switched_per_organization,
    check_global_plugins_are_not_switched_per_organization
);

async fn check_disabled_plugins_are_off_everywhere(backend: Backend) {
    let o = orgs(backend).await;
    let (host, org, actor) = (&o.r.host, o.org, o.actor.clone());
    // DISABLED_PLUGINS: off everywhere, enabling refused with the reason.
    assert!(!host.is_enabled(org, "switched_off").await.unwrap());
    let err = host
        .set_enabled(org, "switched_off", true, false, &actor)
        .await
        .unwrap_err();
    assert!(
        err.message().contains("DISABLED_PLUGINS"),
        "{}",
        err.message()
    );
}
both_backends!(
    disabled_plugins_are_off_everywhere,
    check_disabled_plugins_are_off_everywhere
);

async fn check_a_failed_plugin_cannot_be_enabled(backend: Backend) {
    let o = orgs(backend).await;
    let (host, org, actor) = (&o.r.host, o.org, o.actor.clone());
    // A failed plugin cannot be enabled, and says why.
    let err = host
        .set_enabled(org, "gamma", true, false, &actor)
        .await
        .unwrap_err();
    assert!(err.message().contains("widget server"), "{}", err.message());
}
both_backends!(
    a_failed_plugin_cannot_be_enabled,
    check_a_failed_plugin_cannot_be_enabled
);

async fn check_private_plugins_are_hidden_until_granted(backend: Backend) {
    let o = orgs(backend).await;
    let (host, org, other, actor) = (&o.r.host, o.org, o.other, o.actor.clone());
    // Private: hidden and off until granted (its settings too).
    assert!(!host.is_enabled(org, "secret").await.unwrap());
    assert_eq!(
        host.config_view(org, "secret").await.unwrap_err().kind(),
        "NotFound"
    );
    assert_eq!(
        host.set_config(org, "secret", json!({}), &actor)
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );
    let listed = host.summaries(Some(org), false).await.unwrap();
    assert!(!listed.iter().any(|s| s.id == "secret"));
    host.set_granted(org, "secret", true, &actor).await.unwrap();
    assert!(
        host.is_enabled(org, "secret").await.unwrap(),
        "granted and on by default"
    );
    assert!(!host.is_enabled(other, "secret").await.unwrap());
    let err = host
        .set_granted(org, "alpha", true, &actor)
        .await
        .unwrap_err();
    assert!(err.message().contains("not private"));
}
both_backends!(
    private_plugins_are_hidden_until_granted,
    check_private_plugins_are_hidden_until_granted
);

async fn check_inactive_plugins_are_off_and_not_loaded(backend: Backend) {
    let o = orgs(backend).await;
    let (test, fixture) = (&o.r.test, &o.r.fixture);
    let (host, org, actor) = (&o.r.host, o.org, o.actor.clone());
    // Inactive: off at once everywhere, refused while a loaded dependent is active.
    let err = host.set_active("alpha", false, &actor).await.unwrap_err();
    assert!(
        err.message().contains("required by Beta"),
        "{}",
        err.message()
    );
    host.set_active("snoop", false, &actor).await.unwrap();
    let err = host
        .set_enabled(org, "snoop", true, false, &actor)
        .await
        .unwrap_err();
    assert!(err.message().contains("inactive"), "{}", err.message());
    // … and is not loaded at the next start.
    let restarted = load(test, fixture, false).await;
    assert_eq!(restarted.status("snoop"), Some(PluginStatus::Inactive));
}
both_backends!(
    inactive_plugins_are_off_and_not_loaded,
    check_inactive_plugins_are_off_and_not_loaded
);

/// The changes the tests above make, in their order; each must leave an audit entry.
async fn check_every_change_is_in_the_audit_log(backend: Backend) {
    let o = orgs(backend).await;
    let (test, host, owner, org, actor) = (&o.r.test, &o.r.host, &o.owner, o.org, o.actor.clone());
    beta_on_with_alpha(&o).await;
    both_off_again(&o).await;
    let org3 = test.org(owner, "Org Three").await;
    host.set_enabled(org3, "alpha", false, false, &actor)
        .await
        .unwrap();
    sqlx::query("INSERT INTO organization_plugins (organization_id, plugin_id, enabled, granted, config, updated_at) VALUES ($1, 'beta', $2, $3, '{}', 0)")
        .bind(org3)
        .bind(true)
        .bind(false)
        .execute(test.db.pool())
        .await
        .unwrap();
    host.invalidate(Some(org3));
    host.set_enabled(org3, "alpha", true, false, &actor)
        .await
        .unwrap();
    host.set_granted(org, "secret", true, &actor).await.unwrap();
    host.set_active("snoop", false, &actor).await.unwrap();

    // Every change is in the audit log.
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_logs WHERE action LIKE 'plugin.%'")
            .fetch_one(test.db.pool())
            .await
            .unwrap();
    assert!(audited >= 7, "{audited}");
}
both_backends!(
    every_change_is_in_the_audit_log,
    check_every_change_is_in_the_audit_log
);
