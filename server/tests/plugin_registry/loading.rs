//! Loading the plugins: a failure stays with its plugin (and those needing it) and says why;
//! migrations are recorded with checksums in dependency order; a second start applies nothing
//! again; the admin page's summaries count migrations and dependents.

use std::sync::atomic::Ordering;

use sdk::{db::Backend, plugin::PluginStatus};
use testkit::both_backends;

use super::{load, registry};

async fn check_loading_isolates_failures(backend: Backend) {
    let r = registry(backend, false).await;
    let host = &r.host;

    for id in ["alpha", "beta", "always", "secret", "switched_off", "snoop"] {
        assert_eq!(
            host.status(id),
            Some(PluginStatus::Loaded),
            "{id}: {:?}",
            host.reason(id)
        );
    }
    assert_eq!(host.status("gamma"), Some(PluginStatus::Failed));
    assert_eq!(
        host.reason("gamma").unwrap(),
        "on_load failed: the widget server is unreachable"
    );
    assert_eq!(
        host.reason("delta").unwrap(),
        "requires gamma, which could not be loaded"
    );
    assert!(
        host.reason("cyc_a")
            .unwrap()
            .contains("cyc_a -> cyc_b -> cyc_a"),
        "{:?}",
        host.reason("cyc_a")
    );
    assert_eq!(
        host.reason("old_alpha_user").unwrap(),
        "requires alpha ^2, but 1.0.0 is installed"
    );
    let broken = host
        .ids()
        .into_iter()
        .find(|id| id.contains("Broken"))
        .unwrap();
    assert!(
        host.reason(&broken).unwrap().contains("id"),
        "{:?}",
        host.reason(&broken)
    );
}
both_backends!(loading_isolates_failures, check_loading_isolates_failures);

async fn check_migrations_apply_in_dependency_order(backend: Backend) {
    let r = registry(backend, false).await;
    let test = &r.test;
    // Migrations: recorded with checksums, beta's after alpha's (it references alpha's table).
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT plugin_id, name, checksum FROM plugin_migrations WHERE plugin_id <> 'core' ORDER BY id",
    )
    .fetch_all(test.db.pool())
    .await
    .unwrap();
    let owners: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(owners, ["alpha", "beta"]);
    assert!(rows.iter().all(|r| r.2.len() == 64));
}
both_backends!(
    migrations_apply_in_dependency_order,
    check_migrations_apply_in_dependency_order
);

async fn check_a_second_start_applies_nothing_again(backend: Backend) {
    let r = registry(backend, false).await;
    let (test, fixture) = (&r.test, &r.fixture);
    // A second start applies nothing again and loads the same way.
    let again = load(test, fixture, false).await;
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM plugin_migrations WHERE plugin_id <> 'core'")
            .fetch_one(test.db.pool())
            .await
            .unwrap();
    assert_eq!(count, 2);
    assert_eq!(again.status("alpha"), Some(PluginStatus::Loaded));
    assert_eq!(fixture.loads_alpha.load(Ordering::SeqCst), 2);
}
both_backends!(
    a_second_start_applies_nothing_again,
    check_a_second_start_applies_nothing_again
);

async fn check_summaries_count_migrations_and_dependents(backend: Backend) {
    let r = registry(backend, false).await;
    let (test, fixture) = (&r.test, &r.fixture);
    let again = load(test, fixture, false).await;
    // Summaries for the admin page.
    let summaries = again.summaries(None, true).await.unwrap();
    let alpha = summaries.iter().find(|s| s.id == "alpha").unwrap();
    assert_eq!(alpha.migrations_applied, 1);
    assert_eq!(alpha.dependents, vec!["beta", "old_alpha_user"]);
    assert!(alpha.configurable);
}
both_backends!(
    summaries_count_migrations_and_dependents,
    check_summaries_count_migrations_and_dependents
);
