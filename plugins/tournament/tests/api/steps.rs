//! Status steps and settings submissions through the API.

use super::*;

/// Onsite stations travel with advance; a step pressed again from the status the caller saw is
/// refused, not taken a second time.
async fn check_steps_carry_stations_and_the_status_seen(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let l = w.standard_league().await;
    let m = w
        .call(&w.admin, || {
            api::advance_match(
                org,
                l.ids.r#match,
                vec![StationInput {
                    user_id: l.ada.id,
                    station: "1".into(),
                }],
                Some("scheduled".into()),
            )
        })
        .await
        .unwrap();
    assert!(m.checked_in_at.is_some());
    // Pressed again from the status the caller saw: refused, not taken a second time.
    let again = w
        .call(&w.admin, || {
            api::advance_match(org, l.ids.r#match, Vec::new(), Some("scheduled".into()))
        })
        .await
        .unwrap_err();
    assert_eq!(again.kind(), "Conflict");
    let bad = w
        .call(&w.admin, || {
            api::revert_match(org, l.ids.r#match, Some("later".into()))
        })
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("from"));
}
both_backends!(
    steps_carry_stations_and_the_status_seen,
    check_steps_carry_stations_and_the_status_seen
);

/// Settings are per player; a player sees their own, managers see them all.
async fn check_settings_are_per_player_and_managers_see_all(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let l = w.standard_league().await;
    w.call(&l.ada, || {
        api::submit_match_settings(org, l.ids.r#match, 1, json!({"mode": "open"}), "gl".into())
    })
    .await
    .unwrap();
    let bad = w
        .call(&l.bob, || {
            api::submit_match_settings(
                org,
                l.ids.r#match,
                1,
                json!({"mode": "sideways"}),
                String::new(),
            )
        })
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("settings.mode"));
    assert_eq!(
        w.call(&l.bob, || api::list_match_settings(org, l.ids.r#match))
            .await
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        w.call(&w.admin, || api::list_match_settings(org, l.ids.r#match))
            .await
            .unwrap()
            .len(),
        1
    );
}
both_backends!(
    settings_are_per_player_and_managers_see_all,
    check_settings_are_per_player_and_managers_see_all
);
