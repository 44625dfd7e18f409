//! The SQL of namespaces, grants and presets. Rules live in `service`; these functions only read
//! and write rows.

use sdk::{
    db::{Db, Flag},
    time::now_ms,
    Error,
};
use sqlx::{any::AnyRow, Any, Row, Transaction};

use crate::{format::PresetKind, model::NamespaceGrant};

/// A namespace row with its owner's display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceRow {
    pub id: i64,
    pub slug: String,
    pub display_name: String,
    pub description: String,
    pub owner_user_id: Option<i64>,
    pub owner_org_id: Option<i64>,
    pub owner_name: String,
    pub is_public: bool,
    pub preset_count: i64,
}

const NAMESPACE_SELECT: &str =
    "SELECT n.id, n.slug, n.display_name, n.description, n.owner_user_id,
        n.owner_org_id, n.is_public,
        COALESCE(u.username, o.name, '') AS owner_name,
        (SELECT COUNT(*) FROM randomizer_presets p WHERE p.namespace_id = n.id) AS preset_count
    FROM preset_namespaces n
    LEFT JOIN users u ON u.id = n.owner_user_id
    LEFT JOIN organizations o ON o.id = n.owner_org_id";

fn namespace(row: &AnyRow) -> Result<NamespaceRow, Error> {
    Ok(NamespaceRow {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        display_name: row.try_get("display_name")?,
        description: row.try_get("description")?,
        owner_user_id: row.try_get("owner_user_id")?,
        owner_org_id: row.try_get("owner_org_id")?,
        owner_name: row.try_get("owner_name")?,
        is_public: row.try_get::<Flag, _>("is_public")?.0,
        preset_count: row.try_get("preset_count")?,
    })
}

pub async fn namespace_by_slug(db: &Db, slug: &str) -> Result<Option<NamespaceRow>, Error> {
    let row = sqlx::query(&format!("{NAMESPACE_SELECT} WHERE n.slug = $1"))
        .bind(slug)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(namespace).transpose()
}

pub async fn namespace_by_id(db: &Db, id: i64) -> Result<Option<NamespaceRow>, Error> {
    let row = sqlx::query(&format!("{NAMESPACE_SELECT} WHERE n.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(namespace).transpose()
}

/// Namespaces owned by the user, granted to them, or owned by the organization.
/// One page (`sdk::page`, newest first) of the namespaces the user or organization owns or the
/// user has grants in.
pub async fn namespaces_for(
    db: &Db,
    user_id: Option<i64>,
    org_id: Option<i64>,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<NamespaceRow>, Error> {
    let rows = sqlx::query(&format!(
        "{NAMESPACE_SELECT}
         WHERE (n.owner_user_id = $1 OR n.owner_org_id = $2
            OR n.id IN (SELECT namespace_id FROM preset_namespace_permissions WHERE user_id = $1))
           AND n.id < $3
         ORDER BY n.id DESC LIMIT $4"
    ))
    .bind(user_id.unwrap_or(-1))
    .bind(org_id.unwrap_or(-1))
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    let rows = rows.iter().map(namespace).collect::<Result<_, _>>()?;
    Ok(sdk::page::Page::from_rows(
        rows,
        page,
        |n: &NamespaceRow| n.id,
    ))
}

pub struct NewNamespace<'a> {
    pub slug: &'a str,
    pub display_name: &'a str,
    pub description: &'a str,
    pub owner_user_id: Option<i64>,
    pub owner_org_id: Option<i64>,
    pub is_public: bool,
    pub created_by: i64,
}

pub async fn insert_namespace(
    tx: &mut Transaction<'_, Any>,
    ns: &NewNamespace<'_>,
) -> Result<i64, Error> {
    let now = now_ms();
    let row = sqlx::query(
        "INSERT INTO preset_namespaces
            (slug, display_name, description, owner_user_id, owner_org_id, is_public, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(ns.slug)
    .bind(ns.display_name)
    .bind(ns.description)
    .bind(ns.owner_user_id)
    .bind(ns.owner_org_id)
    .bind(ns.is_public)
    .bind(ns.created_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(Error::conflict_if_duplicate(format!(
        "The namespace `{}` already exists; choose another short name.",
        ns.slug
    )))?;
    Ok(row.try_get("id")?)
}

/// The user's grant in a namespace: (create, update, delete).
pub async fn grant_of(
    db: &Db,
    namespace_id: i64,
    user_id: i64,
) -> Result<Option<[bool; 3]>, Error> {
    let row = sqlx::query(
        "SELECT can_create, can_update, can_delete FROM preset_namespace_permissions
         WHERE namespace_id = $1 AND user_id = $2",
    )
    .bind(namespace_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok([
            r.try_get::<Flag, _>("can_create")?.0,
            r.try_get::<Flag, _>("can_update")?.0,
            r.try_get::<Flag, _>("can_delete")?.0,
        ])
    })
    .transpose()
}

pub async fn grants(db: &Db, namespace_id: i64) -> Result<Vec<NamespaceGrant>, Error> {
    let rows = sqlx::query(
        "SELECT g.user_id, u.username, g.can_create, g.can_update, g.can_delete
         FROM preset_namespace_permissions g JOIN users u ON u.id = g.user_id
         WHERE g.namespace_id = $1 ORDER BY u.username",
    )
    .bind(namespace_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(NamespaceGrant {
                user_id: r.try_get("user_id")?,
                username: r.try_get("username")?,
                can_create: r.try_get::<Flag, _>("can_create")?.0,
                can_update: r.try_get::<Flag, _>("can_update")?.0,
                can_delete: r.try_get::<Flag, _>("can_delete")?.0,
            })
        })
        .collect()
}

/// Sets a user's grant; all three false removes it.
pub async fn set_grant(
    tx: &mut Transaction<'_, Any>,
    namespace_id: i64,
    user_id: i64,
    rights: [bool; 3],
) -> Result<(), Error> {
    if rights == [false; 3] {
        sqlx::query(
            "DELETE FROM preset_namespace_permissions WHERE namespace_id = $1 AND user_id = $2",
        )
        .bind(namespace_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO preset_namespace_permissions (namespace_id, user_id, can_create, can_update, can_delete, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (namespace_id, user_id) DO UPDATE SET
             can_create = excluded.can_create, can_update = excluded.can_update,
             can_delete = excluded.can_delete",
    )
    .bind(namespace_id)
    .bind(user_id)
    .bind(rights[0])
    .bind(rights[1])
    .bind(rights[2])
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A preset row.
#[derive(Debug, Clone, PartialEq)]
pub struct PresetRow {
    pub id: i64,
    pub namespace_id: Option<i64>,
    pub namespace_slug: Option<String>,
    pub randomizer: String,
    pub name: String,
    pub description: String,
    pub kind: PresetKind,
    pub yaml: String,
    pub settings: String,
    pub is_public: bool,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const PRESET_SELECT: &str =
    "SELECT p.id, p.namespace_id, n.slug AS namespace_slug, p.randomizer, p.name,
        p.description, p.kind, p.yaml, p.settings, p.is_public, u.username AS created_by,
        p.created_at, p.updated_at
    FROM randomizer_presets p
    LEFT JOIN preset_namespaces n ON n.id = p.namespace_id
    LEFT JOIN users u ON u.id = p.user_id";

fn preset(row: &AnyRow) -> Result<PresetRow, Error> {
    let kind: String = row.try_get("kind")?;
    Ok(PresetRow {
        id: row.try_get("id")?,
        namespace_id: row.try_get("namespace_id")?,
        namespace_slug: row.try_get("namespace_slug")?,
        randomizer: row.try_get("randomizer")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        kind: if kind == "mystery" {
            PresetKind::Mystery
        } else {
            PresetKind::Standard
        },
        yaml: row.try_get("yaml")?,
        settings: row.try_get("settings")?,
        is_public: row.try_get::<Flag, _>("is_public")?.0,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn preset_by_id(db: &Db, id: i64) -> Result<Option<PresetRow>, Error> {
    let row = sqlx::query(&format!("{PRESET_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(preset).transpose()
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
            sqlx::query(&format!(
                "{PRESET_SELECT} WHERE p.namespace_id = $1 AND p.randomizer = $2 AND p.name = $3"
            ))
            .bind(ns)
            .bind(randomizer)
            .bind(name)
            .fetch_optional(db.pool())
            .await?
        }
        None => {
            sqlx::query(&format!(
                "{PRESET_SELECT} WHERE p.namespace_id IS NULL AND p.randomizer = $1 AND p.name = $2"
            ))
            .bind(randomizer)
            .bind(name)
            .fetch_optional(db.pool())
            .await?
        }
    };
    row.as_ref().map(preset).transpose()
}

/// Candidates for a listing (visibility is decided by the service). `q` matches name or
/// description, case-insensitively.
pub async fn search_presets(
    db: &Db,
    randomizer: Option<&str>,
    namespace_id: Option<i64>,
    q: Option<&str>,
    limit: i64,
) -> Result<Vec<PresetRow>, Error> {
    // `\` escapes LIKE's wildcards (and itself); both sides go through the database's own
    // LOWER, so SQLite and PostgreSQL agree on what matches.
    let pattern = q.map(|q| {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    let rows = sqlx::query(&format!(
        "{PRESET_SELECT}
         WHERE ($1 = '' OR p.randomizer = $1)
           AND ($2 < 0 OR p.namespace_id = $2)
           AND ($3 = '' OR LOWER(p.name) LIKE LOWER($3) ESCAPE '\\' OR LOWER(p.description) LIKE LOWER($3) ESCAPE '\\')
         ORDER BY p.randomizer, n.slug, p.name, p.id
         LIMIT $4"
    ))
    .bind(randomizer.unwrap_or(""))
    .bind(namespace_id.unwrap_or(-1))
    .bind(pattern.unwrap_or_default())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(preset).collect()
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

fn kind_text(kind: PresetKind) -> &'static str {
    match kind {
        PresetKind::Standard => "standard",
        PresetKind::Mystery => "mystery",
    }
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
) -> Result<i64, Error> {
    let now = now_ms();
    let row = sqlx::query(
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
    Ok(row.try_get("id")?)
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
    .bind(now_ms())
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
