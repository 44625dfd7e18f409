//! Reads of other tables: the tournament plugin's matches, players and crew (through SQL of
//! our own, because its service has no reader that takes the staging transaction's connection),
//! and the users' Discord accounts and time zones (core `users`). Every tournament read is
//! scoped by the organization through `tournament_matches.organization_id`.

use sdk::{db::Db, Error};
use sqlx::AnyConnection;

/// A match as a notification names it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MatchInfo {
    pub id: i64,
    pub title: String,
    pub tournament: String,
    pub organization: String,
    pub scheduled_at: Option<i64>,
    pub seed_url: Option<String>,
}

/// The organization's match `match_id`, if it is one.
pub async fn match_info(
    conn: &mut AnyConnection,
    org_id: i64,
    match_id: i64,
) -> Result<Option<MatchInfo>, Error> {
    Ok(sqlx::query_as::<_, MatchInfo>(
        "SELECT m.id, m.title, t.name AS tournament, o.name AS organization, m.scheduled_at,
                m.seed_url
         FROM tournament_matches m
         JOIN tournaments t ON t.id = m.tournament_id
         JOIN organizations o ON o.id = m.organization_id
         WHERE m.organization_id = $1 AND m.id = $2",
    )
    .bind(org_id)
    .bind(match_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Who a match's schedule concerns: its players and its approved crew, each once.
pub async fn match_people(
    conn: &mut AnyConnection,
    org_id: i64,
    match_id: i64,
) -> Result<Vec<i64>, Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT p.user_id FROM tournament_match_players p
         JOIN tournament_matches m ON m.id = p.match_id
         WHERE m.organization_id = $1 AND m.id = $2
         UNION
         SELECT c.user_id FROM tournament_crew c
         JOIN tournament_matches m ON m.id = c.match_id
         WHERE m.organization_id = $1 AND m.id = $2 AND c.approved = $3
         ORDER BY 1",
    )
    .bind(org_id)
    .bind(match_id)
    .bind(true)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A match's players.
pub async fn match_players(
    conn: &mut AnyConnection,
    org_id: i64,
    match_id: i64,
) -> Result<Vec<i64>, Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT p.user_id FROM tournament_match_players p
         JOIN tournament_matches m ON m.id = p.match_id
         WHERE m.organization_id = $1 AND m.id = $2 ORDER BY p.user_id",
    )
    .bind(org_id)
    .bind(match_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A match due for a reminder.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upcoming {
    pub id: i64,
    pub organization_id: i64,
    pub scheduled_at: i64,
}

/// Matches of every organization scheduled in `(from, to]` that have not started.
pub async fn upcoming(db: &Db, from: i64, to: i64) -> Result<Vec<Upcoming>, Error> {
    Ok(sqlx::query_as::<_, Upcoming>(
        "SELECT id, organization_id, scheduled_at FROM tournament_matches
         WHERE scheduled_at > $1 AND scheduled_at <= $2
           AND started_at IS NULL AND finished_at IS NULL
         ORDER BY scheduled_at, id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?)
}

/// Where a user is reached and whose clock their quiet hours follow.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Recipient {
    pub discord_id: Option<String>,
    pub time_zone: Option<String>,
}

pub async fn recipient(conn: &mut AnyConnection, user_id: i64) -> Result<Recipient, Error> {
    Ok(
        sqlx::query_as::<_, Recipient>("SELECT discord_id, time_zone FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or_default(),
    )
}

/// The organization's name.
pub async fn organization_name(conn: &mut AnyConnection, org_id: i64) -> Result<String, Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|(name,)| name).unwrap_or_default())
}

/// An async qualifier run as a notification names it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AsyncRun {
    pub user_id: i64,
    pub qualifier: String,
    pub organization: String,
}

/// The organization's async qualifier run `race_id` (the async qualifier plugin's tables),
/// if it is one.
pub async fn async_run(
    conn: &mut AnyConnection,
    org_id: i64,
    race_id: i64,
) -> Result<Option<AsyncRun>, Error> {
    Ok(sqlx::query_as::<_, AsyncRun>(
        "SELECT r.user_id, q.name AS qualifier, o.name AS organization
         FROM async_qualifier_races r
         JOIN async_qualifiers q ON q.id = r.qualifier_id
         JOIN organizations o ON o.id = q.organization_id
         WHERE q.organization_id = $1 AND r.id = $2",
    )
    .bind(org_id)
    .bind(race_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The organization's own choice for this plugin (`organization_plugins.enabled`, the platform's
/// table), read on the caller's connection: None when it chose nothing (the manifest's default
/// applies). The in-transaction listeners use this instead of the platform's cache, whose miss
/// would check out a second pooled connection while the cause holds one.
pub async fn org_choice(conn: &mut AnyConnection, org_id: i64) -> Result<Option<bool>, Error> {
    let row: Option<(Option<sdk::db::Flag>,)> = sqlx::query_as(
        "SELECT enabled FROM organization_plugins WHERE organization_id = $1 AND plugin_id = $2",
    )
    .bind(org_id)
    .bind(crate::PLUGIN_ID)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(|(enabled,)| enabled.map(|f| f.0)))
}
