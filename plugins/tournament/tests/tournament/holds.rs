//! Holds: another plugin's claim stops manual steps and deletion until it is released.

use super::*;

async fn check_holds(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let t = w.tournament(cup("Cup")).await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    let org = w.org;
    w.svc
        .hold(
            org,
            id,
            "RaceTime.gg",
            "race room alttpr/quick-fox-1234 is linked",
            Some("/org/1/racetime/match/1"),
            T0,
        )
        .await
        .unwrap();
    let m = w.svc.get_match(org, id).await.unwrap();
    assert_eq!(m.holds.len(), 1);
    assert_eq!(m.holds[0].path.as_deref(), Some("/org/1/racetime/match/1"));
    for refused in [
        w.svc
            .advance(org, &w.admin(), id, &[], None, T0)
            .await
            .unwrap_err(),
        w.svc
            .delete_match(org, &w.admin(), id, T0)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(refused.kind(), "Conflict");
        assert!(
            refused
                .message()
                .contains("RaceTime.gg controls this match"),
            "{refused}"
        );
        assert!(refused.message().contains("quick-fox-1234"), "{refused}");
    }
    // The holder itself moves the match (the room opened).
    let m = w
        .svc
        .advance(org, &Actor::system(), id, &[], Some("RaceTime.gg"), T0)
        .await
        .unwrap();
    assert_eq!(m.status, MatchStatus::CheckedIn);
    assert!(w.svc.revert(org, &w.admin(), id, None, T0).await.is_err());
    assert!(w.svc.release(org, id, "RaceTime.gg", T0).await.unwrap());
    assert!(!w.svc.release(org, id, "RaceTime.gg", T0).await.unwrap());
    assert_eq!(
        w.svc
            .revert(org, &w.admin(), id, None, T0)
            .await
            .unwrap()
            .status,
        MatchStatus::Scheduled
    );
    w.svc.delete_match(org, &w.admin(), id, T0).await.unwrap();
    assert_eq!(
        w.svc.get_match(org, id).await.unwrap_err().kind(),
        "NotFound"
    );
}
both_backends!(holds, check_holds);
