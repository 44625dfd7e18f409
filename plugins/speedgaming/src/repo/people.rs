//! Users for SpeedGaming's people: the lookups of the matching ladder (Discord id, Discord
//! username, remembered SpeedGaming id), organization membership, placeholder users (the core
//! `users.is_placeholder` flag) and the clean-up of idle placeholders. Writes here run inside
//! the service's transactions, which write the audit entries.

use sdk::Error;
use sqlx::AnyConnection;

pub async fn by_discord_id(
    conn: &mut AnyConnection,
    discord_id: &str,
) -> Result<Option<i64>, Error> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE discord_id = $1")
            .bind(discord_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// The one member of the organization whose Discord username is `name` (any case); None when
/// no member or several are.
pub async fn member_by_discord_username(
    conn: &mut AnyConnection,
    org_id: i64,
    name: &str,
) -> Result<Option<i64>, Error> {
    let ids = sqlx::query_scalar::<_, i64>(
        "SELECT u.id FROM users u
         JOIN organization_members m ON m.user_id = u.id AND m.organization_id = $2
         WHERE LOWER(u.discord_username) = LOWER($1) ORDER BY u.id LIMIT 2",
    )
    .bind(name)
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(match ids.as_slice() {
        [one] => Some(*one),
        _ => None,
    })
}

/// The user a SpeedGaming id was matched to before.
pub async fn by_speedgaming_id(
    conn: &mut AnyConnection,
    speedgaming_id: i64,
) -> Result<Option<i64>, Error> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT user_id FROM speedgaming_people WHERE speedgaming_id = $1",
    )
    .bind(speedgaming_id)
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn remember(
    conn: &mut AnyConnection,
    speedgaming_id: i64,
    user_id: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO speedgaming_people (speedgaming_id, user_id) VALUES ($1, $2)
         ON CONFLICT (speedgaming_id) DO UPDATE SET user_id = $2",
    )
    .bind(speedgaming_id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn is_member(conn: &mut AnyConnection, org_id: i64, user_id: i64) -> Result<bool, Error> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT id FROM organization_members WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

pub async fn add_member(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO organization_members (organization_id, user_id, joined_at) VALUES ($1, $2, $3)
         ON CONFLICT (organization_id, user_id) DO NOTHING",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn username_taken(conn: &mut AnyConnection, username: &str) -> Result<bool, Error> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE LOWER(username) = LOWER($1)")
            .bind(username)
            .fetch_optional(&mut *conn)
            .await?
            .is_some(),
    )
}

/// What a placeholder is made with.
pub struct NewPlaceholder<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    /// Kept so that the person signing in with Discord later *is* this user (the sign-in finds
    /// the row by Discord id and makes it a real user).
    pub discord_id: Option<&'a str>,
    pub discord_username: Option<&'a str>,
}

pub async fn insert_placeholder(
    conn: &mut AnyConnection,
    p: &NewPlaceholder<'_>,
    now: i64,
) -> Result<i64, Error> {
    Ok(sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (username, display_name, discord_id, discord_username, is_placeholder,
            created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(p.username)
    .bind(p.display_name)
    .bind(p.discord_id)
    .bind(p.discord_username)
    .bind(true)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

/// Placeholders unchanged since `before` that no match names (as player or crew), oldest
/// first: (id, username). Real users are never among them.
pub async fn idle_placeholders(
    conn: &mut AnyConnection,
    before: i64,
) -> Result<Vec<(i64, String)>, Error> {
    Ok(sqlx::query_as::<_, (i64, String)>(
        "SELECT u.id, u.username FROM users u
         WHERE u.is_placeholder = $1 AND u.updated_at < $2
           AND NOT EXISTS (SELECT 1 FROM tournament_match_players p WHERE p.user_id = u.id)
           AND NOT EXISTS (SELECT 1 FROM tournament_crew c WHERE c.user_id = u.id)
         ORDER BY u.id",
    )
    .bind(true)
    .bind(before)
    .fetch_all(&mut *conn)
    .await?)
}

/// Deletes a placeholder (never a real user: the flag is checked again). True when deleted.
pub async fn delete_placeholder(conn: &mut AnyConnection, user_id: i64) -> Result<bool, Error> {
    let done = sqlx::query("DELETE FROM users WHERE id = $1 AND is_placeholder = $2")
        .bind(user_id)
        .bind(true)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
