//! `racetime_rooms`: the rooms the bots opened, their last seen race, and the leases that keep
//! one instance opening or watching a room at a time.

use sdk::{db::Db, Error};
use sqlx::AnyConnection;

/// A room row as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoomRow {
    pub id: i64,
    pub organization_id: i64,
    pub bot_id: i64,
    pub category: String,
    pub slug: Option<String>,
    pub match_id: Option<i64>,
    pub title: String,
    pub goal: String,
    pub info_user: String,
    pub info_bot: String,
    pub form: String,
    pub preset: Option<String>,
    pub seed_roll_id: Option<i64>,
    pub seed_url: Option<String>,
    pub race_status: String,
    pub race_version: i64,
    pub race_data: Option<String>,
    pub lease_holder: Option<String>,
    pub lease_until: Option<i64>,
    pub last_error: Option<String>,
    pub opened_at: Option<i64>,
    pub closed_at: Option<i64>,
}

impl RoomRow {
    /// The race as last stored (None before racetime.gg sent one, or if it cannot be read).
    pub fn race(&self) -> Option<crate::rules::race::RaceData> {
        self.race_data
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
    }
}

const COLUMNS: &str = "id, organization_id, bot_id, category, slug, match_id, title, goal,
    info_user, info_bot, form, preset, seed_roll_id, seed_url, race_status, race_version,
    race_data, lease_holder, lease_until, last_error, opened_at, closed_at";

pub async fn get(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<Option<RoomRow>, Error> {
    Ok(sqlx::query_as::<_, RoomRow>(&format!(
        "SELECT {COLUMNS} FROM racetime_rooms WHERE organization_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The match's live room (not closed), if any.
pub async fn live_for_match(
    conn: &mut AnyConnection,
    org_id: i64,
    match_id: i64,
) -> Result<Option<RoomRow>, Error> {
    Ok(sqlx::query_as::<_, RoomRow>(&format!(
        "SELECT {COLUMNS} FROM racetime_rooms
         WHERE organization_id = $1 AND match_id = $2 AND closed_at IS NULL"
    ))
    .bind(org_id)
    .bind(match_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The latest room of a match, closed or not (the match page shows a cancelled one too).
pub async fn latest_for_match(
    db: &Db,
    org_id: i64,
    match_id: i64,
) -> Result<Option<RoomRow>, Error> {
    Ok(sqlx::query_as::<_, RoomRow>(&format!(
        "SELECT {COLUMNS} FROM racetime_rooms
         WHERE organization_id = $1 AND match_id = $2 ORDER BY id DESC LIMIT 1"
    ))
    .bind(org_id)
    .bind(match_id)
    .fetch_optional(db.pool())
    .await?)
}

/// The organization's rooms, newest first.
pub async fn list(db: &Db, org_id: i64, limit: i64) -> Result<Vec<RoomRow>, Error> {
    Ok(sqlx::query_as::<_, RoomRow>(&format!(
        "SELECT {COLUMNS} FROM racetime_rooms WHERE organization_id = $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(org_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Every open room of every organization (slug known, not closed): what the watchers follow.
pub async fn live(db: &Db) -> Result<Vec<RoomRow>, Error> {
    Ok(sqlx::query_as::<_, RoomRow>(&format!(
        "SELECT {COLUMNS} FROM racetime_rooms WHERE slug IS NOT NULL AND closed_at IS NULL
         ORDER BY id"
    ))
    .fetch_all(db.pool())
    .await?)
}

/// A new room being opened, leased to `holder` until `lease_until`. For a match, the unique
/// index on live rooms makes a second claim fail: None then.
#[allow(clippy::too_many_arguments)]
pub async fn claim(
    conn: &mut AnyConnection,
    org_id: i64,
    bot_id: i64,
    category: &str,
    match_id: Option<i64>,
    title: &str,
    opened_by: Option<i64>,
    holder: &str,
    lease_until: i64,
    now: i64,
) -> Result<Option<i64>, Error> {
    // A conflict on the unique index must not abort a PostgreSQL transaction: check first
    // under the caller's transaction, then insert; two racing inserts still meet the index.
    if let Some(m) = match_id {
        if live_for_match(conn, org_id, m).await?.is_some() {
            return Ok(None);
        }
    }
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO racetime_rooms (organization_id, bot_id, category, match_id, title,
            opened_by, lease_holder, lease_until, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(org_id)
    .bind(bot_id)
    .bind(category)
    .bind(match_id)
    .bind(title)
    .bind(opened_by)
    .bind(holder)
    .bind(lease_until)
    .bind(now)
    .fetch_one(&mut *conn)
    .await;
    match inserted {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Takes the room's lease for `holder` when it is free, already `holder`'s, or ran out.
pub async fn take_lease(
    db: &Db,
    id: i64,
    holder: &str,
    lease_until: i64,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE racetime_rooms SET lease_holder = $2, lease_until = $3
         WHERE id = $1 AND closed_at IS NULL
           AND (lease_holder IS NULL OR lease_holder = $2 OR lease_until IS NULL OR lease_until < $4)",
    )
    .bind(id)
    .bind(holder)
    .bind(lease_until)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Takes the lease of an attempt to open the room only when it is free or ran out — even from
/// the same instance: two ticks of one instance must not open a room twice either.
pub async fn take_opening_lease(
    db: &Db,
    id: i64,
    holder: &str,
    lease_until: i64,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE racetime_rooms SET lease_holder = $2, lease_until = $3
         WHERE id = $1 AND closed_at IS NULL AND slug IS NULL
           AND (lease_holder IS NULL OR lease_until IS NULL OR lease_until < $4)",
    )
    .bind(id)
    .bind(holder)
    .bind(lease_until)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Gives the lease up (only `holder`'s).
pub async fn drop_lease(db: &Db, id: i64, holder: &str) -> Result<(), Error> {
    // not audited: a lease is bookkeeping between instances, not a change to the room.
    sqlx::query(
        "UPDATE racetime_rooms SET lease_holder = NULL, lease_until = NULL
         WHERE id = $1 AND lease_holder = $2",
    )
    .bind(id)
    .bind(holder)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The seed and the form of an attempt, kept before racetime.gg is called so a retry sends
/// the same room (and finds it if the first attempt's answer was lost).
#[allow(clippy::too_many_arguments)]
pub async fn set_attempt(
    db: &Db,
    id: i64,
    goal: &str,
    info_user: &str,
    info_bot: &str,
    form: &str,
    preset: Option<&str>,
    seed_roll_id: Option<i64>,
    seed_url: Option<&str>,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE racetime_rooms SET goal = $2, info_user = $3, info_bot = $4, form = $5,
                preset = $6, seed_roll_id = $7, seed_url = $8, updated_at = $9
         WHERE id = $1",
    )
    .bind(id)
    .bind(goal)
    .bind(info_user)
    .bind(info_bot)
    .bind(form)
    .bind(preset)
    .bind(seed_roll_id)
    .bind(seed_url)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// racetime.gg refused the attempt's form: no room exists, the next attempt builds it anew.
pub async fn forget_form(db: &Db, id: i64, now: i64) -> Result<(), Error> {
    // not audited: bookkeeping of an attempt that opened nothing (its error is kept).
    sqlx::query("UPDATE racetime_rooms SET form = '{}', updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn set_error(db: &Db, id: i64, error: Option<&str>, now: i64) -> Result<(), Error> {
    sqlx::query("UPDATE racetime_rooms SET last_error = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(error)
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// racetime.gg answered: the room exists under `slug`. The opening lease ends.
pub async fn set_opened(
    conn: &mut AnyConnection,
    id: i64,
    slug: &str,
    race_status: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE racetime_rooms SET slug = $2, race_status = $3, opened_at = $4, updated_at = $4,
                lease_holder = NULL, lease_until = NULL, last_error = NULL
         WHERE id = $1",
    )
    .bind(id)
    .bind(slug)
    .bind(race_status)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Keeps a newer race state; false when `version` is not newer than the stored one.
pub async fn set_race(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    version: i64,
    data: &str,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE racetime_rooms SET race_status = $2, race_version = $3, race_data = $4,
                updated_at = $5
         WHERE id = $1 AND race_version < $3",
    )
    .bind(id)
    .bind(status)
    .bind(version)
    .bind(data)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The room is done with (cancelled, closed by a manager, or its race settled).
pub async fn mark_closed(
    conn: &mut AnyConnection,
    id: i64,
    note: Option<&str>,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE racetime_rooms SET closed_at = $2, updated_at = $2, lease_holder = NULL,
                lease_until = NULL, last_error = COALESCE($3, last_error)
         WHERE id = $1 AND closed_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A new seed for the room (re-roll).
pub async fn set_seed(
    conn: &mut AnyConnection,
    id: i64,
    preset: Option<&str>,
    seed_roll_id: Option<i64>,
    seed_url: Option<&str>,
    info_bot: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE racetime_rooms SET preset = $2, seed_roll_id = $3, seed_url = $4, info_bot = $5,
                updated_at = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(preset)
    .bind(seed_roll_id)
    .bind(seed_url)
    .bind(info_bot)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
