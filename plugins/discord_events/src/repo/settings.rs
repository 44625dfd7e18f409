//! `discord_events_settings`: a tournament's settings and how its last sync went.

use sdk::Error;
use sqlx::AnyConnection;

use crate::model::{EventSettings, MatchFilter};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SettingsRow {
    pub organization_id: i64,
    pub tournament_id: i64,
    pub guild_id: String,
    pub match_filter: String,
    pub duration_minutes: i64,
    pub title_template: String,
    pub description_template: String,
    pub last_sync_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
}

impl SettingsRow {
    pub fn settings(&self) -> EventSettings {
        EventSettings {
            tournament_id: self.tournament_id,
            guild_id: self.guild_id.clone(),
            // Written only through `save` from a checked filter; an unreadable one means none.
            filter: MatchFilter::from_key(&self.match_filter).unwrap_or(MatchFilter::None),
            duration_minutes: self.duration_minutes,
            title_template: self.title_template.clone(),
            description_template: self.description_template.clone(),
        }
    }
}

const COLUMNS: &str = "organization_id, tournament_id, guild_id, match_filter, duration_minutes, \
                       title_template, description_template, last_sync_at, last_error, last_error_at";

pub async fn get(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
) -> Result<Option<SettingsRow>, Error> {
    Ok(sqlx::query_as::<_, SettingsRow>(&format!(
        "SELECT {COLUMNS} FROM discord_events_settings
         WHERE organization_id = $1 AND tournament_id = $2"
    ))
    .bind(org_id)
    .bind(tournament_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Every tournament with settings, all organizations (the reconciliation task).
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<SettingsRow>, Error> {
    Ok(sqlx::query_as::<_, SettingsRow>(&format!(
        "SELECT {COLUMNS} FROM discord_events_settings ORDER BY organization_id, tournament_id"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// Creates or replaces a tournament's settings (its sync state is kept).
pub async fn save(
    conn: &mut AnyConnection,
    org_id: i64,
    s: &EventSettings,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO discord_events_settings (organization_id, tournament_id, guild_id,
            match_filter, duration_minutes, title_template, description_template, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (organization_id, tournament_id) DO UPDATE SET
            guild_id = excluded.guild_id, match_filter = excluded.match_filter,
            duration_minutes = excluded.duration_minutes,
            title_template = excluded.title_template,
            description_template = excluded.description_template,
            updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(s.tournament_id)
    .bind(s.guild_id.trim())
    .bind(s.filter.key())
    .bind(s.duration_minutes)
    .bind(&s.title_template)
    .bind(&s.description_template)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records how a sync of the tournament went: `error` None clears the last error.
/// Records a sync: its error, or — when `clear_error` (a whole tournament reconciled without
/// one) — that the last error is over; one match synced fine leaves the tournament's error.
pub async fn record_sync(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
    error: Option<&str>,
    clear_error: bool,
    now: i64,
) -> Result<(), Error> {
    // not audited: bookkeeping of the sync (when it ran, its last error), nobody's action.
    let sql = match error {
        None if !clear_error => {
            "UPDATE discord_events_settings SET last_sync_at = $1
             WHERE organization_id = $2 AND tournament_id = $3"
        }
        None => {
            "UPDATE discord_events_settings SET last_sync_at = $1, last_error = NULL,
                last_error_at = NULL
             WHERE organization_id = $2 AND tournament_id = $3"
        }
        Some(_) => {
            "UPDATE discord_events_settings SET last_sync_at = $1, last_error = $4,
                last_error_at = $1
             WHERE organization_id = $2 AND tournament_id = $3"
        }
    };
    let mut query = sqlx::query(sql).bind(now).bind(org_id).bind(tournament_id);
    if let Some(error) = error {
        query = query.bind(error.chars().take(500).collect::<String>());
    }
    query.execute(&mut *conn).await?;
    Ok(())
}
