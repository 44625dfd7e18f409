//! The audit log: every write records who did what, where, from which address.
//!
//! Write the entry with the same executor (transaction) as the change it describes, so a change
//! and its record commit together or not at all.

use sqlx::Any;

use crate::{db::now_ms, Error};

#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub user_id: Option<i64>,
    pub org_id: Option<i64>,
    /// e.g. `organization.create`, `member.add`, `role.assign`.
    pub action: &'a str,
    pub details: serde_json::Value,
    pub ip: Option<&'a str>,
}

pub async fn record<'e, E>(executor: E, entry: AuditEntry<'_>) -> Result<(), Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO audit_logs (user_id, organization_id, action, details, ip_address, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.user_id)
    .bind(entry.org_id)
    .bind(entry.action)
    .bind(entry.details.to_string())
    .bind(entry.ip)
    .bind(now_ms())
    .execute(executor)
    .await?;
    Ok(())
}
