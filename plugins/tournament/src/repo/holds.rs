//! The SQL of holds: other plugins' claims on a match (one per holder).

use sqlx::AnyConnection;

use sdk::Error;

use super::placeholders;
use crate::model::MatchHold;

/// A hold on one of several matches.
#[derive(sqlx::FromRow)]
struct HoldRow {
    match_id: i64,
    #[sqlx(flatten)]
    hold: MatchHold,
}

/// The holds on the given matches: (match id, hold), oldest first.
pub async fn holds(
    conn: &mut AnyConnection,
    match_ids: &[i64],
) -> Result<Vec<(i64, MatchHold)>, Error> {
    if match_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT match_id, holder, reason, path FROM tournament_match_holds WHERE match_id IN ({})
         ORDER BY match_id, created_at, holder",
        placeholders(1, match_ids.len())
    );
    let mut query = sqlx::query_as::<_, HoldRow>(&sql);
    for id in match_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|r| (r.match_id, r.hold)).collect())
}

pub async fn put_hold(
    conn: &mut AnyConnection,
    match_id: i64,
    holder: &str,
    reason: &str,
    path: Option<&str>,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO tournament_match_holds (match_id, holder, reason, path, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (match_id, holder) DO UPDATE SET reason = excluded.reason, path = excluded.path",
    )
    .bind(match_id)
    .bind(holder)
    .bind(reason)
    .bind(path)
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
