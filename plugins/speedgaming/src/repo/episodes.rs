//! `speedgaming_episodes`: which match each imported episode became.

use sdk::Error;
use sqlx::AnyConnection;

/// A known episode of a tournament with its match's time and whether the match is finished.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KnownEpisode {
    pub episode_id: i64,
    pub match_id: i64,
    pub scheduled_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// Successful runs in a row that did not list it while its time was in the window.
    pub missing_runs: i64,
}

pub async fn known(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
) -> Result<Vec<KnownEpisode>, Error> {
    Ok(sqlx::query_as::<_, KnownEpisode>(
        "SELECT e.episode_id, e.match_id, m.scheduled_at, m.finished_at, e.missing_runs
         FROM speedgaming_episodes e JOIN tournament_matches m ON m.id = e.match_id
         WHERE e.organization_id = $1 AND e.tournament_id = $2 ORDER BY e.episode_id",
    )
    .bind(org_id)
    .bind(tournament_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Remembers that `episode_id` is match `match_id`.
pub async fn remember(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
    episode_id: i64,
    match_id: i64,
) -> Result<(), Error> {
    // not audited: runs inside the tournament service's transaction creating the match (audited
    // there); this row only remembers which episode it came from.
    sqlx::query(
        "INSERT INTO speedgaming_episodes (organization_id, tournament_id, episode_id, match_id)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (tournament_id, episode_id) DO UPDATE SET match_id = $4, missing_runs = 0",
    )
    .bind(org_id)
    .bind(tournament_id)
    .bind(episode_id)
    .bind(match_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Counts one more successful run that did not list the episode; the new count.
pub async fn count_missing(
    conn: &mut AnyConnection,
    tournament_id: i64,
    episode_id: i64,
) -> Result<i64, Error> {
    // not audited: bookkeeping of the sync (the deletion it may lead to is audited).
    sqlx::query(
        "UPDATE speedgaming_episodes SET missing_runs = missing_runs + 1
         WHERE tournament_id = $1 AND episode_id = $2",
    )
    .bind(tournament_id)
    .bind(episode_id)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT missing_runs FROM speedgaming_episodes WHERE tournament_id = $1 AND episode_id = $2",
    )
    .bind(tournament_id)
    .bind(episode_id)
    .fetch_optional(&mut *conn)
    .await?
    .unwrap_or(0))
}

/// The episode was listed again: its missing count starts over.
pub async fn reset_missing(
    conn: &mut AnyConnection,
    tournament_id: i64,
    episode_id: i64,
) -> Result<(), Error> {
    // not audited: bookkeeping of the sync.
    sqlx::query(
        "UPDATE speedgaming_episodes SET missing_runs = 0
         WHERE tournament_id = $1 AND episode_id = $2 AND missing_runs <> 0",
    )
    .bind(tournament_id)
    .bind(episode_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
