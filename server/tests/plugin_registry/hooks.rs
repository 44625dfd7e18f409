//! A failing `on_enable` hook (alpha's, made to fail here): the switch is refused with the
//! hook's reason, and nothing stays changed — neither the hook's own write nor, when
//! dependencies came along, any plugin of the chain.

use sdk::{auth::GlobalLevel, db::Backend, Actor};
use testkit::both_backends;

use super::{registry, Registry};

/// Alpha (whose hook fails) switched off in a new organization; returns it.
async fn alpha_off(r: &Registry) -> i64 {
    let owner = r.test.user("owner", GlobalLevel::Superadmin).await;
    let org = r.test.org(&owner, "Org One").await;
    r.host
        .set_enabled(org, "alpha", false, false, &Actor::default())
        .await
        .unwrap();
    org
}

async fn check_failing_hook_rolls_back(backend: Backend) {
    let r = registry(backend, true).await;
    let (test, host) = (&r.test, &r.host);
    let org = alpha_off(&r).await;
    let actor = Actor::default();

    let err = host
        .set_enabled(org, "alpha", true, false, &actor)
        .await
        .unwrap_err();
    assert!(
        err.message().contains("no widgets left"),
        "{}",
        err.message()
    );
    assert!(
        err.message().contains("Nothing was changed"),
        "{}",
        err.message()
    );
    assert!(!host.is_enabled(org, "alpha").await.unwrap());
    let hook_rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM alpha_things")
        .fetch_one(test.db.pool())
        .await
        .unwrap();
    assert_eq!(hook_rows, 0, "the hook's own write was rolled back too");
}
both_backends!(failing_hook_rolls_back, check_failing_hook_rolls_back);

async fn check_a_failing_hook_rolls_back_the_whole_chain(backend: Backend) {
    let r = registry(backend, true).await;
    let host = &r.host;
    let org = alpha_off(&r).await;
    let actor = Actor::default();

    // With dependencies: the whole chain rolls back.
    let err = host
        .set_enabled(org, "beta", true, true, &actor)
        .await
        .unwrap_err();
    assert!(err.message().contains("Alpha refused"), "{}", err.message());
    assert!(!host.is_enabled(org, "beta").await.unwrap());
    assert!(!host.is_enabled(org, "alpha").await.unwrap());
}
both_backends!(
    a_failing_hook_rolls_back_the_whole_chain,
    check_a_failing_hook_rolls_back_the_whole_chain
);
