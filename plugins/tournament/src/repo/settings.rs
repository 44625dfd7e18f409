//! The SQL of settings submissions (one per player and game; the settings as JSON text).

use sqlx::AnyConnection;

use sdk::Error;

use super::NAME;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SettingsRow {
    pub id: i64,
    pub match_id: i64,
    pub game_number: i64,
    #[sqlx(rename = "submitted_by")]
    pub user_id: i64,
    pub display_name: String,
    pub settings: String,
    pub notes: String,
    pub submitted_at: i64,
}

/// Inserts or replaces the player's submission for that game.
pub async fn upsert_settings(
    conn: &mut AnyConnection,
    match_id: i64,
    game_number: i64,
    user_id: i64,
    settings: &str,
    notes: &str,
    now: i64,
) -> Result<i64, Error> {
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO tournament_match_settings (match_id, game_number, submitted_by, settings,
            notes, submitted_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (match_id, game_number, submitted_by)
         DO UPDATE SET settings = excluded.settings, notes = excluded.notes,
            submitted_at = excluded.submitted_at
         RETURNING id",
    )
    .bind(match_id)
    .bind(game_number)
    .bind(user_id)
    .bind(settings)
    .bind(notes)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The match's submissions (only `user_id`'s when given), by game then player.
pub async fn settings(
    conn: &mut AnyConnection,
    match_id: i64,
    user_id: Option<i64>,
) -> Result<Vec<SettingsRow>, Error> {
    let mut sql = format!(
        "SELECT s.id, s.match_id, s.game_number, s.submitted_by, {NAME} AS display_name,
            s.settings, s.notes, s.submitted_at
         FROM tournament_match_settings s JOIN users u ON u.id = s.submitted_by
         WHERE s.match_id = $1"
    );
    if user_id.is_some() {
        sql.push_str(" AND s.submitted_by = $2");
    }
    sql.push_str(" ORDER BY s.game_number, display_name, s.id");
    let mut query = sqlx::query_as::<_, SettingsRow>(&sql).bind(match_id);
    if let Some(user) = user_id {
        query = query.bind(user);
    }
    Ok(query.fetch_all(&mut *conn).await?)
}
