//! `racetime_room_profiles`.

use sdk::{db::Db, Error};
use sqlx::AnyConnection;

use crate::model::{RoomProfile, RoomSettings};

const COLUMNS: &str =
    "id, name, invitational, unlisted, ranked, info_template, start_delay_seconds,
    time_limit_hours, streaming_required, auto_start, allow_comments, hide_comments,
    allow_prerace_chat, allow_midrace_chat, allow_non_entrant_chat, chat_message_delay_seconds";

pub async fn list(db: &Db, org_id: i64) -> Result<Vec<RoomProfile>, Error> {
    Ok(sqlx::query_as::<_, RoomProfile>(&format!(
        "SELECT {COLUMNS} FROM racetime_room_profiles WHERE organization_id = $1 ORDER BY name"
    ))
    .bind(org_id)
    .fetch_all(db.pool())
    .await?)
}

pub async fn get(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
) -> Result<Option<RoomProfile>, Error> {
    Ok(sqlx::query_as::<_, RoomProfile>(&format!(
        "SELECT {COLUMNS} FROM racetime_room_profiles WHERE organization_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Inserts (`id` None) or updates the organization's profile; None when `id` is not one of its.
pub async fn save(
    conn: &mut AnyConnection,
    org_id: i64,
    id: Option<i64>,
    name: &str,
    s: &RoomSettings,
    now: i64,
) -> Result<Option<i64>, Error> {
    let duplicate = Error::conflict_if_duplicate(format!("A room profile named {name} exists."));
    let query = match id {
        None => sqlx::query_scalar::<_, i64>(
            "INSERT INTO racetime_room_profiles (organization_id, name, invitational, unlisted,
                ranked, info_template, start_delay_seconds, time_limit_hours, streaming_required,
                auto_start, allow_comments, hide_comments, allow_prerace_chat, allow_midrace_chat,
                allow_non_entrant_chat, chat_message_delay_seconds, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
             RETURNING id",
        )
        .bind(org_id),
        Some(_) => sqlx::query_scalar::<_, i64>(
            "UPDATE racetime_room_profiles SET name = $2, invitational = $3, unlisted = $4,
                ranked = $5, info_template = $6, start_delay_seconds = $7, time_limit_hours = $8,
                streaming_required = $9, auto_start = $10, allow_comments = $11,
                hide_comments = $12, allow_prerace_chat = $13, allow_midrace_chat = $14,
                allow_non_entrant_chat = $15, chat_message_delay_seconds = $16, updated_at = $17
             WHERE id = $18 AND organization_id = $1 RETURNING id",
        )
        .bind(org_id),
    };
    let query = query
        .bind(name)
        .bind(s.invitational)
        .bind(s.unlisted)
        .bind(s.ranked)
        .bind(&s.info_template)
        .bind(s.start_delay_seconds)
        .bind(s.time_limit_hours)
        .bind(s.streaming_required)
        .bind(s.auto_start)
        .bind(s.allow_comments)
        .bind(s.hide_comments)
        .bind(s.allow_prerace_chat)
        .bind(s.allow_midrace_chat)
        .bind(s.allow_non_entrant_chat)
        .bind(s.chat_message_delay_seconds)
        .bind(now);
    let query = match id {
        Some(id) => query.bind(id),
        None => query,
    };
    query.fetch_optional(&mut *conn).await.map_err(duplicate)
}

pub async fn count(conn: &mut AnyConnection, org_id: i64) -> Result<i64, Error> {
    Ok(
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM racetime_room_profiles WHERE organization_id = $1",
        )
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?,
    )
}

pub async fn delete(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<bool, Error> {
    let done =
        sqlx::query("DELETE FROM racetime_room_profiles WHERE organization_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() > 0)
}
