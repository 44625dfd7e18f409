//! API tokens: shown once when created, stored only as their sha256.

pub use super::model::{ApiToken, CreatedToken};

use sqlx::Row;

use super::{users, validate};
use sdk::{
    audit::{record, AuditEntry},
    auth::tokens::{hash, new_secret},
    db::{now_ms, Db},
    Error,
};

pub async fn create(
    db: &Db,
    user_id: i64,
    name: &str,
    expires_at: Option<i64>,
    ip: Option<&str>,
) -> Result<CreatedToken, Error> {
    let name = validate::text("name", name, 64)?;
    let now = now_ms();
    if expires_at.is_some_and(|e| e <= now) {
        return Err(Error::invalid("expires_at", "must be in the future"));
    }
    let secret = new_secret();
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(&name)
    .bind(hash(&secret))
    .bind(expires_at)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(user_id),
            org_id: None,
            action: "api_token.create",
            details: serde_json::json!({"token_id": id, "name": name, "expires_at": expires_at}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedToken {
        token: ApiToken {
            id,
            name,
            is_active: true,
            last_used_at: None,
            expires_at,
            created_at: now,
        },
        secret,
    })
}

/// The user's tokens, newest first, a page at a time.
pub async fn list(
    db: &Db,
    user_id: i64,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<ApiToken>, Error> {
    let tokens: Vec<ApiToken> = sqlx::query_as(
        "SELECT id, name, is_active, last_used_at, expires_at, created_at FROM api_tokens
         WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(user_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    Ok(sdk::page::Page::from_rows(tokens, page, |t| t.id))
}

/// Revokes one of the user's own tokens.
pub async fn revoke(db: &Db, user_id: i64, token_id: i64, ip: Option<&str>) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    let updated =
        sqlx::query("UPDATE api_tokens SET is_active = $1 WHERE id = $2 AND user_id = $3")
            .bind(false)
            .bind(token_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    if updated.rows_affected() == 0 {
        return Err(Error::not_found(format!(
            "You have no API token {token_id}."
        )));
    }
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(user_id),
            org_id: None,
            action: "api_token.revoke",
            details: serde_json::json!({"token_id": token_id}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `last_used_at` is kept to this precision.
pub const LAST_USED_PRECISION_MS: i64 = 60_000;

/// The caller behind a bearer token: active, unexpired, owned by an active user. Records the use.
pub async fn authenticate(db: &Db, secret: &str) -> Result<Option<(i64, users::UserInfo)>, Error> {
    // not audited: using a token only stamps its `last_used_at`; an entry per API request would
    // drown the log.
    let now = now_ms();
    // One query for the token and its user: every API request with a token comes here, and on
    // SQLite each query is a hand-off to the database thread. Nothing is cached, so a revoked
    // token or a deactivated user is refused from the next request on, on every instance.
    let row = sqlx::query(&format!(
        "SELECT {columns}, t.token_id, t.token_last_used_at FROM users \
         JOIN (SELECT id AS token_id, user_id AS token_user_id, last_used_at AS token_last_used_at \
               FROM api_tokens \
               WHERE token_hash = $1 AND is_active = $2 AND (expires_at IS NULL OR expires_at > $3)) t \
           ON users.id = t.token_user_id \
         WHERE users.is_active = $2",
        columns = users::USER_COLUMNS
    ))
    .bind(hash(secret))
    .bind(true)
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let user = users::user_from_row(&row)?;
    let token_id: i64 = row.try_get("token_id")?;
    let last_used: Option<i64> = row.try_get("token_last_used_at")?;
    // Every API request lands here: record the use at most once a minute rather than writing on
    // each call (on SQLite every write waits for the one writer).
    if last_used.is_none_or(|at| now - at >= LAST_USED_PRECISION_MS) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(token_id)
            .execute(db.pool())
            .await?;
    }
    Ok(Some((token_id, user)))
}

/// For the CLI: a token for `username`.
pub async fn create_for_username(
    db: &Db,
    username: &str,
    name: &str,
) -> Result<CreatedToken, Error> {
    let user = users::find_by_username(db, username)
        .await?
        .ok_or_else(|| {
            Error::not_found(format!("There is no user named `{}`.", username.trim()))
        })?;
    create(db, user.id, name, None, None).await
}
