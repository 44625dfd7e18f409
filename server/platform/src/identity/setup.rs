//! The first run: a one-time link that creates the site's first admin.
//!
//! While the site has no user, the server mints a link when it starts ([`offer`]) and prints it
//! (`serve` in server/src/main.rs); the home page tells a visitor to look there. Opening it
//! shows a form (server/src/auth/setup.rs); sending a name there ([`complete`]) creates that
//! user as SUPERADMIN and signs them in. A link is valid until used; the first link used
//! consumes every open one in the same statement, so two people racing with two links (or two
//! instances' links) get one admin, and once any user exists — however it was created — no
//! link works and none is minted.

use sdk::{
    auth::{
        tokens::{hash, new_secret},
        GlobalLevel,
    },
    db::{now_ms, Db},
    Error,
};

use super::{users, validate};

/// Databases (by [`Db::instance`]) seen with a user: a site never goes back to having none
/// that matters here, so the home page asks the database only until the first user exists.
static HAVE_USERS: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());

/// Whether the site has any user yet.
pub async fn has_users(db: &Db) -> Result<bool, Error> {
    let seen = || {
        HAVE_USERS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if seen().contains(&db.instance()) {
        return Ok(true);
    }
    let any = any_user(&mut *db.pool().acquire().await?).await?;
    if any {
        seen().push(db.instance());
    }
    Ok(any)
}

/// Whether the `users` table has a row, read on `conn` (inside a transaction: as it sees it).
async fn any_user(conn: &mut sqlx::AnyConnection) -> Result<bool, Error> {
    let any: Option<i64> = sqlx::query_scalar("SELECT id FROM users LIMIT 1")
        .fetch_optional(conn)
        .await?;
    Ok(any.is_some())
}

/// A new setup link secret while the site has no user (the URL is `{base}/setup/{secret}`);
/// none once it has one.
pub async fn offer(db: &Db) -> Result<Option<String>, Error> {
    if has_users(db).await? {
        return Ok(None);
    }
    let secret = new_secret();
    sqlx::query("INSERT INTO setup_links (token_hash, created_at) VALUES ($1, $2)")
        .bind(hash(&secret))
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(Some(secret))
}

/// Whether `secret` is an open setup link of a site that has no user yet (what the form page
/// asks before showing the form).
pub async fn is_open(db: &Db, secret: &str) -> Result<bool, Error> {
    if has_users(db).await? {
        return Ok(false);
    }
    let open: Option<i64> =
        sqlx::query_scalar("SELECT id FROM setup_links WHERE token_hash = $1 AND used_at IS NULL")
            .bind(hash(secret))
            .fetch_optional(db.pool())
            .await?;
    Ok(open.is_some())
}

/// Uses the link: creates `username` as the site's first admin (SUPERADMIN), with its audit
/// entry, in one transaction. Fails, creating nothing, when the link is unknown or used, or
/// when the site has a user already.
pub async fn complete(
    db: &Db,
    secret: &str,
    username: &str,
    ip: Option<&str>,
) -> Result<users::UserInfo, Error> {
    let username = validate::username(username)?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    // Every open link at once, and only if this one is among them: a second use of any link
    // (also one racing this transaction on PostgreSQL, which re-checks `used_at` on the rows
    // the first one locked) changes nothing.
    let consumed = sqlx::query(
        "UPDATE setup_links SET used_at = $1
         WHERE used_at IS NULL
           AND EXISTS (SELECT 1 FROM setup_links l WHERE l.token_hash = $2 AND l.used_at IS NULL)",
    )
    .bind(now)
    .bind(hash(secret))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if consumed == 0 {
        return Err(Error::unauthenticated(
            "This setup link is not valid or was used already. Sign in instead.",
        ));
    }
    if any_user(&mut tx).await? {
        return Err(Error::conflict(
            "This site has its admin already: sign in instead.",
        ));
    }
    let id = users::insert_with_audit(
        &mut tx,
        &username,
        GlobalLevel::Superadmin,
        "setup_link",
        ip,
        now,
    )
    .await?;
    tx.commit().await?;
    users::get(db, id).await
}
