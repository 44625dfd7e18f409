//! The SQL. Every query is scoped by the organization id the guard handed out.

use sdk::{db::Db, time::now_ms, Error};
use sqlx::AnyConnection;

use crate::model::Entry;

/// Inside the service's transaction, so the entry and its audit record commit together.
pub async fn insert(
    conn: &mut AnyConnection,
    org_id: i64,
    text: &str,
    created_by: Option<i64>,
) -> Result<Entry, Error> {
    let entry = sqlx::query_as::<_, Entry>(
        "INSERT INTO notes_entries (organization_id, text, created_by, created_at)
         VALUES ($1, $2, $3, $4)
         RETURNING id, organization_id, text, created_by, created_at",
    )
    .bind(org_id)
    .bind(text)
    .bind(created_by)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    Ok(entry)
}

/// Newest first, a page at a time (`sdk::page`).
pub async fn list(
    db: &Db,
    org_id: i64,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<Entry>, Error> {
    let entries = sqlx::query_as::<_, Entry>(
        "SELECT id, organization_id, text, created_by, created_at FROM notes_entries
         WHERE organization_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(org_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    Ok(sdk::page::Page::from_rows(entries, page, |e| e.id))
}
