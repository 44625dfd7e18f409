//! `notes_entries`.

use sdk::{
    db::Db,
    page::{Page, PageRequest},
    Error,
};
use sqlx::AnyConnection;

use crate::model::Entry;

const COLUMNS: &str = "id, organization_id, text, created_by, created_at";

/// Inside the service's transaction, so the entry and its audit record commit together.
pub async fn insert(
    conn: &mut AnyConnection,
    org_id: i64,
    text: &str,
    created_by: Option<i64>,
    now: i64,
) -> Result<Entry, Error> {
    let entry = sqlx::query_as::<_, Entry>(&format!(
        "INSERT INTO notes_entries (organization_id, text, created_by, created_at)
         VALUES ($1, $2, $3, $4) RETURNING {COLUMNS}"
    ))
    .bind(org_id)
    .bind(text)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(entry)
}

/// Newest first, a page at a time (`sdk::page`).
pub async fn list(db: &Db, org_id: i64, page: &PageRequest) -> Result<Page<Entry>, Error> {
    let entries = sqlx::query_as::<_, Entry>(&format!(
        "SELECT {COLUMNS} FROM notes_entries
         WHERE organization_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    ))
    .bind(org_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    Ok(Page::from_rows(entries, page, |e| e.id))
}
