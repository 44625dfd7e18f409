//! The SQL of a tournament's players and of the organization's members (whom tournaments, matches
//! and crew may name).

use sqlx::AnyConnection;

use sdk::Error;

use super::{placeholders, NAME};

/// One page of the tournament's players (user id, name), by user id, highest first
/// (`sdk::page`: a player has no row id of its own, so the user id is the key).
pub async fn players(
    conn: &mut AnyConnection,
    tournament_id: i64,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<(i64, String)>, Error> {
    let rows = sqlx::query_as::<_, (i64, String)>(&format!(
        "SELECT p.user_id, {NAME} AS display_name FROM tournament_players p
         JOIN users u ON u.id = p.user_id WHERE p.tournament_id = $1 AND p.user_id < $2
         ORDER BY p.user_id DESC LIMIT $3"
    ))
    .bind(tournament_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(&mut *conn)
    .await?;
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
    let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(tournament_id);
    for id in user_ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(&mut *conn).await?)
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
    let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(org_id);
    for id in user_ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(&mut *conn).await?)
}

/// One page of the organization's active members (user id, name) whose name contains `q` (all
/// when blank), by user id, highest first.
pub async fn members(
    conn: &mut AnyConnection,
    org_id: i64,
    q: &str,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<(i64, String)>, Error> {
    let rows = sqlx::query_as::<_, (i64, String)>(&format!(
        "SELECT m.user_id, {NAME} AS display_name FROM organization_members m
         JOIN users u ON u.id = m.user_id
         WHERE m.organization_id = $1 AND u.is_active = $2
           AND ($3 = '' OR LOWER({NAME}) LIKE LOWER($4) ESCAPE '\\')
           AND m.user_id < $5
         ORDER BY m.user_id DESC LIMIT $6"
    ))
    .bind(org_id)
    .bind(true)
    .bind(q)
    .bind(sdk::db::contains_pattern(q))
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(&mut *conn)
    .await?;
    Ok(sdk::page::Page::from_rows(rows, page, |(id, _)| *id))
}
