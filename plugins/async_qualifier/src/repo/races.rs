//! The SQL of runs ("races"): read with their pool, seed and runner, moved between states,
//! reviewed; and what a player has used of a qualifier.

use sqlx::AnyConnection;

use sdk::{db::Flag, Error};

use crate::rules::{RaceStatus, ReviewStatus};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RaceRow {
    pub id: i64,
    #[sqlx(rename = "organization_id")]
    pub org_id: i64,
    pub qualifier_id: i64,
    pub permalink_id: i64,
    pub pool_id: i64,
    pub pool_name: String,
    pub url: String,
    pub user_id: i64,
    pub display_name: String,
    pub discord_thread_id: Option<String>,
    #[sqlx(rename = "thread_open_time")]
    pub opened_at: i64,
    #[sqlx(rename = "thread_timeout_time")]
    pub timeout_at: i64,
    pub warned_at: Option<i64>,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    #[sqlx(try_from = "String")]
    pub status: RaceStatus,
    #[sqlx(try_from = "Flag")]
    pub reattempted: bool,
    pub runner_notes: String,
    pub runner_vod_url: String,
    pub score: Option<f64>,
    #[sqlx(try_from = "String")]
    pub review_status: ReviewStatus,
    pub reviewed_by: Option<i64>,
    pub reviewed_by_name: Option<String>,
    pub reviewer_notes: String,
    #[sqlx(rename = "review_requested_by_user", try_from = "Flag")]
    pub review_requested: bool,
    pub review_request_reason: String,
}

impl RaceRow {
    /// end − start in seconds, when both are set.
    pub fn elapsed_seconds(&self) -> Option<f64> {
        match (self.start_time, self.end_time) {
            (Some(start), Some(end)) => Some((end - start) as f64 / 1000.0),
            _ => None,
        }
    }
}

const RACE_SELECT: &str = "SELECT r.id, q.organization_id, r.qualifier_id, r.permalink_id, \
    l.pool_id, p.name AS pool_name, l.url, r.user_id, \
    COALESCE(u.display_name, u.username) AS display_name, r.discord_thread_id, \
    r.thread_open_time, r.thread_timeout_time, r.warned_at, r.start_time, r.end_time, r.status, \
    r.reattempted, r.runner_notes, r.runner_vod_url, r.score, r.review_status, r.reviewed_by, \
    rv.username AS reviewed_by_name, r.reviewer_notes, r.review_requested_by_user, \
    r.review_request_reason \
    FROM async_qualifier_races r \
    JOIN async_qualifiers q ON q.id = r.qualifier_id \
    JOIN async_qualifier_permalinks l ON l.id = r.permalink_id \
    JOIN async_qualifier_pools p ON p.id = l.pool_id \
    JOIN users u ON u.id = r.user_id \
    LEFT JOIN users rv ON rv.id = r.reviewed_by";

/// A race of the organization.
pub async fn race(
    conn: &mut AnyConnection,
    org_id: i64,
    race_id: i64,
) -> Result<Option<RaceRow>, Error> {
    let row = sqlx::query_as::<_, RaceRow>(&format!(
        "{RACE_SELECT} WHERE r.id = $1 AND q.organization_id = $2"
    ))
    .bind(race_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row)
}

/// Filters of [`races`]; None = any.
#[derive(Debug, Clone, Copy, Default)]
pub struct RaceFilter {
    pub user_id: Option<i64>,
    pub permalink_id: Option<i64>,
    /// Only finished, non-reattempted races waiting for review (oldest first).
    pub review_queue: bool,
    /// One page, newest first (`sdk::page`); None: every race, for the server's own use.
    pub page: Option<sdk::page::PageRequest>,
}

pub async fn races(
    conn: &mut AnyConnection,
    qualifier_id: i64,
    filter: RaceFilter,
) -> Result<Vec<RaceRow>, Error> {
    let order = if filter.page.is_some() {
        "r.id DESC"
    } else if filter.review_queue {
        "r.end_time ASC, r.id ASC"
    } else {
        "r.thread_open_time DESC, r.id DESC"
    };
    let rows = sqlx::query_as::<_, RaceRow>(&format!(
        "{RACE_SELECT} WHERE r.qualifier_id = $1
            AND ($2 < 0 OR r.user_id = $2)
            AND ($3 < 0 OR r.permalink_id = $3)
            AND ($4 = 0 OR (r.status = 'finished' AND r.reattempted = $5 AND r.review_status = 'pending'))
            AND r.id < $6
         ORDER BY {order} LIMIT $7"
    ))
    .bind(qualifier_id)
    .bind(filter.user_id.unwrap_or(-1))
    .bind(filter.permalink_id.unwrap_or(-1))
    .bind(i64::from(filter.review_queue))
    .bind(false)
    .bind(filter.page.map_or(i64::MAX, |p| p.before()))
    .bind(filter.page.map_or(i64::MAX, |p| p.fetch_limit()))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

/// Pending and in-progress races of active and inactive qualifiers alike (the timeout task).
pub async fn live_races(conn: &mut AnyConnection) -> Result<Vec<RaceRow>, Error> {
    let rows = sqlx::query_as::<_, RaceRow>(&format!(
        "{RACE_SELECT} WHERE r.status IN ('pending', 'in_progress') ORDER BY r.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

pub struct NewRace {
    pub qualifier_id: i64,
    pub permalink_id: i64,
    pub user_id: i64,
    pub opened_at: i64,
    pub timeout_at: i64,
}

pub async fn insert_race(conn: &mut AnyConnection, r: &NewRace) -> Result<i64, Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO async_qualifier_races (qualifier_id, permalink_id, user_id, thread_open_time,
            thread_timeout_time, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $4, $4) RETURNING id",
    )
    .bind(r.qualifier_id)
    .bind(r.permalink_id)
    .bind(r.user_id)
    .bind(r.opened_at)
    .bind(r.timeout_at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Moves a race from `from` to `to`, setting start and/or end when given. False when the race
/// was not in `from` any more (someone else moved it first).
pub async fn transition(
    conn: &mut AnyConnection,
    race_id: i64,
    from: RaceStatus,
    to: RaceStatus,
    start_time: Option<i64>,
    end_time: Option<i64>,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE async_qualifier_races SET status = $1,
            start_time = COALESCE($2, start_time), end_time = COALESCE($3, end_time),
            updated_at = $4
         WHERE id = $5 AND status = $6",
    )
    .bind(to.as_str())
    .bind(start_time)
    .bind(end_time)
    .bind(now)
    .bind(race_id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Links a race to its Discord thread (the thread's id, digits).
pub async fn set_discord_thread(
    conn: &mut AnyConnection,
    race_id: i64,
    thread_id: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE async_qualifier_races SET discord_thread_id = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(thread_id)
    .bind(now)
    .bind(race_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The organization's race whose Discord thread this is.
pub async fn race_by_thread(
    conn: &mut AnyConnection,
    org_id: i64,
    thread_id: &str,
) -> Result<Option<RaceRow>, Error> {
    let row = sqlx::query_as::<_, RaceRow>(&format!(
        "{RACE_SELECT} WHERE r.discord_thread_id = $1 AND q.organization_id = $2"
    ))
    .bind(thread_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row)
}

/// Marks the pending-timeout warning as sent; false when it already was (sent once).
pub async fn mark_warned(conn: &mut AnyConnection, race_id: i64, now: i64) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE async_qualifier_races SET warned_at = $1, updated_at = $1
         WHERE id = $2 AND warned_at IS NULL AND status = 'pending'",
    )
    .bind(now)
    .bind(race_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn extend_timeout(
    conn: &mut AnyConnection,
    race_id: i64,
    timeout_at: i64,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE async_qualifier_races SET thread_timeout_time = $1, warned_at = NULL, updated_at = $2
         WHERE id = $3",
    )
    .bind(timeout_at)
    .bind(now)
    .bind(race_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_submission(
    conn: &mut AnyConnection,
    race_id: i64,
    vod_url: &str,
    notes: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE async_qualifier_races SET runner_vod_url = $1, runner_notes = $2, updated_at = $3
         WHERE id = $4",
    )
    .bind(vod_url)
    .bind(notes)
    .bind(now)
    .bind(race_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn request_review(
    conn: &mut AnyConnection,
    race_id: i64,
    reason: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE async_qualifier_races SET review_requested_by_user = $1,
            review_request_reason = $2, updated_at = $3
         WHERE id = $4",
    )
    .bind(true)
    .bind(reason)
    .bind(now)
    .bind(race_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_review(
    conn: &mut AnyConnection,
    race_id: i64,
    status: ReviewStatus,
    reviewer: i64,
    notes: &str,
    start_time: Option<i64>,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE async_qualifier_races SET review_status = $1, reviewed_by = $2, reviewed_at = $3,
            reviewer_notes = $4, start_time = COALESCE($5, start_time), updated_at = $3
         WHERE id = $6",
    )
    .bind(status.as_str())
    .bind(reviewer)
    .bind(now)
    .bind(notes)
    .bind(start_time)
    .bind(race_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_reattempted(
    conn: &mut AnyConnection,
    race_id: i64,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE async_qualifier_races SET reattempted = $1, updated_at = $2
         WHERE id = $3 AND reattempted = $4",
    )
    .bind(true)
    .bind(now)
    .bind(race_id)
    .bind(false)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Counts for starting a run: (live races in the qualifier, reattempted races) of the user.
pub async fn user_counts(
    conn: &mut AnyConnection,
    qualifier_id: i64,
    user_id: i64,
) -> Result<(i64, i64), Error> {
    let counts = sqlx::query_as::<_, (i64, i64)>(
        "SELECT
            (SELECT COUNT(*) FROM async_qualifier_races WHERE qualifier_id = $1 AND user_id = $2
               AND status IN ('pending', 'in_progress')) AS live,
            (SELECT COUNT(*) FROM async_qualifier_races WHERE qualifier_id = $1 AND user_id = $2
               AND reattempted = $3) AS reattempts",
    )
    .bind(qualifier_id)
    .bind(user_id)
    .bind(true)
    .fetch_one(&mut *conn)
    .await?;
    Ok(counts)
}

/// The user's non-reattempted races per pool of the qualifier: (pool id, count).
pub async fn used_per_pool(
    conn: &mut AnyConnection,
    qualifier_id: i64,
    user_id: i64,
) -> Result<Vec<(i64, i64)>, Error> {
    let rows = sqlx::query_as::<_, (i64, i64)>(
        "SELECT l.pool_id, COUNT(*) AS used FROM async_qualifier_races r
         JOIN async_qualifier_permalinks l ON l.id = r.permalink_id
         WHERE r.qualifier_id = $1 AND r.user_id = $2 AND r.reattempted = $3
         GROUP BY l.pool_id",
    )
    .bind(qualifier_id)
    .bind(user_id)
    .bind(false)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

/// What [`user_standing`] reads of a user.
#[derive(sqlx::FromRow)]
struct StandingRow {
    is_active: Flag,
    racetime_id: Option<String>,
    member: i64,
}

/// The user's activity flag, whether they belong to the organization and whether they have a
/// linked RaceTime.gg account.
pub async fn user_standing(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
) -> Result<(bool, bool, bool), Error> {
    let row = sqlx::query_as::<_, StandingRow>(
        "SELECT u.is_active, u.racetime_id,
            (SELECT COUNT(*) FROM organization_members m
              WHERE m.organization_id = $1 AND m.user_id = u.id) AS member
         FROM users u WHERE u.id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map_or((false, false, false), |row| {
        (row.is_active.0, row.member > 0, row.racetime_id.is_some())
    }))
}
