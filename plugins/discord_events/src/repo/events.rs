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

/// The Discord event ids the organization keeps in a server (any tournament), each with when
/// it was claimed ('' is a creation under way).
pub async fn ids_in_guild(
    conn: &mut AnyConnection,
    org_id: i64,
    guild_id: &str,
) -> Result<Vec<(String, i64)>, Error> {
    Ok(sqlx::query_as(
        "SELECT discord_event_id, claimed_at FROM discord_events_events
         WHERE organization_id = $1 AND guild_id = $2",
    )
    .bind(org_id)
    .bind(guild_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// How a claim on a match's creation went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Somebody else is creating it (or it exists): do nothing.
    Held,
    /// This call inserted the claim: nobody made the event before.
    New,
    /// This call took over a claim left unfinished: its owner may have made the event in
    /// Discord without recording it, so look for it before creating another.
    TakenOver,
}

/// Claims the creation of a match's event: [`Claim::New`] when this call inserted the claim,
/// [`Claim::TakenOver`] when it took over one left unfinished since before `stale_before`.
/// The claim's `claimed_at` (`now`) is the owner's token: only the call holding it may record
/// the event ([`set_created`]) or drop the claim ([`forget`]).
pub async fn claim(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
    match_id: i64,
    guild_id: &str,
    now: i64,
    stale_before: i64,
) -> Result<Claim, Error> {
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
        return Ok(Claim::New);
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
    Ok(if taken == 1 {
        Claim::TakenOver
    } else {
        Claim::Held
    })
}

/// Records the event this call created under its claim (`claimed_at`): false when the claim
/// is no longer this call's (taken over or dropped meanwhile) — then nothing is written.
#[allow(clippy::too_many_arguments)]
pub async fn set_created(
    conn: &mut AnyConnection,
    org_id: i64,
    match_id: i64,
    guild_id: &str,
    discord_event_id: &str,
    fingerprint: &str,
    claimed_at: i64,
    now: i64,
) -> Result<bool, Error> {
    // not audited: bookkeeping of the sync with Discord (which event belongs to which match).
    let updated = sqlx::query(
        "UPDATE discord_events_events SET guild_id = $1, discord_event_id = $2, fingerprint = $3,
            synced_at = $4
         WHERE organization_id = $5 AND match_id = $6 AND discord_event_id = ''
           AND claimed_at = $7",
    )
    .bind(guild_id)
    .bind(discord_event_id)
    .bind(fingerprint)
    .bind(now)
    .bind(org_id)
    .bind(match_id)
    .bind(claimed_at)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Records a change sent for the match's event `discord_event_id` (only while the row still
/// holds that event).
pub async fn set_event(
    conn: &mut AnyConnection,
    org_id: i64,
    match_id: i64,
    discord_event_id: &str,
    fingerprint: &str,
    now: i64,
) -> Result<(), Error> {
    // not audited: bookkeeping of the sync with Discord (which event belongs to which match).
    sqlx::query(
        "UPDATE discord_events_events SET fingerprint = $1, synced_at = $2
         WHERE organization_id = $3 AND match_id = $4 AND discord_event_id = $5",
    )
    .bind(fingerprint)
    .bind(now)
    .bind(org_id)
    .bind(match_id)
    .bind(discord_event_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Forgets a match's event (deleted in Discord, or its creation failed) — only the row as it
/// was read (`discord_event_id` and `claimed_at`): a row another call changed since is left.
pub async fn forget(
    conn: &mut AnyConnection,
    org_id: i64,
    match_id: i64,
    discord_event_id: &str,
    claimed_at: i64,
) -> Result<(), Error> {
    // not audited: bookkeeping of the sync with Discord (which event belongs to which match).
    sqlx::query(
        "DELETE FROM discord_events_events
         WHERE organization_id = $1 AND match_id = $2 AND discord_event_id = $3
           AND claimed_at = $4",
    )
    .bind(org_id)
    .bind(match_id)
    .bind(discord_event_id)
    .bind(claimed_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
