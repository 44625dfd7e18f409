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

    /// Starts every run due at `now`: built-ins first, then organization tasks.
    pub async fn tick_at(&self, now: i64) -> Result<Tick, Error> {
        let mut due = self.due_builtins(now).await?;
        due.extend(self.due_org_tasks(now).await?);
        let mut tick = Tick {
            started: Vec::new(),
            handles: Vec::new(),
        };
        for item in due {
            if let Some(handle) = self.claim_and_start(item, now).await? {
                tick.started.push(handle.0);
                tick.handles.push(handle.1);
            }
        }
        Ok(tick)
    }

    async fn due_builtins(&self, now: i64) -> Result<Vec<Due>, Error> {
        let mut due = Vec::new();
        for task in self.plugins.tasks().builtins() {
            if !self.plugins.is_running(&task.plugin_id).await? {
                continue;
            }
            let state = self.builtin_state(&task, now).await?;
            if !state.active {
                continue;
            }
            if let Some(next) = state.next_run_at.filter(|next| *next <= now) {
                due.push(Due {
                    key: builtin_key(&task.key),
                    org_id: None,
                    org_task_id: None,
                    schedule: task.task.schedule.clone(),
                    due_at: next,
                    config: Value::Object(Default::default()),
                    handler: Some(Arc::clone(&task.task.handler)),
                    skip: None,
                });
            }
        }
        Ok(due)
    }

    async fn due_org_tasks(&self, now: i64) -> Result<Vec<Due>, Error> {
        let rows: Vec<OrgTaskRow> = sqlx::query_as(&format!(
            "SELECT {ORG_TASK_COLUMNS} FROM scheduled_tasks
             WHERE is_active = $1 AND next_run_at IS NOT NULL AND next_run_at <= $2
             ORDER BY next_run_at, id"
        ))
        .bind(true)
        .bind(now)
        .fetch_all(self.db.pool())
        .await?;
        let mut due = Vec::new();
        for row in rows {
            let task = OrgTaskView::from(row);
            let Some(registered) = self.plugins.tasks().task_type(&task.task_type) else {
                // Its plugin is not loaded here; it waits (the admin page says so).
                continue;
            };
            let skip = if self
                .plugins
                .is_enabled(task.org_id, &registered.plugin_id)
                .await?
            {
                None
            } else {
                Some(format!(
                    "{} is not enabled for this organization, so the task was skipped.",
                    self.plugins.name_of(&registered.plugin_id)
                ))
            };
            due.push(Due {
                key: org_key(task.id),
                org_id: Some(task.org_id),
                org_task_id: Some(task.id),
                schedule: task.schedule,
                due_at: task.next_run_at.unwrap_or(now),
                config: task.config,
                handler: Some(Arc::clone(&registered.task_type.handler)),
                skip,
            });
        }
        Ok(due)
    }

    /// Claims the run, advances the schedule, and starts the run if this instance won.
    async fn claim_and_start(
        &self,
        item: Due,
        now: i64,
    ) -> Result<Option<(String, tokio::task::JoinHandle<()>)>, Error> {
        let next = item.schedule.next_due(item.due_at, now)?;
        if let Some(reason) = &item.skip {
            self.advance(&item, next, Some(("skipped", Some(reason.as_str()))))
                .await?;
            return Ok(None);
        }
        if self.is_running_here(&item.key) {
            // Still busy with an earlier slot: this slot is skipped, the schedule moves on.
            self.advance(&item, next, None).await?;
            return Ok(None);
        }
        let claimed = self
            .claim(&item.key, item.org_id, item.due_at, "schedule", None)
            .await?;
        let advanced = self.advance(&item, next, None).await;
        let Some(run_id) = claimed else {
            return advanced.map(|()| None);
        };
        // A claimed run always runs: failing to move the schedule on (the database going away
        // as the server stops) must not leave a claimed row that never runs; whoever ticks next
        // moves the schedule.
        if let Err(e) = advanced {
            tracing::warn!(task = %item.key, error = %describe(&e), "the schedule was not moved on; the next tick will");
        }
        let Some(handler) = item.handler.clone() else {
            return Ok(None);
        };
        let run = TaskRun {
            task_key: item.key.clone(),
            org_id: item.org_id,
            config: item.config.clone(),
            due_at: item.due_at,
            trigger: "schedule".into(),
        };
        Ok(Some((
            item.key.clone(),
            self.start(run_id, item.org_task_id, handler, run),
        )))
    }

    /// Inserts the run row; None when another instance (or an earlier tick) has it already.
    async fn claim(
        &self,
        key: &str,
        org_id: Option<i64>,
        due_at: i64,
        trigger: &str,
        by: Option<i64>,
    ) -> Result<Option<i64>, Error> {
        let id = sqlx::query_scalar(
            "INSERT INTO task_runs (task_key, organization_id, due_at, trigger_kind, started_at,
                                    status, instance, triggered_by)
             VALUES ($1, $2, $3, $4, $5, 'running', $6, $7)
             ON CONFLICT (task_key, due_at) DO NOTHING
             RETURNING id",
        )
        .bind(key)
        .bind(org_id)
        .bind(due_at)
        .bind(trigger)
        .bind(now_ms())
        .bind(&self.instance)
        .bind(by)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(id)
    }

    /// Moves the task's `next_run_at` from `item.due_at` to `next` (compare-and-set), and
    /// deactivates a one-time organization task.
    async fn advance(
        &self,
        item: &Due,
        next: Option<i64>,
        outcome: Option<(&str, Option<&str>)>,
    ) -> Result<(), Error> {
        let now = now_ms();
        match item.org_task_id {
            Some(id) => {
                sqlx::query(
                    "UPDATE scheduled_tasks
                     SET next_run_at = $1, is_active = $2,
                         last_status = COALESCE($3, last_status),
                         last_error = CASE WHEN $3 IS NULL THEN last_error ELSE $4 END,
                         updated_at = $5
                     WHERE id = $6 AND next_run_at = $7",
                )
                .bind(next)
                .bind(next.is_some())
                .bind(outcome.map(|o| o.0))
                .bind(outcome.and_then(|o| o.1))
                .bind(now)
                .bind(id)
                .bind(item.due_at)
                .execute(self.db.pool())
                .await?;
            }
            None => {
                let key = item.key.trim_start_matches("builtin:");
                sqlx::query(
                    "UPDATE builtin_tasks SET next_run_at = $1, updated_at = $2
                     WHERE task_key = $3 AND next_run_at = $4",
                )
                .bind(next)
                .bind(now)
                .bind(key)
                .bind(item.due_at)
                .execute(self.db.pool())
                .await?;
            }
        }
        Ok(())
    }

    fn is_running_here(&self, key: &str) -> bool {
        self.running
            .lock()
            .map(|r| r.contains(key))
            .unwrap_or(false)
    }

    /// Runs `handler` in its own task: isolated (a panic or error is recorded, never spreads),
    /// time-limited, and recorded.
    fn start(
        &self,
        run_id: i64,
        org_task_id: Option<i64>,
        handler: TaskHandler,
        run: TaskRun,
    ) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        if let Ok(mut running) = self.running.lock() {
            running.insert(run.task_key.clone());
        }
        tokio::spawn(async move {
            let key = run.task_key.clone();
            let started = std::time::Instant::now();
            let outcome = tokio::time::timeout(
                RUN_TIME_LIMIT,
                AssertUnwindSafe(handler(run)).catch_unwind(),
            )
            .await;
            let error = match outcome {
                Ok(Ok(Ok(()))) => None,
                Ok(Ok(Err(e))) => Some(describe(&e)),
                Ok(Err(panic)) => Some(format!("the task panicked: {}", panic_text(&panic))),
                Err(_) => Some(format!(
                    "the task did not finish within {} minutes",
                    RUN_TIME_LIMIT.as_secs() / 60
                )),
            };
            let duration = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            if let Some(error) = &error {
                tracing::warn!(task = %key, error = %error, "scheduled task failed; it runs again at its next scheduled time");
            } else {
                tracing::info!(task = %key, duration_ms = duration, "scheduled task finished");
            }
            if let Err(e) = this
                .record(run_id, &key, org_task_id, error, duration)
                .await
            {
                tracing::error!(task = %key, error = %describe(&e), "could not record a task run");
            }
            if let Ok(mut running) = this.running.lock() {
                running.remove(&key);
            }
        })
    }

    async fn record(
        &self,
        run_id: i64,
        key: &str,
        org_task_id: Option<i64>,
        error: Option<String>,
        duration: i64,
    ) -> Result<(), Error> {
        let now = now_ms();
        let status = if error.is_some() { "failed" } else { "success" };
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE task_runs SET finished_at = $1, status = $2, error = $3, duration_ms = $4
             WHERE id = $5",
        )
        .bind(now)
        .bind(status)
        .bind(error.as_deref())
        .bind(duration)
        .bind(run_id)
        .execute(&mut *tx)
        .await?;
        match org_task_id {
            Some(id) => {
                sqlx::query(
                    "UPDATE scheduled_tasks SET last_run_at = $1, last_status = $2,
                     last_error = $3, updated_at = $1 WHERE id = $4",
                )
                .bind(now)
                .bind(status)
                .bind(error.as_deref())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "UPDATE builtin_tasks SET last_run_at = $1, last_status = $2,
                     last_error = $3, updated_at = $1 WHERE task_key = $4",
                )
                .bind(now)
                .bind(status)
                .bind(error.as_deref())
                .bind(key.trim_start_matches("builtin:"))
                .execute(&mut *tx)
                .await?;
            }
        }
        // Keep the history bounded per task.
        sqlx::query(
            "DELETE FROM task_runs WHERE task_key = $1 AND id NOT IN (
                 SELECT id FROM task_runs WHERE task_key = $1 ORDER BY id DESC LIMIT $2)",
        )
        .bind(key)
        .bind(HISTORY_PER_TASK)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ----- built-in tasks -----

    /// The task's stored state, created on first sight with its first due time.
    async fn builtin_state(&self, task: &RegisteredTask, now: i64) -> Result<BuiltinState, Error> {
        if let Some(state) = self.read_builtin_state(&task.key).await? {
            return Ok(state.with_default(task.task.active_by_default));
        }
        let first = task.task.schedule.first_due(now)?;
        sqlx::query(
            "INSERT INTO builtin_tasks (task_key, next_run_at, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (task_key) DO NOTHING",
        )
        .bind(&task.key)
        .bind(first)
        .bind(now_ms())
        .execute(self.db.pool())
        .await?;
        Ok(self
            .read_builtin_state(&task.key)
            .await?
            .unwrap_or(BuiltinState {
                override_: None,
                active: task.task.active_by_default,
                next_run_at: first,
                last_run_at: None,
                last_status: None,
                last_error: None,
            })
            .with_default(task.task.active_by_default))
    }

    async fn read_builtin_state(&self, key: &str) -> Result<Option<BuiltinState>, Error> {
        let row: Option<BuiltinStateRow> = sqlx::query_as(
            "SELECT active_override, next_run_at, last_run_at, last_status, last_error
             FROM builtin_tasks WHERE task_key = $1",
        )
        .bind(key)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.map(|row| BuiltinState {
            override_: row.active_override.map(|f| f.0),
            active: false,
            next_run_at: row.next_run_at,
            last_run_at: row.last_run_at,
            last_status: row.last_status,
            last_error: row.last_error,
        }))
    }

    /// Every built-in task with its state, for the site admin.
    pub async fn builtin_views(&self) -> Result<Vec<BuiltinTaskView>, Error> {
        let now = now_ms();
        let mut views = Vec::new();
        for task in self.plugins.tasks().builtins() {
            let state = self.builtin_state(&task, now).await?;
            views.push(BuiltinTaskView {
                key: task.key.clone(),
                plugin_id: task.plugin_id.clone(),
                description: task.task.description.clone(),
                schedule_text: task.task.schedule.describe(),
                schedule: task.task.schedule.clone(),
                active_by_default: task.task.active_by_default,
                active_override: state.override_,
                active: state.active,
                plugin_running: self.plugins.is_running(&task.plugin_id).await?,
                next_run_at: state.active.then_some(state.next_run_at).flatten(),
                last_run_at: state.last_run_at,
                last_status: state.last_status,
                last_error: state.last_error,
            });
        }
        Ok(views)
    }

    /// A site admin's override: `Some(on)` or `None` to go back to the default. Switching a task
    /// on starts its schedule afresh, so it does not fire at once for the slots it missed.
    pub async fn set_builtin_active(
        &self,
        key: &str,
        active: Option<bool>,
        by: &Actor,
    ) -> Result<BuiltinTaskView, Error> {
        let task = self
            .plugins
            .tasks()
            .builtin(key)
            .ok_or_else(|| unknown_builtin(key))?;
        let now = now_ms();
        self.builtin_state(&task, now).await?;
        let next = task.task.schedule.first_due(now)?;
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE builtin_tasks SET active_override = $1, next_run_at = $2, updated_by = $3,
             updated_at = $4 WHERE task_key = $5",
        )
        .bind(active)
        .bind(next)
        .bind(by.user_id())
        .bind(now)
        .bind(key)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut *tx,
            AuditEntry {
                user_id: by.user_id(),
                org_id: None,
                action: "task.builtin_override",
                details: serde_json::json!({ "task": key, "active": active }),
                ip: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.builtin_views()
            .await?
            .into_iter()
            .find(|v| v.key == key)
            .ok_or_else(|| unknown_builtin(key))
    }

    /// Runs a built-in task now (whatever its schedule and on/off state); returns the run's id.
    pub async fn run_builtin_now(&self, key: &str, by: &Actor) -> Result<i64, Error> {
        let task = self
            .plugins
            .tasks()
            .builtin(key)
            .ok_or_else(|| unknown_builtin(key))?;
        if !self.plugins.is_running(&task.plugin_id).await? {
            return Err(Error::conflict(format!(
                "{} is switched off on this site, so its tasks cannot run.",
                self.plugins.name_of(&task.plugin_id)
            )));
        }
        self.builtin_state(&task, now_ms()).await?;
        let run_key = builtin_key(key);
        let run_id = self.claim_manual(&run_key, None, by).await?;
        let run = TaskRun {
            task_key: run_key,
            org_id: None,
            config: Value::Object(Default::default()),
            due_at: now_ms(),
            trigger: "manual".into(),
        };
        // Detached: the caller reads the outcome from the history.
        drop(self.start(run_id, None, Arc::clone(&task.task.handler), run));
        Ok(run_id)
    }

    /// A manual run's row: due "now"; a clash with another run in the same millisecond moves on
    /// by one.
    async fn claim_manual(&self, key: &str, org_id: Option<i64>, by: &Actor) -> Result<i64, Error> {
        let now = now_ms();
        for offset in 0..50 {
            if let Some(id) = self
                .claim(key, org_id, now + offset, "manual", by.user_id())
                .await?
            {
                return Ok(id);
            }
        }
        Err(Error::conflict(
            "This task was just started several times; wait a moment and try again.",
        ))
    }

    // ----- organization tasks -----

    /// Task types the organization can use (their plugin is on there).
    pub async fn task_types(&self, org_id: i64) -> Result<Vec<TaskTypeView>, Error> {
        let mut types = Vec::new();
        for t in self.plugins.tasks().types() {
            if self.plugins.is_enabled(org_id, &t.plugin_id).await? {
                types.push(TaskTypeView {
                    key: t.key.clone(),
                    plugin_name: self.plugins.name_of(&t.plugin_id),
                    plugin_id: t.plugin_id.clone(),
                    description: t.task_type.description.clone(),
                    config_schema: t.task_type.config_schema.clone(),
                });
            }
        }
        Ok(types)
    }

    pub async fn org_tasks(&self, org_id: i64) -> Result<Vec<OrgTaskView>, Error> {
        let rows: Vec<OrgTaskRow> = sqlx::query_as(&format!(
            "SELECT {ORG_TASK_COLUMNS} FROM scheduled_tasks WHERE organization_id = $1
             ORDER BY name"
        ))
        .bind(org_id)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.into_iter().map(OrgTaskView::from).collect())
    }

    /// Every organization's tasks (site admins), newest first, a page at a time.
    pub async fn all_org_tasks(
        &self,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<OrgTaskView>, Error> {
        let rows: Vec<OrgTaskRow> = sqlx::query_as(&format!(
            "SELECT {ORG_TASK_COLUMNS} FROM scheduled_tasks WHERE id < $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(page.before())
        .bind(page.fetch_limit())
        .fetch_all(self.db.pool())
        .await?;
        let tasks: Vec<OrgTaskView> = rows.into_iter().map(OrgTaskView::from).collect();
        Ok(sdk::page::Page::from_rows(tasks, page, |t| t.id))
    }

    pub async fn org_task(&self, org_id: i64, task_id: i64) -> Result<OrgTaskView, Error> {
        let row: OrgTaskRow = sqlx::query_as(&format!(
            "SELECT {ORG_TASK_COLUMNS} FROM scheduled_tasks WHERE id = $1 AND organization_id = $2"
        ))
        .bind(task_id)
        .bind(org_id)
        .fetch_optional(self.db.pool())
        .await?
        .ok_or_else(|| Error::not_found(format!("This organization has no task {task_id}.")))?;
        Ok(OrgTaskView::from(row))
    }

    /// Serializes this organization's task writes across instances (PostgreSQL; on SQLite the
    /// first write of the transaction takes the database's write lock).
    async fn lock_org_tasks(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        org_id: i64,
    ) -> Result<(), Error> {
        if self.db.backend() == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(TASKS_LOCK_KEY ^ org_id)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Checks an organization task's input (`current`: the task being changed, if any): name,
    /// type, schedule (at most once a minute), config, and that every Discord channel in the
    /// config that changed is in a server linked to the organization.
    async fn check_input(
        &self,
        org_id: i64,
        input: &OrgTaskInput,
        current: Option<&OrgTaskView>,
    ) -> Result<(), Error> {
        let name = input.name.trim();
        if name.is_empty() {
            return Err(Error::invalid("name", "Give the task a name."));
        }
        if name.chars().count() > NAME_MAX {
            return Err(Error::invalid(
                "name",
                format!("The name is too long (at most {NAME_MAX} characters)."),
            ));
        }
        let registered = self
            .plugins
            .tasks()
            .task_type(&input.task_type)
            .ok_or_else(|| {
                let known: Vec<String> = self
                    .plugins
                    .tasks()
                    .types()
                    .into_iter()
                    .map(|t| t.key)
                    .collect();
                Error::invalid(
                    "task_type",
                    format!(
                        "There is no task type `{}`. Known types: {}.",
                        input.task_type,
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                )
            })?;
        if !self
            .plugins
            .is_enabled(org_id, &registered.plugin_id)
            .await?
        {
            return Err(Error::invalid(
                "task_type",
                format!(
                    "`{}` belongs to {}, which this organization has not enabled.",
                    input.task_type,
                    self.plugins.name_of(&registered.plugin_id)
                ),
            ));
        }
        input.schedule.validate_for_organization()?;
        if let Schedule::Once { at } = input.schedule {
            if at < now_ms() - 60_000 {
                return Err(Error::invalid(
                    "run_at",
                    "This time has passed; choose a time in the future.",
                ));
            }
        }
        sdk::input::check_document_budget("config", &input.config)?;
        match &registered.task_type.config_schema {
            Some(schema) => {
                sdk::plugin::config::validate(schema, &input.config)?;
                sdk::bot::channels::check_config_channels(
                    &self.plugins.bot(),
                    &self.db,
                    org_id,
                    schema,
                    current.map(|c| &c.config),
                    &input.config,
                )
                .await?;
            }
            None if !input.config.is_object() => {
                return Err(Error::invalid(
                    "config",
                    "The task's config must be a JSON object.",
                ))
            }
            None => {}
        }
        Ok(())
    }

    pub async fn create_org_task(
        &self,
        org_id: i64,
        input: OrgTaskInput,
        by: &Actor,
    ) -> Result<OrgTaskView, Error> {
        // First: the list is shown whole, so it stays short. (Two creations at once may pass
        // the count together; that overshoots by a task or two, not without end.)
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM scheduled_tasks WHERE organization_id = $1")
                .bind(org_id)
                .fetch_one(self.db.pool())
                .await?;
        if count >= MAX_ORG_TASKS {
            return Err(Error::conflict(format!(
                "An organization schedules at most {MAX_ORG_TASKS} tasks; delete one it no longer needs first."
            )));
        }
        self.check_input(org_id, &input, None).await?;
        let now = now_ms();
        let next = if input.active {
            input.schedule.first_due(now)?
        } else {
            None
        };
        let (interval, cron, at) = schedule_columns(&input.schedule);
        let mut tx = self.db.begin().await?;
        self.lock_org_tasks(&mut tx, org_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO scheduled_tasks (organization_id, name, task_type, schedule_type,
                 interval_seconds, cron_expression, run_at, config, is_active, next_run_at,
                 created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
             RETURNING id",
        )
        .bind(org_id)
        .bind(input.name.trim())
        .bind(&input.task_type)
        .bind(input.schedule.kind())
        .bind(interval)
        .bind(cron)
        .bind(at)
        .bind(input.config.to_string())
        .bind(input.active)
        .bind(next)
        .bind(by.user_id())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(Error::conflict_if_duplicate(format!(
            "This organization already has a task named \"{}\".",
            input.name.trim()
        )))?;
        if input.active {
            ensure_active_cap(&mut tx, org_id).await?;
        }
        audit::record(
            &mut *tx,
            AuditEntry {
                user_id: by.user_id(),
                org_id: Some(org_id),
                action: "task.create",
                details: serde_json::json!({ "task_id": id, "name": input.name.trim(), "type": input.task_type }),
                ip: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.org_task(org_id, id).await
    }

    pub async fn update_org_task(
        &self,
        org_id: i64,
        task_id: i64,
        input: OrgTaskInput,
        by: &Actor,
    ) -> Result<OrgTaskView, Error> {
        let current = self.org_task(org_id, task_id).await?;
        self.check_input(org_id, &input, Some(&current)).await?;
        let now = now_ms();
        // A new schedule (or switching on) starts afresh; otherwise the next slot stays.
        let next = if !input.active {
            None
        } else if input.schedule != current.schedule || !current.active {
            input.schedule.first_due(now)?
        } else {
            current.next_run_at
        };
        let (interval, cron, at) = schedule_columns(&input.schedule);
        let mut tx = self.db.begin().await?;
        self.lock_org_tasks(&mut tx, org_id).await?;
        sqlx::query(
            "UPDATE scheduled_tasks SET name = $1, task_type = $2, schedule_type = $3,
                 interval_seconds = $4, cron_expression = $5, run_at = $6, config = $7,
                 is_active = $8, next_run_at = $9, updated_at = $10
             WHERE id = $11 AND organization_id = $12",
        )
        .bind(input.name.trim())
        .bind(&input.task_type)
        .bind(input.schedule.kind())
        .bind(interval)
        .bind(cron)
        .bind(at)
        .bind(input.config.to_string())
        .bind(input.active)
        .bind(next)
        .bind(now)
        .bind(task_id)
        .bind(org_id)
        .execute(&mut *tx)
        .await
        .map_err(Error::conflict_if_duplicate(format!(
            "This organization already has a task named \"{}\".",
            input.name.trim()
        )))?;
        if input.active && !current.active {
            ensure_active_cap(&mut tx, org_id).await?;
        }
        audit::record(
            &mut *tx,
            AuditEntry {
                user_id: by.user_id(),
                org_id: Some(org_id),
                action: "task.update",
                details: serde_json::json!({ "task_id": task_id, "name": input.name.trim(), "active": input.active }),
                ip: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.org_task(org_id, task_id).await
    }

    pub async fn delete_org_task(
        &self,
        org_id: i64,
        task_id: i64,
        by: &Actor,
    ) -> Result<(), Error> {
        let task = self.org_task(org_id, task_id).await?;
        let mut tx = self.db.begin().await?;
        sqlx::query("DELETE FROM scheduled_tasks WHERE id = $1 AND organization_id = $2")
            .bind(task_id)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut *tx,
            AuditEntry {
                user_id: by.user_id(),
                org_id: Some(org_id),
                action: "task.delete",
                details: serde_json::json!({ "task_id": task_id, "name": task.name }),
                ip: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Runs an organization's task now; returns the run's id.
    pub async fn run_org_task_now(
        &self,
        org_id: i64,
        task_id: i64,
        by: &Actor,
    ) -> Result<i64, Error> {
        let task = self.org_task(org_id, task_id).await?;
        let registered = self
            .plugins
            .tasks()
            .task_type(&task.task_type)
            .ok_or_else(|| {
                Error::conflict(format!(
                    "The task type `{}` is not available: its plugin is not loaded on this site.",
                    task.task_type
                ))
            })?;
        if !self
            .plugins
            .is_enabled(org_id, &registered.plugin_id)
            .await?
        {
            return Err(Error::not_enabled(
                registered.plugin_id.clone(),
                &self.plugins.name_of(&registered.plugin_id),
            ));
        }
        let key = org_key(task_id);
        let run_id = self.claim_manual(&key, Some(org_id), by).await?;
        let run = TaskRun {
            task_key: key,
            org_id: Some(org_id),
            config: task.config,
            due_at: now_ms(),
            trigger: "manual".into(),
        };
        drop(self.start(
            run_id,
            Some(task_id),
            Arc::clone(&registered.task_type.handler),
            run,
        ));
        Ok(run_id)
    }

    // ----- history -----

    /// The latest runs, newest first: everything (`org_id` None) or one organization's.
    pub async fn history(
        &self,
        org_id: Option<i64>,
        task_key: Option<&str>,
        limit: i64,
    ) -> Result<Vec<TaskRunView>, Error> {
        self.runs(org_id, task_key, None, None, limit).await
    }

    /// Runs a page at a time, newest first (`sdk::page`).
    pub async fn history_page(
        &self,
        org_id: Option<i64>,
        task_key: Option<&str>,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<TaskRunView>, Error> {
        let runs = self
            .runs(org_id, task_key, None, page.before_id, page.fetch_limit())
            .await?;
        Ok(sdk::page::Page::from_rows(runs, page, |r| r.id))
    }

    /// One run (to follow a manual run's outcome).
    pub async fn run(&self, run_id: i64) -> Result<Option<TaskRunView>, Error> {
        Ok(self
            .runs(None, None, Some(run_id), None, 1)
            .await?
            .into_iter()
            .next())
    }

    async fn runs(
        &self,
        org_id: Option<i64>,
        task_key: Option<&str>,
        run_id: Option<i64>,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<TaskRunView>, Error> {
        let rows: Vec<RunRow> = sqlx::query_as(
            "SELECT r.id, r.task_key, t.name, r.organization_id, r.due_at, r.trigger_kind,
                    r.started_at, r.finished_at, r.status, r.error, r.duration_ms, r.instance
             FROM task_runs r
             LEFT JOIN scheduled_tasks t ON r.task_key = ('org:' || CAST(t.id AS TEXT))
             WHERE ($1 IS NULL OR r.organization_id = $1) AND ($2 IS NULL OR r.task_key = $2)
               AND ($3 IS NULL OR r.id = $3) AND r.id < $4
             ORDER BY r.id DESC LIMIT $5",
        )
        .bind(org_id)
        .bind(task_key)
        .bind(run_id)
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 500))
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.into_iter().map(TaskRunView::from).collect())
    }
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

/// Refuses the write being made when it leaves the organization with more than
/// [`MAX_ACTIVE_TASKS_PER_ORG`] active tasks (counted after the write, inside its transaction).
async fn ensure_active_cap(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    org_id: i64,
) -> Result<(), Error> {
    let active: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM scheduled_tasks WHERE organization_id = $1 AND is_active = $2",
    )
    .bind(org_id)
    .bind(true)
    .fetch_one(&mut **tx)
    .await?;
    if active > MAX_ACTIVE_TASKS_PER_ORG {
        return Err(Error::conflict(format!(
            "This organization already has {MAX_ACTIVE_TASKS_PER_ORG} active tasks (the limit). \
             Pause or delete one first, or save this one paused."
        )));
    }
    Ok(())
}

fn schedule_columns(schedule: &Schedule) -> (Option<i64>, Option<String>, Option<i64>) {
    match schedule {
        Schedule::Interval { seconds } => (Some(*seconds), None, None),
        Schedule::Cron { expression } => (None, Some(expression.trim().to_string()), None),
        Schedule::Once { at } => (None, None, Some(*at)),
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
