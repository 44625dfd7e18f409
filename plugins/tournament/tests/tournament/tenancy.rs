//! Tenant isolation: nothing of another organization can be read, named or changed.

use super::*;
use sdk::page::PageRequest;
use tournament::model::StreamChannel;

/// The world's league with a match of ada and bob in its "Cup" and a "Main" stream channel,
/// and another league (cy and di are its members) with a channel and a tournament of the same
/// names.
struct Leagues {
    w: World,
    ada: CurrentUser,
    cy: CurrentUser,
    di: CurrentUser,
    t: i64,
    id: i64,
    channel: StreamChannel,
    other: i64,
}

async fn two_leagues(backend: Backend) -> Leagues {
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
    // The same names are free in another organization.
    let other = w.other_org("Other League").await;
    let (cy, di) = (
        w.member_of(other, "cy", &[]).await,
        w.member_of(other, "di", &[]).await,
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
    Leagues {
        w,
        ada,
        cy,
        di,
        t,
        id,
        channel,
        other,
    }
}

/// Nothing of the first organization is reachable from the other: every id is "not found".
async fn check_nothing_of_another_organization_is_reachable(backend: Backend) {
    let Leagues {
        w,
        cy,
        di,
        t,
        id,
        other,
        ..
    } = two_leagues(backend).await;
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
            .submissions(testkit::authorizer(&w.platform), other, &w.admin(), id)
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
}
both_backends!(
    nothing_of_another_organization_is_reachable,
    check_nothing_of_another_organization_is_reachable
);

/// Another organization's stream channel or members cannot be attached.
async fn check_another_organizations_channel_or_members_cannot_be_attached(backend: Backend) {
    let Leagues {
        w,
        ada,
        cy,
        di,
        channel,
        other,
        ..
    } = two_leagues(backend).await;
    let a = w.admin();
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
}
both_backends!(
    another_organizations_channel_or_members_cannot_be_attached,
    check_another_organizations_channel_or_members_cannot_be_attached
);

/// Duplicate names within one organization are conflicts.
async fn check_duplicate_names_conflict(backend: Backend) {
    let Leagues { w, .. } = two_leagues(backend).await;
    let a = w.admin();
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
both_backends!(duplicate_names_conflict, check_duplicate_names_conflict);

/// The member picker's search: by part of a name, any case, only this organization's members,
/// and `%` or `_` typed into it are taken literally.
async fn check_member_search_finds_by_name_in_its_own_organization(backend: Backend) {
    let l = two_leagues(backend).await;
    let w = &l.w;
    let names = |q: &'static str| async move {
        w.svc
            .members(w.org, q, &PageRequest::first())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.display_name)
            .collect::<Vec<_>>()
    };
    let everyone = names("").await;
    assert!(everyone.contains(&"ada".to_string()) && everyone.contains(&"bob".to_string()));
    assert!(
        !everyone.iter().any(|n| n == "cy" || n == "di"),
        "{everyone:?}"
    );
    assert_eq!(names(" ADA ").await, ["ada"]);
    assert_eq!(names("ad").await, ["ada", "admin"], "newest first");
    assert_eq!(
        names("c").await,
        Vec::<String>::new(),
        "cy is another league's"
    );
    assert_eq!(names("%").await, Vec::<String>::new());
    assert_eq!(names("_").await, Vec::<String>::new());
    let long = "x".repeat(101);
    let refused = w
        .svc
        .members(w.org, &long, &PageRequest::first())
        .await
        .unwrap_err();
    assert_eq!((refused.kind(), refused.field()), ("Invalid", Some("q")));
}
both_backends!(
    member_search_finds_by_name_in_its_own_organization,
    check_member_search_finds_by_name_in_its_own_organization
);
