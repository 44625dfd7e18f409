//! The SQL of qualifiers, pools, permalinks and races. Rules live in `rules` and `service`; these
//! functions only read and write rows. Every function takes a connection (`&mut *tx` inside a
//! transaction, an acquired pool connection otherwise), and every lookup from outside is bounded
//! by the organization id the guard handed out.

use sqlx::{any::AnyRow, AnyConnection, Row};

use sdk::{db::Flag, Error};

use crate::rules::{BoardRace, Candidate, RaceStatus, RaceTiming, ReviewStatus};

#[derive(Debug, Clone, PartialEq)]
pub struct QualifierRow {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub hide_results: bool,
    pub discord_channel_id: Option<String>,
    pub runs_per_pool: i64,
    pub max_reattempts: i64,
    pub require_racetime: bool,
    pub created_at: i64,
}

const QUALIFIER_SELECT: &str = "SELECT id, organization_id, name, description, is_active, \
    hide_results, discord_channel_id, runs_per_pool, max_reattempts, require_racetime, created_at \
    FROM async_qualifiers";

fn qualifier_row(row: &AnyRow) -> Result<QualifierRow, Error> {
    Ok(QualifierRow {
        id: row.try_get("id")?,
        org_id: row.try_get("organization_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        is_active: row.try_get::<Flag, _>("is_active")?.0,
        hide_results: row.try_get::<Flag, _>("hide_results")?.0,
        discord_channel_id: row.try_get("discord_channel_id")?,
        runs_per_pool: row.try_get("runs_per_pool")?,
        max_reattempts: row.try_get("max_reattempts")?,
        require_racetime: row.try_get::<Flag, _>("require_racetime")?.0,
        created_at: row.try_get("created_at")?,
    })
}

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
    let row = sqlx::query(
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
    Ok(row.try_get("id")?)
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
    let row = sqlx::query(&format!(
        "{QUALIFIER_SELECT} WHERE id = $1 AND organization_id = $2"
    ))
    .bind(id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(qualifier_row).transpose()
}

/// One page of the organization's qualifiers, newest first (`sdk::page`).
pub async fn qualifiers(
    conn: &mut AnyConnection,
    org_id: i64,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<QualifierRow>, Error> {
    let rows = sqlx::query(&format!(
        "{QUALIFIER_SELECT} WHERE organization_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    ))
    .bind(org_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(&mut *conn)
    .await?;
    let rows = rows.iter().map(qualifier_row).collect::<Result<_, _>>()?;
    Ok(sdk::page::Page::from_rows(
        rows,
        page,
        |q: &QualifierRow| q.id,
    ))
}

/// Every active qualifier on the site (the hourly recalculation).
pub async fn active_qualifiers(conn: &mut AnyConnection) -> Result<Vec<QualifierRow>, Error> {
    let rows = sqlx::query(&format!(
        "{QUALIFIER_SELECT} WHERE is_active = $1 ORDER BY id"
    ))
    .bind(true)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(qualifier_row).collect()
}

/// Takes the qualifier's write lock for the rest of the transaction: a no-op UPDATE, which is a
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

// ---------------------------------------------------------------------------------------------
// Pools and permalinks

#[derive(Debug, Clone, PartialEq)]
pub struct PoolRow {
    pub id: i64,
    pub qualifier_id: i64,
    pub name: String,
    pub description: String,
}

pub async fn insert_pool(
    conn: &mut AnyConnection,
    qualifier_id: i64,
    name: &str,
    description: &str,
    now: i64,
) -> Result<i64, Error> {
    let row = sqlx::query(
        "INSERT INTO async_qualifier_pools (qualifier_id, name, description, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(qualifier_id)
    .bind(name)
    .bind(description)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(format!(
        "This qualifier already has a pool named \"{name}\"; choose another name."
    )))?;
    Ok(row.try_get("id")?)
}

pub async fn update_pool(
    conn: &mut AnyConnection,
    pool_id: i64,
    name: &str,
    description: &str,
) -> Result<(), Error> {
    sqlx::query("UPDATE async_qualifier_pools SET name = $1, description = $2 WHERE id = $3")
        .bind(name)
        .bind(description)
        .bind(pool_id)
        .execute(&mut *conn)
        .await
        .map_err(Error::conflict_if_duplicate(format!(
            "This qualifier already has a pool named \"{name}\"; choose another name."
        )))?;
    Ok(())
}

fn pool_row(row: &AnyRow) -> Result<PoolRow, Error> {
    Ok(PoolRow {
        id: row.try_get("id")?,
        qualifier_id: row.try_get("qualifier_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
    })
}

/// A qualifier's pools in their order (creation).
pub async fn pools(conn: &mut AnyConnection, qualifier_id: i64) -> Result<Vec<PoolRow>, Error> {
    let rows = sqlx::query(
        "SELECT id, qualifier_id, name, description FROM async_qualifier_pools
         WHERE qualifier_id = $1 ORDER BY id",
    )
    .bind(qualifier_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(pool_row).collect()
}

/// One page of the qualifier's pools, newest first (`sdk::page`).
pub async fn pools_page(
    conn: &mut AnyConnection,
    qualifier_id: i64,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<PoolRow>, Error> {
    let rows = sqlx::query(
        "SELECT id, qualifier_id, name, description FROM async_qualifier_pools
         WHERE qualifier_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(qualifier_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(&mut *conn)
    .await?;
    let rows = rows.iter().map(pool_row).collect::<Result<_, _>>()?;
    Ok(sdk::page::Page::from_rows(rows, page, |p: &PoolRow| p.id))
}

/// A pool, when it belongs to a qualifier of the organization.
pub async fn pool(
    conn: &mut AnyConnection,
    org_id: i64,
    pool_id: i64,
) -> Result<Option<PoolRow>, Error> {
    let row = sqlx::query(
        "SELECT p.id, p.qualifier_id, p.name, p.description FROM async_qualifier_pools p
         JOIN async_qualifiers q ON q.id = p.qualifier_id
         WHERE p.id = $1 AND q.organization_id = $2",
    )
    .bind(pool_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(pool_row).transpose()
}

#[derive(Debug, Clone, PartialEq)]
pub struct PermalinkRow {
    pub id: i64,
    pub pool_id: i64,
    pub qualifier_id: i64,
    pub url: String,
    pub notes: String,
    pub par_time: Option<f64>,
    pub par_updated_at: Option<i64>,
    pub play_count: i64,
}

const PERMALINK_SELECT: &str = "SELECT l.id, l.pool_id, p.qualifier_id, l.url, l.notes, \
    l.par_time, l.par_updated_at, \
    (SELECT COUNT(*) FROM async_qualifier_races r WHERE r.permalink_id = l.id AND r.reattempted = $1) AS play_count \
    FROM async_qualifier_permalinks l JOIN async_qualifier_pools p ON p.id = l.pool_id \
    JOIN async_qualifiers q ON q.id = p.qualifier_id";

fn permalink_row(row: &AnyRow) -> Result<PermalinkRow, Error> {
    Ok(PermalinkRow {
        id: row.try_get("id")?,
        pool_id: row.try_get("pool_id")?,
        qualifier_id: row.try_get("qualifier_id")?,
        url: row.try_get("url")?,
        notes: row.try_get("notes")?,
        par_time: row.try_get("par_time")?,
        par_updated_at: row.try_get("par_updated_at")?,
        play_count: row.try_get("play_count")?,
    })
}

pub async fn insert_permalink(
    conn: &mut AnyConnection,
    pool_id: i64,
    url: &str,
    notes: &str,
    now: i64,
) -> Result<i64, Error> {
    let row = sqlx::query(
        "INSERT INTO async_qualifier_permalinks (pool_id, url, notes, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(pool_id)
    .bind(url)
    .bind(notes)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub async fn update_permalink(
    conn: &mut AnyConnection,
    permalink_id: i64,
    url: &str,
    notes: &str,
) -> Result<(), Error> {
    sqlx::query("UPDATE async_qualifier_permalinks SET url = $1, notes = $2 WHERE id = $3")
        .bind(url)
        .bind(notes)
        .bind(permalink_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every permalink of a qualifier, by pool then creation.
pub async fn permalinks(
    conn: &mut AnyConnection,
    qualifier_id: i64,
) -> Result<Vec<PermalinkRow>, Error> {
    let rows = sqlx::query(&format!(
        "{PERMALINK_SELECT} WHERE p.qualifier_id = $2 ORDER BY l.pool_id, l.id"
    ))
    .bind(false)
    .bind(qualifier_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(permalink_row).collect()
}

pub async fn permalink(
    conn: &mut AnyConnection,
    org_id: i64,
    permalink_id: i64,
) -> Result<Option<PermalinkRow>, Error> {
    let row = sqlx::query(&format!(
        "{PERMALINK_SELECT} WHERE l.id = $2 AND q.organization_id = $3"
    ))
    .bind(false)
    .bind(permalink_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(permalink_row).transpose()
}

/// The pool's permalinks as candidates for `user_id`'s next run.
pub async fn candidates(
    conn: &mut AnyConnection,
    pool_id: i64,
    user_id: i64,
) -> Result<Vec<Candidate>, Error> {
    let rows = sqlx::query(
        "SELECT l.id,
            (SELECT COUNT(*) FROM async_qualifier_races r
              WHERE r.permalink_id = l.id AND r.reattempted = $1) AS plays,
            (SELECT COUNT(*) FROM async_qualifier_races r
              WHERE r.permalink_id = l.id AND r.user_id = $2) AS mine
         FROM async_qualifier_permalinks l WHERE l.pool_id = $3 ORDER BY l.id",
    )
    .bind(false)
    .bind(user_id)
    .bind(pool_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Candidate {
                permalink_id: row.try_get(0)?,
                play_count: row.try_get(1)?,
                used_by_user: row.try_get::<i64, _>(2)? > 0,
                // Live (scheduled) races are not part of this plugin yet.
                live_race: false,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Races

#[derive(Debug, Clone, PartialEq)]
pub struct RaceRow {
    pub id: i64,
    pub org_id: i64,
    pub qualifier_id: i64,
    pub permalink_id: i64,
    pub pool_id: i64,
    pub pool_name: String,
    pub url: String,
    pub user_id: i64,
    pub display_name: String,
    pub discord_thread_id: Option<String>,
    pub opened_at: i64,
    pub timeout_at: i64,
    pub warned_at: Option<i64>,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub status: RaceStatus,
    pub reattempted: bool,
    pub runner_notes: String,
    pub runner_vod_url: String,
    pub score: Option<f64>,
    pub review_status: ReviewStatus,
    pub reviewed_by: Option<i64>,
    pub reviewed_by_name: Option<String>,
    pub reviewer_notes: String,
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

fn race_row(row: &AnyRow) -> Result<RaceRow, Error> {
    let status: String = row.try_get("status")?;
    let review: String = row.try_get("review_status")?;
    Ok(RaceRow {
        id: row.try_get("id")?,
        org_id: row.try_get("organization_id")?,
        qualifier_id: row.try_get("qualifier_id")?,
        permalink_id: row.try_get("permalink_id")?,
        pool_id: row.try_get("pool_id")?,
        pool_name: row.try_get("pool_name")?,
        url: row.try_get("url")?,
        user_id: row.try_get("user_id")?,
        display_name: row.try_get("display_name")?,
        discord_thread_id: row.try_get("discord_thread_id")?,
        opened_at: row.try_get("thread_open_time")?,
        timeout_at: row.try_get("thread_timeout_time")?,
        warned_at: row.try_get("warned_at")?,
        start_time: row.try_get("start_time")?,
        end_time: row.try_get("end_time")?,
        status: RaceStatus::parse(&status)
            .ok_or_else(|| Error::internal(format!("race with status {status}")))?,
        reattempted: row.try_get::<Flag, _>("reattempted")?.0,
        runner_notes: row.try_get("runner_notes")?,
        runner_vod_url: row.try_get("runner_vod_url")?,
        score: row.try_get("score")?,
        review_status: ReviewStatus::parse(&review)
            .ok_or_else(|| Error::internal(format!("race with review status {review}")))?,
        reviewed_by: row.try_get("reviewed_by")?,
        reviewed_by_name: row.try_get("reviewed_by_name")?,
        reviewer_notes: row.try_get("reviewer_notes")?,
        review_requested: row.try_get::<Flag, _>("review_requested_by_user")?.0,
        review_request_reason: row.try_get("review_request_reason")?,
    })
}

/// A race of the organization.
pub async fn race(
    conn: &mut AnyConnection,
    org_id: i64,
    race_id: i64,
) -> Result<Option<RaceRow>, Error> {
    let row = sqlx::query(&format!(
        "{RACE_SELECT} WHERE r.id = $1 AND q.organization_id = $2"
    ))
    .bind(race_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(race_row).transpose()
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
    let rows = sqlx::query(&format!(
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
    rows.iter().map(race_row).collect()
}

/// Pending and in-progress races of active and inactive qualifiers alike (the timeout task).
pub async fn live_races(conn: &mut AnyConnection) -> Result<Vec<RaceRow>, Error> {
    let rows = sqlx::query(&format!(
        "{RACE_SELECT} WHERE r.status IN ('pending', 'in_progress') ORDER BY r.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(race_row).collect()
}

pub struct NewRace {
    pub qualifier_id: i64,
    pub permalink_id: i64,
    pub user_id: i64,
    pub opened_at: i64,
    pub timeout_at: i64,
}

pub async fn insert_race(conn: &mut AnyConnection, r: &NewRace) -> Result<i64, Error> {
    let row = sqlx::query(
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
    Ok(row.try_get("id")?)
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
    let row = sqlx::query(&format!(
        "{RACE_SELECT} WHERE r.discord_thread_id = $1 AND q.organization_id = $2"
    ))
    .bind(thread_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(race_row).transpose()
}

/// The organization's qualifier posted in this Discord channel.
pub async fn qualifier_by_channel(
    conn: &mut AnyConnection,
    org_id: i64,
    channel_id: &str,
) -> Result<Option<QualifierRow>, Error> {
    let row = sqlx::query(&format!(
        "{QUALIFIER_SELECT} WHERE discord_channel_id = $1 AND organization_id = $2"
    ))
    .bind(channel_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(qualifier_row).transpose()
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
    let row = sqlx::query(
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
    Ok((row.try_get("live")?, row.try_get("reattempts")?))
}

/// The user's non-reattempted races per pool of the qualifier: (pool id, count).
pub async fn used_per_pool(
    conn: &mut AnyConnection,
    qualifier_id: i64,
    user_id: i64,
) -> Result<Vec<(i64, i64)>, Error> {
    let rows = sqlx::query(
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
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Scoring

/// Every race on a permalink, for par and scores.
pub async fn timings(
    conn: &mut AnyConnection,
    permalink_id: i64,
) -> Result<Vec<RaceTiming>, Error> {
    let rows = sqlx::query(
        "SELECT id, status, reattempted, start_time, end_time FROM async_qualifier_races
         WHERE permalink_id = $1 ORDER BY id",
    )
    .bind(permalink_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            let start: Option<i64> = row.try_get("start_time")?;
            let end: Option<i64> = row.try_get("end_time")?;
            Ok(RaceTiming {
                race_id: row.try_get("id")?,
                status: RaceStatus::parse(&status)
                    .ok_or_else(|| Error::internal(format!("race with status {status}")))?,
                reattempted: row.try_get::<Flag, _>("reattempted")?.0,
                elapsed_seconds: match (start, end) {
                    (Some(s), Some(e)) => Some((e - s) as f64 / 1000.0),
                    _ => None,
                },
            })
        })
        .collect()
}

/// The permalink ids of a qualifier.
pub async fn permalink_ids(conn: &mut AnyConnection, qualifier_id: i64) -> Result<Vec<i64>, Error> {
    let rows = sqlx::query(
        "SELECT l.id FROM async_qualifier_permalinks l
         JOIN async_qualifier_pools p ON p.id = l.pool_id
         WHERE p.qualifier_id = $1 ORDER BY l.id",
    )
    .bind(qualifier_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

pub async fn set_par(
    conn: &mut AnyConnection,
    permalink_id: i64,
    par: f64,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE async_qualifier_permalinks SET par_time = $1, par_updated_at = $2 WHERE id = $3",
    )
    .bind(par)
    .bind(now)
    .bind(permalink_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_score(
    conn: &mut AnyConnection,
    race_id: i64,
    score: f64,
    now: i64,
) -> Result<(), Error> {
    sqlx::query("UPDATE async_qualifier_races SET score = $1, score_updated_at = $2 WHERE id = $3")
        .bind(score)
        .bind(now)
        .bind(race_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every race of a qualifier as the leaderboard sees it, with the runners' names.
pub async fn board(
    conn: &mut AnyConnection,
    qualifier_id: i64,
) -> Result<(Vec<BoardRace>, Vec<(i64, String)>), Error> {
    let rows = sqlx::query(
        "SELECT r.user_id, l.pool_id, r.status, r.reattempted, r.score,
            COALESCE(u.display_name, u.username) AS name
         FROM async_qualifier_races r
         JOIN async_qualifier_permalinks l ON l.id = r.permalink_id
         JOIN users u ON u.id = r.user_id
         WHERE r.qualifier_id = $1",
    )
    .bind(qualifier_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut races = Vec::with_capacity(rows.len());
    let mut names = Vec::new();
    for row in &rows {
        let status: String = row.try_get("status")?;
        let user_id: i64 = row.try_get("user_id")?;
        races.push(BoardRace {
            user_id,
            pool_id: row.try_get("pool_id")?,
            status: RaceStatus::parse(&status)
                .ok_or_else(|| Error::internal(format!("race with status {status}")))?,
            reattempted: row.try_get::<Flag, _>("reattempted")?.0,
            score: row.try_get("score")?,
        });
        names.push((user_id, row.try_get::<String, _>("name")?));
    }
    names.sort();
    names.dedup_by_key(|(id, _)| *id);
    Ok((races, names))
}

/// The user's activity flag, whether they belong to the organization and whether they have a
/// linked RaceTime.gg account.
pub async fn user_standing(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
) -> Result<(bool, bool, bool), Error> {
    let row = sqlx::query(
        "SELECT u.is_active, u.racetime_id,
            (SELECT COUNT(*) FROM organization_members m
              WHERE m.organization_id = $1 AND m.user_id = u.id) AS member
         FROM users u WHERE u.id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok((
            row.try_get::<Flag, _>("is_active")?.0,
            row.try_get::<i64, _>("member")? > 0,
            row.try_get::<Option<String>, _>("racetime_id")?.is_some(),
        )),
        None => Ok((false, false, false)),
    }
}
