//! The reads of core identity rows that plugins need (a user's name, an organization): the
//! platform's identity services build on the same functions, so there is one mapping each.

use sqlx::{any::AnyRow, FromRow};

use super::model::{Organization, UserInfo};
use crate::{
    auth::GlobalLevel,
    db::{Db, Flag},
    Error,
};

pub const USER_COLUMNS: &str = "id, username, display_name, pronouns, show_pronouns, discord_id, \
     discord_username, permission, is_active, api_rate_limit_per_minute, created_at, time_zone, \
     racetime_id, racetime_name";

/// A `users` row as [`USER_COLUMNS`] selects it.
#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: Option<String>,
    pronouns: Option<String>,
    #[sqlx(try_from = "Flag")]
    show_pronouns: bool,
    discord_id: Option<String>,
    discord_username: Option<String>,
    permission: i64,
    #[sqlx(try_from = "Flag")]
    is_active: bool,
    api_rate_limit_per_minute: Option<i64>,
    created_at: i64,
    time_zone: Option<String>,
    racetime_id: Option<String>,
    racetime_name: Option<String>,
}

impl From<UserRow> for UserInfo {
    fn from(row: UserRow) -> Self {
        UserInfo {
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            pronouns: row.pronouns,
            show_pronouns: row.show_pronouns,
            discord_id: row.discord_id,
            discord_username: row.discord_username,
            level: GlobalLevel::from_value(row.permission),
            is_active: row.is_active,
            api_rate_limit_per_minute: row.api_rate_limit_per_minute,
            created_at: row.created_at,
            time_zone: row.time_zone,
            racetime_id: row.racetime_id,
            racetime_name: row.racetime_name,
        }
    }
}

pub fn user_from_row(row: &AnyRow) -> Result<UserInfo, Error> {
    Ok(UserRow::from_row(row)?.into())
}

pub async fn find(db: &Db, id: i64) -> Result<Option<UserInfo>, Error> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// An active user, for signing someone in.
/// The user with this username, whatever its case.
pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<UserInfo>, Error> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE LOWER(username) = LOWER($1)"
    ))
    .bind(username.trim())
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn active(db: &Db, id: i64) -> Result<Option<UserInfo>, Error> {
    Ok(find(db, id).await?.filter(|u| u.is_active))
}

pub fn org_from_row(row: &AnyRow) -> Result<Organization, Error> {
    Ok(Organization::from_row(row)?)
}

pub const ORG_COLUMNS: &str = "id, name, description, is_active, created_at";

pub async fn get(db: &Db, org_id: i64) -> Result<Organization, Error> {
    let row = sqlx::query(&format!(
        "SELECT {ORG_COLUMNS} FROM organizations WHERE id = $1"
    ))
    .bind(org_id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref()
        .map(org_from_row)
        .transpose()?
        .ok_or_else(|| Error::not_found(format!("Organization {org_id} does not exist.")))
}
