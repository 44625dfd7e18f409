//! Crew sign-up, approval and withdrawal.

use super::*;
use tournament::model::Match;

/// A tournament with trackers and its scheduled match: ada and bob play, cal and dee may crew.
struct Crew {
    w: World,
    ada: CurrentUser,
    bob: CurrentUser,
    cal: CurrentUser,
    dee: CurrentUser,
    id: i64,
}

async fn crew_match(backend: Backend) -> Crew {
    let w = world(backend).await;
    let (ada, bob, cal, dee) = (
        w.member("ada").await,
        w.member("bob").await,
        w.member("cal").await,
        w.member("dee").await,
    );
    let t = w
        .tournament(TournamentInput {
            tracker_enabled: true,
            ..cup("Cup")
        })
        .await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    Crew {
        w,
        ada,
        bob,
        cal,
        dee,
        id,
    }
}

impl Crew {
    async fn sign_up(&self, user: &CurrentUser, role: CrewRole) -> Result<Match, sdk::Error> {
        self.w
            .svc
            .crew_signup(self.w.org, &actor(user), self.id, role, T0)
            .await
    }
}

/// Sign-ups wait for approval; one per role; never by a player of the match.
async fn check_sign_up(backend: Backend) {
    let c = crew_match(backend).await;
    let (w, org, id) = (&c.w, c.w.org, c.id);
    assert!(w.svc.get_match(org, id).await.unwrap().trackers_wanted);
    let m = c.sign_up(&c.cal, CrewRole::Commentator).await.unwrap();
    assert_eq!(m.crew.len(), 1);
    assert!(!m.crew[0].approved, "sign-ups wait for approval");
    let again = c.sign_up(&c.cal, CrewRole::Commentator).await.unwrap_err();
    assert_eq!(again.kind(), "Conflict");
    c.sign_up(&c.cal, CrewRole::Tracker).await.unwrap();
    let own = c.sign_up(&c.ada, CrewRole::Commentator).await.unwrap_err();
    assert_eq!(own.kind(), "Forbidden");
    assert!(own.message().contains("play in this match"), "{own}");
}
both_backends!(sign_up, check_sign_up);

/// Managers approve a sign-up and take the approval back.
async fn check_approve_and_unapprove(backend: Backend) {
    let c = crew_match(backend).await;
    let (w, org) = (&c.w, c.w.org);
    let m = c.sign_up(&c.cal, CrewRole::Commentator).await.unwrap();
    let crew_id = m.crew[0].id;
    let m = w
        .svc
        .set_crew_approved(org, &w.admin(), crew_id, true, T0)
        .await
        .unwrap();
    assert!(m.crew.iter().find(|c| c.id == crew_id).unwrap().approved);
    let m = w
        .svc
        .set_crew_approved(org, &w.admin(), crew_id, false, T0)
        .await
        .unwrap();
    assert!(!m.crew.iter().find(|c| c.id == crew_id).unwrap().approved);
}
both_backends!(approve_and_unapprove, check_approve_and_unapprove);

/// Added by a manager: approved at once; not a player; members only.
async fn check_added_by_a_manager(backend: Backend) {
    let c = crew_match(backend).await;
    let (w, org, id) = (&c.w, c.w.org, c.id);
    let dee = &c.dee;
    let m = w
        .svc
        .add_crew(org, &w.admin(), id, dee.id, CrewRole::Restreamer, T0)
        .await
        .unwrap();
    assert!(m
        .crew
        .iter()
        .any(|c| c.user_id == dee.id && c.role == CrewRole::Restreamer && c.approved));
    assert_eq!(
        w.svc
            .add_crew(org, &w.admin(), id, c.bob.id, CrewRole::Tracker, T0)
            .await
            .unwrap_err()
            .field(),
        Some("user_id")
    );
    let outsider = w.user("outsider").await;
    assert_eq!(
        w.svc
            .add_crew(org, &w.admin(), id, outsider.id, CrewRole::Tracker, T0)
            .await
            .unwrap_err()
            .field(),
        Some("user_id")
    );
}
both_backends!(added_by_a_manager, check_added_by_a_manager);

/// A member withdraws their own sign-up (once); the match stays in their matches while they
/// crew it in another role.
async fn check_withdraw(backend: Backend) {
    let c = crew_match(backend).await;
    let (w, org, id) = (&c.w, c.w.org, c.id);
    let cal = &c.cal;
    c.sign_up(cal, CrewRole::Commentator).await.unwrap();
    c.sign_up(cal, CrewRole::Tracker).await.unwrap();
    let m = w
        .svc
        .crew_withdraw(org, &actor(cal), id, CrewRole::Tracker, T0)
        .await
        .unwrap();
    assert!(!m
        .crew
        .iter()
        .any(|c| c.user_id == cal.id && c.role == CrewRole::Tracker));
    assert_eq!(
        w.svc
            .crew_withdraw(org, &actor(cal), id, CrewRole::Tracker, T0)
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );
    // My matches: the crew member sees the match.
    let mine = w
        .svc
        .matches(
            org,
            &MatchQuery {
                involving: Some(cal.id),
                ..MatchQuery::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(mine.iter().map(|m| m.id).collect::<Vec<_>>(), vec![id]);
}
both_backends!(withdraw, check_withdraw);

/// Over: sign-up closes.
async fn check_sign_up_closes_when_the_match_is_over(backend: Backend) {
    let c = crew_match(backend).await;
    let (w, org, id) = (&c.w, c.w.org, c.id);
    for _ in 0..3 {
        w.svc
            .advance(org, &w.admin(), id, &[], None, T0)
            .await
            .unwrap();
    }
    let closed = c.sign_up(&c.dee, CrewRole::Commentator).await.unwrap_err();
    assert!(closed.message().contains("over"), "{closed}");
}
both_backends!(
    sign_up_closes_when_the_match_is_over,
    check_sign_up_closes_when_the_match_is_over
);

/// A tournament without trackers takes commentators and restreamers, not trackers.
async fn check_trackers_only_where_wanted(backend: Backend) {
    let c = crew_match(backend).await;
    let (w, org) = (&c.w, c.w.org);
    let cal = &c.cal;
    let plain = w.tournament(cup("Plain Cup")).await;
    let plain_match = w.scheduled_match(plain, &[&c.ada, &c.bob]).await;
    let no_tracker = w
        .svc
        .crew_signup(org, &actor(cal), plain_match, CrewRole::Tracker, T0)
        .await
        .unwrap_err();
    assert_eq!(no_tracker.field(), Some("role"));
    assert!(
        no_tracker.message().contains("does not use trackers"),
        "{no_tracker}"
    );
    let m = w
        .svc
        .crew_signup(org, &actor(cal), plain_match, CrewRole::Restreamer, T0)
        .await
        .unwrap();
    assert!(!m.trackers_wanted);
    assert!(m
        .crew
        .iter()
        .any(|c| c.user_id == cal.id && c.role == CrewRole::Restreamer));
}
both_backends!(trackers_only_where_wanted, check_trackers_only_where_wanted);
