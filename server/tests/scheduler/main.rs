//! The scheduler on SQLite and PostgreSQL, with a test-only plugin's tasks and a chosen clock:
//! interval and cron tasks fire at their slots (and skip missed ones), one-time tasks run once,
//! failures and panics are recorded and wait for the next slot, site admins' overrides and
//! run-now, organization tasks and their validation, and two instances claiming the same runs.
//!
//! Here: the `ticker` plugin (its built-in tasks and the `echo` task type, counting what ran),
//! the [`World`] each test starts from, and the helpers that tick a scheduler at a chosen time.
//! The tests, by feature: `builtin` (site-wide tasks on their schedules, and the real server's
//! clock), `failures`, `overrides` (site admins switching tasks and running them now),
//! `org_tasks` (organizations' own tasks), `instances` (several schedulers on one database).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod builtin;
mod failures;
mod instances;
mod org_tasks;
mod overrides;

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use async_trait::async_trait;
use platform::{tasks::engine::Scheduler, LoadOptions, PluginHost};
use sdk::{
    db::Backend, plugin::Bundle, plugin::LoadContext, plugin::Plugin, tasks::handler,
    tasks::model::BuiltinTaskView, tasks::BuiltinTask, tasks::Schedule, tasks::TaskType, Error,
};
use serde_json::json;
use testkit::TestDb;

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

/// The site admin's view of the built-in task `key` (e.g. `ticker.count`).
async fn builtin_view(s: &Scheduler, key: &str) -> BuiltinTaskView {
    s.builtin_views()
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.key == key)
        .unwrap()
}

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
