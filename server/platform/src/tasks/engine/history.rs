//! What happened: the runs of a task, a page at a time, and one run.

use super::*;

impl Scheduler {
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

    pub(super) async fn runs(
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
