//! Placeholder users (`users.is_placeholder`): made by integrations for people an outside
//! schedule names but who never signed in here (the SpeedGaming plugin makes them, carrying
//! the person's Discord id when the schedule gave one, and removes idle ones).
//!
//! Merging on sign-in: when someone signs in with Discord and the user with their Discord id is
//! a placeholder, that row *becomes* their account ([`claim`], called by
//! [`super::users::upsert_discord`] inside its transaction). Nothing has to move — the matches,
//! crew entries and memberships made for the placeholder already point at this row — and the
//! handle becomes their Discord username when it is free.

use sdk::{db::Flag, Error};

use super::validate;

/// Turns placeholder `id` into a real user signed in as `discord_username` (display name
/// `global_name` when Discord has one). False, changing nothing, when `id` is no placeholder.
pub(crate) async fn claim(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    discord_username: &str,
    global_name: Option<&str>,
    now: i64,
) -> Result<bool, Error> {
    let placeholder: Option<Flag> =
        sqlx::query_scalar("SELECT is_placeholder FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    if !placeholder.is_some_and(|f| f.0) {
        return Ok(false);
    }
    // not audited here: part of the sign-in, whose `user.login` entry says it claimed one.
    sqlx::query(
        "UPDATE users SET is_placeholder = $1, display_name = COALESCE($2, display_name),
         updated_at = $3 WHERE id = $4",
    )
    .bind(false)
    .bind(global_name)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if let Ok(handle) = validate::username(discord_username) {
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM users WHERE LOWER(username) = LOWER($1) AND id <> $2",
        )
        .bind(&handle)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        if taken.is_none() {
            sqlx::query("UPDATE users SET username = $1 WHERE id = $2")
                .bind(&handle)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(true)
}
