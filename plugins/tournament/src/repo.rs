//! The SQL of tournaments, players, stream channels, matches, crew, settings submissions and
//! holds (the calendar feeds' tokens: [`calendar`]). Rules live in `rules` and `service`; these
//! functions only read and write rows. Every function takes a connection (`&mut *tx` inside a
//! transaction), and every lookup from outside is bounded by the organization id the guard
//! handed out.

use sqlx::{any::AnyRow, AnyConnection, Row};

use sdk::{db::Flag, Error};

use crate::model::{CrewMember, CrewRole, MatchHold, MatchPlayer, MatchTimes, StreamChannel};

pub mod calendar;

/// `$from, $from+1, …` for an IN list of `n` values.
fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const NAME: &str = "COALESCE(u.display_name, u.username)";

// ---------------------------------------------------------------------------------------------
// Tournaments

#[derive(Debug, Clone, PartialEq)]
pub struct TournamentRow {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub onsite: bool,
    pub tracker_enabled: bool,
    pub self_registration: bool,
    pub settings_form_schema: Option<String>,
    pub randomizer: Option<String>,
    pub preset: Option<String>,
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub player_count: i64,
    pub joined: bool,
    /// The secret in the public calendar feed's address; None = the tournament publishes none.
    pub public_feed_token: Option<String>,
}

/// The settings a tournament is created or changed with (already cleaned).
#[derive(Debug, Clone)]
pub struct TournamentFields {
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub onsite: bool,
    pub tracker_enabled: bool,
    pub self_registration: bool,
    pub settings_form_schema: Option<String>,
    pub randomizer: Option<String>,
    pub preset: Option<String>,
}

/// `$1` is the organization, `$2` the viewer (for `joined`).
const TOURNAMENT_SELECT: &str =
    "SELECT t.id, t.organization_id, t.name, t.description, t.is_active,
    t.onsite, t.tracker_enabled, t.self_registration, t.settings_form_schema, t.randomizer,
    t.preset, t.archived_at, t.created_at, t.public_feed_token,
    (SELECT COUNT(*) FROM tournament_players p WHERE p.tournament_id = t.id) AS player_count,
    (SELECT COUNT(*) FROM tournament_players p WHERE p.tournament_id = t.id AND p.user_id = $2)
        AS joined
    FROM tournaments t WHERE t.organization_id = $1";

fn tournament_row(row: &AnyRow) -> Result<TournamentRow, Error> {
    Ok(TournamentRow {
        id: row.try_get("id")?,
        org_id: row.try_get("organization_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        is_active: row.try_get::<Flag, _>("is_active")?.0,
        onsite: row.try_get::<Flag, _>("onsite")?.0,
        tracker_enabled: row.try_get::<Flag, _>("tracker_enabled")?.0,
        self_registration: row.try_get::<Flag, _>("self_registration")?.0,
        settings_form_schema: row.try_get("settings_form_schema")?,
        randomizer: row.try_get("randomizer")?,
        preset: row.try_get("preset")?,
        archived_at: row.try_get("archived_at")?,
        created_at: row.try_get("created_at")?,
        player_count: row.try_get("player_count")?,
        joined: row.try_get::<i64, _>("joined")? > 0,
        public_feed_token: row.try_get("public_feed_token")?,
    })
}

pub async fn tournaments(
    conn: &mut AnyConnection,
    org_id: i64,
    viewer: i64,
    include_archived: bool,
) -> Result<Vec<TournamentRow>, Error> {
    let archived = if include_archived {
        ""
    } else {
        " AND t.archived_at IS NULL"
    };
    let rows = sqlx::query(&format!(
        "{TOURNAMENT_SELECT}{archived} ORDER BY t.is_active DESC, t.name"
    ))
    .bind(org_id)
    .bind(viewer)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(tournament_row).collect()
}

/// One page of the organization's tournaments, newest first (`sdk::page`).
pub async fn tournaments_page(
    conn: &mut AnyConnection,
    org_id: i64,
    viewer: i64,
    include_archived: bool,
    page: &sdk::page::PageRequest,
) -> Result<Vec<TournamentRow>, Error> {
    let archived = if include_archived {
        ""
    } else {
        " AND t.archived_at IS NULL"
    };
    let rows = sqlx::query(&format!(
        "{TOURNAMENT_SELECT}{archived} AND t.id < $3 ORDER BY t.id DESC LIMIT $4"
    ))
    .bind(org_id)
    .bind(viewer)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(tournament_row).collect()
}

pub async fn tournament(
    conn: &mut AnyConnection,
    org_id: i64,
    viewer: i64,
    id: i64,
) -> Result<Option<TournamentRow>, Error> {
    let row = sqlx::query(&format!("{TOURNAMENT_SELECT} AND t.id = $3"))
        .bind(org_id)
        .bind(viewer)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(tournament_row).transpose()
}

fn name_taken(name: &str) -> String {
    format!("There is already a tournament named \"{name}\" here; choose another name.")
}

pub async fn insert_tournament(
    conn: &mut AnyConnection,
    org_id: i64,
    f: &TournamentFields,
    created_by: i64,
    now: i64,
) -> Result<i64, Error> {
    let row = sqlx::query(
        "INSERT INTO tournaments (organization_id, name, description, is_active, onsite,
            tracker_enabled, self_registration, settings_form_schema, randomizer, preset,
            created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(org_id)
    .bind(&f.name)
    .bind(&f.description)
    .bind(f.is_active)
    .bind(f.onsite)
    .bind(f.tracker_enabled)
    .bind(f.self_registration)
    .bind(&f.settings_form_schema)
    .bind(&f.randomizer)
    .bind(&f.preset)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(name_taken(&f.name)))?;
    Ok(row.try_get("id")?)
}

pub async fn update_tournament(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    f: &TournamentFields,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE tournaments SET name = $3, description = $4, is_active = $5, onsite = $6,
            tracker_enabled = $7, self_registration = $8, settings_form_schema = $9,
            randomizer = $10, preset = $11, updated_at = $12
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .bind(&f.name)
    .bind(&f.description)
    .bind(f.is_active)
    .bind(f.onsite)
    .bind(f.tracker_enabled)
    .bind(f.self_registration)
    .bind(&f.settings_form_schema)
    .bind(&f.randomizer)
    .bind(&f.preset)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(name_taken(&f.name)))?;
    Ok(done.rows_affected() > 0)
}

pub async fn set_archived(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    archived_at: Option<i64>,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE tournaments SET archived_at = $3, updated_at = $4
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .bind(archived_at)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

// ---------------------------------------------------------------------------------------------
// People

/// (user id, display name) of the tournament's players, by name.
/// One page of the tournament's players (user id, name), by user id, highest first
/// (`sdk::page`: a player has no row id of its own, so the user id is the key).
pub async fn players(
    conn: &mut AnyConnection,
    tournament_id: i64,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<(i64, String)>, Error> {
    let rows = sqlx::query(&format!(
        "SELECT p.user_id, {NAME} AS display_name FROM tournament_players p
         JOIN users u ON u.id = p.user_id WHERE p.tournament_id = $1 AND p.user_id < $2
         ORDER BY p.user_id DESC LIMIT $3"
    ))
    .bind(tournament_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(&mut *conn)
    .await?;
    let rows = rows
        .iter()
        .map(|r| Ok((r.try_get("user_id")?, r.try_get("display_name")?)))
        .collect::<Result<Vec<(i64, String)>, Error>>()?;
    Ok(sdk::page::Page::from_rows(rows, page, |(id, _)| *id))
}

/// Which of `user_ids` play in the tournament.
pub async fn registered(
    conn: &mut AnyConnection,
    tournament_id: i64,
    user_ids: &[i64],
) -> Result<Vec<i64>, Error> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT user_id FROM tournament_players WHERE tournament_id = $1 AND user_id IN ({})",
        placeholders(2, user_ids.len())
    );
    let mut query = sqlx::query(&sql).bind(tournament_id);
    for id in user_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok(r.try_get("user_id")?)).collect()
}

/// False when the player was already there.
pub async fn add_player(
    conn: &mut AnyConnection,
    tournament_id: i64,
    user_id: i64,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "INSERT INTO tournament_players (tournament_id, user_id, added_at) VALUES ($1, $2, $3)
         ON CONFLICT (tournament_id, user_id) DO NOTHING",
    )
    .bind(tournament_id)
    .bind(user_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn remove_player(
    conn: &mut AnyConnection,
    tournament_id: i64,
    user_id: i64,
) -> Result<bool, Error> {
    let done =
        sqlx::query("DELETE FROM tournament_players WHERE tournament_id = $1 AND user_id = $2")
            .bind(tournament_id)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// Which of `user_ids` are members of the organization.
pub async fn members_among(
    conn: &mut AnyConnection,
    org_id: i64,
    user_ids: &[i64],
) -> Result<Vec<i64>, Error> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT user_id FROM organization_members WHERE organization_id = $1 AND user_id IN ({})",
        placeholders(2, user_ids.len())
    );
    let mut query = sqlx::query(&sql).bind(org_id);
    for id in user_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok(r.try_get("user_id")?)).collect()
}

/// The organization's members (for pickers), by name.
pub async fn members(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<(i64, String)>, Error> {
    let rows = sqlx::query(&format!(
        "SELECT m.user_id, {NAME} AS display_name FROM organization_members m
         JOIN users u ON u.id = m.user_id WHERE m.organization_id = $1 AND u.is_active = $2
         ORDER BY display_name, m.user_id"
    ))
    .bind(org_id)
    .bind(true)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("user_id")?, r.try_get("display_name")?)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Stream channels

fn channel_row(row: &AnyRow) -> Result<StreamChannel, Error> {
    Ok(StreamChannel {
        id: row.try_get("id")?,
        org_id: row.try_get("organization_id")?,
        name: row.try_get("name")?,
        stream_url: row.try_get("stream_url")?,
        is_active: row.try_get::<Flag, _>("is_active")?.0,
    })
}

const CHANNEL_SELECT: &str =
    "SELECT id, organization_id, name, stream_url, is_active FROM tournament_stream_channels";

pub async fn stream_channels(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Vec<StreamChannel>, Error> {
    let rows = sqlx::query(&format!(
        "{CHANNEL_SELECT} WHERE organization_id = $1 ORDER BY is_active DESC, name"
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(channel_row).collect()
}

/// One page of the organization's stream channels, newest first (`sdk::page`).
pub async fn stream_channels_page(
    conn: &mut AnyConnection,
    org_id: i64,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<StreamChannel>, Error> {
    let rows = sqlx::query(&format!(
        "{CHANNEL_SELECT} WHERE organization_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    ))
    .bind(org_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(&mut *conn)
    .await?;
    let rows = rows.iter().map(channel_row).collect::<Result<_, _>>()?;
    Ok(sdk::page::Page::from_rows(
        rows,
        page,
        |c: &StreamChannel| c.id,
    ))
}

pub async fn stream_channel(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
) -> Result<Option<StreamChannel>, Error> {
    let row = sqlx::query(&format!(
        "{CHANNEL_SELECT} WHERE organization_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(channel_row).transpose()
}

fn channel_taken(name: &str) -> String {
    format!("There is already a stream channel named \"{name}\" here; choose another name.")
}

pub async fn insert_stream_channel(
    conn: &mut AnyConnection,
    org_id: i64,
    name: &str,
    stream_url: &str,
    is_active: bool,
    now: i64,
) -> Result<i64, Error> {
    let row = sqlx::query(
        "INSERT INTO tournament_stream_channels (organization_id, name, stream_url, is_active,
            created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org_id)
    .bind(name)
    .bind(stream_url)
    .bind(is_active)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(channel_taken(name)))?;
    Ok(row.try_get("id")?)
}

pub async fn update_stream_channel(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    name: &str,
    stream_url: &str,
    is_active: bool,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE tournament_stream_channels SET name = $3, stream_url = $4, is_active = $5
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .bind(name)
    .bind(stream_url)
    .bind(is_active)
    .execute(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(channel_taken(name)))?;
    Ok(done.rows_affected() > 0)
}

// ---------------------------------------------------------------------------------------------
// Matches

#[derive(Debug, Clone, PartialEq)]
pub struct MatchRow {
    pub id: i64,
    pub org_id: i64,
    pub tournament_id: i64,
    pub tournament_name: String,
    pub title: String,
    pub comment: String,
    pub stream_channel_id: Option<i64>,
    pub times: MatchTimes,
    pub seed_url: Option<String>,
    pub seed_description: String,
    pub onsite: bool,
    /// Whether the tournament takes tracker crew.
    pub tracker_enabled: bool,
    pub settings_form_schema: Option<String>,
}

const MATCH_SELECT: &str =
    "SELECT m.id, m.organization_id, m.tournament_id, t.name AS tournament_name,
    m.title, m.comment, m.stream_channel_id, m.scheduled_at, m.checked_in_at, m.started_at,
    m.finished_at, m.confirmed_at, m.seed_url, m.seed_description, t.onsite, t.tracker_enabled,
    t.settings_form_schema
    FROM tournament_matches m JOIN tournaments t ON t.id = m.tournament_id";

fn match_row(row: &AnyRow) -> Result<MatchRow, Error> {
    Ok(MatchRow {
        id: row.try_get("id")?,
        org_id: row.try_get("organization_id")?,
        tournament_id: row.try_get("tournament_id")?,
        tournament_name: row.try_get("tournament_name")?,
        title: row.try_get("title")?,
        comment: row.try_get("comment")?,
        stream_channel_id: row.try_get("stream_channel_id")?,
        times: MatchTimes {
            scheduled_at: row.try_get("scheduled_at")?,
            checked_in_at: row.try_get("checked_in_at")?,
            started_at: row.try_get("started_at")?,
            finished_at: row.try_get("finished_at")?,
            confirmed_at: row.try_get("confirmed_at")?,
        },
        seed_url: row.try_get("seed_url")?,
        seed_description: row.try_get("seed_description")?,
        onsite: row.try_get::<Flag, _>("onsite")?.0,
        tracker_enabled: row.try_get::<Flag, _>("tracker_enabled")?.0,
        settings_form_schema: row.try_get("settings_form_schema")?,
    })
}

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
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(*b);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter().map(match_row).collect()
}

pub async fn match_by_id(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
) -> Result<Option<MatchRow>, Error> {
    let row = sqlx::query(&format!(
        "{MATCH_SELECT} WHERE m.organization_id = $1 AND m.id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(match_row).transpose()
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
    let row = sqlx::query(
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
    Ok(row.try_get("id")?)
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

pub async fn set_seed(
    conn: &mut AnyConnection,
    id: i64,
    url: Option<&str>,
    description: &str,
) -> Result<(), Error> {
    sqlx::query("UPDATE tournament_matches SET seed_url = $2, seed_description = $3 WHERE id = $1")
        .bind(id)
        .bind(url)
        .bind(description)
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
    let mut query = sqlx::query(&sql);
    for id in match_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("match_id")?,
                MatchPlayer {
                    user_id: r.try_get("user_id")?,
                    display_name: r.try_get("display_name")?,
                    finish_rank: r.try_get("finish_rank")?,
                    station: r.try_get("station")?,
                },
            ))
        })
        .collect()
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

// ---------------------------------------------------------------------------------------------
// Crew

/// The crew of the given matches: (match id, member), by role then name.
pub async fn crew(
    conn: &mut AnyConnection,
    match_ids: &[i64],
) -> Result<Vec<(i64, CrewMember)>, Error> {
    if match_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT c.id, c.match_id, c.user_id, {NAME} AS display_name, c.role, c.approved
         FROM tournament_crew c JOIN users u ON u.id = c.user_id
         WHERE c.match_id IN ({}) ORDER BY c.match_id, c.role, display_name, c.id",
        placeholders(1, match_ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in match_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for r in &rows {
        let role: String = r.try_get("role")?;
        // Roles are written by this plugin only; an unknown one is skipped, not fatal.
        let Some(role) = CrewRole::parse(&role) else {
            continue;
        };
        out.push((
            r.try_get("match_id")?,
            CrewMember {
                id: r.try_get("id")?,
                user_id: r.try_get("user_id")?,
                display_name: r.try_get("display_name")?,
                role,
                approved: r.try_get::<Flag, _>("approved")?.0,
            },
        ));
    }
    Ok(out)
}

/// The roles `user_id` already has on the match.
pub async fn crew_roles_of(
    conn: &mut AnyConnection,
    match_id: i64,
    user_id: i64,
) -> Result<Vec<CrewRole>, Error> {
    let rows = sqlx::query("SELECT role FROM tournament_crew WHERE match_id = $1 AND user_id = $2")
        .bind(match_id)
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut roles = Vec::new();
    for r in &rows {
        if let Some(role) = CrewRole::parse(&r.try_get::<String, _>("role")?) {
            roles.push(role);
        }
    }
    Ok(roles)
}

pub async fn insert_crew(
    conn: &mut AnyConnection,
    match_id: i64,
    user_id: i64,
    role: CrewRole,
    approved_by: Option<i64>,
    now: i64,
) -> Result<i64, Error> {
    let row = sqlx::query(
        "INSERT INTO tournament_crew (match_id, user_id, role, approved, approved_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(match_id)
    .bind(user_id)
    .bind(role.key())
    .bind(approved_by.is_some())
    .bind(approved_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(format!(
        "Already signed up as {} for this match.",
        role.label().to_lowercase()
    )))?;
    Ok(row.try_get("id")?)
}

/// A crew entry of the organization: (match id, user id, role).
pub async fn crew_entry(
    conn: &mut AnyConnection,
    org_id: i64,
    crew_id: i64,
) -> Result<Option<(i64, i64, CrewRole)>, Error> {
    let row = sqlx::query(
        "SELECT c.match_id, c.user_id, c.role FROM tournament_crew c
         JOIN tournament_matches m ON m.id = c.match_id
         WHERE c.id = $1 AND m.organization_id = $2",
    )
    .bind(crew_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let role = CrewRole::parse(&row.try_get::<String, _>("role")?)
        .ok_or_else(|| Error::internal("unknown crew role in the database"))?;
    Ok(Some((
        row.try_get("match_id")?,
        row.try_get("user_id")?,
        role,
    )))
}

pub async fn set_crew_approved(
    conn: &mut AnyConnection,
    crew_id: i64,
    approved_by: Option<i64>,
) -> Result<(), Error> {
    sqlx::query("UPDATE tournament_crew SET approved = $2, approved_by = $3 WHERE id = $1")
        .bind(crew_id)
        .bind(approved_by.is_some())
        .bind(approved_by)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn delete_crew(
    conn: &mut AnyConnection,
    match_id: i64,
    user_id: i64,
    role: CrewRole,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "DELETE FROM tournament_crew WHERE match_id = $1 AND user_id = $2 AND role = $3",
    )
    .bind(match_id)
    .bind(user_id)
    .bind(role.key())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

// ---------------------------------------------------------------------------------------------
// Settings submissions

#[derive(Debug, Clone, PartialEq)]
pub struct SettingsRow {
    pub id: i64,
    pub match_id: i64,
    pub game_number: i64,
    pub user_id: i64,
    pub display_name: String,
    pub settings: String,
    pub notes: String,
    pub submitted_at: i64,
}

/// Inserts or replaces the player's submission for that game.
pub async fn upsert_settings(
    conn: &mut AnyConnection,
    match_id: i64,
    game_number: i64,
    user_id: i64,
    settings: &str,
    notes: &str,
    now: i64,
) -> Result<i64, Error> {
    let row = sqlx::query(
        "INSERT INTO tournament_match_settings (match_id, game_number, submitted_by, settings,
            notes, submitted_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (match_id, game_number, submitted_by)
         DO UPDATE SET settings = excluded.settings, notes = excluded.notes,
            submitted_at = excluded.submitted_at
         RETURNING id",
    )
    .bind(match_id)
    .bind(game_number)
    .bind(user_id)
    .bind(settings)
    .bind(notes)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

/// The match's submissions (only `user_id`'s when given), by game then player.
pub async fn settings(
    conn: &mut AnyConnection,
    match_id: i64,
    user_id: Option<i64>,
) -> Result<Vec<SettingsRow>, Error> {
    let mut sql = format!(
        "SELECT s.id, s.match_id, s.game_number, s.submitted_by, {NAME} AS display_name,
            s.settings, s.notes, s.submitted_at
         FROM tournament_match_settings s JOIN users u ON u.id = s.submitted_by
         WHERE s.match_id = $1"
    );
    if user_id.is_some() {
        sql.push_str(" AND s.submitted_by = $2");
    }
    sql.push_str(" ORDER BY s.game_number, display_name, s.id");
    let mut query = sqlx::query(&sql).bind(match_id);
    if let Some(user) = user_id {
        query = query.bind(user);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            Ok(SettingsRow {
                id: r.try_get("id")?,
                match_id: r.try_get("match_id")?,
                game_number: r.try_get("game_number")?,
                user_id: r.try_get("submitted_by")?,
                display_name: r.try_get("display_name")?,
                settings: r.try_get("settings")?,
                notes: r.try_get("notes")?,
                submitted_at: r.try_get("submitted_at")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Holds

pub async fn holds(
    conn: &mut AnyConnection,
    match_ids: &[i64],
) -> Result<Vec<(i64, MatchHold)>, Error> {
    if match_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT match_id, holder, reason FROM tournament_match_holds WHERE match_id IN ({})
         ORDER BY match_id, created_at, holder",
        placeholders(1, match_ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in match_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("match_id")?,
                MatchHold {
                    holder: r.try_get("holder")?,
                    reason: r.try_get("reason")?,
                },
            ))
        })
        .collect()
}

pub async fn put_hold(
    conn: &mut AnyConnection,
    match_id: i64,
    holder: &str,
    reason: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO tournament_match_holds (match_id, holder, reason, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (match_id, holder) DO UPDATE SET reason = excluded.reason",
    )
    .bind(match_id)
    .bind(holder)
    .bind(reason)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn release_hold(
    conn: &mut AnyConnection,
    match_id: i64,
    holder: &str,
) -> Result<bool, Error> {
    let done =
        sqlx::query("DELETE FROM tournament_match_holds WHERE match_id = $1 AND holder = $2")
            .bind(match_id)
            .bind(holder)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() > 0)
}
