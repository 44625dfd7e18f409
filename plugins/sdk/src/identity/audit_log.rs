//! Reading the audit log: an organization's (its admins) or everything (SUPERADMIN), newest
//! first, a page at a time (`filter.before_id` and `filter.limit` follow `crate::page`).

pub use super::model::{AuditFilter, AuditRecord};

use crate::{
    db::Db,
    page::{Page, PageRequest},
    Error,
};

/// One page of the API's audit log: `filter.limit` up to [`crate::page::MAX_LIMIT`], and
/// `next_before_id` when older entries follow.
pub async fn page(db: &Db, filter: &AuditFilter) -> Result<Page<AuditRecord>, Error> {
    let page = PageRequest {
        limit: filter
            .limit
            .map(|l| u32::try_from(l.max(0)).unwrap_or(u32::MAX)),
        before_id: filter.before_id,
    };
    let records = fetch(db, filter, page.fetch_limit()).await?;
    Ok(Page::from_rows(records, &page, |r| r.id))
}

/// Up to `filter.limit` entries (default 100, at most 500), for the server's own use.
pub async fn list(db: &Db, filter: &AuditFilter) -> Result<Vec<AuditRecord>, Error> {
    fetch(db, filter, filter.limit.unwrap_or(100).clamp(1, 500)).await
}

async fn fetch(db: &Db, filter: &AuditFilter, limit: i64) -> Result<Vec<AuditRecord>, Error> {
    let mut sql = String::from(
        "SELECT a.id, a.user_id, u.username, a.organization_id, a.action, a.details, a.ip_address, a.created_at,
                a.impersonated_by, iu.username AS impersonated_by_name
         FROM audit_logs a LEFT JOIN users u ON u.id = a.user_id
         LEFT JOIN users iu ON iu.id = a.impersonated_by WHERE 1 = 1",
    );
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    if filter.org_id.is_some() {
        sql += &format!(" AND a.organization_id = {}", next());
    }
    if filter.user_id.is_some() {
        sql += &format!(" AND a.user_id = {}", next());
    }
    let action = filter
        .action
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if action.is_some() {
        sql += &format!(" AND a.action LIKE {}", next());
    }
    if filter.before_id.is_some() {
        sql += &format!(" AND a.id < {}", next());
    }
    sql += &format!(" ORDER BY a.id DESC LIMIT {}", next());
    let mut query = sqlx::query_as::<_, AuditRecord>(&sql);
    if let Some(org) = filter.org_id {
        query = query.bind(org);
    }
    if let Some(user) = filter.user_id {
        query = query.bind(user);
    }
    if let Some(action) = action {
        query = query.bind(format!("{}%", action.replace('%', "")));
    }
    if let Some(before) = filter.before_id {
        query = query.bind(before);
    }
    query = query.bind(limit);
    Ok(query.fetch_all(db.pool()).await?)
}
