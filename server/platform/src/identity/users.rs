//! Users: created by Discord login, by the CLI, or as placeholders; their profile and level.

pub use super::model::{
    AdminUserUpdate, DiscordProfile, DiscordTokens, ProfileUpdate, RacetimeProfile, RacetimeTokens,
    UserInfo,
};
use sqlx::Row;

use super::validate;
use sdk::{
    audit::{record, AuditEntry},
    auth::{CurrentUser, GlobalLevel},
    db::{now_ms, Db},
    Error,
};

pub use sdk::identity::lookup::{active, find, find_by_username, user_from_row, USER_COLUMNS};

pub async fn get(db: &Db, id: i64) -> Result<UserInfo, Error> {
    find(db, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("User {id} does not exist.")))
}

/// Creates a user without Discord (CLI, tests). The username must be free.
pub async fn create(db: &Db, username: &str, level: GlobalLevel) -> Result<UserInfo, Error> {
    let username = validate::username(username)?;
    if find_by_username(db, &username).await?.is_some() {
        return Err(Error::conflict(format!(
            "The username `{username}` is taken."
        )));
    }
    let mut tx = db.begin().await?;
    let id = insert_with_audit(&mut tx, &username, level, "cli", None, now_ms()).await?;
    tx.commit().await?;
    get(db, id).await
}

/// Inserts a user and its `user.create` audit entry (saying `via` what: `cli`, `setup_link`)
/// inside the caller's transaction; the new id. `username` is validated and free already.
pub(crate) async fn insert_with_audit(
    conn: &mut sqlx::AnyConnection,
    username: &str,
    level: GlobalLevel,
    via: &str,
    ip: Option<&str>,
    now: i64,
) -> Result<i64, Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, permission, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
    )
    .bind(username)
    .bind(level.value())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    record(
        &mut *conn,
        AuditEntry {
            user_id: Some(id),
            org_id: None,
            action: "user.create",
            details: serde_json::json!({"username": username, "level": level.label(), "via": via}),
            ip,
        },
    )
    .await?;
    Ok(id)
}

/// Signs in a Discord user: updates the known one or creates a new USER. With `promote`, the
/// user is made SUPERADMIN (the configured bootstrap admins). Returns the user and whether they
/// are new.
pub async fn upsert_discord(
    db: &Db,
    profile: &DiscordProfile,
    tokens: &DiscordTokens,
    promote: bool,
    ip: Option<&str>,
) -> Result<(UserInfo, bool), Error> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE discord_id = $1")
        .bind(&profile.id)
        .fetch_optional(&mut *tx)
        .await?;
    let mut claimed_placeholder = false;
    let (id, created) = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE users SET discord_username = $1, discord_avatar = $2, discord_email = $3,
                 discord_access_token = $4, discord_refresh_token = $5, discord_token_expires_at = $6,
                 updated_at = $7 WHERE id = $8",
            )
            .bind(&profile.username)
            .bind(&profile.avatar)
            .bind(&profile.email)
            .bind(&tokens.access_token)
            .bind(&tokens.refresh_token)
            .bind(tokens.expires_at)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            // A placeholder made for this Discord account (an imported schedule named them)
            // becomes their account, with everything it was given.
            claimed_placeholder = super::placeholders::claim(
                &mut tx,
                id,
                &profile.username,
                profile.global_name.as_deref(),
                now,
            )
            .await?;
            // Their first sign-in: new to them, though the row is not.
            (id, claimed_placeholder)
        }
        None => {
            // The Discord username is the handle unless someone already has it.
            let base = validate::username(&profile.username)
                .unwrap_or_else(|_| format!("discord-{}", profile.id));
            let taken = sqlx::query("SELECT id FROM users WHERE LOWER(username) = LOWER($1)")
                .bind(&base)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            let username = if taken {
                format!("{base}-{}", profile.id)
            } else {
                base
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (username, discord_id, discord_username, discord_avatar, discord_email,
                 discord_access_token, discord_refresh_token, discord_token_expires_at, display_name,
                 permission, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            )
            .bind(&username)
            .bind(&profile.id)
            .bind(&profile.username)
            .bind(&profile.avatar)
            .bind(&profile.email)
            .bind(&tokens.access_token)
            .bind(&tokens.refresh_token)
            .bind(tokens.expires_at)
            .bind(&profile.global_name)
            .bind(GlobalLevel::User.value())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            (id, true)
        }
    };
    if promote {
        sqlx::query("UPDATE users SET permission = $1 WHERE id = $2 AND permission < $1")
            .bind(GlobalLevel::Superadmin.value())
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(id),
            org_id: None,
            action: "user.login",
            details: serde_json::json!({"via": "discord", "new_user": created, "bootstrap_superadmin": promote, "claimed_placeholder": claimed_placeholder}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((get(db, id).await?, created))
}

/// The stored Discord tokens of a user, for refreshing.
pub async fn discord_tokens(db: &Db, id: i64) -> Result<Option<DiscordTokens>, Error> {
    let row = sqlx::query(
        "SELECT discord_access_token, discord_refresh_token, discord_token_expires_at FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    // try_get: the optional columns read as None when they do not decode (`.ok()`), which a
    // FromRow struct would turn into an error.
    let access: Option<String> = row.try_get("discord_access_token")?;
    Ok(access.map(|access_token| DiscordTokens {
        access_token,
        // try_get: a value that does not decode reads as None (see above).
        refresh_token: row.try_get("discord_refresh_token").ok().flatten(),
        // try_get: a value that does not decode reads as None (see above).
        expires_at: row.try_get("discord_token_expires_at").ok().flatten(),
    }))
}

pub async fn store_discord_tokens(db: &Db, id: i64, tokens: &DiscordTokens) -> Result<(), Error> {
    // not audited: sign-in and token refresh keep Discord's credentials current; the sign-in
    // itself is what users do, and secrets do not belong in the log.
    sqlx::query(
        "UPDATE users SET discord_access_token = $1, discord_refresh_token = $2,
         discord_token_expires_at = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(&tokens.access_token)
    .bind(&tokens.refresh_token)
    .bind(tokens.expires_at)
    .bind(now_ms())
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn update_profile(
    db: &Db,
    id: i64,
    update: &ProfileUpdate,
    ip: Option<&str>,
) -> Result<UserInfo, Error> {
    let display_name = validate::optional_text("display_name", &update.display_name, 64)?;
    let pronouns = validate::optional_text("pronouns", &update.pronouns, 32)?;
    let time_zone = match update.time_zone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => Some(sdk::time::parse_zone(name)?.name().to_string()),
    };
    let none_if_empty = |s: String| if s.is_empty() { None } else { Some(s) };
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET display_name = $1, pronouns = $2, show_pronouns = $3, time_zone = $4, updated_at = $5 WHERE id = $6")
        .bind(none_if_empty(display_name.clone()))
        .bind(none_if_empty(pronouns.clone()))
        .bind(update.show_pronouns)
        .bind(time_zone.clone())
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(id),
            org_id: None,
            action: "user.profile_update",
            details: serde_json::json!({"display_name": display_name, "pronouns": pronouns, "show_pronouns": update.show_pronouns, "time_zone": time_zone}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

pub async fn admin_update(
    db: &Db,
    actor: &CurrentUser,
    id: i64,
    update: &AdminUserUpdate,
    ip: Option<&str>,
) -> Result<UserInfo, Error> {
    let target = get(db, id).await?;
    // Only a SUPERADMIN hands out or takes away ADMIN and above.
    let touches_admin = update.level >= GlobalLevel::Admin || target.level >= GlobalLevel::Admin;
    if touches_admin && !actor.is_at_least(GlobalLevel::Superadmin) {
        return Err(Error::forbidden(
            "Only a superadmin can change an admin's level or make admins.",
        ));
    }
    if actor.id == id && update.level < actor.level {
        return Err(Error::invalid("level", "You cannot lower your own level."));
    }
    if let Some(limit) = update.api_rate_limit_per_minute {
        if !(1..=100_000).contains(&limit) {
            return Err(Error::invalid(
                "api_rate_limit_per_minute",
                "must be between 1 and 100000, or empty for the default",
            ));
        }
    }
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET permission = $1, is_active = $2, api_rate_limit_per_minute = $3, updated_at = $4 WHERE id = $5")
        .bind(update.level.value())
        .bind(update.is_active)
        .bind(update.api_rate_limit_per_minute)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: None,
            action: "user.admin_update",
            details: serde_json::json!({"user_id": id, "level": update.level.label(), "is_active": update.is_active, "api_rate_limit_per_minute": update.api_rate_limit_per_minute}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

/// Site admin search: by username, display name or Discord name; newest first, a page at a time.
pub async fn search(
    db: &Db,
    query: &str,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<UserInfo>, Error> {
    let pattern = sdk::db::contains_pattern(query.trim());
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users
         WHERE (LOWER(username) LIKE LOWER($1) ESCAPE '\\'
            OR LOWER(COALESCE(display_name, '')) LIKE LOWER($1) ESCAPE '\\'
            OR LOWER(COALESCE(discord_username, '')) LIKE LOWER($1) ESCAPE '\\') AND id < $2
         ORDER BY id DESC LIMIT $3"
    ))
    .bind(pattern)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    let users = rows
        .iter()
        .map(user_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(sdk::page::Page::from_rows(users, page, |u| u.id))
}

/// Links the RaceTime.gg account `profile` to user `id` and keeps its tokens, in one
/// transaction with the audit entry. An account already linked to someone else is a Conflict.
pub async fn link_racetime(
    db: &Db,
    id: i64,
    profile: &RacetimeProfile,
    tokens: &RacetimeTokens,
    ip: Option<&str>,
) -> Result<UserInfo, Error> {
    let mut tx = db.begin().await?;
    let holder: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE racetime_id = $1")
        .bind(&profile.id)
        .fetch_optional(&mut *tx)
        .await?;
    if holder.is_some_and(|holder| holder != id) {
        return Err(Error::conflict(format!(
            "The RaceTime.gg account {} is already linked to another SahaBot user; unlink it there first.",
            profile.shown_name()
        )));
    }
    sqlx::query(
        "UPDATE users SET racetime_id = $1, racetime_name = $2, racetime_access_token = $3, \
         racetime_refresh_token = $4, racetime_token_expires_at = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(&profile.id)
    .bind(profile.shown_name())
    .bind(&tokens.access_token)
    .bind(tokens.refresh_token.as_deref())
    .bind(tokens.expires_at)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(Error::conflict_if_duplicate(
        "This RaceTime.gg account is already linked to another SahaBot user.",
    ))?;
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(id),
            org_id: None,
            action: "user.racetime_link",
            details: serde_json::json!({"racetime_id": profile.id, "racetime_name": profile.shown_name()}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

/// Removes user `id`'s RaceTime.gg link and its tokens (one transaction with the audit entry).
pub async fn unlink_racetime(db: &Db, id: i64, ip: Option<&str>) -> Result<UserInfo, Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE users SET racetime_id = NULL, racetime_name = NULL, racetime_access_token = NULL, \
         racetime_refresh_token = NULL, racetime_token_expires_at = NULL, updated_at = $1 WHERE id = $2",
    )
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(id),
            org_id: None,
            action: "user.racetime_unlink",
            details: serde_json::json!({}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    get(db, id).await
}

/// The RaceTime.gg account id linked to user `id`, if any.
pub async fn racetime_id(db: &Db, id: i64) -> Result<Option<String>, Error> {
    let racetime_id: Option<Option<String>> =
        sqlx::query_scalar("SELECT racetime_id FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    Ok(racetime_id.flatten())
}
