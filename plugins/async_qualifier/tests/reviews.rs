//! Reviews on SQLite and PostgreSQL, through the service: the runner's request and the queue,
//! who may review (not the runner; `async_race:review` and approve/reject, decided by the
//! service), an elapsed override rescoring the permalink, rejections, and reattempted runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use async_qualifier::{repo::RaceFilter, rules::ReviewStatus};
use common::{actor, close, review, world, World, MIN, T0};
use sdk::{auth::CurrentUser, db::Backend};
use testkit::both_backends;
use testkit::platform;

/// A qualifier with one seed run by five runners in 3000 s (par 3000), and a reviewer.
struct Reviewed {
    w: World,
    q: i64,
    link: i64,
    reviewer: CurrentUser,
    runners: Vec<CurrentUser>,
    races: Vec<i64>,
}

async fn reviewed(backend: Backend) -> Reviewed {
    let w = world(backend).await;
    let q = w.qualifier("Review", 1, -1).await;
    let (pool, links) = w.pool(q, "P", 1).await;
    let reviewer = w.member("reviewer", &["Async Reviewer"]).await;
    let runners = w.members("v", 5).await;
    let mut races = Vec::new();
    for (i, r) in runners.iter().enumerate() {
        races.push(w.run(r, q, pool, T0 + i as i64 * MIN, 3000.0).await);
    }
    assert!(close(w.par(links[0]).await, 3000.0));
    Reviewed {
        w,
        q,
        link: links[0],
        reviewer,
        runners,
        races,
    }
}

async fn queue(w: &World, q: i64) -> Vec<async_qualifier::repo::RaceRow> {
    w.svc
        .races(
            w.org,
            q,
            RaceFilter {
                review_queue: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
}

/// The runner asks for review (with a reason); the queue lists it (oldest first) with the
/// request.
async fn check_a_review_request_needs_a_reason(backend: Backend) {
    let Reviewed {
        w,
        q,
        runners,
        races,
        ..
    } = reviewed(backend).await;
    let reason_err = w
        .svc
        .request_review(w.org, &actor(&runners[0]), races[0], " ", T0)
        .await
        .unwrap_err();
    assert_eq!(reason_err.field(), Some("reason"));
    w.svc
        .request_review(w.org, &actor(&runners[0]), races[0], "timer glitch", T0)
        .await
        .unwrap();
    let queue = queue(&w, q).await;
    assert_eq!(queue.len(), 5);
    assert_eq!(queue[0].id, races[0]);
    assert!(queue[0].review_requested);
}
both_backends!(
    a_review_request_needs_a_reason,
    check_a_review_request_needs_a_reason
);

/// Self-review: refused. A runner who is also a reviewer cannot review their own run either.
async fn check_self_review_is_refused(backend: Backend) {
    let Reviewed {
        w,
        q,
        reviewer,
        runners,
        races,
        ..
    } = reviewed(backend).await;
    let err = w
        .review(
            &runners[0],
            races[0],
            &review(ReviewStatus::Accepted, "", None),
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    let (other_pool, _) = w.pool(q, "Reviewer's", 1).await;
    let own = w.run(&reviewer, q, other_pool, T0, 3000.0).await;
    let err = w
        .review(
            &reviewer,
            own,
            &review(ReviewStatus::Accepted, "", None),
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
}
both_backends!(self_review_is_refused, check_self_review_is_refused);

/// An override of 2000 s for run 0: par (2000 + 4×3000)/5 = 2800, and every score moves.
async fn check_an_elapsed_override_rescores_the_permalink(backend: Backend) {
    let Reviewed {
        w,
        q,
        link,
        reviewer,
        races,
        ..
    } = reviewed(backend).await;
    let reviewed = w
        .review(
            &reviewer,
            races[0],
            &review(ReviewStatus::Accepted, "retimed from the VOD", Some(2000.0)),
            T0 + 500 * MIN,
        )
        .await
        .unwrap();
    assert_eq!(reviewed.review_status, ReviewStatus::Accepted);
    assert!(close(reviewed.elapsed_seconds(), 2000.0));
    assert!(close(w.par(link).await, 2800.0));
    assert!(close(
        w.score(races[1]).await,
        (2.0 - 3000.0 / 2800.0) * 100.0
    ));
    assert!(close(w.score(races[0]).await, 105.0));
    assert_eq!(queue(&w, q).await.len(), 4);
}
both_backends!(
    an_elapsed_override_rescores_the_permalink,
    check_an_elapsed_override_rescores_the_permalink
);

/// Reject without override: scores stay.
async fn check_a_rejection_keeps_the_scores(backend: Backend) {
    let Reviewed {
        w, reviewer, races, ..
    } = reviewed(backend).await;
    let before = w.score(races[1]).await;
    w.review(
        &reviewer,
        races[1],
        &review(ReviewStatus::Rejected, "no VOD", None),
        T0,
    )
    .await
    .unwrap();
    assert_eq!(w.score(races[1]).await, before);
}
both_backends!(
    a_rejection_keeps_the_scores,
    check_a_rejection_keeps_the_scores
);

/// A reattempted run is not reviewed.
async fn check_a_reattempted_run_is_not_reviewed(backend: Backend) {
    let Reviewed {
        w,
        reviewer,
        runners,
        races,
        ..
    } = reviewed(backend).await;
    w.svc
        .reattempt_race(w.org, &actor(&runners[2]), races[2], T0 + 600 * MIN)
        .await
        .unwrap();
    assert!(w
        .review(
            &reviewer,
            races[2],
            &review(ReviewStatus::Accepted, "", None),
            T0
        )
        .await
        .is_err());
}
both_backends!(
    a_reattempted_run_is_not_reviewed,
    check_a_reattempted_run_is_not_reviewed
);

/// Actions: plain members hold async_race:run (the Member grant) and not review; reviewers
/// approve but do not manage; the admin manages.
async fn check_members_run_and_reviewers_review(backend: Backend) {
    let Reviewed {
        w,
        reviewer,
        runners,
        ..
    } = reviewed(backend).await;
    let authz = testkit::authorizer(&w.platform);
    assert!(authz
        .allowed(&runners[3], w.org, "async_race:run")
        .await
        .unwrap());
    assert!(!authz
        .allowed(&runners[3], w.org, "async_race:review")
        .await
        .unwrap());
    assert!(authz
        .allowed(&reviewer, w.org, "async_race:approve")
        .await
        .unwrap());
    assert!(!authz
        .allowed(&reviewer, w.org, "async_tournament:update")
        .await
        .unwrap());
    assert!(authz
        .allowed(&w.admin, w.org, "async_tournament:update")
        .await
        .unwrap());
}
both_backends!(
    members_run_and_reviewers_review,
    check_members_run_and_reviewers_review
);

/// Approving and rejecting are separate rights, checked by the service (so by every adapter):
/// a reviewer denied `async_race:reject` may accept a run but not reject one.
async fn check_rejecting_needs_its_own_right(backend: Backend) {
    let Reviewed {
        w, reviewer, races, ..
    } = reviewed(backend).await;
    platform::identity::roles::set_user_statements(
        &w.test.db,
        testkit::authorizer(&w.platform),
        &w.admin,
        w.org,
        reviewer.id,
        &[sdk::auth::policy::Statement::deny(&["async_race:reject"])],
        None,
    )
    .await
    .unwrap();
    let err = w
        .review(
            &reviewer,
            races[1],
            &review(ReviewStatus::Rejected, "no VOD", None),
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    assert!(err.message().contains("async_race:reject"), "{err:?}");
    let accepted = w
        .review(
            &reviewer,
            races[1],
            &review(ReviewStatus::Accepted, "fine", None),
            T0,
        )
        .await
        .unwrap();
    assert_eq!(accepted.review_status, ReviewStatus::Accepted);
}
both_backends!(
    rejecting_needs_its_own_right,
    check_rejecting_needs_its_own_right
);
