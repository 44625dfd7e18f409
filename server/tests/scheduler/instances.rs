//! Several schedulers on one database: two instances ticking the same slots run each slot
//! once (runs are claimed per due time), and two real servers on one PostgreSQL database, each
//! ticking the wall clock, run a task due every second once per slot.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use async_trait::async_trait;
use sdk::{
    db::Backend, plugin::Bundle, plugin::LoadContext, plugin::Plugin, tasks::handler,
    tasks::BuiltinTask, tasks::Schedule, Error,
};
use testkit::{both_backends, TestDb};

use super::{common, runs_of, tick, World, MIN, T0};

async fn check_two_instances_run_each_slot_once(backend: Backend) {
    let w = World::new(backend).await;
    let a = w.scheduler("a");
    let b = w.scheduler("b");
    tick(&a, T0).await;
    tick(&b, T0).await;
    for minute in 1..=5 {
        let at = T0 + minute * MIN;
        let (ta, tb) = tokio::join!(a.tick_at(at), b.tick_at(at));
        let mut started = ta.unwrap().finished().await;
        started.extend(tb.unwrap().finished().await);
        assert_eq!(started, vec!["builtin:ticker.count"], "minute {minute}");
    }
    assert_eq!(w.counters.count.load(Ordering::SeqCst), 5);
    let runs = runs_of(&a, "builtin:ticker.count").await;
    assert_eq!(runs.len(), 5);
}
both_backends!(
    two_instances_run_each_slot_once,
    check_two_instances_run_each_slot_once
);

/// Two real servers on one PostgreSQL database, each with its scheduler ticking the wall clock:
/// a task due every second runs once per slot, whichever instance gets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_run_each_due_task_once() {
    struct Fast {
        counter: Arc<AtomicUsize>,
    }
    #[async_trait]
    impl Plugin for Fast {
        async fn on_load(&self, ctx: &LoadContext) -> Result<(), Error> {
            let counter = Arc::clone(&self.counter);
            ctx.task(BuiltinTask {
                name: "tick".into(),
                description: "Every second".into(),
                schedule: Schedule::Interval { seconds: 1 },
                active_by_default: true,
                handler: handler(move |_| {
                    let counter = Arc::clone(&counter);
                    async move {
                        counter.fetch_add(1, Ordering::SeqCst);
                        Ok(())
                    }
                }),
            })
        }
    }
    let counter = Arc::new(AtomicUsize::new(0));
    let bundle = || Bundle {
        manifest_source:
            "id = \"fast\"\nname = \"Fast\"\nversion = \"1.0.0\"\ncategory = \"utility\"\n".into(),
        origin: "test".into(),
        sqlite: Vec::new(),
        postgres: Vec::new(),
        plugin: Arc::new(Fast {
            counter: Arc::clone(&counter),
        }),
    };
    let test = TestDb::new(Backend::Postgres).await;
    let one = server::start_with_plugins(common::test_config(&test.url), vec![bundle()])
        .await
        .unwrap();
    let two = server::start_with_plugins(common::test_config(&test.url), vec![bundle()])
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(4500)).await;
    let rows =
        sqlx::query("SELECT instance, status FROM task_runs WHERE task_key = 'builtin:fast.tick'")
            .fetch_all(test.db.pool())
            .await
            .unwrap();
    one.stop().await.unwrap();
    two.stop().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // Every slot ran exactly once: as many executions as claimed rows, and at least 2 slots in
    // 4.5 s (the first slot is one second after start; a loaded machine may lose one).
    assert!(rows.len() >= 2, "only {} runs", rows.len());
    let executed = counter.load(Ordering::SeqCst);
    let recorded: usize =
        sqlx::query("SELECT COUNT(*) FROM task_runs WHERE task_key = 'builtin:fast.tick'")
            .fetch_one(test.db.pool())
            .await
            .map(|r| sqlx::Row::get::<i64, _>(&r, 0) as usize)
            .unwrap();
    assert_eq!(executed, recorded);
}
