//! Built-in tasks: their state (the site admin's override of `active_by_default`), the admin's
//! view, switching one on or off, and running one now.

use super::*;

impl Scheduler {
    /// The task's stored state, created on first sight with its first due time.
    pub(super) async fn builtin_state(
        &self,
        task: &RegisteredTask,
        now: i64,
    ) -> Result<BuiltinState, Error> {
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

    pub(super) async fn read_builtin_state(
        &self,
        key: &str,
    ) -> Result<Option<BuiltinState>, Error> {
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
}
