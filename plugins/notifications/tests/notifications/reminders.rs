//! "Starting soon": the due reminder is queued once per match, offset and time for players and
//! approved crew, whichever instance runs the pass; a moved match reminds again; a reminder
//! that could only arrive after the start is dropped; organizations with the plugin off get
//! none.

use notifications::service::{Notifications, ReminderPass};
use sdk::{db::Backend, time::now_ms};
use testkit::both_backends;

use super::*;

async fn reminders(w: &World) -> Vec<i64> {
    w.outbox(w.org)
        .await
        .into_iter()
        .filter(|(_, kind, _)| kind == "match_starting_soon")
        .map(|(user, _, _)| user)
        .collect()
}

async fn check_reminders_are_queued_once_per_offset_and_time(backend: Backend) {
    let w = world(backend).await;
    let ada = w.player("ada", "1001").await;
    let bob = w.player("bob", "1002").await;
    let at = w.t0 + 3 * HOUR;
    let m = w.match_at("Final", Some(at), &[&ada, &bob]).await;
    assert_eq!(
        w.svc.queue_reminders(at - 31 * MIN).await.unwrap(),
        ReminderPass::default()
    );
    // Two instances run the same pass: the keys let only one set of rows in.
    let other = Notifications::with_instance(&w.platform, "other");
    let (a, b) = tokio::join!(
        w.svc.queue_reminders(at - 30 * MIN),
        other.queue_reminders(at - 30 * MIN)
    );
    assert_eq!(a.unwrap().queued + b.unwrap().queued, 2);
    assert_eq!(
        w.svc.queue_reminders(at - 29 * MIN).await.unwrap().queued,
        0
    );
    assert_eq!(reminders(&w).await, vec![ada.id, bob.id]);
    let pass = w.svc.deliver_due(at - 29 * MIN).await.unwrap();
    assert_eq!(
        pass.sent, 4,
        "the scheduled news and the reminders: {pass:?}"
    );
    let title = w.fake.dms()[2].embed.clone().unwrap().0;
    assert_eq!(title, "Starting in 30 minutes: Final (Spring Cup)");

    // The 5-minute reminder comes too, but one that could go only after the start is dropped.
    assert_eq!(w.svc.queue_reminders(at - 5 * MIN).await.unwrap().queued, 2);
    let late = w.svc.deliver_due(at + 1).await.unwrap();
    assert_eq!(late.cancelled, 2, "{late:?}");
    assert_eq!(w.fake.dms().len(), 4);

    // Moved by an hour: reminded again for the new time.
    let moved = at + HOUR;
    w.move_match(m, "Final", moved, &[&ada, &bob]).await;
    assert_eq!(
        w.svc
            .queue_reminders(moved - 30 * MIN)
            .await
            .unwrap()
            .queued,
        2
    );
    assert_eq!(reminders(&w).await.len(), 6);
}

both_backends!(
    reminders_are_queued_once_per_offset_and_time,
    check_reminders_are_queued_once_per_offset_and_time
);

async fn check_no_reminders_where_the_plugin_is_off(backend: Backend) {
    let w = world(backend).await;
    let (ada, zed) = w.ada_and_quiet_zed().await;
    let at = now_ms() + 3 * HOUR;
    w.match_at("Final", Some(at), &[&ada, &zed]).await;
    w.world.set_enabled(notifications::PLUGIN_ID, false).await;
    assert_eq!(w.svc.queue_reminders(at - 5 * MIN).await.unwrap().queued, 0);
    // What was queued before it went off is not sent either.
    let pass = w.svc.deliver_due(now_ms()).await.unwrap();
    assert_eq!(pass.cancelled, 1, "{pass:?}");
    assert!(w.fake.dms().is_empty());
}

both_backends!(
    no_reminders_where_the_plugin_is_off,
    check_no_reminders_where_the_plugin_is_off
);
