//! The SQL of the calendar feeds: members' private feed tokens (kept as their sha256 only) and
//! tournaments' public feed tokens. Who may read a feed is decided in `service::calendar`.

use sqlx::AnyConnection;

use sdk::Error;

use super::TournamentRow;

/// Stores the hash of the user's new private token (replacing the old one, which stops working).
pub async fn put_token_hash(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
    token_hash: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO tournament_calendar_tokens (organization_id, user_id, token_hash, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (organization_id, user_id)
         DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(token_hash)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// When the user's current private token was made, if they have one.
pub async fn token_created_at(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
) -> Result<Option<i64>, Error> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT created_at FROM tournament_calendar_tokens
         WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The member whose private token hashes to `token_hash` in the organization (members only: a
/// user who left has no feed).
pub async fn user_of_token_hash(
    conn: &mut AnyConnection,
    org_id: i64,
    token_hash: &str,
) -> Result<Option<i64>, Error> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT c.user_id FROM tournament_calendar_tokens c
         JOIN organization_members m ON m.organization_id = c.organization_id AND m.user_id = c.user_id
         WHERE c.organization_id = $1 AND c.token_hash = $2",
    )
    .bind(org_id)
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The tournament (of any organization) whose public feed has this token.
pub async fn tournament_by_public_token(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<TournamentRow>, Error> {
    let row = sqlx::query_as::<_, (i64, i64)>(
        "SELECT id, organization_id FROM tournaments WHERE public_feed_token = $1",
    )
    .bind(token)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, org_id)) = row else {
        return Ok(None);
    };
    super::tournament(conn, org_id, 0, id).await
}

/// Sets (or with None, removes) the tournament's public feed token. False when the tournament is
/// not the organization's.
pub async fn set_public_token(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
    token: Option<&str>,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE tournaments SET public_feed_token = $3, updated_at = $4
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(tournament_id)
    .bind(org_id)
    .bind(token)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
