//! The SQL of synced matches: field locks (`tournament_match_locks`), which say that another
//! plugin keeps a match's title, time, players and stream channel in step with an outside
//! schedule, and the crew such a plugin writes (approved by the system, so `approved_by` is
//! NULL).

use sqlx::AnyConnection;

use sdk::{db::Flag, Error};

use crate::model::CrewRole;

/// A match's field lock: who keeps its fields and why.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FieldLock {
    pub match_id: i64,
    pub holder: String,
    pub reason: String,
}

pub async fn field_lock(
    conn: &mut AnyConnection,
    match_id: i64,
) -> Result<Option<FieldLock>, Error> {
    Ok(sqlx::query_as::<_, FieldLock>(
        "SELECT match_id, holder, reason FROM tournament_match_locks WHERE match_id = $1",
    )
    .bind(match_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Puts (or rewrites) the match's lock.
pub async fn put_field_lock(
    conn: &mut AnyConnection,
    match_id: i64,
    holder: &str,
    reason: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO tournament_match_locks (match_id, holder, reason, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (match_id) DO UPDATE SET holder = $2, reason = $3",
    )
    .bind(match_id)
    .bind(holder)
    .bind(reason)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes `holder`'s locks from the matches of one tournament of the organization; how many.
pub async fn release_field_locks(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
    holder: &str,
) -> Result<u64, Error> {
    let done = sqlx::query(
        "DELETE FROM tournament_match_locks WHERE holder = $1 AND match_id IN (
            SELECT id FROM tournament_matches WHERE organization_id = $2 AND tournament_id = $3)",
    )
    .bind(holder)
    .bind(org_id)
    .bind(tournament_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Crew the system puts on a match: approved, by nobody in particular, marked as `holder`'s
/// (`synced_by`) so that a later sync compares and removes only its own rows. A crew row that
/// is already there (a local sign-up for the same role) is left as it is.
pub async fn insert_synced_crew(
    conn: &mut AnyConnection,
    match_id: i64,
    user_id: i64,
    role: CrewRole,
    holder: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO tournament_crew (match_id, user_id, role, approved, approved_by, created_at,
            synced_by)
         VALUES ($1, $2, $3, $4, NULL, $5, $6)
         ON CONFLICT (match_id, user_id, role) DO NOTHING",
    )
    .bind(match_id)
    .bind(user_id)
    .bind(role.key())
    .bind(true)
    .bind(now)
    .bind(holder)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The crew rows of a match that `holder`'s sync wrote: (crew id, user, role key, approved).
pub async fn synced_crew(
    conn: &mut AnyConnection,
    match_id: i64,
    holder: &str,
) -> Result<Vec<SyncedCrewRow>, Error> {
    Ok(sqlx::query_as::<_, SyncedCrewRow>(
        "SELECT id, user_id, role FROM tournament_crew WHERE match_id = $1 AND synced_by = $2
         ORDER BY id",
    )
    .bind(match_id)
    .bind(holder)
    .fetch_all(&mut *conn)
    .await?)
}

/// A match's crew rows that no sync wrote (local sign-ups).
pub async fn local_crew(
    conn: &mut AnyConnection,
    match_id: i64,
) -> Result<Vec<LocalCrewRow>, Error> {
    Ok(sqlx::query_as::<_, LocalCrewRow>(
        "SELECT id, user_id, role, approved FROM tournament_crew
         WHERE match_id = $1 AND synced_by IS NULL ORDER BY id",
    )
    .bind(match_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Approves a local sign-up the outside schedule lists as approved crew: by the system (no
/// `approved_by`), and it stays a local row (a later sync never removes it). False when the row
/// is gone or was approved meanwhile.
pub async fn approve_local_crew(conn: &mut AnyConnection, crew_id: i64) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE tournament_crew SET approved = TRUE
         WHERE id = $1 AND synced_by IS NULL AND approved = FALSE",
    )
    .bind(crew_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A crew row no sync wrote: someone signed up (or was added) on this site.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LocalCrewRow {
    pub id: i64,
    pub user_id: i64,
    pub role: String,
    #[sqlx(try_from = "Flag")]
    pub approved: bool,
}

/// A crew row a sync wrote.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SyncedCrewRow {
    pub id: i64,
    pub user_id: i64,
    pub role: String,
}

/// Removes every field lock `holder` keeps on the organization's matches (the plugin was
/// switched off for the organization); how many.
pub async fn release_org_field_locks(
    conn: &mut AnyConnection,
    org_id: i64,
    holder: &str,
) -> Result<u64, Error> {
    let done = sqlx::query(
        "DELETE FROM tournament_match_locks WHERE holder = $1 AND match_id IN (
            SELECT id FROM tournament_matches WHERE organization_id = $2)",
    )
    .bind(holder)
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn delete_crew_entry(conn: &mut AnyConnection, crew_id: i64) -> Result<(), Error> {
    sqlx::query("DELETE FROM tournament_crew WHERE id = $1")
        .bind(crew_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The organization's stream channel called `name` (any case), if there is one.
pub async fn stream_channel_named(
    conn: &mut AnyConnection,
    org_id: i64,
    name: &str,
) -> Result<Option<i64>, Error> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT id FROM tournament_stream_channels
         WHERE organization_id = $1 AND LOWER(name) = LOWER($2) ORDER BY id LIMIT 1",
    )
    .bind(org_id)
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Makes the match's players exactly `user_ids`, none included (`set_players` needs at least
/// one: an empty `IN ()` is not SQL on PostgreSQL).
pub async fn set_synced_players(
    conn: &mut AnyConnection,
    match_id: i64,
    user_ids: &[i64],
) -> Result<(), Error> {
    if user_ids.is_empty() {
        sqlx::query("DELETE FROM tournament_match_players WHERE match_id = $1")
            .bind(match_id)
            .execute(&mut *conn)
            .await?;
        return Ok(());
    }
    super::set_players(conn, match_id, user_ids).await
}
