//! The scheduler: what is due, who runs it, and what happened.
//!
//! Everything is decided from the database, so any number of instances can tick:
//! 1. A task is due when its stored `next_run_at` is at or before the clock.
//! 2. The instance inserts `(task_key, due_at)` into `task_runs`; the unique key lets exactly one
//!    insert succeed — that instance runs it.
//! 3. Whoever sees the due time (winner or not) moves `next_run_at` to the schedule's next slot
//!    with a compare-and-set on the old value, so the step is the same whoever does it and a
//!    crash between 2 and 3 is healed by the next tick.
//! 4. The run's outcome (success / failed + error, duration) is written to its row and to the
//!    task's `last_*` columns. A failed run is not retried: the task waits for its next slot.
//!
//! The clock is a parameter ([`Scheduler::tick_at`]): the server's driver passes the wall clock
//! once a second (tokio-cron-scheduler's repeated job), tests pass chosen instants.
//!
//! One file a job: `claim` (the protocol above and the runs it starts), `builtins` (built-in
//! tasks' state and admin actions), `org_tasks` (organizations' own tasks), `history` (runs);
//! this file holds the scheduler they share and the [`Driver`] that ticks it.

mod builtins;
mod claim;
mod history;
mod org_tasks;

use std::{
    collections::HashSet,
    panic::AssertUnwindSafe,
    sync::{Arc, Mutex},
    time::Duration,
};

use futures::FutureExt;
use serde_json::Value;

use super::{
    model::{
        BuiltinTaskView, OrgTaskInput, OrgTaskView, Schedule, TaskRunView, TaskTypeView,
        MAX_ACTIVE_TASKS_PER_ORG,
    },
    RegisteredTask, TaskHandler, TaskRun,
};
use crate::{registry::PluginHost, Host};
use sdk::{
    audit::{self, AuditEntry},
    db::{Backend, Db, Flag},
    time::now_ms,
    Actor, Error,
};

/// A run that takes longer than this is recorded as failed (its task keeps going in the
/// background only until the future is dropped).
pub const RUN_TIME_LIMIT: Duration = Duration::from_secs(15 * 60);
/// How many runs the history keeps per task key (older ones are deleted after each run).
pub const HISTORY_PER_TASK: i64 = 200;
const NAME_MAX: usize = 100;
/// PostgreSQL advisory lock namespace for organization task writes (XOR the organization id):
/// the active-task cap is counted under it, so two creations at once cannot both pass it.
const TASKS_LOCK_KEY: i64 = 0x7a5c_0000_0000_0000;
/// The most tasks one organization may have, paused ones included: its task list is shown
/// whole, not paged. (At most [`MAX_ACTIVE_TASKS_PER_ORG`] of them may be active.)
pub const MAX_ORG_TASKS: i64 = 200;

/// Runs the plugins' built-in tasks and the organizations' tasks.
#[derive(Clone)]
pub struct Scheduler {
    db: Db,
    plugins: Arc<PluginHost>,
    instance: String,
    /// Task keys running in this process: a slow task is not started again while it runs here.
    running: Arc<Mutex<HashSet<String>>>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("instance", &self.instance)
            .finish()
    }
}

/// The runs one tick started; [`Tick::finished`] waits for them (tests do, the driver does not).
#[must_use = "the runs go on in the background; call finished() to wait for them"]
pub struct Tick {
    pub started: Vec<String>,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Tick {
    pub async fn finished(self) -> Vec<String> {
        for handle in self.handles {
            handle.await.ok();
        }
        self.started
    }
}

struct Due {
    key: String,
    org_id: Option<i64>,
    org_task_id: Option<i64>,
    schedule: Schedule,
    due_at: i64,
    config: Value,
    handler: Option<TaskHandler>,
    /// Why the run is skipped instead (plugin off for the organization).
    skip: Option<String>,
}

impl Scheduler {
    pub fn new(platform: &Host) -> Self {
        Self::with(
            platform.db.clone(),
            Arc::clone(&platform.plugins),
            platform.events.instance().to_string(),
        )
    }

    pub fn with(db: Db, plugins: Arc<PluginHost>, instance: String) -> Self {
        Self {
            db,
            plugins,
            instance,
            running: Arc::default(),
        }
    }

    // ----- built-in tasks -----

    // ----- organization tasks -----

    // ----- history -----
}

/// A `task_runs` row joined with its organization task's name (`runs`).
#[derive(sqlx::FromRow)]
struct RunRow {
    id: i64,
    task_key: String,
    name: Option<String>,
    organization_id: Option<i64>,
    due_at: i64,
    trigger_kind: String,
    started_at: i64,
    finished_at: Option<i64>,
    status: String,
    error: Option<String>,
    duration_ms: Option<i64>,
    instance: String,
}

impl From<RunRow> for TaskRunView {
    fn from(row: RunRow) -> Self {
        TaskRunView {
            id: row.id,
            task_name: row
                .name
                .unwrap_or_else(|| row.task_key.trim_start_matches("builtin:").to_string()),
            task_key: row.task_key,
            org_id: row.organization_id,
            due_at: row.due_at,
            trigger: row.trigger_kind,
            started_at: row.started_at,
            finished_at: row.finished_at,
            status: row.status,
            error: row.error,
            duration_ms: row.duration_ms,
            instance: row.instance,
        }
    }
}

/// A `builtin_tasks` row (`read_builtin_state`).
#[derive(sqlx::FromRow)]
struct BuiltinStateRow {
    active_override: Option<Flag>,
    next_run_at: Option<i64>,
    last_run_at: Option<i64>,
    last_status: Option<String>,
    last_error: Option<String>,
}

struct BuiltinState {
    override_: Option<bool>,
    active: bool,
    next_run_at: Option<i64>,
    last_run_at: Option<i64>,
    last_status: Option<String>,
    last_error: Option<String>,
}

impl BuiltinState {
    fn with_default(mut self, default: bool) -> Self {
        self.active = self.override_.unwrap_or(default);
        self
    }
}

const ORG_TASK_COLUMNS: &str = "id, organization_id, name, task_type, schedule_type, \
     interval_seconds, cron_expression, run_at, config, is_active, next_run_at, last_run_at, \
     last_status, last_error, created_by, created_at";

/// A `scheduled_tasks` row as [`ORG_TASK_COLUMNS`] selects it.
#[derive(sqlx::FromRow)]
struct OrgTaskRow {
    id: i64,
    organization_id: i64,
    name: String,
    task_type: String,
    schedule_type: String,
    interval_seconds: Option<i64>,
    cron_expression: Option<String>,
    run_at: Option<i64>,
    config: String,
    #[sqlx(try_from = "Flag")]
    is_active: bool,
    next_run_at: Option<i64>,
    last_run_at: Option<i64>,
    last_status: Option<String>,
    last_error: Option<String>,
    created_by: Option<i64>,
    created_at: i64,
}

impl From<OrgTaskRow> for OrgTaskView {
    fn from(row: OrgTaskRow) -> Self {
        let schedule = match row.schedule_type.as_str() {
            "interval" => Schedule::Interval {
                seconds: row.interval_seconds.unwrap_or(60),
            },
            "cron" => Schedule::Cron {
                expression: row.cron_expression.unwrap_or_default(),
            },
            _ => Schedule::Once {
                at: row.run_at.unwrap_or_default(),
            },
        };
        OrgTaskView {
            id: row.id,
            org_id: row.organization_id,
            name: row.name,
            task_type: row.task_type,
            schedule_text: schedule.describe(),
            schedule,
            config: serde_json::from_str(&row.config).unwrap_or(Value::Object(Default::default())),
            active: row.is_active,
            next_run_at: row.next_run_at,
            last_run_at: row.last_run_at,
            last_status: row.last_status,
            last_error: row.last_error,
            created_by: row.created_by,
            created_at: row.created_at,
        }
    }
}

pub fn builtin_key(key: &str) -> String {
    format!("builtin:{key}")
}

pub fn org_key(task_id: i64) -> String {
    format!("org:{task_id}")
}

fn unknown_builtin(key: &str) -> Error {
    Error::not_found(format!("There is no built-in task `{key}`."))
}

/// An error for the run record: the user-facing message, or the internal cause's kind.
fn describe(e: &Error) -> String {
    e.message()
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

/// The scheduler's clock in a running server: a tokio-cron-scheduler job that ticks
/// [`Scheduler::tick_at`] with the wall clock every `period`. A tick still busy when the next one
/// is due makes that one skip (ticks never overlap).
pub struct Driver {
    jobs: tokio_cron_scheduler::JobScheduler,
}

impl Driver {
    pub async fn start(scheduler: Scheduler, period: Duration) -> Result<Self, Error> {
        let jobs = tokio_cron_scheduler::JobScheduler::new()
            .await
            .map_err(|e| Error::internal(format!("the scheduler could not be created: {e}")))?;
        let busy = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let job = tokio_cron_scheduler::Job::new_repeated_async(period, move |_, _| {
            let scheduler = scheduler.clone();
            let busy = Arc::clone(&busy);
            Box::pin(async move {
                use std::sync::atomic::Ordering;
                if busy.swap(true, Ordering::AcqRel) {
                    return;
                }
                match scheduler.tick_at(now_ms()).await {
                    // The runs go on by themselves; the tick does not wait for them.
                    Ok(tick) => drop(tick),
                    Err(e) => tracing::warn!(error = %describe(&e), "scheduler tick failed"),
                }
                busy.store(false, Ordering::Release);
            })
        })
        .map_err(|e| Error::internal(format!("the scheduler job could not be created: {e}")))?;
        jobs.add(job)
            .await
            .map_err(|e| Error::internal(format!("the scheduler job could not be added: {e}")))?;
        jobs.start()
            .await
            .map_err(|e| Error::internal(format!("the scheduler could not start: {e}")))?;
        Ok(Self { jobs })
    }

    pub async fn stop(mut self) {
        if let Err(e) = self.jobs.shutdown().await {
            tracing::warn!(error = %e, "the scheduler did not shut down cleanly");
        }
    }
}
