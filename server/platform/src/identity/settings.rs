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

/// How long a read MOTD is shown before it is read again. Every page shows the banner, so this
/// keeps a database read off every page render; a change made through this process shows at
/// once ([`MotdCache::forget`]), one made through another instance within this time.
pub const MOTD_FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(5);

/// The MOTD as last read, and when (one per [`crate::Host`]).
#[derive(Debug, Default)]
pub struct MotdCache {
    last: std::sync::Mutex<Option<(std::time::Instant, Option<String>)>>,
}

impl MotdCache {
    /// The banner ([`motd`]), read again when the kept one is older than [`MOTD_FRESH_FOR`].
    pub async fn get(&self, db: &Db) -> Result<Option<String>, Error> {
        if let Some((read_at, text)) = self.last.lock().map_or(None, |last| last.clone()) {
            if read_at.elapsed() < MOTD_FRESH_FOR {
                return Ok(text);
            }
        }
        let text = motd(db).await?;
        if let Ok(mut last) = self.last.lock() {
            *last = Some((std::time::Instant::now(), text.clone()));
        }
        Ok(text)
    }

    /// Drops the kept banner: the next page reads it again (after a setting changed).
    pub fn forget(&self) {
        if let Ok(mut last) = self.last.lock() {
            *last = None;
        }
    }
}

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
