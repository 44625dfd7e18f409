//! The reads of core identity rows that plugins need (a user's name, an organization): the
//! platform's identity services build on the same functions, so there is one mapping each.

use sqlx::{any::AnyRow, Row};

use super::model::{Organization, UserInfo};
use crate::{
    auth::GlobalLevel,
    db::{Db, Flag},
    Error,
};

pub const USER_COLUMNS: &str = "id, username, display_name, pronouns, show_pronouns, discord_id, \
     discord_username, permission, is_active, api_rate_limit_per_minute, created_at, time_zone, \
     racetime_id, racetime_name";

pub fn user_from_row(row: &AnyRow) -> Result<UserInfo, Error> {
    Ok(UserInfo {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        pronouns: row.try_get("pronouns")?,
        show_pronouns: row.try_get::<Flag, _>("show_pronouns")?.0,
        discord_id: row.try_get("discord_id")?,
        discord_username: row.try_get("discord_username")?,
        level: GlobalLevel::from_value(row.try_get::<i64, _>("permission")?),
        is_active: row.try_get::<Flag, _>("is_active")?.0,
        api_rate_limit_per_minute: row.try_get("api_rate_limit_per_minute")?,
        created_at: row.try_get("created_at")?,
        time_zone: row.try_get("time_zone")?,
        racetime_id: row.try_get("racetime_id")?,
        racetime_name: row.try_get("racetime_name")?,
    })
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
    Ok(Organization {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        is_active: row.try_get::<Flag, _>("is_active")?.0,
        created_at: row.try_get("created_at")?,
    })
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
