//! The plugin switched off for an organization.

use super::*;

/// Off for the organization: NotEnabled with the plugin's name, for every call.
async fn check_a_disabled_plugin_answers_not_enabled_on_every_call(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let l = w.standard_league().await;
    w.set_enabled(tournament::PLUGIN_ID, false).await;
    for (name, _, c) in every_call(org, l.ids) {
        let e = w.run(&w.admin, c).await.unwrap_err();
        assert_eq!(e.kind(), "NotEnabled", "{name}: {e}");
        assert!(e.message().contains("Tournaments"), "{name}: {e}");
    }
}
both_backends!(
    a_disabled_plugin_answers_not_enabled_on_every_call,
    check_a_disabled_plugin_answers_not_enabled_on_every_call
);
