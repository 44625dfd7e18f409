//! The SQL of tournaments.

use sqlx::AnyConnection;

use sdk::{db::Flag, Error};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TournamentRow {
    pub id: i64,
    #[sqlx(rename = "organization_id")]
    pub org_id: i64,
    pub name: String,
    pub description: String,
    #[sqlx(try_from = "Flag")]
    pub is_active: bool,
    #[sqlx(try_from = "Flag")]
    pub onsite: bool,
    #[sqlx(try_from = "Flag")]
    pub tracker_enabled: bool,
    #[sqlx(try_from = "Flag")]
    pub self_registration: bool,
    pub settings_form_schema: Option<String>,
    pub randomizer: Option<String>,
    pub preset: Option<String>,
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub player_count: i64,
    /// Whether the viewer plays in it (a count of 0 or 1, read as a flag).
    #[sqlx(try_from = "Flag")]
    pub joined: bool,
    /// The secret in the public calendar feed's address; None = the tournament publishes none.
    pub public_feed_token: Option<String>,
}

/// The settings a tournament is created or changed with (already cleaned).
#[derive(Debug, Clone)]
pub struct TournamentFields {
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub onsite: bool,
    pub tracker_enabled: bool,
    pub self_registration: bool,
    pub settings_form_schema: Option<String>,
    pub randomizer: Option<String>,
    pub preset: Option<String>,
}

/// `$1` is the organization, `$2` the viewer (for `joined`).
const TOURNAMENT_SELECT: &str =
    "SELECT t.id, t.organization_id, t.name, t.description, t.is_active,
    t.onsite, t.tracker_enabled, t.self_registration, t.settings_form_schema, t.randomizer,
    t.preset, t.archived_at, t.created_at, t.public_feed_token,
    (SELECT COUNT(*) FROM tournament_players p WHERE p.tournament_id = t.id) AS player_count,
    (SELECT COUNT(*) FROM tournament_players p WHERE p.tournament_id = t.id AND p.user_id = $2)
        AS joined
    FROM tournaments t WHERE t.organization_id = $1";

pub async fn tournaments(
    conn: &mut AnyConnection,
    org_id: i64,
    viewer: i64,
    include_archived: bool,
) -> Result<Vec<TournamentRow>, Error> {
    let archived = if include_archived {
        ""
    } else {
        " AND t.archived_at IS NULL"
    };
    let rows = sqlx::query_as::<_, TournamentRow>(&format!(
        "{TOURNAMENT_SELECT}{archived} ORDER BY t.is_active DESC, t.name"
    ))
    .bind(org_id)
    .bind(viewer)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

/// One page of the organization's tournaments, newest first (`sdk::page`).
pub async fn tournaments_page(
    conn: &mut AnyConnection,
    org_id: i64,
    viewer: i64,
    include_archived: bool,
    page: &sdk::page::PageRequest,
) -> Result<Vec<TournamentRow>, Error> {
    let archived = if include_archived {
        ""
    } else {
        " AND t.archived_at IS NULL"
    };
    let rows = sqlx::query_as::<_, TournamentRow>(&format!(
        "{TOURNAMENT_SELECT}{archived} AND t.id < $3 ORDER BY t.id DESC LIMIT $4"
    ))
    .bind(org_id)
    .bind(viewer)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

pub async fn tournament(
    conn: &mut AnyConnection,
    org_id: i64,
    viewer: i64,
    id: i64,
) -> Result<Option<TournamentRow>, Error> {
    Ok(
        sqlx::query_as::<_, TournamentRow>(&format!("{TOURNAMENT_SELECT} AND t.id = $3"))
            .bind(org_id)
            .bind(viewer)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

fn name_taken(name: &str) -> String {
    format!("There is already a tournament named \"{name}\" here; choose another name.")
}

pub async fn insert_tournament(
    conn: &mut AnyConnection,
    org_id: i64,
    f: &TournamentFields,
    created_by: i64,
    now: i64,
) -> Result<i64, Error> {
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO tournaments (organization_id, name, description, is_active, onsite,
            tracker_enabled, self_registration, settings_form_schema, randomizer, preset,
            created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(org_id)
    .bind(&f.name)
    .bind(&f.description)
    .bind(f.is_active)
    .bind(f.onsite)
    .bind(f.tracker_enabled)
    .bind(f.self_registration)
    .bind(&f.settings_form_schema)
    .bind(&f.randomizer)
    .bind(&f.preset)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(name_taken(&f.name)))?;
    Ok(id)
}

pub async fn update_tournament(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    f: &TournamentFields,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE tournaments SET name = $3, description = $4, is_active = $5, onsite = $6,
            tracker_enabled = $7, self_registration = $8, settings_form_schema = $9,
            randomizer = $10, preset = $11, updated_at = $12
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .bind(&f.name)
    .bind(&f.description)
    .bind(f.is_active)
    .bind(f.onsite)
    .bind(f.tracker_enabled)
    .bind(f.self_registration)
    .bind(&f.settings_form_schema)
    .bind(&f.randomizer)
    .bind(&f.preset)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(name_taken(&f.name)))?;
    Ok(done.rows_affected() > 0)
}

pub async fn set_archived(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    archived_at: Option<i64>,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE tournaments SET archived_at = $3, updated_at = $4
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .bind(archived_at)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
