//! Linked Discord servers (`discord_guilds`, a core table the platform's dispatch reads too).

use sdk::{db::Db, Error};
use sqlx::AnyConnection;

use crate::model::LinkedServer;

/// Which organization a server is linked to, and that organization's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GuildLink {
    pub organization_id: i64,
    pub organization_name: String,
}

/// The organization's linked servers, by name.
pub async fn linked_servers(db: &Db, org_id: i64) -> Result<Vec<LinkedServer>, Error> {
    Ok(sqlx::query_as(
        "SELECT g.guild_id, g.guild_name, u.username AS linked_by, g.linked_at
         FROM discord_guilds g LEFT JOIN users u ON u.id = g.linked_by
         WHERE g.organization_id = $1 ORDER BY g.guild_name, g.guild_id",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?)
}

/// The organization a server is linked to, with its name.
pub async fn guild_link(
    conn: &mut AnyConnection,
    guild_id: &str,
) -> Result<Option<GuildLink>, Error> {
    Ok(sqlx::query_as(
        "SELECT g.organization_id, o.name AS organization_name FROM discord_guilds g
         JOIN organizations o ON o.id = g.organization_id WHERE g.guild_id = $1",
    )
    .bind(guild_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Links a server that is linked nowhere yet; false when it already is (to any organization).
pub async fn insert_guild(
    conn: &mut AnyConnection,
    org_id: i64,
    guild_id: &str,
    guild_name: &str,
    linked_by: i64,
    now: i64,
) -> Result<bool, Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO discord_guilds (guild_id, organization_id, guild_name, linked_by, linked_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (guild_id) DO NOTHING
         RETURNING id",
    )
    .bind(guild_id)
    .bind(org_id)
    .bind(guild_name)
    .bind(linked_by)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id.is_some())
}

/// Refreshes the stored name of a server the organization already has.
pub async fn rename_guild(
    conn: &mut AnyConnection,
    org_id: i64,
    guild_id: &str,
    guild_name: &str,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE discord_guilds SET guild_name = $1 WHERE guild_id = $2 AND organization_id = $3",
    )
    .bind(guild_name)
    .bind(guild_id)
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Unlinks one of the organization's servers; its name, or None when it was not linked there.
pub async fn delete_guild(
    conn: &mut AnyConnection,
    org_id: i64,
    guild_id: &str,
) -> Result<Option<String>, Error> {
    Ok(sqlx::query_scalar(
        "DELETE FROM discord_guilds WHERE guild_id = $1 AND organization_id = $2
         RETURNING guild_name",
    )
    .bind(guild_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?)
}
