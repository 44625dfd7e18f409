//! `racetime_bots` and `racetime_bot_grants`.

use sdk::{db::Db, Error};
use sqlx::AnyConnection;

use crate::model::{Bot, OrgBot};

const COLUMNS: &str =
    "id, category, name, client_id, is_active, status, last_error, token_expires_at, created_at";

/// A bot with its sealed secret, for the service only.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BotSecret {
    pub id: i64,
    pub category: String,
    pub name: String,
    pub client_id: String,
    pub client_secret_sealed: String,
    #[sqlx(try_from = "sdk::db::Flag")]
    pub is_active: bool,
}

pub async fn list(db: &Db) -> Result<Vec<Bot>, Error> {
    let mut bots = sqlx::query_as::<_, Bot>(&format!(
        "SELECT {COLUMNS} FROM racetime_bots ORDER BY category, name"
    ))
    .fetch_all(db.pool())
    .await?;
    let grants: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT bot_id, organization_id FROM racetime_bot_grants ORDER BY organization_id",
    )
    .fetch_all(db.pool())
    .await?;
    for bot in &mut bots {
        bot.organizations = grants
            .iter()
            .filter(|(b, _)| *b == bot.id)
            .map(|(_, o)| *o)
            .collect();
    }
    Ok(bots)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Bot>, Error> {
    Ok(list(db).await?.into_iter().find(|b| b.id == id))
}

pub async fn secret(conn: &mut AnyConnection, id: i64) -> Result<Option<BotSecret>, Error> {
    Ok(sqlx::query_as::<_, BotSecret>(
        "SELECT id, category, name, client_id, client_secret_sealed, is_active
         FROM racetime_bots WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// How many bots the site has.
pub async fn count(conn: &mut AnyConnection) -> Result<i64, Error> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM racetime_bots")
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn insert(
    conn: &mut AnyConnection,
    category: &str,
    name: &str,
    client_id: &str,
    sealed: &str,
    is_active: bool,
    now: i64,
) -> Result<i64, Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO racetime_bots (category, name, client_id, client_secret_sealed, is_active,
                                    created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(category)
    .bind(name)
    .bind(client_id)
    .bind(sealed)
    .bind(is_active)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(format!(
        "The category {category} already has a bot named {name}."
    )))?;
    Ok(id)
}

/// `sealed` None keeps the stored secret. Credentials changed: the status starts over.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    category: &str,
    name: &str,
    client_id: &str,
    sealed: Option<&str>,
    is_active: bool,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE racetime_bots SET category = $2, name = $3, client_id = $4,
                client_secret_sealed = COALESCE($5, client_secret_sealed), is_active = $6,
                status = 'idle', last_error = NULL, token_expires_at = NULL, updated_at = $7
         WHERE id = $1",
    )
    .bind(id)
    .bind(category)
    .bind(name)
    .bind(client_id)
    .bind(sealed)
    .bind(is_active)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(format!(
        "The category {category} already has a bot named {name}."
    )))?;
    Ok(done.rows_affected() > 0)
}

/// What the bot's last token request said.
pub async fn set_status(
    db: &Db,
    id: i64,
    status: &str,
    last_error: Option<&str>,
    token_expires_at: Option<i64>,
    now: i64,
) -> Result<(), Error> {
    // not audited: the bot's connection status as racetime.gg reported it, not a change anyone
    // made (the admin page shows it).
    sqlx::query(
        "UPDATE racetime_bots SET status = $2, last_error = $3,
                token_expires_at = COALESCE($4, token_expires_at), updated_at = $5
         WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(last_error)
    .bind(token_expires_at)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn grant(
    conn: &mut AnyConnection,
    bot_id: i64,
    org_id: i64,
    now: i64,
) -> Result<bool, Error> {
    let exists: Option<i64> = sqlx::query_scalar(
        "SELECT bot_id FROM racetime_bot_grants WHERE bot_id = $1 AND organization_id = $2",
    )
    .bind(bot_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    if exists.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO racetime_bot_grants (bot_id, organization_id, granted_at) VALUES ($1, $2, $3)",
    )
    .bind(bot_id)
    .bind(org_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

pub async fn revoke(conn: &mut AnyConnection, bot_id: i64, org_id: i64) -> Result<bool, Error> {
    let done =
        sqlx::query("DELETE FROM racetime_bot_grants WHERE bot_id = $1 AND organization_id = $2")
            .bind(bot_id)
            .bind(org_id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// The bots `org_id` was granted.
pub async fn granted(db: &Db, org_id: i64) -> Result<Vec<OrgBot>, Error> {
    Ok(sqlx::query_as::<_, OrgBot>(
        "SELECT b.id, b.category, b.name, b.status FROM racetime_bots b
         JOIN racetime_bot_grants g ON g.bot_id = b.id
         WHERE g.organization_id = $1 ORDER BY b.category, b.name",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?)
}

/// Whether `org_id` may use bot `bot_id`, and the bot is active.
pub async fn usable(conn: &mut AnyConnection, org_id: i64, bot_id: i64) -> Result<bool, Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT b.id FROM racetime_bots b JOIN racetime_bot_grants g ON g.bot_id = b.id
         WHERE b.id = $1 AND g.organization_id = $2 AND b.is_active = $3",
    )
    .bind(bot_id)
    .bind(org_id)
    .bind(true)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

pub async fn org_exists(conn: &mut AnyConnection, org_id: i64) -> Result<bool, Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}
