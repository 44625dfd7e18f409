//! The events other plugins listen to, on SQLite and PostgreSQL: one of every kind, with what
//! they carry, after the change committed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use async_qualifier::{
    events::{
        RaceFinished, RaceForfeited, RaceReattempted, RaceReviewed, RaceStarted,
        ScoresRecalculated, TimeoutWarning,
    },
    rules::ReviewStatus,
};
use common::{actor, review, world, MIN, T0};
use sdk::db::Backend;
use testkit::{both_backends, record};

async fn check_events(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Events", 1, 1).await;
    let (pool, _) = w.pool(q, "P", 2).await;
    let [ada, bob, cy] = [
        w.member("ada", &[]).await,
        w.member("bob", &[]).await,
        w.member("cy", &[]).await,
    ];
    let bus = &w.platform.events;
    let (started, finished, forfeited) = (
        record::<RaceStarted>(bus),
        record::<RaceFinished>(bus),
        record::<RaceForfeited>(bus),
    );
    let (reviewed, reattempted, recalculated, warned) = (
        record::<RaceReviewed>(bus),
        record::<RaceReattempted>(bus),
        record::<ScoresRecalculated>(bus),
        record::<TimeoutWarning>(bus),
    );

    // A finish, a runner's forfeit, a review with an override, a reattempt, a manual
    // recalculation, then a run left pending until it is warned and timed out.
    let ada_run = w.run(&ada, q, pool, T0, 3000.0).await;
    let (bob_run, _) = w.begin(&bob, q, pool, T0).await;
    w.svc
        .forfeit_run(w.org, &actor(&bob), bob_run, T0 + MIN)
        .await
        .unwrap();
    w.review(
        &w.admin,
        ada_run,
        &review(ReviewStatus::Accepted, "checked the VOD", Some(2900.0)),
        T0 + 2 * MIN,
    )
    .await
    .unwrap();
    w.svc
        .reattempt_race(w.org, &actor(&ada), ada_run, T0 + 3 * MIN)
        .await
        .unwrap();
    w.svc
        .recalculate(w.org, &w.admin(), q, T0 + 4 * MIN, "manual")
        .await
        .unwrap();
    let cy_run = w
        .svc
        .start_run(w.org, &actor(&cy), q, pool, T0 + 100 * MIN)
        .await
        .unwrap();
    assert_eq!(
        w.svc.run_timeouts(T0 + 110 * MIN, None).await.unwrap(),
        (1, 0)
    );
    assert_eq!(
        w.svc.run_timeouts(T0 + 120 * MIN, None).await.unwrap(),
        (0, 1)
    );

    let mut starts = started.wait_for(3).await;
    starts.sort_by_key(|e| e.race_id);
    let mut expected = Vec::new();
    for (race_id, user) in [(ada_run, &ada), (bob_run, &bob), (cy_run.id, &cy)] {
        let race = w.svc.race(w.org, race_id).await.unwrap();
        expected.push(RaceStarted {
            qualifier_id: q,
            race_id,
            user_id: user.id,
            permalink_id: race.permalink_id,
        });
    }
    assert_eq!(starts, expected);

    assert_eq!(
        finished.wait_for(1).await,
        vec![RaceFinished {
            qualifier_id: q,
            race_id: ada_run,
            user_id: ada.id,
            elapsed_seconds: 3000.0,
        }]
    );

    let mut forfeits = forfeited.wait_for(2).await;
    forfeits.sort_by_key(|e| e.race_id);
    assert_eq!(
        forfeits,
        vec![
            RaceForfeited {
                qualifier_id: q,
                race_id: bob_run,
                user_id: bob.id,
                reason: "runner".into(),
            },
            RaceForfeited {
                qualifier_id: q,
                race_id: cy_run.id,
                user_id: cy.id,
                reason: "timeout".into(),
            },
        ]
    );

    assert_eq!(
        reviewed.wait_for(1).await,
        vec![RaceReviewed {
            qualifier_id: q,
            race_id: ada_run,
            reviewer_id: w.admin.id,
            review_status: ReviewStatus::Accepted.as_str().into(),
            elapsed_override_seconds: Some(2900.0),
        }]
    );

    assert_eq!(
        reattempted.wait_for(1).await,
        vec![RaceReattempted {
            qualifier_id: q,
            race_id: ada_run,
            user_id: ada.id,
        }]
    );

    assert_eq!(
        warned.wait_for(1).await,
        vec![TimeoutWarning {
            qualifier_id: q,
            race_id: cy_run.id,
            user_id: cy.id,
            timeout_at: T0 + 120 * MIN,
        }]
    );

    let recalcs = recalculated.wait_for(6).await;
    assert!(recalcs.iter().all(|e| e.qualifier_id == q), "{recalcs:?}");
    let mut triggers: Vec<&str> = recalcs.iter().map(|e| e.trigger.as_str()).collect();
    triggers.sort_unstable();
    assert_eq!(
        triggers,
        [
            "finish",
            "forfeit",
            "manual",
            "reattempt",
            "review",
            "timeout"
        ]
    );
    let permalinks_of = |trigger: &str| {
        recalcs
            .iter()
            .find(|e| e.trigger == trigger)
            .map(|e| e.permalinks)
    };
    // Ada's run was the only finish: scored on finish and review, gone after the reattempt.
    assert_eq!(permalinks_of("finish"), Some(1));
    assert_eq!(permalinks_of("review"), Some(1));
    assert_eq!(permalinks_of("reattempt"), Some(0));
    assert_eq!(permalinks_of("manual"), Some(0));
}
both_backends!(events_of_every_kind, check_events);
