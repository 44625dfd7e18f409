//! Site-wide settings (key/value, public or not) and the MOTD banner.

pub use super::model::Setting;

use super::validate;
use sdk::{
    audit::{record, AuditEntry},
    auth::CurrentUser,
    db::{now_ms, Db},
    Error,
};

/// The setting shown as a banner to everyone.
pub const MOTD_KEY: &str = "motd";

pub async fn list(db: &Db, public_only: bool) -> Result<Vec<Setting>, Error> {
    let settings: Vec<Setting> = sqlx::query_as(
        "SELECT key, value, description, is_public, updated_at FROM global_settings ORDER BY key",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(settings
        .into_iter()
        .filter(|s| s.is_public || !public_only)
        .collect())
}

/// The MOTD banner text, when one is set (it is always public).
pub async fn motd(db: &Db) -> Result<Option<String>, Error> {
    let value: Option<String> =
        sqlx::query_scalar("SELECT value FROM global_settings WHERE key = $1")
            .bind(MOTD_KEY)
            .fetch_optional(db.pool())
            .await?;
    Ok(value.filter(|v| !v.trim().is_empty()))
}

/// Sets (or with an empty value, clears) a setting.
pub async fn set(
    db: &Db,
    actor: &CurrentUser,
    key: &str,
    value: &str,
    is_public: bool,
    ip: Option<&str>,
) -> Result<(), Error> {
    let key = key.trim().to_lowercase();
    if key.is_empty()
        || key.len() > 64
        || !key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
    {
        return Err(Error::invalid(
            "key",
            "must be 1 to 64 lower-case letters, digits, `_` or `.`",
        ));
    }
    let value = validate::optional_text("value", value, 4000)?;
    let is_public = is_public || key == MOTD_KEY;
    let mut tx = db.begin().await?;
    if value.is_empty() {
        sqlx::query("DELETE FROM global_settings WHERE key = $1")
            .bind(&key)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO global_settings (key, value, is_public, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, is_public = excluded.is_public, updated_at = excluded.updated_at",
        )
        .bind(&key)
        .bind(&value)
        .bind(is_public)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: None,
            action: "setting.update",
            details: serde_json::json!({"key": key, "value": value, "is_public": is_public}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
