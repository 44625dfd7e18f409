//! What goes in and comes out: instants, filters, field errors and rights.

use super::*;

/// RFC 3339 with an offset in, UTC out; a bad instant, status or role names its field.
async fn check_instants_in_and_out_and_errors_name_their_field(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let l = w.standard_league().await;
    let m = w
        .call(&l.ada, || api::get_match(org, l.ids.r#match))
        .await
        .unwrap();
    assert_eq!(
        m.scheduled_at,
        Some(sdk::time::parse_rfc3339("2026-12-01T18:00:00Z").unwrap())
    );
    assert_eq!(
        m.stream_channel.as_ref().map(|c| c.name.as_str()),
        Some("Main")
    );
    let bad = w
        .call(&w.admin, || {
            api::create_match(
                org,
                l.ids.tournament,
                String::new(),
                Some("next tuesday".into()),
                vec![l.ada.id, l.bob.id],
                None,
                String::new(),
            )
        })
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("scheduled_at"));
    assert!(bad.message().contains("RFC 3339"), "{bad}");
    let bad = w
        .call(&l.ada, || {
            api::list_matches(
                org,
                None,
                None,
                None,
                Some("done".into()),
                None,
                false,
                Default::default(),
            )
        })
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("status"));
    let bad = w
        .call(&l.dee, || {
            api::crew_signup(org, l.ids.r#match, "caster".into())
        })
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("role"));
}
both_backends!(
    instants_in_and_out_and_errors_name_their_field,
    check_instants_in_and_out_and_errors_name_their_field
);

/// The match list filters by status and by the caller's own matches.
async fn check_filters_by_status_and_mine(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let l = w.standard_league().await;
    let scheduled = w
        .call(&l.ada, || {
            api::list_matches(
                org,
                None,
                Some("2026-12-01T00:00:00Z".into()),
                None,
                Some("scheduled".into()),
                None,
                true,
                Default::default(),
            )
        })
        .await
        .unwrap();
    assert_eq!(scheduled.items.len(), 1);
    let mine = w
        .call(&l.dee, || {
            api::list_matches(org, None, None, None, None, None, true, Default::default())
        })
        .await
        .unwrap();
    assert!(mine.items.is_empty(), "dee neither plays nor crews");
}
both_backends!(filters_by_status_and_mine, check_filters_by_status_and_mine);

/// `my_rights` says what the pages may offer a member and an admin.
async fn check_rights_say_what_the_pages_may_offer(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let l = w.standard_league().await;
    let rights = w.call(&l.dee, || api::my_rights(org)).await.unwrap();
    assert!(rights.crew_signup && !rights.schedule && !rights.approve_crew);
    let rights = w.call(&w.admin, || api::my_rights(org)).await.unwrap();
    assert!(rights.schedule && rights.advance && rights.approve_crew && rights.manage_streams);
}
both_backends!(
    rights_say_what_the_pages_may_offer,
    check_rights_say_what_the_pages_may_offer
);
