//! The SQL of match crew: sign-ups, approvals, withdrawals. Roles are stored by key.

use sqlx::AnyConnection;

use sdk::{db::Flag, Error};

use super::{placeholders, NAME};
use crate::model::{CrewMember, CrewRole};

/// A crew entry of one of several matches, its role as stored.
#[derive(sqlx::FromRow)]
struct CrewRow {
    id: i64,
    match_id: i64,
    user_id: i64,
    display_name: String,
    role: String,
    #[sqlx(try_from = "Flag")]
    approved: bool,
}

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
    let mut query = sqlx::query_as::<_, CrewRow>(&sql);
    for id in match_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    // Roles are written by this plugin only; an unknown one is skipped, not fatal.
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let role = CrewRole::parse(&r.role)?;
            Some((
                r.match_id,
                CrewMember {
                    id: r.id,
                    user_id: r.user_id,
                    display_name: r.display_name,
                    role,
                    approved: r.approved,
                },
            ))
        })
        .collect())
}

/// The roles `user_id` already has on the match.
pub async fn crew_roles_of(
    conn: &mut AnyConnection,
    match_id: i64,
    user_id: i64,
) -> Result<Vec<CrewRole>, Error> {
    let roles = sqlx::query_scalar::<_, String>(
        "SELECT role FROM tournament_crew WHERE match_id = $1 AND user_id = $2",
    )
    .bind(match_id)
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(roles.iter().filter_map(|r| CrewRole::parse(r)).collect())
}

pub async fn insert_crew(
    conn: &mut AnyConnection,
    match_id: i64,
    user_id: i64,
    role: CrewRole,
    approved_by: Option<i64>,
    now: i64,
) -> Result<i64, Error> {
    let id = sqlx::query_scalar::<_, i64>(
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
    Ok(id)
}

/// A crew entry of the organization: (match id, user id, role).
pub async fn crew_entry(
    conn: &mut AnyConnection,
    org_id: i64,
    crew_id: i64,
) -> Result<Option<(i64, i64, CrewRole)>, Error> {
    let row = sqlx::query_as::<_, (i64, i64, String)>(
        "SELECT c.match_id, c.user_id, c.role FROM tournament_crew c
         JOIN tournament_matches m ON m.id = c.match_id
         WHERE c.id = $1 AND m.organization_id = $2",
    )
    .bind(crew_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((match_id, user_id, role)) = row else {
        return Ok(None);
    };
    let role = CrewRole::parse(&role)
        .ok_or_else(|| Error::internal("unknown crew role in the database"))?;
    Ok(Some((match_id, user_id, role)))
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
