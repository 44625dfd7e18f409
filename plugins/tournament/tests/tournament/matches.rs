//! Editing matches (onsite stations, players, times) and the schedule's filters and archive.

use super::*;

/// An onsite tournament ("LAN") and its match between ada and bob; cy is a member too. The
/// recorder has seen the match scheduled.
struct Lan {
    w: World,
    scheduled: Recorded<MatchScheduled>,
    ada: CurrentUser,
    bob: CurrentUser,
    cy: CurrentUser,
    t: i64,
    id: i64,
}

async fn lan(backend: Backend) -> Lan {
    let w = world(backend).await;
    let scheduled = w.record::<MatchScheduled>();
    let (ada, bob, cy) = (
        w.member("ada").await,
        w.member("bob").await,
        w.member("cy").await,
    );
    let t = w
        .tournament(TournamentInput {
            onsite: true,
            ..cup("LAN")
        })
        .await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    Lan {
        w,
        scheduled,
        ada,
        bob,
        cy,
        t,
        id,
    }
}

/// Checking in an onsite match takes a station per player; its time cannot be cleared while
/// checked in; reverting clears the stations.
async fn check_onsite_stations(backend: Backend) {
    let Lan {
        w, ada, bob, id, ..
    } = lan(backend).await;
    let org = w.org;
    let refused = w
        .svc
        .advance(org, &w.admin(), id, &[], None, T0)
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("stations"));
    let stations = [
        StationInput {
            user_id: ada.id,
            station: "3".into(),
        },
        StationInput {
            user_id: bob.id,
            station: "4".into(),
        },
    ];
    let m = w
        .svc
        .advance(org, &w.admin(), id, &stations, None, T0)
        .await
        .unwrap();
    assert_eq!(m.status, MatchStatus::CheckedIn);
    let station_of = |m: &tournament::model::Match, u: i64| {
        m.players
            .iter()
            .find(|p| p.user_id == u)
            .unwrap()
            .station
            .clone()
    };
    assert_eq!(station_of(&m, ada.id).as_deref(), Some("3"));
    // Clearing the time of a checked-in match is refused; reverting clears the stations.
    let edit = MatchInput {
        title: "Round 1".into(),
        player_ids: vec![ada.id, bob.id],
        ..MatchInput::default()
    };
    assert_eq!(
        w.svc
            .update_match(org, &w.admin(), id, &edit, T0)
            .await
            .unwrap_err()
            .field(),
        Some("scheduled_at")
    );
    let m = w.svc.revert(org, &w.admin(), id, None, T0).await.unwrap();
    assert_eq!(station_of(&m, ada.id), None);
}
both_backends!(onsite_stations, check_onsite_stations);

/// Rescheduling and changing players before the start (match players join the tournament;
/// a stranger or a lone player is refused), and the schedule change is announced.
async fn check_edits_before_the_start(backend: Backend) {
    let Lan {
        w,
        scheduled,
        ada,
        cy,
        t,
        id,
        ..
    } = lan(backend).await;
    let org = w.org;
    let edit = MatchInput {
        title: "Round 1 (moved)".into(),
        scheduled_at: Some(T0 + 120 * MIN),
        player_ids: vec![ada.id, cy.id],
        ..MatchInput::default()
    };
    let m = w
        .svc
        .update_match(org, &w.admin(), id, &edit, T0)
        .await
        .unwrap();
    assert_eq!(m.title, "Round 1 (moved)");
    assert_eq!(
        m.players
            .iter()
            .map(|p| p.user_id)
            .collect::<Vec<_>>()
            .len(),
        2
    );
    assert!(m.players.iter().any(|p| p.user_id == cy.id));
    let players = w
        .svc
        .players(org, t, &Default::default())
        .await
        .unwrap()
        .items;
    assert!(
        players.iter().any(|p| p.user_id == cy.id),
        "match players join the tournament"
    );
    let outsider = w.user("outsider").await;
    let refused = w
        .svc
        .update_match(
            org,
            &w.admin(),
            id,
            &MatchInput {
                player_ids: vec![ada.id, outsider.id],
                ..edit.clone()
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("player_ids"));
    assert!(refused.message().contains("not a member"), "{refused}");
    assert_eq!(
        w.svc
            .create_match(
                org,
                &w.admin(),
                t,
                &MatchInput {
                    player_ids: vec![ada.id],
                    ..MatchInput::default()
                },
                T0
            )
            .await
            .unwrap_err()
            .field(),
        Some("player_ids")
    );
    let events = scheduled.wait_for(2).await;
    assert_eq!(
        events.len(),
        2,
        "scheduled at creation, then moved: {events:?}"
    );
    assert_eq!(
        (events[1].scheduled_at, events[1].previous),
        (T0 + 120 * MIN, Some(T0 + 60 * MIN))
    );
}
both_backends!(edits_before_the_start, check_edits_before_the_start);

/// Players of a started match are fixed.
async fn check_players_of_a_started_match_are_fixed(backend: Backend) {
    let Lan {
        w,
        ada,
        bob,
        cy,
        id,
        ..
    } = lan(backend).await;
    let org = w.org;
    let edit = MatchInput {
        title: "Round 1".into(),
        scheduled_at: Some(T0 + 60 * MIN),
        ..MatchInput::default()
    };
    w.svc
        .advance(
            org,
            &w.admin(),
            id,
            &[
                StationInput {
                    user_id: ada.id,
                    station: "1".into(),
                },
                StationInput {
                    user_id: bob.id,
                    station: "2".into(),
                },
            ],
            None,
            T0,
        )
        .await
        .unwrap();
    w.svc
        .advance(org, &w.admin(), id, &[], None, T0)
        .await
        .unwrap();
    let refused = w
        .svc
        .update_match(
            org,
            &w.admin(),
            id,
            &MatchInput {
                player_ids: vec![ada.id, cy.id],
                ..edit
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("player_ids"));
}
both_backends!(
    players_of_a_started_match_are_fixed,
    check_players_of_a_started_match_are_fixed
);

/// Two tournaments (Two takes self-registration), each with a match between ada and bob: the
/// early one checked in, the late one ten hours later.
struct Two {
    w: World,
    ada: CurrentUser,
    bob: CurrentUser,
    t1: i64,
    t2: i64,
    early: i64,
    late: i64,
}

async fn two_tournaments(backend: Backend) -> Two {
    let w = world(backend).await;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let org = w.org;
    let t1 = w.tournament(cup("One")).await;
    let t2 = w
        .tournament(TournamentInput {
            self_registration: true,
            ..cup("Two")
        })
        .await;
    let early = w.scheduled_match(t1, &[&ada, &bob]).await;
    let late = w
        .svc
        .create_match(
            org,
            &w.admin(),
            t2,
            &MatchInput {
                scheduled_at: Some(T0 + 600 * MIN),
                player_ids: vec![ada.id, bob.id],
                ..MatchInput::default()
            },
            T0,
        )
        .await
        .unwrap()
        .id;
    w.svc
        .advance(org, &w.admin(), early, &[], None, T0)
        .await
        .unwrap();
    Two {
        w,
        ada,
        bob,
        t1,
        t2,
        early,
        late,
    }
}

/// The schedule is in time order and filters by tournament, status and time.
async fn check_filters(backend: Backend) {
    let Two {
        w, t2, early, late, ..
    } = two_tournaments(backend).await;
    let org = w.org;
    let ids = |ms: Vec<tournament::model::Match>| ms.into_iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(
        ids(w
            .svc
            .matches(org, &MatchQuery::default(), None)
            .await
            .unwrap()),
        vec![early, late],
        "by time"
    );
    assert_eq!(
        ids(w
            .svc
            .matches(
                org,
                &MatchQuery {
                    tournament_id: Some(t2),
                    ..MatchQuery::default()
                },
                None
            )
            .await
            .unwrap()),
        vec![late]
    );
    assert_eq!(
        ids(w
            .svc
            .matches(org, &MatchQuery::default(), Some(MatchStatus::CheckedIn))
            .await
            .unwrap()),
        vec![early]
    );
    assert_eq!(
        ids(w
            .svc
            .matches(
                org,
                &MatchQuery {
                    from: Some(T0 + 61 * MIN),
                    ..MatchQuery::default()
                },
                None
            )
            .await
            .unwrap()),
        vec![late]
    );
    assert_eq!(
        ids(w
            .svc
            .matches(
                org,
                &MatchQuery {
                    to: Some(T0 + 61 * MIN),
                    ..MatchQuery::default()
                },
                None
            )
            .await
            .unwrap()),
        vec![early]
    );
}
both_backends!(filters, check_filters);

/// Self-registration only where allowed, and only once.
async fn check_self_registration(backend: Backend) {
    let Two { w, t1, t2, .. } = two_tournaments(backend).await;
    let org = w.org;
    let cal = w.member("cal").await;
    assert_eq!(
        w.svc
            .register(org, &actor(&cal), t1, T0)
            .await
            .unwrap_err()
            .kind(),
        "Forbidden"
    );
    let joined = w.svc.register(org, &actor(&cal), t2, T0).await.unwrap();
    assert!(joined.joined);
    assert_eq!(joined.player_count, 3);
    assert_eq!(
        w.svc
            .register(org, &actor(&cal), t2, T0)
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
}
both_backends!(self_registration, check_self_registration);

/// Archived tournaments leave the list and take no new matches.
async fn check_archive(backend: Backend) {
    let Two {
        w,
        ada,
        bob,
        t1,
        t2,
        ..
    } = two_tournaments(backend).await;
    let org = w.org;
    w.svc
        .set_archived(org, &w.admin(), t1, true, T0)
        .await
        .unwrap();
    let listed: Vec<i64> = w
        .svc
        .tournaments(org, &actor(&ada), false, &Default::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(listed, vec![t2]);
    assert_eq!(
        w.svc
            .tournaments(org, &actor(&ada), true, &Default::default())
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    let refused = w
        .svc
        .create_match(
            org,
            &w.admin(),
            t1,
            &MatchInput {
                player_ids: vec![ada.id, bob.id],
                ..MatchInput::default()
            },
            T0,
        )
        .await
        .unwrap_err();
    assert!(refused.message().contains("archived"), "{refused}");
}
both_backends!(archive, check_archive);

/// Managers add and remove players; a player is added once.
async fn check_players_added_and_removed(backend: Backend) {
    let Two { w, t2, .. } = two_tournaments(backend).await;
    let org = w.org;
    let dee = w.member("dee").await;
    let players = w
        .svc
        .add_player(org, &w.admin(), t2, dee.id, T0)
        .await
        .unwrap();
    assert!(players.items.iter().any(|p| p.user_id == dee.id));
    assert_eq!(
        w.svc
            .add_player(org, &w.admin(), t2, dee.id, T0)
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
    let players = w
        .svc
        .remove_player(org, &w.admin(), t2, dee.id)
        .await
        .unwrap();
    assert!(!players.items.iter().any(|p| p.user_id == dee.id));
}
both_backends!(players_added_and_removed, check_players_added_and_removed);

/// Seeds: set, shown, cleared; a bad link is refused on its field.
async fn check_seeds(backend: Backend) {
    let Two { w, late, .. } = two_tournaments(backend).await;
    let org = w.org;
    let m = w
        .svc
        .set_seed(
            org,
            &w.admin(),
            late,
            "https://alttpr.com/h/AbCd",
            "Open",
            T0,
        )
        .await
        .unwrap();
    assert_eq!(
        m.seed.as_ref().map(|s| s.url.as_str()),
        Some("https://alttpr.com/h/AbCd")
    );
    assert_eq!(
        w.svc
            .set_seed(org, &w.admin(), late, "alttpr.com", "", T0)
            .await
            .unwrap_err()
            .field(),
        Some("url")
    );
    assert_eq!(
        w.svc
            .set_seed(org, &w.admin(), late, "", "", T0)
            .await
            .unwrap()
            .seed,
        None
    );
}
both_backends!(seeds, check_seeds);

/// Match events are staged inside the write's transaction: an in-transaction listener (a
/// notification outbox, say) writes with the cause, and its error rolls the cause back — the
/// match keeps its old time and nothing the listener wrote survives.
async fn check_in_transaction_listeners_write_with_the_cause(backend: Backend) {
    let w = world(backend).await;
    sqlx::query("CREATE TABLE staged_log (match_id BIGINT NOT NULL, at BIGINT NOT NULL)")
        .execute(w.platform.db.pool())
        .await
        .unwrap();
    w.platform
        .events
        .listen_in_tx::<MatchScheduled, _>("test", |conn, envelope| {
            Box::pin(async move {
                sqlx::query("INSERT INTO staged_log (match_id, at) VALUES ($1, $2)")
                    .bind(envelope.event.match_id)
                    .bind(envelope.event.scheduled_at)
                    .execute(&mut *conn)
                    .await?;
                if envelope.event.scheduled_at == T0 + 666 * MIN {
                    return Err(sdk::Error::conflict("the outbox refused"));
                }
                Ok(())
            })
        });
    let scheduled = w.record::<MatchScheduled>();
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let t = w.tournament(cup("Cup")).await;
    let id = w.match_at(t, "One", T0 + 60 * MIN, &[&ada, &bob]).await;
    let logged = |db: sdk::db::Db| async move {
        sqlx::query_scalar::<_, i64>("SELECT at FROM staged_log ORDER BY at")
            .fetch_all(db.pool())
            .await
            .unwrap()
    };
    assert_eq!(logged(w.platform.db.clone()).await, vec![T0 + 60 * MIN]);
    assert_eq!(
        scheduled.wait_for(1).await.len(),
        1,
        "published after commit"
    );

    let moved = MatchInput {
        title: "One".into(),
        scheduled_at: Some(T0 + 666 * MIN),
        player_ids: vec![ada.id, bob.id],
        ..MatchInput::default()
    };
    let err = w
        .svc
        .update_match(w.org, &w.admin(), id, &moved, T0)
        .await
        .unwrap_err();
    assert!(err.message().contains("the outbox refused"), "{err:?}");
    let kept = w.svc.get_match(w.org, id).await.unwrap();
    assert_eq!(
        kept.scheduled_at,
        Some(T0 + 60 * MIN),
        "the cause rolled back"
    );
    assert_eq!(logged(w.platform.db.clone()).await, vec![T0 + 60 * MIN]);
    assert_eq!(
        scheduled.events().len(),
        1,
        "nothing published for a rolled-back write"
    );
}
both_backends!(
    in_transaction_listeners_write_with_the_cause,
    check_in_transaction_listeners_write_with_the_cause
);
