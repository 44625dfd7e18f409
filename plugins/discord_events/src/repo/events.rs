//! `discord_events_events`: the Discord scheduled event of each match, with the fingerprint of
//! what was sent. A row with an empty `discord_event_id` is a creation under way: inserting it
//! is the claim that stops a second instance from creating the same event.

use sdk::Error;
use sqlx::AnyConnection;

use crate::model::SyncedEvent;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub tournament_id: i64,
    pub match_id: i64,
    pub guild_id: String,
    pub discord_event_id: String,
    pub fingerprint: String,
    pub claimed_at: i64,
    pub synced_at: Option<i64>,
}

impl EventRow {
    pub fn dto(&self) -> SyncedEvent {
        SyncedEvent {
            match_id: self.match_id,
            guild_id: self.guild_id.clone(),
            discord_event_id: self.discord_event_id.clone(),
            synced_at: self.synced_at,
        }
    }
}

const COLUMNS: &str =
    "id, tournament_id, match_id, guild_id, discord_event_id, fingerprint, claimed_at, synced_at";

pub async fn for_match(
    conn: &mut AnyConnection,
    org_id: i64,
    match_id: i64,
) -> Result<Option<EventRow>, Error> {
    Ok(sqlx::query_as::<_, EventRow>(&format!(
        "SELECT {COLUMNS} FROM discord_events_events
         WHERE organization_id = $1 AND match_id = $2"
    ))
    .bind(org_id)
    .bind(match_id)
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn for_tournament(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
) -> Result<Vec<EventRow>, Error> {
    Ok(sqlx::query_as::<_, EventRow>(&format!(
        "SELECT {COLUMNS} FROM discord_events_events
         WHERE organization_id = $1 AND tournament_id = $2 ORDER BY match_id"
    ))
    .bind(org_id)
    .bind(tournament_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The Discord event ids the organization keeps in a server (any tournament).
pub async fn ids_in_guild(
    conn: &mut AnyConnection,
    org_id: i64,
    guild_id: &str,
) -> Result<Vec<String>, Error> {
    Ok(sqlx::query_scalar(
        "SELECT discord_event_id FROM discord_events_events
         WHERE organization_id = $1 AND guild_id = $2",
    )
    .bind(org_id)
    .bind(guild_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Claims the creation of a match's event: true when this call inserted the claim (nobody else
/// is creating it), or took over a claim left unfinished since before `stale_before`.
pub async fn claim(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
    match_id: i64,
    guild_id: &str,
    now: i64,
    stale_before: i64,
) -> Result<bool, Error> {
    // not audited: bookkeeping of the sync with Discord (which event belongs to which match).
    let inserted = sqlx::query(
        "INSERT INTO discord_events_events (organization_id, tournament_id, match_id, guild_id,
            discord_event_id, fingerprint, claimed_at)
         VALUES ($1, $2, $3, $4, '', '', $5)
         ON CONFLICT (organization_id, match_id) DO NOTHING",
    )
    .bind(org_id)
    .bind(tournament_id)
    .bind(match_id)
    .bind(guild_id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(true);
    }
    let taken = sqlx::query(
        "UPDATE discord_events_events SET claimed_at = $1, guild_id = $2
         WHERE organization_id = $3 AND match_id = $4 AND discord_event_id = ''
           AND claimed_at < $5",
    )
    .bind(now)
    .bind(guild_id)
    .bind(org_id)
    .bind(match_id)
    .bind(stale_before)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(taken == 1)
}

/// Records the event Discord made or changed for the match.
pub async fn set_event(
    conn: &mut AnyConnection,
    org_id: i64,
    match_id: i64,
    guild_id: &str,
    discord_event_id: &str,
    fingerprint: &str,
    now: i64,
) -> Result<(), Error> {
    // not audited: bookkeeping of the sync with Discord (which event belongs to which match).
    sqlx::query(
        "UPDATE discord_events_events SET guild_id = $1, discord_event_id = $2, fingerprint = $3,
            synced_at = $4
         WHERE organization_id = $5 AND match_id = $6",
    )
    .bind(guild_id)
    .bind(discord_event_id)
    .bind(fingerprint)
    .bind(now)
    .bind(org_id)
    .bind(match_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Forgets a match's event (deleted in Discord, or its creation failed).
pub async fn forget(conn: &mut AnyConnection, org_id: i64, match_id: i64) -> Result<(), Error> {
    // not audited: bookkeeping of the sync with Discord (which event belongs to which match).
    sqlx::query("DELETE FROM discord_events_events WHERE organization_id = $1 AND match_id = $2")
        .bind(org_id)
        .bind(match_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
