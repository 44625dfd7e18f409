//! The SQL of qualifiers: their settings, and the row lock that serializes score changes.

use sqlx::AnyConnection;

use sdk::{db::Flag, Error};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct QualifierRow {
    pub id: i64,
    #[sqlx(rename = "organization_id")]
    pub org_id: i64,
    pub name: String,
    pub description: String,
    #[sqlx(try_from = "Flag")]
    pub is_active: bool,
    #[sqlx(try_from = "Flag")]
    pub hide_results: bool,
    pub discord_channel_id: Option<String>,
    pub runs_per_pool: i64,
    pub max_reattempts: i64,
    #[sqlx(try_from = "Flag")]
    pub require_racetime: bool,
    pub created_at: i64,
}

const QUALIFIER_SELECT: &str = "SELECT id, organization_id, name, description, is_active, \
    hide_results, discord_channel_id, runs_per_pool, max_reattempts, require_racetime, created_at \
    FROM async_qualifiers";

/// The qualifier's settings, as written by create and update.
#[derive(Debug, Clone)]
pub struct QualifierFields {
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub hide_results: bool,
    pub discord_channel_id: Option<String>,
    pub runs_per_pool: i64,
    pub max_reattempts: i64,
    pub require_racetime: bool,
}

fn channel_taken(channel: &Option<String>) -> String {
    format!(
        "The Discord channel {} already belongs to another qualifier; choose another channel.",
        channel.as_deref().unwrap_or_default()
    )
}

pub async fn insert_qualifier(
    conn: &mut AnyConnection,
    org_id: i64,
    f: &QualifierFields,
    created_by: i64,
    now: i64,
) -> Result<i64, Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO async_qualifiers (organization_id, name, description, is_active, hide_results,
            discord_channel_id, runs_per_pool, max_reattempts, require_racetime, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(org_id)
    .bind(&f.name)
    .bind(&f.description)
    .bind(f.is_active)
    .bind(f.hide_results)
    .bind(&f.discord_channel_id)
    .bind(f.runs_per_pool)
    .bind(f.max_reattempts)
    .bind(f.require_racetime)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(channel_taken(
        &f.discord_channel_id,
    )))?;
    Ok(id)
}

pub async fn update_qualifier(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    f: &QualifierFields,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE async_qualifiers SET name = $1, description = $2, is_active = $3,
            hide_results = $4, discord_channel_id = $5, runs_per_pool = $6, max_reattempts = $7,
            require_racetime = $8, updated_at = $9
         WHERE id = $10 AND organization_id = $11",
    )
    .bind(&f.name)
    .bind(&f.description)
    .bind(f.is_active)
    .bind(f.hide_results)
    .bind(&f.discord_channel_id)
    .bind(f.runs_per_pool)
    .bind(f.max_reattempts)
    .bind(f.require_racetime)
    .bind(now)
    .bind(id)
    .bind(org_id)
    .execute(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(channel_taken(
        &f.discord_channel_id,
    )))?;
    Ok(())
}

pub async fn qualifier(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
) -> Result<Option<QualifierRow>, Error> {
    let row = sqlx::query_as::<_, QualifierRow>(&format!(
        "{QUALIFIER_SELECT} WHERE id = $1 AND organization_id = $2"
    ))
    .bind(id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row)
}

/// One page of the organization's qualifiers, newest first (`sdk::page`).
pub async fn qualifiers(
    conn: &mut AnyConnection,
    org_id: i64,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<QualifierRow>, Error> {
    let rows = sqlx::query_as::<_, QualifierRow>(&format!(
        "{QUALIFIER_SELECT} WHERE organization_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    ))
    .bind(org_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(&mut *conn)
    .await?;
    Ok(sdk::page::Page::from_rows(
        rows,
        page,
        |q: &QualifierRow| q.id,
    ))
}

/// Every active qualifier on the site (the hourly recalculation).
pub async fn active_qualifiers(conn: &mut AnyConnection) -> Result<Vec<QualifierRow>, Error> {
    let rows = sqlx::query_as::<_, QualifierRow>(&format!(
        "{QUALIFIER_SELECT} WHERE is_active = $1 ORDER BY id"
    ))
    .bind(true)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

/// The organization's qualifier posted in this Discord channel.
pub async fn qualifier_by_channel(
    conn: &mut AnyConnection,
    org_id: i64,
    channel_id: &str,
) -> Result<Option<QualifierRow>, Error> {
    let row = sqlx::query_as::<_, QualifierRow>(&format!(
        "{QUALIFIER_SELECT} WHERE discord_channel_id = $1 AND organization_id = $2"
    ))
    .bind(channel_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row)
}

/// What a computed leaderboard depends on besides the races: see `service::standings`.
/// `lock_version` moves with every write that takes [`lock_qualifier`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct BoardVersion {
    pub lock_version: i64,
    pub runs_per_pool: i64,
}

/// The qualifier's [`BoardVersion`]; none when it is not the organization's.
pub async fn board_version(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
) -> Result<Option<BoardVersion>, Error> {
    Ok(sqlx::query_as::<_, BoardVersion>(
        "SELECT lock_version, runs_per_pool FROM async_qualifiers
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Takes the qualifier's write lock for the rest of the transaction: an UPDATE that only bumps
/// `lock_version` (which also tells cached leaderboards they are out of date), which is a
/// row lock on PostgreSQL (a second finish on the same qualifier waits until the first commits,
/// then reads its result) and the database write lock on SQLite (taken up front, so two writers
/// queue on busy_timeout instead of failing to upgrade a read). False when there is no such
/// qualifier in the organization.
pub async fn lock_qualifier(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE async_qualifiers SET lock_version = lock_version + 1
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// [`lock_qualifier`] for the qualifier of a race, as the first statement of a transaction
/// (so SQLite takes its write lock before reading anything). False when the race is not the
/// organization's.
pub async fn lock_qualifier_of_race(
    conn: &mut AnyConnection,
    org_id: i64,
    race_id: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE async_qualifiers SET lock_version = lock_version + 1
         WHERE organization_id = $1
           AND id = (SELECT qualifier_id FROM async_qualifier_races WHERE id = $2)",
    )
    .bind(org_id)
    .bind(race_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
