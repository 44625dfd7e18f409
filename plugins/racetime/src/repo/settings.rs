//! `racetime_tournament_settings` and `racetime_match_settings`.

use sdk::{db::Db, Error};
use sqlx::AnyConnection;

use crate::model::{PresetRule, TournamentRooms};

#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    tournament_id: i64,
    bot_id: Option<i64>,
    profile_id: Option<i64>,
    goal: String,
    #[sqlx(try_from = "sdk::db::Flag")]
    auto_open: bool,
    open_minutes_before: i64,
    preset_rule: String,
}

impl Row {
    fn into_model(self) -> TournamentRooms {
        TournamentRooms {
            tournament_id: self.tournament_id,
            bot_id: self.bot_id,
            profile_id: self.profile_id,
            goal: self.goal,
            auto_open: self.auto_open,
            open_minutes_before: self.open_minutes_before,
            // Written only through `save`, from a checked rule; an unreadable one means none.
            preset_rule: serde_json::from_str(&self.preset_rule).unwrap_or(PresetRule::None),
        }
    }
}

const COLUMNS: &str =
    "tournament_id, bot_id, profile_id, goal, auto_open, open_minutes_before, preset_rule";

pub async fn get(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
) -> Result<Option<TournamentRooms>, Error> {
    let row = sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLUMNS} FROM racetime_tournament_settings
         WHERE organization_id = $1 AND tournament_id = $2"
    ))
    .bind(org_id)
    .bind(tournament_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(Row::into_model))
}

pub async fn save(
    conn: &mut AnyConnection,
    org_id: i64,
    t: &TournamentRooms,
    now: i64,
) -> Result<(), Error> {
    let rule = serde_json::to_string(&t.preset_rule).map_err(Error::internal)?;
    sqlx::query("DELETE FROM racetime_tournament_settings WHERE tournament_id = $1 AND organization_id = $2")
        .bind(t.tournament_id)
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO racetime_tournament_settings (tournament_id, organization_id, bot_id,
            profile_id, goal, auto_open, open_minutes_before, preset_rule, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(t.tournament_id)
    .bind(org_id)
    .bind(t.bot_id)
    .bind(t.profile_id)
    .bind(&t.goal)
    .bind(t.auto_open)
    .bind(t.open_minutes_before)
    .bind(rule)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A match's own choice: (automatic rooms on, its goal).
pub async fn match_settings(
    conn: &mut AnyConnection,
    org_id: i64,
    match_id: i64,
) -> Result<(bool, String), Error> {
    #[derive(sqlx::FromRow)]
    struct M {
        #[sqlx(try_from = "sdk::db::Flag")]
        auto_open: bool,
        goal: String,
    }
    let row = sqlx::query_as::<_, M>(
        "SELECT auto_open, goal FROM racetime_match_settings
         WHERE organization_id = $1 AND match_id = $2",
    )
    .bind(org_id)
    .bind(match_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map_or((true, String::new()), |m| (m.auto_open, m.goal)))
}

pub async fn save_match_settings(
    conn: &mut AnyConnection,
    org_id: i64,
    match_id: i64,
    auto_open: bool,
    goal: &str,
) -> Result<(), Error> {
    sqlx::query("DELETE FROM racetime_match_settings WHERE match_id = $1 AND organization_id = $2")
        .bind(match_id)
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO racetime_match_settings (match_id, organization_id, auto_open, goal)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(match_id)
    .bind(org_id)
    .bind(auto_open)
    .bind(goal)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A match that may get its room now: scheduled (not yet checked in) in the window, in an
/// active tournament with automatic rooms and a bot, not left out, and with no live room.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueMatch {
    pub organization_id: i64,
    pub match_id: i64,
}

/// Every organization's matches scheduled in `(now, now + max_minutes]` whose tournament opens
/// rooms by itself; the window of each is checked by `rules::rooms::due`.
pub async fn candidates(
    db: &Db,
    now: i64,
    max_minutes: i64,
) -> Result<Vec<(DueMatch, i64, i64)>, Error> {
    #[derive(sqlx::FromRow)]
    struct CandidateRow {
        organization_id: i64,
        match_id: i64,
        scheduled_at: i64,
        open_minutes_before: i64,
    }
    let rows = sqlx::query_as::<_, CandidateRow>(
        "SELECT m.organization_id, m.id AS match_id, m.scheduled_at, s.open_minutes_before
         FROM tournament_matches m
         JOIN tournaments t ON t.id = m.tournament_id AND t.organization_id = m.organization_id
         JOIN racetime_tournament_settings s ON s.tournament_id = t.id
              AND s.organization_id = m.organization_id
         LEFT JOIN racetime_match_settings ms ON ms.match_id = m.id
         WHERE m.scheduled_at > $1 AND m.scheduled_at <= $2
           AND m.checked_in_at IS NULL AND m.started_at IS NULL AND m.finished_at IS NULL
           AND t.is_active = $3 AND t.archived_at IS NULL
           AND s.auto_open = $3 AND s.bot_id IS NOT NULL
           AND (ms.auto_open IS NULL OR ms.auto_open = $3)
           AND NOT EXISTS (SELECT 1 FROM racetime_rooms r
                           WHERE r.match_id = m.id AND r.closed_at IS NULL AND r.slug IS NOT NULL)
         ORDER BY m.scheduled_at, m.id",
    )
    .bind(now)
    .bind(now + max_minutes * 60_000)
    .bind(true)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                DueMatch {
                    organization_id: r.organization_id,
                    match_id: r.match_id,
                },
                r.scheduled_at,
                r.open_minutes_before,
            )
        })
        .collect())
}
