//! The SQL of pools and their permalinks (seeds), with play counts and the candidates for a
//! player's next seed.

use sqlx::AnyConnection;

use sdk::Error;

use crate::rules::Candidate;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
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
    let id: i64 = sqlx::query_scalar(
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
    Ok(id)
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

/// A qualifier's pools in their order (creation).
pub async fn pools(conn: &mut AnyConnection, qualifier_id: i64) -> Result<Vec<PoolRow>, Error> {
    let rows = sqlx::query_as::<_, PoolRow>(
        "SELECT id, qualifier_id, name, description FROM async_qualifier_pools
         WHERE qualifier_id = $1 ORDER BY id",
    )
    .bind(qualifier_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

/// One page of the qualifier's pools, newest first (`sdk::page`).
pub async fn pools_page(
    conn: &mut AnyConnection,
    qualifier_id: i64,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<PoolRow>, Error> {
    let rows = sqlx::query_as::<_, PoolRow>(
        "SELECT id, qualifier_id, name, description FROM async_qualifier_pools
         WHERE qualifier_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(qualifier_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(&mut *conn)
    .await?;
    Ok(sdk::page::Page::from_rows(rows, page, |p: &PoolRow| p.id))
}

/// A pool, when it belongs to a qualifier of the organization.
pub async fn pool(
    conn: &mut AnyConnection,
    org_id: i64,
    pool_id: i64,
) -> Result<Option<PoolRow>, Error> {
    let row = sqlx::query_as::<_, PoolRow>(
        "SELECT p.id, p.qualifier_id, p.name, p.description FROM async_qualifier_pools p
         JOIN async_qualifiers q ON q.id = p.qualifier_id
         WHERE p.id = $1 AND q.organization_id = $2",
    )
    .bind(pool_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row)
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
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

pub async fn insert_permalink(
    conn: &mut AnyConnection,
    pool_id: i64,
    url: &str,
    notes: &str,
    now: i64,
) -> Result<i64, Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO async_qualifier_permalinks (pool_id, url, notes, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(pool_id)
    .bind(url)
    .bind(notes)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
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
    let rows = sqlx::query_as::<_, PermalinkRow>(&format!(
        "{PERMALINK_SELECT} WHERE p.qualifier_id = $2 ORDER BY l.pool_id, l.id"
    ))
    .bind(false)
    .bind(qualifier_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

pub async fn permalink(
    conn: &mut AnyConnection,
    org_id: i64,
    permalink_id: i64,
) -> Result<Option<PermalinkRow>, Error> {
    let row = sqlx::query_as::<_, PermalinkRow>(&format!(
        "{PERMALINK_SELECT} WHERE l.id = $2 AND q.organization_id = $3"
    ))
    .bind(false)
    .bind(permalink_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row)
}

/// A permalink with its play counts, as [`candidates`] reads it.
#[derive(sqlx::FromRow)]
struct CandidateRow {
    id: i64,
    plays: i64,
    mine: i64,
}

impl From<CandidateRow> for Candidate {
    fn from(row: CandidateRow) -> Self {
        Candidate {
            permalink_id: row.id,
            play_count: row.plays,
            used_by_user: row.mine > 0,
            // Live (scheduled) races are not part of this plugin yet.
            live_race: false,
        }
    }
}

/// The pool's permalinks as candidates for `user_id`'s next run.
pub async fn candidates(
    conn: &mut AnyConnection,
    pool_id: i64,
    user_id: i64,
) -> Result<Vec<Candidate>, Error> {
    let rows = sqlx::query_as::<_, CandidateRow>(
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
    Ok(rows.into_iter().map(Candidate::from).collect())
}
