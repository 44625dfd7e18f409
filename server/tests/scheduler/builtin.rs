//! Site-wide (built-in) tasks on their schedules, on a chosen clock: interval tasks at their
//! slots (missed slots run once), cron tasks at matching times, one-time tasks once; and a real
//! server's clock firing a due task by itself.

use std::sync::{atomic::Ordering, Arc};

use platform::tasks::engine::Scheduler;
use sdk::{db::Backend, Actor};
use testkit::{both_backends, TestDb};

use super::{builtin_view, common, runs_of, tick, ticker_bundle, Counters, World, MIN, T0};

async fn check_interval_tasks_fire_at_their_slots(backend: Backend) {
    let w = World::new(backend).await;
    let s = w.scheduler("a");
    // First sight: the first slot is one interval away.
    assert!(tick(&s, T0).await.is_empty());
    assert!(tick(&s, T0 + MIN - 1).await.is_empty());
    assert_eq!(tick(&s, T0 + MIN).await, vec!["builtin:ticker.count"]);
    // The same slot is not run twice.
    assert!(tick(&s, T0 + MIN).await.is_empty());
    // Four slots missed (the server was down): one run, then the schedule goes on from now.
    assert_eq!(
        tick(&s, T0 + 5 * MIN + 1).await,
        vec!["builtin:ticker.count"]
    );
    assert!(tick(&s, T0 + 5 * MIN + 2).await.is_empty());
    assert_eq!(w.counters.count.load(Ordering::SeqCst), 2);
    let runs = runs_of(&s, "builtin:ticker.count").await;
    assert_eq!(runs.len(), 2);
    assert!(runs
        .iter()
        .all(|r| r.status == "success" && r.trigger == "schedule"));
    let mut dues: Vec<i64> = runs.iter().map(|r| r.due_at).collect();
    dues.sort();
    assert_eq!(dues, vec![T0 + MIN, T0 + 2 * MIN]);
    let view = builtin_view(&s, "ticker.count").await;
    assert_eq!(view.next_run_at, Some(T0 + 6 * MIN));
    assert_eq!(view.last_status.as_deref(), Some("success"));
    assert!(view.last_run_at.is_some());
    assert_eq!(view.schedule_text, "every 1 minute");
}
both_backends!(
    interval_tasks_fire_at_their_slots,
    check_interval_tasks_fire_at_their_slots
);

async fn check_cron_tasks_fire_at_matching_times(backend: Backend) {
    let w = World::new(backend).await;
    let s = w.scheduler("a");
    tick(&s, T0).await;
    let three = T0 + 3 * 60 * MIN;
    assert!(!tick(&s, three - 1000)
        .await
        .contains(&"builtin:ticker.nightly".to_string()));
    assert!(tick(&s, three)
        .await
        .contains(&"builtin:ticker.nightly".to_string()));
    assert_eq!(w.counters.nightly.load(Ordering::SeqCst), 1);
    let view = builtin_view(&s, "ticker.nightly").await;
    assert_eq!(view.next_run_at, Some(three + 24 * 60 * MIN));
}
both_backends!(
    cron_tasks_fire_at_matching_times,
    check_cron_tasks_fire_at_matching_times
);

/// A built-in one-time task runs at its time and never again. (An organization's one-time task:
/// `org_tasks::an_organizations_one_time_task_switches_off_after_its_run`.)
async fn check_one_time_tasks_run_once(backend: Backend) {
    let w = World::new(backend).await;
    let s = w.scheduler("a");
    s.set_builtin_active("ticker.once", Some(true), &Actor::system())
        .await
        .unwrap();
    assert!(tick(&s, T0).await.is_empty());
    assert!(tick(&s, T0 + 10_000)
        .await
        .contains(&"builtin:ticker.once".to_string()));
    for at in [T0 + 20_000, T0 + 600 * MIN] {
        assert!(!tick(&s, at)
            .await
            .contains(&"builtin:ticker.once".to_string()));
    }
    assert_eq!(w.counters.once.load(Ordering::SeqCst), 1);
}
both_backends!(one_time_tasks_run_once, check_one_time_tasks_run_once);

/// A real server's clock fires an interval task by itself (SQLite).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_clock_fires_interval_tasks() {
    let counters = Arc::new(Counters::default());
    let test = TestDb::new(Backend::Sqlite).await;
    let server = server::start_with_plugins(
        common::test_config(&test.url),
        vec![ticker_bundle(Arc::clone(&counters))],
    )
    .await
    .unwrap();
    // The first slot of "count" is a minute away; move it to now so the clock picks it up.
    let scheduler = Scheduler::new(&server.platform);
    scheduler.builtin_views().await.unwrap();
    sqlx::query("UPDATE builtin_tasks SET next_run_at = $1 WHERE task_key = 'ticker.count'")
        .bind(sdk::time::now_ms())
        .execute(test.db.pool())
        .await
        .unwrap();
    let mut fired = false;
    for _ in 0..150 {
        if counters.count.load(Ordering::SeqCst) == 1 {
            fired = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    server.stop().await.unwrap();
    assert!(fired, "the scheduler's clock did not run the due task");
}
