//! The claim protocol: what is due at `now`, the one insert that decides which instance runs a
//! slot, moving `next_run_at` on with a compare-and-set, starting the run and recording how it
//! went.

use super::*;

impl Scheduler {
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

    pub(super) async fn due_builtins(&self, now: i64) -> Result<Vec<Due>, Error> {
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

    pub(super) async fn due_org_tasks(&self, now: i64) -> Result<Vec<Due>, Error> {
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
    pub(super) async fn claim_and_start(
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
    pub(super) async fn claim(
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
    pub(super) async fn advance(
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

    pub(super) fn is_running_here(&self, key: &str) -> bool {
        self.running
            .lock()
            .map(|r| r.contains(key))
            .unwrap_or(false)
    }

    /// Runs `handler` in its own task: isolated (a panic or error is recorded, never spreads),
    /// time-limited, and recorded.
    pub(super) fn start(
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

    pub(super) async fn record(
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

    /// A manual run's row: due "now"; a clash with another run in the same millisecond moves on
    /// by one.
    pub(super) async fn claim_manual(
        &self,
        key: &str,
        org_id: Option<i64>,
        by: &Actor,
    ) -> Result<i64, Error> {
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
}
