//! Tasks that fail or panic: the run is recorded with the error, the healthy task next to them
//! still runs, and a failed task waits for its next slot (no retry loop). Every test starts from
//! [`failed_once`]: `ticker.flaky` (returns an error) and `ticker.boom` (panics) switched on and
//! run at the same slot as `ticker.count`.

use std::sync::atomic::Ordering;

use platform::tasks::engine::Scheduler;
use sdk::{db::Backend, Actor};
use testkit::both_backends;

use super::{builtin_view, runs_of, tick, World, MIN, T0};

/// The world after the slot at `T0 + MIN` ran `flaky`, `boom` and `count`; the scheduler and
/// the keys that slot started.
async fn failed_once(backend: Backend) -> (World, Scheduler, Vec<String>) {
    let w = World::new(backend).await;
    let s = w.scheduler("a");
    let admin = Actor::system();
    tick(&s, T0).await;
    s.set_builtin_active("ticker.flaky", Some(true), &admin)
        .await
        .unwrap();
    s.set_builtin_active("ticker.boom", Some(true), &admin)
        .await
        .unwrap();
    // Switching on starts the schedule from the real clock; move it to T0 for the test.
    sqlx::query("UPDATE builtin_tasks SET next_run_at = $1 WHERE task_key IN ('ticker.flaky', 'ticker.boom')")
        .bind(T0 + MIN)
        .execute(w.test.db.pool())
        .await
        .unwrap();
    let started = tick(&s, T0 + MIN).await;
    (w, s, started)
}

async fn check_a_failure_is_recorded_with_its_error(backend: Backend) {
    let (_w, s, started) = failed_once(backend).await;
    assert!(started.contains(&"builtin:ticker.flaky".to_string()));
    let flaky = runs_of(&s, "builtin:ticker.flaky").await;
    assert_eq!(flaky.len(), 1);
    assert_eq!(flaky[0].status, "failed");
    assert_eq!(flaky[0].error.as_deref(), Some("the widget server is down"));
    assert!(flaky[0].finished_at.is_some() && flaky[0].duration_ms.is_some());
}
both_backends!(
    a_failure_is_recorded_with_its_error,
    check_a_failure_is_recorded_with_its_error
);

async fn check_a_panic_is_recorded_as_a_failure(backend: Backend) {
    let (_w, s, started) = failed_once(backend).await;
    assert!(started.contains(&"builtin:ticker.boom".to_string()));
    let boom = runs_of(&s, "builtin:ticker.boom").await;
    assert_eq!(boom[0].status, "failed");
    assert!(boom[0]
        .error
        .as_deref()
        .unwrap()
        .contains("panicked: out of widgets"));
}
both_backends!(
    a_panic_is_recorded_as_a_failure,
    check_a_panic_is_recorded_as_a_failure
);

async fn check_healthy_tasks_run_next_to_failing_ones(backend: Backend) {
    let (w, _s, started) = failed_once(backend).await;
    // The healthy task next to them ran too.
    assert!(started.contains(&"builtin:ticker.count".to_string()));
    assert_eq!(w.counters.count.load(Ordering::SeqCst), 1);
}
both_backends!(
    healthy_tasks_run_next_to_failing_ones,
    check_healthy_tasks_run_next_to_failing_ones
);

async fn check_failures_wait_for_the_next_slot(backend: Backend) {
    let (_w, s, _started) = failed_once(backend).await;
    // No retry loop: nothing until the next slot, one run at it.
    for at in [T0 + MIN + 1000, T0 + MIN + 10_000, T0 + 2 * MIN - 1] {
        assert!(!tick(&s, at)
            .await
            .contains(&"builtin:ticker.flaky".to_string()));
    }
    assert!(tick(&s, T0 + 2 * MIN)
        .await
        .contains(&"builtin:ticker.flaky".to_string()));
    assert_eq!(runs_of(&s, "builtin:ticker.flaky").await.len(), 2);
    let view = builtin_view(&s, "ticker.flaky").await;
    assert_eq!(view.last_status.as_deref(), Some("failed"));
    assert_eq!(
        view.last_error.as_deref(),
        Some("the widget server is down")
    );
}
both_backends!(
    failures_wait_for_the_next_slot,
    check_failures_wait_for_the_next_slot
);
