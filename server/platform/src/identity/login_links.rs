//! One-time login links for self-hosting without a Discord app (`sahabot users login-link`).

use super::users;
use sdk::{
    audit::{record, AuditEntry},
    auth::tokens::{hash, new_secret},
    db::{now_ms, Db},
    Error,
};

/// How long a link stays valid.
pub const LINK_TTL_MS: i64 = 15 * 60 * 1000;

/// Mints a link secret for `username`; the URL is `{base_url}/auth/link/{secret}`.
pub async fn create(db: &Db, username: &str) -> Result<(users::UserInfo, String), Error> {
    let user = users::find_by_username(db, username)
        .await?
        .ok_or_else(|| {
            Error::not_found(format!("There is no user named `{}`.", username.trim()))
        })?;
    if !user.is_active {
        return Err(Error::conflict(format!(
            "The user `{}` is deactivated.",
            user.username
        )));
    }
    let secret = new_secret();
    let now = now_ms();
    sqlx::query("INSERT INTO login_links (user_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user.id)
        .bind(hash(&secret))
        .bind(now + LINK_TTL_MS)
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok((user, secret))
}

/// Uses a link: valid, unexpired and unused, once. Returns the user to sign in.
pub async fn redeem(db: &Db, secret: &str, ip: Option<&str>) -> Result<users::UserInfo, Error> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let user_id: i64 = sqlx::query_scalar(
        "UPDATE login_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(hash(secret))
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| Error::unauthenticated("This login link is invalid, expired or already used. Ask for a new one."))?;
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(user_id),
            org_id: None,
            action: "user.login",
            details: serde_json::json!({"via": "login_link"}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    users::active(db, user_id)
        .await?
        .ok_or_else(|| Error::unauthenticated("This account is deactivated."))
}
