//! What a site admin does to a built-in task: switch it off (and the override outlives a
//! restart), run it now (also while off), and go back to the default, which starts the schedule
//! afresh. Every test starts from [`switched_off`]: `ticker.count` seen once, then switched off.

use std::sync::{atomic::Ordering, Arc};

use platform::{tasks::engine::Scheduler, LoadOptions, PluginHost};
use sdk::{db::Backend, tasks::model::BuiltinTaskView, Actor};
use testkit::both_backends;

use super::{tick, ticker_bundle, wait_for_run, World, MIN, T0};

/// The world after `ticker.count` was first seen at `T0` and then switched off by a site admin;
/// the scheduler and the task's view the switch returned.
async fn switched_off(backend: Backend) -> (World, Scheduler, BuiltinTaskView) {
    let w = World::new(backend).await;
    let s = w.scheduler("a");
    tick(&s, T0).await;
    let off = s
        .set_builtin_active("ticker.count", Some(false), &Actor::system())
        .await
        .unwrap();
    (w, s, off)
}

async fn check_a_task_switched_off_does_not_run(backend: Backend) {
    let (w, s, off) = switched_off(backend).await;
    assert!(!off.active && off.active_override == Some(false) && off.next_run_at.is_none());
    for minute in 1..4 {
        assert!(tick(&s, T0 + minute * MIN).await.is_empty());
    }
    assert_eq!(w.counters.count.load(Ordering::SeqCst), 0);
}
both_backends!(
    a_task_switched_off_does_not_run,
    check_a_task_switched_off_does_not_run
);

async fn check_the_override_survives_a_restart(backend: Backend) {
    let (w, s, _off) = switched_off(backend).await;
    for minute in 1..4 {
        tick(&s, T0 + minute * MIN).await;
    }
    // The override survives a restart: a fresh host and scheduler read it from the database.
    let host2 = Arc::new(
        PluginHost::load(
            &w.test.db,
            vec![ticker_bundle(Arc::clone(&w.counters))],
            LoadOptions::default(),
        )
        .await
        .unwrap(),
    );
    let s2 = Scheduler::with(w.test.db.clone(), host2, "b".into());
    assert!(tick(&s2, T0 + 10 * MIN).await.is_empty());
}
both_backends!(
    the_override_survives_a_restart,
    check_the_override_survives_a_restart
);

async fn check_run_now_works_while_off_and_is_recorded_as_manual(backend: Backend) {
    let (w, s, _off) = switched_off(backend).await;
    // Run now works while it is off, and is recorded as manual.
    let run_id = s
        .run_builtin_now("ticker.count", &Actor::system())
        .await
        .unwrap();
    let run = wait_for_run(&s, run_id).await;
    assert_eq!(run.status, "success");
    assert_eq!(run.trigger, "manual");
    assert_eq!(w.counters.count.load(Ordering::SeqCst), 1);
}
both_backends!(
    run_now_works_while_off_and_is_recorded_as_manual,
    check_run_now_works_while_off_and_is_recorded_as_manual
);

async fn check_run_now_of_an_unknown_task_is_not_found(backend: Backend) {
    let (_w, s, _off) = switched_off(backend).await;
    assert_eq!(
        s.run_builtin_now("ticker.nope", &Actor::system())
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );
}
both_backends!(
    run_now_of_an_unknown_task_is_not_found,
    check_run_now_of_an_unknown_task_is_not_found
);

async fn check_back_to_the_default_starts_afresh_without_catch_up(backend: Backend) {
    let (_w, s, _off) = switched_off(backend).await;
    // Back to the default (on): the schedule starts afresh from the real clock, no catch-up.
    let on = s
        .set_builtin_active("ticker.count", None, &Actor::system())
        .await
        .unwrap();
    assert!(on.active && on.active_override.is_none());
    let next = on.next_run_at.unwrap();
    assert!(next > sdk::time::now_ms() + 50_000);
    let count = "builtin:ticker.count".to_string();
    assert!(!tick(&s, next - 1).await.contains(&count));
    assert!(tick(&s, next).await.contains(&count));
}
both_backends!(
    back_to_the_default_starts_afresh_without_catch_up,
    check_back_to_the_default_starts_afresh_without_catch_up
);
