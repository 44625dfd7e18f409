//! The status flow: each step sets or clears exactly its timestamp, refusals say why, results
//! finish a match in progress, and simultaneous steps move a match once.

use super::*;
use tournament::model::Match;

/// The scheduled match of [`World::scheduled_match`] between two new members, ada and bob.
struct Flow {
    w: World,
    ada: CurrentUser,
    bob: CurrentUser,
    t: i64,
    id: i64,
}

async fn flow(backend: Backend) -> Flow {
    let w = world(backend).await;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let t = w.tournament(cup("Cup")).await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    Flow { w, ada, bob, t, id }
}

impl Flow {
    async fn advance(&self, now: i64) -> Result<Match, sdk::Error> {
        let w = &self.w;
        w.svc
            .advance(w.org, &w.admin(), self.id, &[], None, now)
            .await
    }

    async fn revert(&self, now: i64) -> Result<Match, sdk::Error> {
        let w = &self.w;
        w.svc.revert(w.org, &w.admin(), self.id, None, now).await
    }

    /// Ranks ada and bob (in that order).
    async fn result(&self, ada: i64, bob: i64, now: i64) -> Result<Match, sdk::Error> {
        let w = &self.w;
        let ranks = [
            RankInput {
                user_id: self.ada.id,
                rank: ada,
            },
            RankInput {
                user_id: self.bob.id,
                rank: bob,
            },
        ];
        w.svc
            .set_result(w.org, &w.admin(), self.id, &ranks, None, now)
            .await
    }

    /// Checked in, started and finished at T0 + 1, 2 and 3 minutes.
    async fn finish(&self) {
        for step in 1..=3 {
            self.advance(T0 + step * MIN).await.unwrap();
        }
    }

    /// Finished as in [`Flow::finish`], bob winning (T0 + 4 min), recorded at T0 + 5 min.
    async fn record(&self) {
        self.finish().await;
        self.result(2, 1, T0 + 4 * MIN).await.unwrap();
        self.advance(T0 + 5 * MIN).await.unwrap();
    }
}

/// Forward: each step sets exactly its own timestamp to its `now`.
async fn check_each_step_forward_sets_exactly_its_timestamp(backend: Backend) {
    let f = flow(backend).await;
    let m = f.w.svc.get_match(f.w.org, f.id).await.unwrap();
    assert_eq!(m.status, MatchStatus::Scheduled);
    assert_eq!(m.scheduled_at, Some(T0 + 60 * MIN));
    let m = f.advance(T0 + MIN).await.unwrap();
    assert_eq!(m.status, MatchStatus::CheckedIn);
    assert_eq!(m.checked_in_at, Some(T0 + MIN));
    assert_eq!(m.started_at, None);
    let m = f.advance(T0 + 2 * MIN).await.unwrap();
    assert_eq!(
        (m.status, m.started_at),
        (MatchStatus::InProgress, Some(T0 + 2 * MIN))
    );
    let m = f.advance(T0 + 3 * MIN).await.unwrap();
    assert_eq!(
        (m.status, m.finished_at),
        (MatchStatus::Finished, Some(T0 + 3 * MIN))
    );
}
both_backends!(
    each_step_forward_sets_exactly_its_timestamp,
    check_each_step_forward_sets_exactly_its_timestamp
);

/// Recording needs the result of every player; a recorded match takes no step forward and no
/// new result.
async fn check_recording_needs_the_result(backend: Backend) {
    let f = flow(backend).await;
    f.finish().await;
    let refused = f.advance(T0 + 4 * MIN).await.unwrap_err();
    assert_eq!(refused.kind(), "Conflict");
    assert!(refused.message().contains("finish rank"), "{refused}");
    let w = &f.w;
    let bad = w
        .svc
        .set_result(
            w.org,
            &w.admin(),
            f.id,
            &[RankInput {
                user_id: f.ada.id,
                rank: 1,
            }],
            None,
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("ranks"));
    let m = f.result(2, 1, T0 + 4 * MIN).await.unwrap();
    assert_eq!(m.players[0].user_id, f.bob.id, "the winner first");
    assert_eq!(m.players[0].finish_rank, Some(1));
    assert_eq!(
        m.status,
        MatchStatus::Finished,
        "setting a result of a finished match keeps it finished"
    );
    let m = f.advance(T0 + 5 * MIN).await.unwrap();
    assert_eq!(
        (m.status, m.confirmed_at),
        (MatchStatus::Recorded, Some(T0 + 5 * MIN))
    );
    assert!(f.advance(T0).await.is_err());
    assert!(f
        .result(1, 2, T0)
        .await
        .unwrap_err()
        .message()
        .contains("revert"));
}
both_backends!(recording_needs_the_result, check_recording_needs_the_result);

/// Back: each step clears exactly the current timestamp, the others stay; a scheduled match
/// does not lose its time by a step.
async fn check_each_step_back_clears_exactly_its_timestamp(backend: Backend) {
    let f = flow(backend).await;
    f.record().await;
    let m = f.revert(T0 + 6 * MIN).await.unwrap();
    assert_eq!((m.status, m.confirmed_at), (MatchStatus::Finished, None));
    assert_eq!(m.finished_at, Some(T0 + 3 * MIN));
    let m = f.revert(T0).await.unwrap();
    assert_eq!((m.status, m.finished_at), (MatchStatus::InProgress, None));
    let m = f.revert(T0).await.unwrap();
    assert_eq!((m.status, m.started_at), (MatchStatus::CheckedIn, None));
    let m = f.revert(T0).await.unwrap();
    assert_eq!((m.status, m.checked_in_at), (MatchStatus::Scheduled, None));
    assert_eq!(m.scheduled_at, Some(T0 + 60 * MIN));
    let refused = f.revert(T0).await.unwrap_err();
    assert!(refused.message().contains("clear its time"), "{refused}");
}
both_backends!(
    each_step_back_clears_exactly_its_timestamp,
    check_each_step_back_clears_exactly_its_timestamp
);

/// A result recorded while in progress finishes the match.
async fn check_a_result_in_progress_finishes_the_match(backend: Backend) {
    let f = flow(backend).await;
    f.advance(T0).await.unwrap();
    f.advance(T0).await.unwrap();
    let m = f.result(1, 2, T0 + 9 * MIN).await.unwrap();
    assert_eq!(
        (m.status, m.finished_at),
        (MatchStatus::Finished, Some(T0 + 9 * MIN))
    );
}
both_backends!(
    a_result_in_progress_finishes_the_match,
    check_a_result_in_progress_finishes_the_match
);

/// Every step says so once (MatchStatusChanged), and reaching Finished says so with the ranks
/// known then (MatchFinished): a step before any result has none, a result in progress has all.
async fn check_status_events_follow_every_step(backend: Backend) {
    let f = flow(backend).await;
    let changes = f.w.record::<MatchStatusChanged>();
    let finished = f.w.record::<MatchFinished>();
    // Up to Recorded (4 steps), back to Scheduled (4), then in progress and finished by the
    // result (3); the refused step says nothing.
    f.record().await;
    for _ in 0..4 {
        f.revert(T0).await.unwrap();
    }
    assert!(f.revert(T0).await.is_err());
    f.advance(T0).await.unwrap();
    f.advance(T0).await.unwrap();
    f.result(1, 2, T0 + 9 * MIN).await.unwrap();

    let finished = finished.wait_for(2).await;
    assert_eq!(finished.len(), 2, "{finished:?}");
    assert_eq!(
        finished[0].ranks,
        Vec::<(i64, i64)>::new(),
        "finished by a step before any result"
    );
    let mut ranks = finished[1].ranks.clone();
    ranks.sort_unstable();
    assert_eq!(ranks, vec![(f.ada.id, 1), (f.bob.id, 2)]);
    let changes = changes.wait_for(11).await;
    assert_eq!(changes.len(), 11, "{changes:?}");
    let steps: Vec<(String, String)> = changes
        .iter()
        .map(|c| (c.from.clone(), c.to.clone()))
        .collect();
    assert_eq!(steps[0], ("scheduled".into(), "checked_in".into()));
    assert_eq!(steps[4], ("recorded".into(), "finished".into()));
    assert_eq!(
        steps.last().unwrap(),
        &("in_progress".to_string(), "finished".to_string())
    );
}
both_backends!(
    status_events_follow_every_step,
    check_status_events_follow_every_step
);

/// A pending match (no time) cannot be checked in.
async fn check_a_pending_match_cannot_be_checked_in(backend: Backend) {
    let f = flow(backend).await;
    let w = &f.w;
    let pending = w
        .svc
        .create_match(
            w.org,
            &w.admin(),
            f.t,
            &MatchInput {
                player_ids: vec![f.ada.id, f.bob.id],
                ..MatchInput::default()
            },
            T0,
        )
        .await
        .unwrap();
    assert_eq!(pending.status, MatchStatus::Pending);
    let refused = w
        .svc
        .advance(w.org, &w.admin(), pending.id, &[], None, T0)
        .await
        .unwrap_err();
    assert!(refused.message().contains("no scheduled time"), "{refused}");
}
both_backends!(
    a_pending_match_cannot_be_checked_in,
    check_a_pending_match_cannot_be_checked_in
);

/// Two managers press "Check in" at the same moment: the match moves one step, the second press
/// is refused with the reason (it does not push the match on to In progress).
async fn check_simultaneous_steps(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let t = w.tournament(cup("Cup")).await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    let request = tournament::service::StepRequest {
        forward: true,
        expected: Some(MatchStatus::Scheduled),
        ..Default::default()
    };
    let admin = w.admin();
    let (a, b) = tokio::join!(
        w.svc.step(w.org, &admin, id, &request, T0),
        w.svc.step(w.org, &admin, id, &request, T0 + 1),
    );
    let results = [a, b];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let refused = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert_eq!(refused.kind(), "Conflict");
    assert!(
        refused.message().contains("already checked in"),
        "{refused}"
    );
    assert_eq!(
        w.svc.get_match(w.org, id).await.unwrap().status,
        MatchStatus::CheckedIn
    );
}
both_backends!(simultaneous_steps, check_simultaneous_steps);
