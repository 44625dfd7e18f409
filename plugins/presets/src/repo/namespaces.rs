//! `preset_namespaces`: namespaces with their owner's name and how many presets they hold.

use sdk::{db::Db, Error};
use sqlx::{Any, Transaction};

/// A namespace row with its owner's display name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NamespaceRow {
    pub id: i64,
    pub slug: String,
    pub display_name: String,
    pub description: String,
    pub owner_user_id: Option<i64>,
    pub owner_org_id: Option<i64>,
    pub owner_name: String,
    #[sqlx(try_from = "sdk::db::Flag")]
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

pub async fn namespace_by_slug(db: &Db, slug: &str) -> Result<Option<NamespaceRow>, Error> {
    Ok(
        sqlx::query_as(&format!("{NAMESPACE_SELECT} WHERE n.slug = $1"))
            .bind(slug)
            .fetch_optional(db.pool())
            .await?,
    )
}

pub async fn namespace_by_id(db: &Db, id: i64) -> Result<Option<NamespaceRow>, Error> {
    Ok(
        sqlx::query_as(&format!("{NAMESPACE_SELECT} WHERE n.id = $1"))
            .bind(id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// One page (`sdk::page`, newest first) of the namespaces the user or organization owns or the
/// user has grants in.
pub async fn namespaces_for(
    db: &Db,
    user_id: Option<i64>,
    org_id: Option<i64>,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<NamespaceRow>, Error> {
    let rows: Vec<NamespaceRow> = sqlx::query_as(&format!(
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
    now: i64,
) -> Result<i64, Error> {
    let id = sqlx::query_scalar(
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
    Ok(id)
}
