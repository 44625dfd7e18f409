//! `preset_namespace_permissions`: what individual users may do in a namespace.

use sdk::{
    db::{Db, Flag},
    page::{Page, PageRequest},
    Error,
};
use sqlx::{Any, Transaction};

use crate::model::NamespaceGrant;

/// The three flags of a grant, as stored.
#[derive(sqlx::FromRow)]
struct GrantFlags {
    can_create: Flag,
    can_update: Flag,
    can_delete: Flag,
}

/// The user's grant in a namespace: (create, update, delete).
pub async fn grant_of(
    db: &Db,
    namespace_id: i64,
    user_id: i64,
) -> Result<Option<[bool; 3]>, Error> {
    let row: Option<GrantFlags> = sqlx::query_as(
        "SELECT can_create, can_update, can_delete FROM preset_namespace_permissions
         WHERE namespace_id = $1 AND user_id = $2",
    )
    .bind(namespace_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|g| [g.can_create.0, g.can_update.0, g.can_delete.0]))
}

const GRANT_SELECT: &str = "SELECT g.user_id, u.username, g.can_create, g.can_update, g.can_delete
     FROM preset_namespace_permissions g JOIN users u ON u.id = g.user_id";

/// One page of a namespace's grants, by user id, newest user first.
pub async fn grants(
    db: &Db,
    namespace_id: i64,
    page: &PageRequest,
) -> Result<Page<NamespaceGrant>, Error> {
    let rows = sqlx::query_as(&format!(
        "{GRANT_SELECT} WHERE g.namespace_id = $1 AND g.user_id < $2
         ORDER BY g.user_id DESC LIMIT $3"
    ))
    .bind(namespace_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    Ok(Page::from_rows(rows, page, |g: &NamespaceGrant| g.user_id))
}

/// One user's grant in a namespace, with their name.
pub async fn grant_row(
    db: &Db,
    namespace_id: i64,
    user_id: i64,
) -> Result<Option<NamespaceGrant>, Error> {
    Ok(sqlx::query_as(&format!(
        "{GRANT_SELECT} WHERE g.namespace_id = $1 AND g.user_id = $2"
    ))
    .bind(namespace_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?)
}

/// Sets a user's grant; all three false removes it.
pub async fn set_grant(
    tx: &mut Transaction<'_, Any>,
    namespace_id: i64,
    user_id: i64,
    rights: [bool; 3],
    now: i64,
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
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
