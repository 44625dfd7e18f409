//! The scheduler on SQLite and PostgreSQL, with a test-only plugin's tasks and a chosen clock:
//! interval and cron tasks fire at their slots (and skip missed ones), one-time tasks run once,
//! failures and panics are recorded and wait for the next slot, site admins' overrides and
//! run-now, organization tasks and their validation, and two instances claiming the same runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use async_trait::async_trait;
use platform::{tasks::engine::Scheduler, LoadOptions, PluginHost};
use sdk::{
    auth::GlobalLevel, db::Backend, plugin::Bundle, plugin::LoadContext, plugin::Plugin,
    tasks::handler, tasks::model::OrgTaskInput, tasks::BuiltinTask, tasks::Schedule,
    tasks::TaskType, Actor, Error,
};
use serde_json::json;
use testkit::{both_backends, TestDb};

/// 2026-01-01T00:00:00Z
const T0: i64 = 1_767_225_600_000;
const MIN: i64 = 60_000;

#[derive(Default)]
struct Counters {
    count: AtomicUsize,
    nightly: AtomicUsize,
    once: AtomicUsize,
    echoes: Mutex<Vec<(Option<i64>, serde_json::Value)>>,
}

struct Ticker {
    counters: Arc<Counters>,
}

#[async_trait]
impl Plugin for Ticker {
    async fn on_load(&self, ctx: &LoadContext) -> Result<(), Error> {
        let c = Arc::clone(&self.counters);
        ctx.task(BuiltinTask {
            name: "count".into(),
            description: "Counts".into(),
            schedule: Schedule::Interval { seconds: 60 },
            active_by_default: true,
            handler: handler(move |_| {
                let c = Arc::clone(&c);
                async move {
                    c.count.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                }
            }),
        })?;
        let c = Arc::clone(&self.counters);
        ctx.task(BuiltinTask {
            name: "nightly".into(),
            description: "At three".into(),
            schedule: Schedule::Cron {
                expression: "0 3 * * *".into(),
            },
            active_by_default: true,
            handler: handler(move |_| {
                let c = Arc::clone(&c);
                async move {
                    c.nightly.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                }
            }),
        })?;
        ctx.task(BuiltinTask {
            name: "flaky".into(),
            description: "Always fails".into(),
            schedule: Schedule::Interval { seconds: 60 },
            active_by_default: false,
            handler: handler(|_| async { Err(Error::conflict("the widget server is down")) }),
        })?;
        ctx.task(BuiltinTask {
            name: "boom".into(),
            description: "Panics".into(),
            schedule: Schedule::Interval { seconds: 60 },
            active_by_default: false,
            handler: handler(|_| async {
                let items: Vec<i32> = Vec::new();
                if items.is_empty() {
                    panic!("out of widgets");
                }
                Ok(())
            }),
        })?;
        let c = Arc::clone(&self.counters);
        ctx.task(BuiltinTask {
            name: "once".into(),
            description: "Once".into(),
            schedule: Schedule::Once { at: T0 + 10_000 },
            active_by_default: false,
            handler: handler(move |_| {
                let c = Arc::clone(&c);
                async move {
                    c.once.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                }
            }),
        })?;
        let c = Arc::clone(&self.counters);
        ctx.task_type(TaskType {
            name: "echo".into(),
            description: "Repeats a message".into(),
            config_schema: Some(json!({
                "type": "object",
                "properties": {"message": {"type": "string", "minLength": 1}},
                "required": ["message"]
            })),
            handler: handler(move |run| {
                let c = Arc::clone(&c);
                async move {
                    if run.config["message"] == "fail" {
                        return Err(Error::conflict("asked to fail"));
                    }
                    c.echoes.lock().unwrap().push((run.org_id, run.config));
                    Ok(())
                }
            }),
        })?;
        Ok(())
    }
}

fn ticker_bundle(counters: Arc<Counters>) -> Bundle {
    Bundle {
        manifest_source: "id = \"ticker\"\nname = \"Ticker\"\nversion = \"1.0.0\"\ncategory = \"utility\"\nenabled_by_default = true\n[provides]\ntasks = [\"count\", \"nightly\", \"flaky\", \"boom\", \"once\", \"echo\"]\n".into(),
        origin: "test".into(),
        sqlite: Vec::new(),
        postgres: Vec::new(),
        plugin: Arc::new(Ticker { counters }),
    }
}

struct World {
    test: TestDb,
    host: Arc<PluginHost>,
    counters: Arc<Counters>,
}

impl World {
    async fn new(backend: Backend) -> Self {
        let test = TestDb::new(backend).await;
        test.migrate_core().await;
        let counters = Arc::new(Counters::default());
        let host = Arc::new(
            PluginHost::load(
                &test.db,
                vec![ticker_bundle(Arc::clone(&counters))],
                LoadOptions::default(),
            )
            .await
            .unwrap(),
        );
        Self {
            test,
            host,
            counters,
        }
    }

    fn scheduler(&self, instance: &str) -> Scheduler {
        Scheduler::with(
            self.test.db.clone(),
            Arc::clone(&self.host),
            instance.into(),
        )
    }
}

async fn tick(s: &Scheduler, at: i64) -> Vec<String> {
    s.tick_at(at).await.unwrap().finished().await
}

async fn runs_of(s: &Scheduler, key: &str) -> Vec<sdk::tasks::model::TaskRunView> {
    s.history(None, Some(key), 100).await.unwrap()
}

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
    let view = s
        .builtin_views()
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.key == "ticker.count")
        .unwrap();
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
    let view = s
        .builtin_views()
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.key == "ticker.nightly")
        .unwrap();
    assert_eq!(view.next_run_at, Some(three + 24 * 60 * MIN));
}
both_backends!(
    cron_tasks_fire_at_matching_times,
    check_cron_tasks_fire_at_matching_times
);

async fn check_failures_are_recorded_and_wait_for_the_next_slot(backend: Backend) {
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
    assert!(started.contains(&"builtin:ticker.flaky".to_string()));
    assert!(started.contains(&"builtin:ticker.boom".to_string()));
    // The healthy task next to them ran too.
    assert!(started.contains(&"builtin:ticker.count".to_string()));
    assert_eq!(w.counters.count.load(Ordering::SeqCst), 1);

    let flaky = runs_of(&s, "builtin:ticker.flaky").await;
    assert_eq!(flaky.len(), 1);
    assert_eq!(flaky[0].status, "failed");
    assert_eq!(flaky[0].error.as_deref(), Some("the widget server is down"));
    assert!(flaky[0].finished_at.is_some() && flaky[0].duration_ms.is_some());
    let boom = runs_of(&s, "builtin:ticker.boom").await;
    assert_eq!(boom[0].status, "failed");
    assert!(boom[0]
        .error
        .as_deref()
        .unwrap()
        .contains("panicked: out of widgets"));

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
    let view = s
        .builtin_views()
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.key == "ticker.flaky")
        .unwrap();
    assert_eq!(view.last_status.as_deref(), Some("failed"));
    assert_eq!(
        view.last_error.as_deref(),
        Some("the widget server is down")
    );
}
both_backends!(
    failures_are_recorded_and_wait_for_the_next_slot,
    check_failures_are_recorded_and_wait_for_the_next_slot
);

async fn check_overrides_and_run_now(backend: Backend) {
    let w = World::new(backend).await;
    let s = w.scheduler("a");
    tick(&s, T0).await;
    let off = s
        .set_builtin_active("ticker.count", Some(false), &Actor::system())
        .await
        .unwrap();
    assert!(!off.active && off.active_override == Some(false) && off.next_run_at.is_none());
    for minute in 1..4 {
        assert!(tick(&s, T0 + minute * MIN).await.is_empty());
    }
    assert_eq!(w.counters.count.load(Ordering::SeqCst), 0);
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

    // Run now works while it is off, and is recorded as manual.
    let run_id = s
        .run_builtin_now("ticker.count", &Actor::system())
        .await
        .unwrap();
    let run = wait_for_run(&s, run_id).await;
    assert_eq!(run.status, "success");
    assert_eq!(run.trigger, "manual");
    assert_eq!(w.counters.count.load(Ordering::SeqCst), 1);
    assert_eq!(
        s.run_builtin_now("ticker.nope", &Actor::system())
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );

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
both_backends!(overrides_and_run_now, check_overrides_and_run_now);

async fn wait_for_run(s: &Scheduler, run_id: i64) -> sdk::tasks::model::TaskRunView {
    for _ in 0..100 {
        if let Some(run) = s.run(run_id).await.unwrap() {
            if run.status != "running" {
                return run;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("run {run_id} did not finish");
}

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

    // An organization's one-time task deactivates after its run.
    let owner = w.test.user("owner", GlobalLevel::Superadmin).await;
    let org = w.test.org(&owner, "Org").await;
    let at = sdk::time::now_ms() + 5 * MIN;
    let task = s
        .create_org_task(
            org,
            OrgTaskInput {
                name: "Say hi once".into(),
                task_type: "ticker.echo".into(),
                schedule: Schedule::Once { at },
                config: json!({"message": "hi"}),
                active: true,
            },
            &Actor::user(owner.clone()),
        )
        .await
        .unwrap();
    assert_eq!(task.next_run_at, Some(at));
    let key = format!("org:{}", task.id);
    assert!(!tick(&s, at - 1).await.contains(&key));
    assert!(tick(&s, at).await.contains(&key));
    let after = s.org_task(org, task.id).await.unwrap();
    assert!(!after.active);
    assert_eq!(after.next_run_at, None);
    assert_eq!(after.last_status.as_deref(), Some("success"));
    assert!(!tick(&s, at + 10 * MIN).await.contains(&key));
    assert_eq!(
        w.counters.echoes.lock().unwrap().clone(),
        vec![(Some(org), json!({"message": "hi"}))]
    );
}
both_backends!(one_time_tasks_run_once, check_one_time_tasks_run_once);

async fn check_organization_tasks(backend: Backend) {
    let w = World::new(backend).await;
    let s = w.scheduler("a");
    let owner = w.test.user("owner", GlobalLevel::Superadmin).await;
    let org = w.test.org(&owner, "Org").await;
    let other_org = w.test.org(&owner, "Other").await;
    let by = Actor::user(owner.clone());
    let input = |name: &str, schedule: Schedule, config: serde_json::Value| OrgTaskInput {
        name: name.into(),
        task_type: "ticker.echo".into(),
        schedule,
        config,
        active: true,
    };
    let every_five = Schedule::Cron {
        expression: "*/5 * * * *".into(),
    };

    // Validation names the field and says what to do.
    let cases = [
        (
            input("", every_five.clone(), json!({"message": "x"})),
            "name",
            "Give the task a name",
        ),
        (
            input(
                "Bad cron",
                Schedule::Cron {
                    expression: "0 3 * * * /bin/backup".into(),
                },
                json!({"message": "x"}),
            ),
            "cron",
            "crontab line with its command",
        ),
        (
            input(
                "Short",
                Schedule::Interval { seconds: 0 },
                json!({"message": "x"}),
            ),
            "interval_seconds",
            "once a minute",
        ),
        (
            input("No message", every_five.clone(), json!({})),
            "config",
            "\"message\" is a required property",
        ),
        (
            OrgTaskInput {
                task_type: "ticker.nope".into(),
                ..input("Unknown", every_five.clone(), json!({}))
            },
            "task_type",
            "Known types: ticker.echo",
        ),
    ];
    for (bad, field, text) in cases {
        let err = s.create_org_task(org, bad, &by).await.unwrap_err();
        assert_eq!(err.field(), Some(field), "{err:?}");
        assert!(err.message().contains(text), "{}", err.message());
    }

    let task = s
        .create_org_task(
            org,
            input("Echo", every_five.clone(), json!({"message": "hello"})),
            &by,
        )
        .await
        .unwrap();
    let err = s
        .create_org_task(
            org,
            input("Echo", every_five.clone(), json!({"message": "again"})),
            &by,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Conflict");
    // Names are per organization.
    let theirs = s
        .create_org_task(
            other_org,
            input("Echo", every_five.clone(), json!({"message": "theirs"})),
            &by,
        )
        .await
        .unwrap();
    assert_eq!(s.org_tasks(org).await.unwrap().len(), 1);
    assert_eq!(
        s.org_task(org, theirs.id).await.unwrap_err().kind(),
        "NotFound"
    );

    // It runs at its slot with its config and organization.
    let due = task.next_run_at.unwrap();
    let started = tick(&s, due).await;
    assert!(started.contains(&format!("org:{}", task.id)));
    assert!(w
        .counters
        .echoes
        .lock()
        .unwrap()
        .contains(&(Some(org), json!({"message": "hello"}))));
    let runs = s.history(Some(org), None, 50).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].task_name, "Echo");

    // Changed to fail: recorded on the task.
    let failing = s
        .update_org_task(
            org,
            task.id,
            input("Echo", every_five.clone(), json!({"message": "fail"})),
            &by,
        )
        .await
        .unwrap();
    assert_eq!(failing.next_run_at, Some(due + 5 * MIN));
    tick(&s, due + 5 * MIN).await;
    let t = s.org_task(org, task.id).await.unwrap();
    assert_eq!(t.last_status.as_deref(), Some("failed"));
    assert_eq!(t.last_error.as_deref(), Some("asked to fail"));

    // The plugin switched off for the organization: the slot is skipped and says why.
    w.host
        .set_enabled(org, "ticker", false, false, &sdk::Actor::default())
        .await
        .unwrap();
    let started = tick(&s, due + 10 * MIN).await;
    assert!(!started.contains(&format!("org:{}", task.id)));
    let t = s.org_task(org, task.id).await.unwrap();
    assert_eq!(t.last_status.as_deref(), Some("skipped"));
    assert!(t.last_error.unwrap().contains("Ticker is not enabled"));
    assert_eq!(t.next_run_at, Some(due + 15 * MIN));
    assert_eq!(
        s.run_org_task_now(org, task.id, &by)
            .await
            .unwrap_err()
            .kind(),
        "NotEnabled"
    );
    w.host
        .set_enabled(org, "ticker", true, false, &sdk::Actor::default())
        .await
        .unwrap();

    // Run now, then delete.
    s.update_org_task(
        org,
        task.id,
        input("Echo", every_five, json!({"message": "now"})),
        &by,
    )
    .await
    .unwrap();
    let run = wait_for_run(&s, s.run_org_task_now(org, task.id, &by).await.unwrap()).await;
    assert_eq!(
        (run.status.as_str(), run.trigger.as_str()),
        ("success", "manual")
    );
    s.delete_org_task(org, task.id, &by).await.unwrap();
    assert!(s.org_tasks(org).await.unwrap().is_empty());
    assert_eq!(
        s.delete_org_task(org, task.id, &by)
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );
}
both_backends!(organization_tasks, check_organization_tasks);

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
