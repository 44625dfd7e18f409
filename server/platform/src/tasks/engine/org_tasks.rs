//! Organization tasks: the task types an organization may schedule, and creating, changing,
//! deleting and running its tasks — checked against the type's config schema, the minimum
//! interval and the active-task cap, under a per-organization lock.

use super::*;

impl Scheduler {
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
    pub(super) async fn lock_org_tasks(
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
    pub(super) async fn check_input(
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
}

/// Refuses the write being made when it leaves the organization with more than
/// [`MAX_ACTIVE_TASKS_PER_ORG`] active tasks (counted after the write, inside its transaction).
pub(super) async fn ensure_active_cap(
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

pub(super) fn schedule_columns(schedule: &Schedule) -> (Option<i64>, Option<String>, Option<i64>) {
    match schedule {
        Schedule::Interval { seconds } => (Some(*seconds), None, None),
        Schedule::Cron { expression } => (None, Some(expression.trim().to_string()), None),
        Schedule::Once { at } => (None, None, Some(*at)),
    }
}
