//! A plugin's configuration (alpha's schema: `max_items` 1–100, default 10; `mode` open or
//! closed): the layers (code default, schema default, install config, organization override)
//! and where each value came from; values equal to the inherited ones are not stored; every
//! write is validated, naming the key, and nothing is stored when it fails.

use sdk::{auth::GlobalLevel, db::Backend, Actor};
use serde_json::json;
use testkit::both_backends;

use super::{registry, Registry};

/// Two organizations of one owner.
async fn two_orgs(r: &Registry) -> (i64, i64) {
    let owner = r.test.user("owner", GlobalLevel::Superadmin).await;
    let org = r.test.org(&owner, "Org One").await;
    let other = r.test.org(&owner, "Org Two").await;
    (org, other)
}

/// The site's install config sets `max_items` 20; `org` overrides `mode` to closed.
async fn install_and_org_config(r: &Registry, org: i64) {
    let actor = Actor::default();
    r.host
        .set_install_config("alpha", json!({"max_items": 20}), &actor)
        .await
        .unwrap();
    r.host
        .set_config(org, "alpha", json!({"mode": "closed"}), &actor)
        .await
        .unwrap();
}

async fn check_each_config_layer_beats_the_one_below(backend: Backend) {
    let r = registry(backend, false).await;
    let host = &r.host;
    let (org, other) = two_orgs(&r).await;
    let actor = Actor::default();

    // Schema default beats code default; code default fills what the schema lacks.
    let effective = host.effective_config(org, "alpha").await.unwrap();
    assert_eq!(
        effective,
        json!({"from_code": "code", "max_items": 10, "mode": "open"})
    );

    // Install config beats schema defaults; the org override beats both.
    host.set_install_config("alpha", json!({"max_items": 20}), &actor)
        .await
        .unwrap();
    let view = host
        .set_config(org, "alpha", json!({"mode": "closed"}), &actor)
        .await
        .unwrap();
    assert_eq!(view.effective["max_items"], 20);
    assert_eq!(view.effective["mode"], "closed");
    assert_eq!(view.overrides, json!({"mode": "closed"}));
    let source = |key: &str| view.entries.iter().find(|e| e.key == key).unwrap().source;
    assert_eq!(source("mode"), sdk::plugin::ConfigSource::Organization);
    assert_eq!(source("max_items"), sdk::plugin::ConfigSource::Install);
    assert_eq!(source("from_code"), sdk::plugin::ConfigSource::Code);
    assert_eq!(
        host.effective_config(other, "alpha").await.unwrap()["mode"],
        "open"
    );
}
both_backends!(
    each_config_layer_beats_the_one_below,
    check_each_config_layer_beats_the_one_below
);

async fn check_values_equal_to_the_inherited_ones_are_not_stored(backend: Backend) {
    let r = registry(backend, false).await;
    let host = &r.host;
    let (org, _) = two_orgs(&r).await;
    let actor = Actor::default();
    install_and_org_config(&r, org).await;

    // Values equal to the inherited ones are not stored.
    let view = host
        .set_config(
            org,
            "alpha",
            json!({"max_items": 20, "mode": "closed"}),
            &actor,
        )
        .await
        .unwrap();
    assert_eq!(view.overrides, json!({"mode": "closed"}));
}
both_backends!(
    values_equal_to_the_inherited_ones_are_not_stored,
    check_values_equal_to_the_inherited_ones_are_not_stored
);

async fn check_every_write_is_validated_and_nothing_stored_on_failure(backend: Backend) {
    let r = registry(backend, false).await;
    let host = &r.host;
    let (org, _) = two_orgs(&r).await;
    let actor = Actor::default();
    install_and_org_config(&r, org).await;

    // Validation on every write, naming the key; nothing stored on failure.
    let err = host
        .set_config(org, "alpha", json!({"max_items": 500}), &actor)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("max_items"));
    let err = host
        .set_config(org, "alpha", json!({"mode": "maybe"}), &actor)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("mode"));
    let err = host
        .set_install_config("alpha", json!({"max_items": 0}), &actor)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("max_items"));
    assert_eq!(
        host.effective_config(org, "alpha").await.unwrap()["mode"],
        "closed"
    );
    let err = host
        .set_config(org, "alpha", json!([1, 2]), &actor)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("config"));
}
both_backends!(
    every_write_is_validated_and_nothing_stored_on_failure,
    check_every_write_is_validated_and_nothing_stored_on_failure
);
