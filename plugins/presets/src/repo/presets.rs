//! `randomizer_presets`: presets with their namespace's slug and their author's name.

use sdk::{db::Db, Error};
use sqlx::{Any, Transaction};

use crate::format::PresetKind;

/// A preset row.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PresetRow {
    pub id: i64,
    pub namespace_id: Option<i64>,
    pub namespace_slug: Option<String>,
    pub randomizer: String,
    pub name: String,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub kind: PresetKind,
    pub yaml: String,
    pub settings: String,
    #[sqlx(try_from = "sdk::db::Flag")]
    pub is_public: bool,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The `kind` column: `mystery`, or `standard` (anything else reads as standard, as it always
/// has).
impl From<String> for PresetKind {
    fn from(text: String) -> Self {
        if text == "mystery" {
            PresetKind::Mystery
        } else {
            PresetKind::Standard
        }
    }
}

fn kind_text(kind: PresetKind) -> &'static str {
    match kind {
        PresetKind::Standard => "standard",
        PresetKind::Mystery => "mystery",
    }
}

const PRESET_SELECT: &str =
    "SELECT p.id, p.namespace_id, n.slug AS namespace_slug, p.randomizer, p.name,
        p.description, p.kind, p.yaml, p.settings, p.is_public, u.username AS created_by,
        p.created_at, p.updated_at
    FROM randomizer_presets p
    LEFT JOIN preset_namespaces n ON n.id = p.namespace_id
    LEFT JOIN users u ON u.id = p.user_id";

pub async fn preset_by_id(db: &Db, id: i64) -> Result<Option<PresetRow>, Error> {
    Ok(sqlx::query_as(&format!("{PRESET_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

/// A preset by its unique key; `namespace_id` None: the global one.
pub async fn preset_by_key(
    db: &Db,
    namespace_id: Option<i64>,
    randomizer: &str,
    name: &str,
) -> Result<Option<PresetRow>, Error> {
    let row = match namespace_id {
        Some(ns) => {
            sqlx::query_as(&format!(
                "{PRESET_SELECT} WHERE p.namespace_id = $1 AND p.randomizer = $2 AND p.name = $3"
            ))
            .bind(ns)
            .bind(randomizer)
            .bind(name)
            .fetch_optional(db.pool())
            .await?
        }
        None => {
            sqlx::query_as(&format!(
                "{PRESET_SELECT} WHERE p.namespace_id IS NULL AND p.randomizer = $1 AND p.name = $2"
            ))
            .bind(randomizer)
            .bind(name)
            .fetch_optional(db.pool())
            .await?
        }
    };
    Ok(row)
}

/// Candidates for a listing, newest first, with ids below `before_id` (visibility is decided
/// by the service). `q` matches name or description, case-insensitively.
pub async fn search_presets(
    db: &Db,
    randomizer: Option<&str>,
    namespace_id: Option<i64>,
    q: Option<&str>,
    before_id: i64,
    limit: i64,
) -> Result<Vec<PresetRow>, Error> {
    let pattern = q.map(sdk::db::contains_pattern);
    Ok(sqlx::query_as(&format!(
        "{PRESET_SELECT}
         WHERE ($1 = '' OR p.randomizer = $1)
           AND ($2 < 0 OR p.namespace_id = $2)
           AND ($3 = '' OR LOWER(p.name) LIKE LOWER($3) ESCAPE '\\' OR LOWER(p.description) LIKE LOWER($3) ESCAPE '\\')
           AND p.id < $4
         ORDER BY p.id DESC
         LIMIT $5"
    ))
    .bind(randomizer.unwrap_or(""))
    .bind(namespace_id.unwrap_or(-1))
    .bind(pattern.unwrap_or_default())
    .bind(before_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// A preset as a picker lists it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PresetKey {
    pub namespace_slug: Option<String>,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: PresetKind,
}

/// Up to `limit` of `randomizer`'s presets that organization `org_id` picks from: those in its
/// own namespaces (private ones only with `include_private`) and the public global ones, its
/// own first, by namespace and name. `q` matches `namespace/name` (or a global preset's name),
/// case-insensitively; `kind` narrows to one kind.
pub async fn presets_to_pick(
    db: &Db,
    org_id: i64,
    randomizer: &str,
    q: &str,
    kind: Option<PresetKind>,
    include_private: bool,
    limit: i64,
) -> Result<Vec<PresetKey>, Error> {
    let pattern = if q.is_empty() {
        String::new()
    } else {
        sdk::db::contains_pattern(q)
    };
    Ok(sqlx::query_as(
        "SELECT n.slug AS namespace_slug, p.name, p.kind
         FROM randomizer_presets p
         LEFT JOIN preset_namespaces n ON n.id = p.namespace_id
         WHERE p.randomizer = $1
           AND ((p.namespace_id IS NULL AND p.is_public = $2)
                OR (n.owner_org_id = $3 AND (p.is_public = $2 OR $4 = 1)))
           AND ($5 = '' OR p.kind = $5)
           AND ($6 = '' OR LOWER(COALESCE(n.slug || '/', '') || p.name) LIKE LOWER($6) ESCAPE '\\')
         ORDER BY CASE WHEN p.namespace_id IS NULL THEN 1 ELSE 0 END, n.slug, p.name
         LIMIT $7",
    )
    .bind(randomizer)
    .bind(true)
    .bind(org_id)
    .bind(i64::from(include_private))
    .bind(kind.map(kind_text).unwrap_or(""))
    .bind(pattern)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

pub struct NewPreset<'a> {
    pub namespace_id: Option<i64>,
    pub user_id: i64,
    pub randomizer: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub kind: PresetKind,
    pub yaml: &'a str,
    pub settings: &'a str,
    pub is_public: bool,
}

fn duplicate(name: &str, randomizer: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!(
            "A {randomizer} preset named \"{name}\" already exists in namespace {ns}; choose another name."
        ),
        None => format!(
            "A global {randomizer} preset named \"{name}\" already exists; choose another name."
        ),
    }
}

pub async fn insert_preset(
    tx: &mut Transaction<'_, Any>,
    p: &NewPreset<'_>,
    namespace_slug: Option<&str>,
    now: i64,
) -> Result<i64, Error> {
    let id = sqlx::query_scalar(
        "INSERT INTO randomizer_presets
            (namespace_id, user_id, randomizer, name, description, kind, yaml, settings, is_public, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(p.namespace_id)
    .bind(p.user_id)
    .bind(p.randomizer)
    .bind(p.name)
    .bind(p.description)
    .bind(kind_text(p.kind))
    .bind(p.yaml)
    .bind(p.settings)
    .bind(p.is_public)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(Error::conflict_if_duplicate(duplicate(
        p.name,
        p.randomizer,
        namespace_slug,
    )))?;
    Ok(id)
}

pub struct PresetUpdate<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub kind: PresetKind,
    pub yaml: &'a str,
    pub settings: &'a str,
    pub is_public: bool,
}

pub async fn update_preset(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    randomizer: &str,
    namespace_slug: Option<&str>,
    p: &PresetUpdate<'_>,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE randomizer_presets SET name = $1, description = $2, kind = $3, yaml = $4,
            settings = $5, is_public = $6, updated_at = $7
         WHERE id = $8",
    )
    .bind(p.name)
    .bind(p.description)
    .bind(kind_text(p.kind))
    .bind(p.yaml)
    .bind(p.settings)
    .bind(p.is_public)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(Error::conflict_if_duplicate(duplicate(
        p.name,
        randomizer,
        namespace_slug,
    )))?;
    Ok(())
}

pub async fn delete_preset(tx: &mut Transaction<'_, Any>, id: i64) -> Result<(), Error> {
    sqlx::query("DELETE FROM randomizer_presets WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
