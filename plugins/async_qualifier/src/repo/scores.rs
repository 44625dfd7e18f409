//! The SQL of scoring: the timings of a permalink's runs, par and scores written back, and the
//! races the leaderboard is computed from.

use sqlx::AnyConnection;

use sdk::{db::Flag, Error};

use crate::rules::{BoardRace, RaceStatus, RaceTiming};

/// A race's timing as stored (start and end instants).
#[derive(sqlx::FromRow)]
struct TimingRow {
    id: i64,
    #[sqlx(try_from = "String")]
    status: RaceStatus,
    #[sqlx(try_from = "Flag")]
    reattempted: bool,
    start_time: Option<i64>,
    end_time: Option<i64>,
}

impl From<TimingRow> for RaceTiming {
    fn from(row: TimingRow) -> Self {
        RaceTiming {
            race_id: row.id,
            status: row.status,
            reattempted: row.reattempted,
            elapsed_seconds: match (row.start_time, row.end_time) {
                (Some(s), Some(e)) => Some((e - s) as f64 / 1000.0),
                _ => None,
            },
        }
    }
}

/// Every race on a permalink, for par and scores.
pub async fn timings(
    conn: &mut AnyConnection,
    permalink_id: i64,
) -> Result<Vec<RaceTiming>, Error> {
    let rows = sqlx::query_as::<_, TimingRow>(
        "SELECT id, status, reattempted, start_time, end_time FROM async_qualifier_races
         WHERE permalink_id = $1 ORDER BY id",
    )
    .bind(permalink_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(RaceTiming::from).collect())
}

/// The permalink ids of a qualifier.
pub async fn permalink_ids(conn: &mut AnyConnection, qualifier_id: i64) -> Result<Vec<i64>, Error> {
    let ids = sqlx::query_scalar::<_, i64>(
        "SELECT l.id FROM async_qualifier_permalinks l
         JOIN async_qualifier_pools p ON p.id = l.pool_id
         WHERE p.qualifier_id = $1 ORDER BY l.id",
    )
    .bind(qualifier_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids)
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

/// A race as the leaderboard reads it, with its runner's name.
#[derive(sqlx::FromRow)]
struct BoardRow {
    user_id: i64,
    pool_id: i64,
    #[sqlx(try_from = "String")]
    status: RaceStatus,
    #[sqlx(try_from = "Flag")]
    reattempted: bool,
    score: Option<f64>,
    name: String,
}

/// Every race of a qualifier as the leaderboard sees it, with the runners' names.
pub async fn board(
    conn: &mut AnyConnection,
    qualifier_id: i64,
) -> Result<(Vec<BoardRace>, Vec<(i64, String)>), Error> {
    let rows = sqlx::query_as::<_, BoardRow>(
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
    for row in rows {
        races.push(BoardRace {
            user_id: row.user_id,
            pool_id: row.pool_id,
            status: row.status,
            reattempted: row.reattempted,
            score: row.score,
        });
        names.push((row.user_id, row.name));
    }
    names.sort();
    names.dedup_by_key(|(id, _)| *id);
    Ok((races, names))
}
