//! Tenant isolation: nothing of another organization can be read, named or changed.

use super::*;

async fn check_tenant_isolation(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let t = w.tournament(cup("Cup")).await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    let channel = w
        .svc
        .save_stream_channel(
            w.org,
            &w.admin(),
            None,
            &stream("Main", "https://twitch.tv/a"),
            T0,
        )
        .await
        .unwrap();
    // The same names are free in another organization; nothing of the first is reachable there.
    let other = w.test.org(&w.admin, "Other League").await;
    let (cy, di) = (
        w.member_of(other, "cy").await,
        w.member_of(other, "di").await,
    );
    w.svc
        .save_stream_channel(
            other,
            &w.admin(),
            None,
            &stream("Main", "https://twitch.tv/b"),
            T0,
        )
        .await
        .unwrap();
    w.svc
        .create_tournament(other, &w.admin(), &cup("Cup"), T0)
        .await
        .unwrap();
    let a = w.admin();
    let not_found = |e: sdk::Error| assert_eq!(e.kind(), "NotFound", "{e}");
    not_found(w.svc.get_match(other, id).await.unwrap_err());
    not_found(
        w.svc
            .advance(other, &a, id, &[], None, T0)
            .await
            .unwrap_err(),
    );
    not_found(w.svc.revert(other, &a, id, None, T0).await.unwrap_err());
    not_found(w.svc.delete_match(other, &a, id, T0).await.unwrap_err());
    not_found(
        w.svc
            .set_seed(other, &a, id, "https://alttpr.com/h/x", "", T0)
            .await
            .unwrap_err(),
    );
    not_found(
        w.svc
            .crew_signup(other, &actor(&cy), id, CrewRole::Commentator, T0)
            .await
            .unwrap_err(),
    );
    not_found(w.svc.tournament(other, &a, t).await.unwrap_err());
    not_found(
        w.svc
            .players(other, t, &Default::default())
            .await
            .unwrap_err(),
    );
    not_found(w.svc.add_player(other, &a, t, cy.id, T0).await.unwrap_err());
    not_found(
        w.svc
            .submissions(&w.platform.authorizer, other, &w.admin(), id)
            .await
            .unwrap_err(),
    );
    not_found(
        w.svc
            .update_match(
                other,
                &a,
                id,
                &MatchInput {
                    player_ids: vec![cy.id, di.id],
                    ..MatchInput::default()
                },
                T0,
            )
            .await
            .unwrap_err(),
    );
    not_found(
        w.svc
            .create_match(
                other,
                &a,
                t,
                &MatchInput {
                    player_ids: vec![cy.id, di.id],
                    ..MatchInput::default()
                },
                T0,
            )
            .await
            .unwrap_err(),
    );
    // Another organization's stream channel or members cannot be attached.
    let theirs = w
        .svc
        .tournaments(other, &Actor::system(), false, &Default::default())
        .await
        .unwrap()
        .items[0]
        .id;
    let refused = w
        .svc
        .create_match(
            other,
            &a,
            theirs,
            &MatchInput {
                player_ids: vec![cy.id, di.id],
                stream_channel_id: Some(channel.id),
                ..MatchInput::default()
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("stream_channel_id"));
    let refused = w
        .svc
        .create_match(
            other,
            &a,
            theirs,
            &MatchInput {
                player_ids: vec![ada.id, di.id],
                ..MatchInput::default()
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("player_ids"));
    assert!(w
        .svc
        .matches(other, &MatchQuery::default(), None)
        .await
        .unwrap()
        .is_empty());
    // Duplicate names within one organization are conflicts.
    assert_eq!(
        w.svc
            .create_tournament(w.org, &a, &cup("Cup"), T0)
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
    assert_eq!(
        w.svc
            .save_stream_channel(w.org, &a, None, &stream("Main", "https://twitch.tv/c"), T0)
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
}
both_backends!(tenant_isolation, check_tenant_isolation);
