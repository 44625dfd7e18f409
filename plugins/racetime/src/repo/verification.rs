//! `racetime_verifications` (what an organization counts and the role it grants) and
//! `racetime_verification_results` (the last check of each member). Every query of an
//! organization's data takes its id; the categories are a JSON array in TEXT.

use sdk::{
    db::Db,
    page::{Page, PageRequest},
    Error,
};
use sqlx::AnyConnection;

use crate::model::{Verification, VerificationInput, VerificationResult};

#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    id: i64,
    organization_id: i64,
    name: String,
    categories: String,
    min_races: i64,
    #[sqlx(try_from = "sdk::db::Flag")]
    count_forfeits: bool,
    #[sqlx(try_from = "sdk::db::Flag")]
    count_dq: bool,
    window_days: Option<i64>,
    discord_role_id: String,
    #[sqlx(try_from = "sdk::db::Flag")]
    is_active: bool,
    updated_at: i64,
}

impl Row {
    fn into_model(self) -> (i64, Verification) {
        (
            self.organization_id,
            Verification {
                id: self.id,
                name: self.name,
                // Written only through `insert`/`update` from checked input; unreadable means none.
                categories: serde_json::from_str(&self.categories).unwrap_or_default(),
                min_races: self.min_races,
                count_forfeits: self.count_forfeits,
                count_dq: self.count_dq,
                window_days: self.window_days,
                discord_role_id: self.discord_role_id,
                is_active: self.is_active,
                updated_at: self.updated_at,
            },
        )
    }
}

const COLUMNS: &str = "id, organization_id, name, categories, min_races, count_forfeits, count_dq,
    window_days, discord_role_id, is_active, updated_at";

/// The organization's verifications by name.
pub async fn list(db: &Db, org_id: i64) -> Result<Vec<Verification>, Error> {
    let rows = sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLUMNS} FROM racetime_verifications WHERE organization_id = $1
         ORDER BY name, id"
    ))
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|r| r.into_model().1).collect())
}

pub async fn get(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
) -> Result<Option<Verification>, Error> {
    let row = sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLUMNS} FROM racetime_verifications WHERE organization_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.into_model().1))
}

/// Every active verification of the site with its organization (the hourly re-check).
pub async fn active(db: &Db) -> Result<Vec<(i64, Verification)>, Error> {
    let rows = sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLUMNS} FROM racetime_verifications WHERE is_active = $1
         ORDER BY organization_id, id"
    ))
    .bind(true)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(Row::into_model).collect())
}

/// A name the organization already uses: the field to fix.
fn name_taken(error: sqlx::Error) -> Error {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => Error::invalid(
            "name",
            "This organization already has a verification of that name: pick another name.",
        ),
        _ => error.into(),
    }
}

fn categories_json(input: &VerificationInput) -> Result<String, Error> {
    serde_json::to_string(&input.categories).map_err(Error::internal)
}

/// A new verification; its id. A name the organization already uses is a Conflict.
pub async fn insert(
    conn: &mut AnyConnection,
    org_id: i64,
    input: &VerificationInput,
    now: i64,
) -> Result<i64, Error> {
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO racetime_verifications (organization_id, name, categories, min_races,
            count_forfeits, count_dq, window_days, discord_role_id, is_active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(org_id)
    .bind(&input.name)
    .bind(categories_json(input)?)
    .bind(input.min_races)
    .bind(input.count_forfeits)
    .bind(input.count_dq)
    .bind(input.window_days)
    .bind(&input.discord_role_id)
    .bind(input.is_active)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(name_taken)?;
    Ok(id)
}

/// Changes the organization's verification `id`; false when it has none of that id.
pub async fn update(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    input: &VerificationInput,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE racetime_verifications SET name = $3, categories = $4, min_races = $5,
            count_forfeits = $6, count_dq = $7, window_days = $8, discord_role_id = $9, is_active = $10,
            updated_at = $11
         WHERE organization_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(&input.name)
    .bind(categories_json(input)?)
    .bind(input.min_races)
    .bind(input.count_forfeits)
    .bind(input.count_dq)
    .bind(input.window_days)
    .bind(&input.discord_role_id)
    .bind(input.is_active)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(name_taken)?;
    Ok(done.rows_affected() > 0)
}

/// A new role: nobody has it yet, so every qualified member gets it at their next check.
pub async fn forget_grants(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<(), Error> {
    sqlx::query(
        "UPDATE racetime_verification_results SET role_granted = $3
         WHERE organization_id = $1 AND verification_id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(false)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deletes the verification and its results; false when the organization has none of that id.
pub async fn delete(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<bool, Error> {
    // The results first: SQLite enforces the cascade only with foreign keys switched on.
    sqlx::query(
        "DELETE FROM racetime_verification_results WHERE organization_id = $1 AND verification_id = $2",
    )
    .bind(org_id)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let done =
        sqlx::query("DELETE FROM racetime_verifications WHERE organization_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// A member to check for a verification, with what their last check found.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub organization_id: i64,
    pub verification_id: i64,
    pub user_id: i64,
    pub racetime_id: String,
    pub discord_id: Option<String>,
    /// The account the last check counted (none: never checked).
    pub checked_racetime_id: Option<String>,
    pub race_count: Option<i64>,
    #[sqlx(try_from = "sdk::db::Flag")]
    pub qualified: bool,
    #[sqlx(try_from = "sdk::db::Flag")]
    pub role_granted: bool,
    pub checked_at: Option<i64>,
}

/// Which members [`candidates`] picks.
#[derive(Debug, Clone, Default)]
pub struct Pick {
    /// Only these organizations (empty: none at all).
    pub orgs: Vec<i64>,
    pub verification_id: Option<i64>,
    pub user_id: Option<i64>,
    /// Active verifications only.
    pub active_only: bool,
}

/// Members of the organizations in `pick` who linked racetime.gg (active users), for each of
/// their verifications: never checked first, then the oldest check; at most `limit`. Also the
/// number of all such (member, verification) pairs, for "how many are left".
pub async fn candidates(db: &Db, pick: &Pick, limit: i64) -> Result<(Vec<Candidate>, i64), Error> {
    if pick.orgs.is_empty() {
        return Ok((Vec::new(), 0));
    }
    // $1 true, $2 verification or NULL, $3 user or NULL, $4 limit, then the organizations.
    let orgs: Vec<String> = (0..pick.orgs.len())
        .map(|i| format!("${}", i + 5))
        .collect();
    let from = format!(
        "FROM racetime_verifications v
         JOIN organization_members m ON m.organization_id = v.organization_id
         JOIN users u ON u.id = m.user_id
         LEFT JOIN racetime_verification_results r ON r.verification_id = v.id AND r.user_id = u.id
         WHERE u.racetime_id IS NOT NULL AND u.is_active = $1
           AND ($2 IS NULL OR v.id = $2) AND ($3 IS NULL OR u.id = $3)
           AND {} AND v.organization_id IN ({})",
        if pick.active_only {
            "v.is_active = $1"
        } else {
            "$1 = $1"
        },
        orgs.join(", ")
    );
    let select = format!(
        "SELECT v.organization_id, v.id AS verification_id, u.id AS user_id, u.racetime_id,
                u.discord_id, r.racetime_id AS checked_racetime_id, r.race_count,
                COALESCE(r.qualified, $1 <> $1) AS qualified,
                COALESCE(r.role_granted, $1 <> $1) AS role_granted, r.checked_at
         {from}
         ORDER BY COALESCE(r.checked_at, 0), v.id, u.id
         LIMIT $4"
    );
    let query = sqlx::query_as::<_, Candidate>(&select)
        .bind(true)
        .bind(pick.verification_id)
        .bind(pick.user_id)
        .bind(limit);
    let rows = pick
        .orgs
        .iter()
        .fold(query, |q, org| q.bind(*org))
        .fetch_all(db.pool())
        .await?;
    // The same filter counted ($4 appears so the placeholders stay numbered alike).
    let count_sql = format!("SELECT COUNT(*) FROM (SELECT v.id {from} AND $4 = $4) picked");
    let count = sqlx::query_scalar::<_, i64>(&count_sql)
        .bind(true)
        .bind(pick.verification_id)
        .bind(pick.user_id)
        .bind(limit);
    let total = pick
        .orgs
        .iter()
        .fold(count, |q, org| q.bind(*org))
        .fetch_one(db.pool())
        .await?;
    Ok((rows, total))
}

/// What one check found, as stored.
#[derive(Debug, Clone)]
pub struct Checked<'a> {
    pub org_id: i64,
    pub verification_id: i64,
    pub user_id: i64,
    pub racetime_id: &'a str,
    pub race_count: i64,
    pub qualified: bool,
    pub role_granted: bool,
    pub last_error: Option<&'a str>,
    pub checked_at: i64,
}

/// Stores the member's latest check (one row per verification and member).
pub async fn save_result(conn: &mut AnyConnection, c: &Checked<'_>) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO racetime_verification_results (verification_id, organization_id, user_id,
            racetime_id, race_count, qualified, role_granted, last_error, checked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (verification_id, user_id) DO UPDATE SET racetime_id = $4, race_count = $5,
            qualified = $6, role_granted = $7, last_error = $8, checked_at = $9",
    )
    .bind(c.verification_id)
    .bind(c.org_id)
    .bind(c.user_id)
    .bind(c.racetime_id)
    .bind(c.race_count)
    .bind(c.qualified)
    .bind(c.role_granted)
    .bind(c.last_error)
    .bind(c.checked_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The most result rows one answer holds (qualified members first, then by name).
pub const MAX_RESULTS: i64 = 2000;

#[derive(Debug, Clone, sqlx::FromRow)]
struct ResultRow {
    verification_id: i64,
    user_id: i64,
    user_name: String,
    racetime_id: String,
    race_count: i64,
    #[sqlx(try_from = "sdk::db::Flag")]
    qualified: bool,
    #[sqlx(try_from = "sdk::db::Flag")]
    role_granted: bool,
    last_error: Option<String>,
    checked_at: i64,
}

impl From<ResultRow> for VerificationResult {
    fn from(r: ResultRow) -> Self {
        Self {
            verification_id: r.verification_id,
            user_id: r.user_id,
            user_name: r.user_name,
            racetime_id: r.racetime_id,
            race_count: r.race_count,
            qualified: r.qualified,
            role_granted: r.role_granted,
            last_error: r.last_error,
            checked_at: r.checked_at,
        }
    }
}

/// The results of the organization's verification (all of them when `verification_id` is
/// None), optionally of one member only; current members only.
/// One verification's results for current members, a page at a time (newest members first:
/// by user id, descending; `sdk::page`).
pub async fn results_page(
    db: &Db,
    org_id: i64,
    verification_id: i64,
    page: &PageRequest,
) -> Result<Page<VerificationResult>, Error> {
    let rows = sqlx::query_as::<_, ResultRow>(
        "SELECT r.verification_id, r.user_id, COALESCE(u.display_name, u.username) AS user_name,
                r.racetime_id, r.race_count, r.qualified, r.role_granted, r.last_error, r.checked_at
         FROM racetime_verification_results r
         JOIN users u ON u.id = r.user_id
         JOIN organization_members m ON m.organization_id = r.organization_id
              AND m.user_id = r.user_id
         WHERE r.organization_id = $1 AND r.verification_id = $2 AND r.user_id < $3
         ORDER BY r.user_id DESC
         LIMIT $4",
    )
    .bind(org_id)
    .bind(verification_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    let rows: Vec<VerificationResult> = rows.into_iter().map(VerificationResult::from).collect();
    Ok(Page::from_rows(rows, page, |r| r.user_id))
}

pub async fn results(
    db: &Db,
    org_id: i64,
    verification_id: Option<i64>,
    user_id: Option<i64>,
) -> Result<Vec<VerificationResult>, Error> {
    let rows = sqlx::query_as::<_, ResultRow>(
        "SELECT r.verification_id, r.user_id, COALESCE(u.display_name, u.username) AS user_name,
                r.racetime_id, r.race_count, r.qualified, r.role_granted, r.last_error, r.checked_at
         FROM racetime_verification_results r
         JOIN users u ON u.id = r.user_id
         -- Members only: someone who left keeps their row but is no longer shown.
         JOIN organization_members m ON m.organization_id = r.organization_id
              AND m.user_id = r.user_id
         WHERE r.organization_id = $1 AND ($2 IS NULL OR r.verification_id = $2)
           AND ($3 IS NULL OR r.user_id = $3)
         ORDER BY r.verification_id, CASE WHEN r.qualified = $4 THEN 0 ELSE 1 END,
                  COALESCE(u.display_name, u.username), r.user_id
         LIMIT $5",
    )
    .bind(org_id)
    .bind(verification_id)
    .bind(user_id)
    .bind(true)
    .bind(MAX_RESULTS)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(VerificationResult::from).collect())
}
