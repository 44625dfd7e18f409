//! `seed_rolls`: the seeds rolled for each organization, newest first, with the preset's label,
//! the roller's name and what the seed was rolled for. Every query takes the organization it was
//! given.

use sdk::{db::Db, Error};
use sqlx::{Any, Transaction};

use crate::model::SeedUse;

/// A stored roll, as read back.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SeedRollRow {
    pub id: i64,
    pub org_id: i64,
    pub randomizer: String,
    pub preset_id: Option<i64>,
    pub preset_label: String,
    pub rolled_by: Option<i64>,
    pub rolled_by_name: Option<String>,
    pub source: String,
    #[sqlx(try_from = "sdk::db::Flag")]
    pub mystery: bool,
    pub url: String,
    pub hash: Option<String>,
    pub permalink: Option<String>,
    pub spoiler_url: Option<String>,
    /// Whether a spoiler log is stored (the log is read on its own: [`spoiler_log`]).
    #[sqlx(try_from = "sdk::db::Flag")]
    pub has_spoiler_log: bool,
    pub file_select_code: Option<String>,
    pub settings: String,
    pub metadata: String,
    #[sqlx(try_from = "sdk::db::Flag")]
    pub spoiler_released: bool,
    /// What it was rolled for: the kind (None: a roll of its own), id, label and link.
    pub used_for: Option<String>,
    pub used_for_id: Option<i64>,
    pub used_for_label: String,
    pub used_for_path: Option<String>,
    pub created_at: i64,
}

const SEED_SELECT: &str = "SELECT s.id, s.org_id, s.randomizer, s.preset_id, s.preset_label,
        s.rolled_by, u.username AS rolled_by_name, s.source, s.mystery, s.url, s.hash,
        s.permalink, s.spoiler_url,
        CASE WHEN s.spoiler_log IS NULL THEN 0 ELSE 1 END AS has_spoiler_log, s.file_select_code, s.settings, s.metadata,
        s.spoiler_released, s.used_for, s.used_for_id, s.used_for_label, s.used_for_path,
        s.created_at
    FROM seed_rolls s
    LEFT JOIN users u ON u.id = s.rolled_by";

/// What a roll stores.
pub struct NewSeedRoll<'a> {
    pub org_id: i64,
    pub randomizer: &'a str,
    pub preset_id: Option<i64>,
    pub preset_label: &'a str,
    pub rolled_by: Option<i64>,
    pub source: &'a str,
    pub mystery: bool,
    pub url: &'a str,
    pub hash: Option<&'a str>,
    pub permalink: Option<&'a str>,
    pub spoiler_url: Option<&'a str>,
    pub spoiler_log: Option<&'a str>,
    pub file_select_code: Option<&'a str>,
    pub settings: &'a str,
    pub metadata: &'a str,
    /// What it was rolled for, checked (`rules::clean_seed_use`).
    pub used_for: Option<&'a SeedUse>,
}

pub async fn insert_seed_roll(
    tx: &mut Transaction<'_, Any>,
    roll: &NewSeedRoll<'_>,
    now: i64,
) -> Result<i64, Error> {
    Ok(sqlx::query_scalar(
        "INSERT INTO seed_rolls
            (org_id, randomizer, preset_id, preset_label, rolled_by, source, mystery, url, hash,
             permalink, spoiler_url, spoiler_log, file_select_code, settings, metadata, used_for,
             used_for_id, used_for_label, used_for_path, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20)
         RETURNING id",
    )
    .bind(roll.org_id)
    .bind(roll.randomizer)
    .bind(roll.preset_id)
    .bind(roll.preset_label)
    .bind(roll.rolled_by)
    .bind(roll.source)
    .bind(roll.mystery)
    .bind(roll.url)
    .bind(roll.hash)
    .bind(roll.permalink)
    .bind(roll.spoiler_url)
    .bind(roll.spoiler_log)
    .bind(roll.file_select_code)
    .bind(roll.settings)
    .bind(roll.metadata)
    .bind(roll.used_for.map(|u| u.kind.as_str()))
    .bind(roll.used_for.and_then(|u| u.id))
    .bind(roll.used_for.map_or("", |u| u.label.as_str()))
    .bind(roll.used_for.and_then(|u| u.path.as_deref()))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Organization `org_id`'s roll `id`.
pub async fn seed_roll(db: &Db, org_id: i64, id: i64) -> Result<Option<SeedRollRow>, Error> {
    Ok(
        sqlx::query_as(&format!("{SEED_SELECT} WHERE s.org_id = $1 AND s.id = $2"))
            .bind(org_id)
            .bind(id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// The stored spoiler log of organization `org_id`'s roll `id`.
pub async fn spoiler_log(db: &Db, org_id: i64, id: i64) -> Result<Option<String>, Error> {
    Ok(sqlx::query_scalar::<_, Option<String>>(
        "SELECT spoiler_log FROM seed_rolls WHERE org_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .flatten())
}

/// What [`search_seed_rolls`] narrows the history by; empty (`''`, None) narrows nothing.
#[derive(Debug, Clone, Default)]
pub struct SeedSearch<'a> {
    pub randomizer: &'a str,
    /// Part of the preset's label, the hash or the roller's name.
    pub q: &'a str,
    /// The kind of thing the seeds were rolled for (`match`), and its id.
    pub used_for: &'a str,
    pub used_for_id: Option<i64>,
}

/// Organization `org_id`'s rolls older than `before_id`, newest first, narrowed by `search`.
pub async fn search_seed_rolls(
    db: &Db,
    org_id: i64,
    search: &SeedSearch<'_>,
    before_id: i64,
    limit: i64,
) -> Result<Vec<SeedRollRow>, Error> {
    let q = search.q;
    let pattern = if q.is_empty() {
        String::new()
    } else {
        sdk::db::contains_pattern(q)
    };
    Ok(sqlx::query_as(&format!(
        "{SEED_SELECT}
         WHERE s.org_id = $1
           AND ($2 = '' OR s.randomizer = $2)
           AND ($3 = ''
                OR LOWER(s.preset_label) LIKE LOWER($3) ESCAPE '\\'
                OR LOWER(COALESCE(s.hash, '')) LIKE LOWER($3) ESCAPE '\\'
                OR LOWER(COALESCE(u.username, '')) LIKE LOWER($3) ESCAPE '\\')
           AND ($4 = '' OR s.used_for = $4)
           AND ($5 IS NULL OR s.used_for_id = $5)
           AND s.id < $6
         ORDER BY s.id DESC
         LIMIT $7"
    ))
    .bind(org_id)
    .bind(search.randomizer)
    .bind(pattern)
    .bind(search.used_for)
    .bind(search.used_for_id)
    .bind(before_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Releases (or hides again) the spoiler of organization `org_id`'s roll `id`; false when there
/// is no such roll.
pub async fn set_spoiler_released(
    tx: &mut Transaction<'_, Any>,
    org_id: i64,
    id: i64,
    released: bool,
) -> Result<bool, Error> {
    let done =
        sqlx::query("UPDATE seed_rolls SET spoiler_released = $1 WHERE org_id = $2 AND id = $3")
            .bind(released)
            .bind(org_id)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}
