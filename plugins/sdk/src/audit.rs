//! The audit log: every write records who did what, where, from which address.
//!
//! Write the entry with the same executor (transaction) as the change it describes, so a change
//! and its record commit together or not at all.
//!
//! While a SUPERADMIN impersonates someone, the entry names the impersonated user (who the app
//! acted as) and `impersonated_by` the SUPERADMIN. The server runs every request inside
//! [`acting_for`] with the caller's impersonator, and [`record`] reads it from there, so no
//! service or plugin can forget to pass it on.

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

tokio::task_local! {
    static IMPERSONATOR: Option<i64>;
}

/// Runs `work` (a request) with `impersonated_by` as the impersonating SUPERADMIN for every audit
/// entry it records.
pub async fn acting_for<F: std::future::Future>(
    impersonated_by: Option<i64>,
    work: F,
) -> F::Output {
    IMPERSONATOR.scope(impersonated_by, work).await
}

/// The SUPERADMIN impersonating the current request's user, if any.
pub fn current_impersonator() -> Option<i64> {
    IMPERSONATOR.try_with(|by| *by).ok().flatten()
}

pub async fn record<'e, E>(executor: E, entry: AuditEntry<'_>) -> Result<(), Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO audit_logs (user_id, organization_id, action, details, ip_address, created_at, impersonated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.user_id)
    .bind(entry.org_id)
    .bind(entry.action)
    .bind(entry.details.to_string())
    .bind(entry.ip)
    .bind(now_ms())
    // Stopping an impersonation is recorded as the SUPERADMIN themself: no one to name twice.
    .bind(current_impersonator().filter(|by| Some(*by) != entry.user_id))
    .execute(executor)
    .await?;
    Ok(())
}
