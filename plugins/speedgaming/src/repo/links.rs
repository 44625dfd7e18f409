//! `speedgaming_links`: a tournament's event slug, its sync switch and its last run.

use sdk::{
    db::{Db, Flag},
    page::{Page, PageRequest},
    Error,
};
use sqlx::AnyConnection;

use crate::model::{Link, Summary};

/// A link row; the summary is JSON text.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub id: i64,
    pub organization_id: i64,
    pub tournament_id: i64,
    pub tournament_name: String,
    pub event_slug: String,
    #[sqlx(try_from = "Flag")]
    pub sync_enabled: bool,
    pub last_run_at: Option<i64>,
    pub last_status: Option<String>,
    pub last_error: Option<String>,
    pub last_summary: Option<String>,
}

impl From<LinkRow> for Link {
    fn from(r: LinkRow) -> Self {
        Link {
            id: r.id,
            organization_id: r.organization_id,
            tournament_id: r.tournament_id,
            tournament_name: r.tournament_name,
            event_slug: r.event_slug,
            sync_enabled: r.sync_enabled,
            last_run_at: r.last_run_at,
            last_status: r.last_status,
            last_error: r.last_error,
            // Written by this plugin only; an unreadable one shows as no summary.
            last_summary: r
                .last_summary
                .and_then(|s| serde_json::from_str::<Summary>(&s).ok()),
        }
    }
}

const SELECT: &str = "SELECT l.id, l.organization_id, l.tournament_id, t.name AS tournament_name,
    l.event_slug, l.sync_enabled, l.last_run_at, l.last_status, l.last_error, l.last_summary
    FROM speedgaming_links l JOIN tournaments t ON t.id = l.tournament_id";

/// The organization's links, a page at a time (newest first).
pub async fn list(db: &Db, org_id: i64, page: &PageRequest) -> Result<Page<LinkRow>, Error> {
    let rows = sqlx::query_as::<_, LinkRow>(&format!(
        "{SELECT} WHERE l.organization_id = $1 AND l.id < $2 ORDER BY l.id DESC LIMIT $3"
    ))
    .bind(org_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    Ok(Page::from_rows(rows, page, |r| r.id))
}

/// The link of one tournament of the organization.
pub async fn by_tournament(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
) -> Result<Option<LinkRow>, Error> {
    Ok(sqlx::query_as::<_, LinkRow>(&format!(
        "{SELECT} WHERE l.organization_id = $1 AND l.tournament_id = $2"
    ))
    .bind(org_id)
    .bind(tournament_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Every link with its sync on, across organizations (the import task checks each
/// organization still has the plugin on).
pub async fn syncing(db: &Db) -> Result<Vec<LinkRow>, Error> {
    Ok(
        sqlx::query_as::<_, LinkRow>(&format!("{SELECT} WHERE l.sync_enabled = $1 ORDER BY l.id"))
            .bind(true)
            .fetch_all(db.pool())
            .await?,
    )
}

/// Creates or changes the tournament's link (inside the service's transaction).
pub async fn upsert(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
    slug: &str,
    sync_enabled: bool,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO speedgaming_links (organization_id, tournament_id, event_slug, sync_enabled,
            created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (tournament_id) DO UPDATE SET event_slug = $3, sync_enabled = $4,
            updated_at = $5",
    )
    .bind(org_id)
    .bind(tournament_id)
    .bind(slug)
    .bind(sync_enabled)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How long a run's claim holds before it is taken to be abandoned (a crashed instance).
pub const CLAIM_STALE_MS: i64 = 10 * 60 * 1000;

/// Claims the link for one run at `now`: false when a run (of the task or "sync now", on any
/// instance) holds it already, so runs of one link never overlap. [`record_run`] releases it.
pub async fn claim_run(db: &Db, link_id: i64, now: i64) -> Result<bool, Error> {
    // not audited: bookkeeping of the task's run.
    let done = sqlx::query(
        "UPDATE speedgaming_links SET running_since = $2
         WHERE id = $1 AND (running_since IS NULL OR running_since < $3)",
    )
    .bind(link_id)
    .bind(now)
    .bind(now - CLAIM_STALE_MS)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Releases the link's claim without recording a run (the recording itself failed).
pub async fn release_run(db: &Db, link_id: i64) -> Result<(), Error> {
    // not audited: bookkeeping of the task's run.
    sqlx::query("UPDATE speedgaming_links SET running_since = NULL WHERE id = $1")
        .bind(link_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Records how a run went, and releases the run's claim.
pub async fn record_run(
    db: &Db,
    link_id: i64,
    status: &str,
    error: Option<&str>,
    summary: Option<&Summary>,
    now: i64,
) -> Result<(), Error> {
    // not audited: bookkeeping of the task's run (what it changed is audited change by change).
    let summary = summary
        .map(serde_json::to_string)
        .transpose()
        .map_err(Error::internal)?;
    sqlx::query(
        "UPDATE speedgaming_links SET last_run_at = $2, last_status = $3, last_error = $4,
            last_summary = COALESCE($5, last_summary), running_since = NULL WHERE id = $1",
    )
    .bind(link_id)
    .bind(now)
    .bind(status)
    .bind(error)
    .bind(summary)
    .execute(db.pool())
    .await?;
    Ok(())
}
