//! The SQL of matches and their players (results, stations). A match is read with its
//! tournament's settings that shape it (onsite, trackers, settings form).

use sqlx::AnyConnection;

use sdk::{db::Flag, Error};

use super::{placeholders, NAME};
use crate::model::{MatchPlayer, MatchTimes};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MatchRow {
    pub id: i64,
    #[sqlx(rename = "organization_id")]
    pub org_id: i64,
    pub tournament_id: i64,
    pub tournament_name: String,
    pub title: String,
    pub comment: String,
    pub stream_channel_id: Option<i64>,
    #[sqlx(flatten)]
    pub times: MatchTimes,
    pub seed_url: Option<String>,
    pub seed_description: String,
    pub seed_roll_id: Option<i64>,
    #[sqlx(try_from = "Flag")]
    pub onsite: bool,
    /// Whether the tournament takes tracker crew.
    #[sqlx(try_from = "Flag")]
    pub tracker_enabled: bool,
    pub settings_form_schema: Option<String>,
}

const MATCH_SELECT: &str =
    "SELECT m.id, m.organization_id, m.tournament_id, t.name AS tournament_name,
    m.title, m.comment, m.stream_channel_id, m.scheduled_at, m.checked_in_at, m.started_at,
    m.finished_at, m.confirmed_at, m.seed_url, m.seed_description, m.seed_roll_id, t.onsite,
    t.tracker_enabled, t.settings_form_schema
    FROM tournament_matches m JOIN tournaments t ON t.id = m.tournament_id";

/// Which matches to read; all bounds optional.
#[derive(Debug, Clone, Default)]
pub struct MatchQuery {
    pub tournament_id: Option<i64>,
    /// Scheduled at or after (epoch ms); unscheduled matches are left out when a bound is given.
    pub from: Option<i64>,
    /// Scheduled before (epoch ms).
    pub to: Option<i64>,
    pub stream_channel_id: Option<i64>,
    /// Only matches this user plays in or crews.
    pub involving: Option<i64>,
    /// Only matches of active, unarchived tournaments (the calendar feeds).
    pub open_tournaments_only: bool,
    /// One page, most recently created first (`sdk::page`); None: every match that fits.
    pub page: Option<sdk::page::PageRequest>,
}

pub async fn matches(
    conn: &mut AnyConnection,
    org_id: i64,
    q: &MatchQuery,
) -> Result<Vec<MatchRow>, Error> {
    let mut sql = format!("{MATCH_SELECT} WHERE m.organization_id = $1");
    let mut binds: Vec<i64> = vec![org_id];
    let mut add = |sql: &mut String, clause: &str, value: i64| {
        binds.push(value);
        sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
    };
    if let Some(t) = q.tournament_id {
        add(&mut sql, " AND m.tournament_id = ?", t);
    }
    if let Some(from) = q.from {
        add(&mut sql, " AND m.scheduled_at >= ?", from);
    }
    if let Some(to) = q.to {
        add(&mut sql, " AND m.scheduled_at < ?", to);
    }
    if let Some(channel) = q.stream_channel_id {
        add(&mut sql, " AND m.stream_channel_id = ?", channel);
    }
    if let Some(user) = q.involving {
        add(
            &mut sql,
            " AND (EXISTS (SELECT 1 FROM tournament_match_players p WHERE p.match_id = m.id AND p.user_id = ?)",
            user,
        );
        add(
            &mut sql,
            " OR EXISTS (SELECT 1 FROM tournament_crew c WHERE c.match_id = m.id AND c.user_id = ?))",
            user,
        );
    }
    if q.open_tournaments_only {
        // TRUE reads as 1 on SQLite (INTEGER flags) and as a boolean on PostgreSQL.
        sql.push_str(" AND t.archived_at IS NULL AND t.is_active = TRUE");
    }
    if let Some(page) = q.page {
        add(&mut sql, " AND m.id < ?", page.before());
        // A number of our own, not input: safe to write into the statement.
        sql.push_str(&format!(" ORDER BY m.id DESC LIMIT {}", page.fetch_limit()));
    } else {
        // Unscheduled (pending) matches last; then by time and id.
        sql.push_str(
            " ORDER BY CASE WHEN m.scheduled_at IS NULL THEN 1 ELSE 0 END, m.scheduled_at, m.id",
        );
    }
    let mut query = sqlx::query_as::<_, MatchRow>(&sql);
    for b in &binds {
        query = query.bind(*b);
    }
    Ok(query.fetch_all(&mut *conn).await?)
}

pub async fn match_by_id(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
) -> Result<Option<MatchRow>, Error> {
    Ok(sqlx::query_as::<_, MatchRow>(&format!(
        "{MATCH_SELECT} WHERE m.organization_id = $1 AND m.id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Takes the match's row lock as the first statement of a transaction (a PostgreSQL row lock;
/// SQLite's IMMEDIATE transaction already holds the write lock), so two managers' steps on one
/// match apply one after the other. False when the match is not the organization's.
pub async fn lock_match(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE tournament_matches SET updated_at = $3 WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The fields a manager edits.
#[derive(Debug, Clone)]
pub struct MatchFields {
    pub title: String,
    pub comment: String,
    pub scheduled_at: Option<i64>,
    pub stream_channel_id: Option<i64>,
}

pub async fn insert_match(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
    f: &MatchFields,
    created_by: i64,
    now: i64,
) -> Result<i64, Error> {
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO tournament_matches (organization_id, tournament_id, title, comment,
            scheduled_at, stream_channel_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(org_id)
    .bind(tournament_id)
    .bind(&f.title)
    .bind(&f.comment)
    .bind(f.scheduled_at)
    .bind(f.stream_channel_id)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn update_match(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    f: &MatchFields,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE tournament_matches SET title = $3, comment = $4, scheduled_at = $5,
            stream_channel_id = $6, updated_at = $7
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .bind(&f.title)
    .bind(&f.comment)
    .bind(f.scheduled_at)
    .bind(f.stream_channel_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes the status timestamps (the scheduled time included).
pub async fn set_times(
    conn: &mut AnyConnection,
    id: i64,
    t: &MatchTimes,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE tournament_matches SET scheduled_at = $2, checked_in_at = $3, started_at = $4,
            finished_at = $5, confirmed_at = $6, updated_at = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(t.scheduled_at)
    .bind(t.checked_in_at)
    .bind(t.started_at)
    .bind(t.finished_at)
    .bind(t.confirmed_at)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets the match's seed; `seed_roll_id` is the seed history entry it was rolled as (None for a
/// seed set by hand, which so forgets a previous roll's).
pub async fn set_seed(
    conn: &mut AnyConnection,
    id: i64,
    url: Option<&str>,
    description: &str,
    seed_roll_id: Option<i64>,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE tournament_matches SET seed_url = $2, seed_description = $3, seed_roll_id = $4
         WHERE id = $1",
    )
    .bind(id)
    .bind(url)
    .bind(description)
    .bind(seed_roll_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn delete_match(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<bool, Error> {
    let done = sqlx::query("DELETE FROM tournament_matches WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A player of one of several matches.
#[derive(sqlx::FromRow)]
struct PlayerRow {
    match_id: i64,
    #[sqlx(flatten)]
    player: MatchPlayer,
}

/// The players of the given matches: (match id, player), in rank then name order.
pub async fn match_players(
    conn: &mut AnyConnection,
    match_ids: &[i64],
) -> Result<Vec<(i64, MatchPlayer)>, Error> {
    if match_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT p.match_id, p.user_id, {NAME} AS display_name, p.finish_rank, p.station
         FROM tournament_match_players p JOIN users u ON u.id = p.user_id
         WHERE p.match_id IN ({})
         ORDER BY p.match_id, CASE WHEN p.finish_rank IS NULL THEN 1 ELSE 0 END, p.finish_rank,
            display_name, p.user_id",
        placeholders(1, match_ids.len())
    );
    let mut query = sqlx::query_as::<_, PlayerRow>(&sql);
    for id in match_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|r| (r.match_id, r.player)).collect())
}

/// Makes the match's players exactly `user_ids` (those who stay keep rank and station).
pub async fn set_players(
    conn: &mut AnyConnection,
    match_id: i64,
    user_ids: &[i64],
) -> Result<(), Error> {
    let sql = format!(
        "DELETE FROM tournament_match_players WHERE match_id = $1 AND user_id NOT IN ({})",
        placeholders(2, user_ids.len())
    );
    let mut query = sqlx::query(&sql).bind(match_id);
    for id in user_ids {
        query = query.bind(*id);
    }
    query.execute(&mut *conn).await?;
    for id in user_ids {
        sqlx::query(
            "INSERT INTO tournament_match_players (match_id, user_id) VALUES ($1, $2)
             ON CONFLICT (match_id, user_id) DO NOTHING",
        )
        .bind(match_id)
        .bind(*id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn set_rank(
    conn: &mut AnyConnection,
    match_id: i64,
    user_id: i64,
    rank: Option<i64>,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE tournament_match_players SET finish_rank = $3 WHERE match_id = $1 AND user_id = $2",
    )
    .bind(match_id)
    .bind(user_id)
    .bind(rank)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_station(
    conn: &mut AnyConnection,
    match_id: i64,
    user_id: i64,
    station: Option<&str>,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE tournament_match_players SET station = $3 WHERE match_id = $1 AND user_id = $2",
    )
    .bind(match_id)
    .bind(user_id)
    .bind(station)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn clear_stations(conn: &mut AnyConnection, match_id: i64) -> Result<(), Error> {
    sqlx::query("UPDATE tournament_match_players SET station = NULL WHERE match_id = $1")
        .bind(match_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
