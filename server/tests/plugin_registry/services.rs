//! What plugins get from each other and from the platform: a service goes only to plugins that
//! declare its provider; reload runs `on_load` again (and retries a failed one); plugin actions
//! join the policy engine, with the manifest's role grants.

use std::sync::{atomic::Ordering, Arc};

use platform::authorizer::Authorizer;
use sdk::{auth::GlobalLevel, db::Backend, plugin::PluginStatus};
use testkit::both_backends;

use super::{registry, AlphaCounter};

async fn check_services_go_only_to_plugins_that_declare_the_provider(backend: Backend) {
    let r = registry(backend, false).await;
    let host = Arc::new(r.host);

    // beta declares alpha: it gets the service; snoop does not declare it: refused.
    let counter = host.service::<AlphaCounter>("beta").unwrap();
    assert_eq!(counter.name, "alpha's");
    let err = host.service::<AlphaCounter>("snoop").unwrap_err();
    assert!(
        err.message().contains("without declaring alpha"),
        "{}",
        err.message()
    );
}
both_backends!(
    services_go_only_to_plugins_that_declare_the_provider,
    check_services_go_only_to_plugins_that_declare_the_provider
);

async fn check_reload_runs_on_load_again(backend: Backend) {
    let r = registry(backend, false).await;
    let fixture = r.fixture;
    let host = Arc::new(r.host);

    // Reload runs on_load again; a failed on_load can be retried the same way.
    assert_eq!(host.reload("alpha").await.unwrap(), PluginStatus::Loaded);
    assert_eq!(fixture.loads_alpha.load(Ordering::SeqCst), 2);
    assert_eq!(host.reload("gamma").await.unwrap(), PluginStatus::Failed);
    assert!(host.reload("cyc_a").await.is_err());
}
both_backends!(reload_runs_on_load_again, check_reload_runs_on_load_again);

async fn check_plugin_actions_join_the_policy_engine(backend: Backend) {
    let r = registry(backend, false).await;
    let test = r.test;
    let host = Arc::new(r.host);

    // Plugin actions join the policy engine; the manifest's role grant applies.
    let actions = Arc::new(host.actions());
    assert!(actions.is_known("alpha:use"));
    assert!(!actions.is_known("gamma:anything"));
    let authorizer = Authorizer::with_actions(test.db.clone(), actions);
    let owner = test.user("owner", GlobalLevel::Superadmin).await;
    let org = test.org(&owner, "Org One").await;
    let moderator = test.user("mod", GlobalLevel::User).await;
    platform::identity::orgs::add_member(&test.db, &authorizer, &owner, org, moderator.id, None)
        .await
        .unwrap();
    assert!(!authorizer
        .allowed(&moderator, org, "alpha:use")
        .await
        .unwrap());
    platform::identity::roles::assign(
        &test.db,
        &authorizer,
        &owner,
        org,
        moderator.id,
        "Moderator",
        None,
    )
    .await
    .unwrap();
    assert!(authorizer
        .allowed(&moderator, org, "alpha:use")
        .await
        .unwrap());
}
both_backends!(
    plugin_actions_join_the_policy_engine,
    check_plugin_actions_join_the_policy_engine
);
