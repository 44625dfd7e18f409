//! The SQL: linked Discord servers (the core table `discord_guilds`) and the gateway lease (this
//! plugin's `discordbot_gateway_lease`). Rules live in `service`; these functions read and write
//! rows, inside the caller's transaction where a change must be atomic with its audit entry.

use sdk::{db::Db, Error};
use sqlx::{AnyConnection, Row};

use crate::model::LinkedServer;

/// The organization's linked servers, by name.
pub async fn linked_servers(db: &Db, org_id: i64) -> Result<Vec<LinkedServer>, Error> {
    let rows = sqlx::query(
        "SELECT g.guild_id, g.guild_name, u.username AS linked_by, g.linked_at
         FROM discord_guilds g LEFT JOIN users u ON u.id = g.linked_by
         WHERE g.organization_id = $1 ORDER BY g.guild_name, g.guild_id",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(LinkedServer {
                guild_id: row.try_get("guild_id")?,
                guild_name: row.try_get("guild_name")?,
                linked_by: row.try_get("linked_by")?,
                linked_at: row.try_get("linked_at")?,
            })
        })
        .collect()
}

/// The organization a server is linked to, with its name.
pub async fn guild_link(
    conn: &mut AnyConnection,
    guild_id: &str,
) -> Result<Option<(i64, String)>, Error> {
    let row = sqlx::query(
        "SELECT g.organization_id, o.name FROM discord_guilds g
         JOIN organizations o ON o.id = g.organization_id WHERE g.guild_id = $1",
    )
    .bind(guild_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(row) => Some((row.try_get(0)?, row.try_get(1)?)),
        None => None,
    })
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
    let row = sqlx::query(
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
    Ok(row.is_some())
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
    let row = sqlx::query(
        "DELETE FROM discord_guilds WHERE guild_id = $1 AND organization_id = $2
         RETURNING guild_name",
    )
    .bind(guild_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(row) => Some(row.try_get(0)?),
        None => None,
    })
}

/// The gateway lease row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub holder: String,
    pub acquired_at: i64,
    pub heartbeat_at: i64,
    pub expires_at: i64,
}

/// Takes or renews the lease for `instance` until `now + lease_ms`, in one statement: it succeeds
/// when nobody holds it, `instance` already does, or the holder's lease ran out (or was released).
/// The same statement on SQLite and PostgreSQL; two instances racing get one winner.
pub async fn claim_lease(db: &Db, instance: &str, now: i64, lease_ms: i64) -> Result<bool, Error> {
    let row = sqlx::query(
        "INSERT INTO discordbot_gateway_lease (id, holder, acquired_at, heartbeat_at, expires_at)
         VALUES (1, $1, $2, $2, $3)
         ON CONFLICT (id) DO UPDATE SET
             acquired_at = CASE WHEN discordbot_gateway_lease.holder = excluded.holder
                                THEN discordbot_gateway_lease.acquired_at
                                ELSE excluded.acquired_at END,
             holder = excluded.holder,
             heartbeat_at = excluded.heartbeat_at,
             expires_at = excluded.expires_at
         WHERE discordbot_gateway_lease.holder = excluded.holder
            OR discordbot_gateway_lease.expires_at <= excluded.heartbeat_at
         RETURNING holder",
    )
    .bind(instance)
    .bind(now)
    .bind(now.saturating_add(lease_ms))
    .fetch_optional(db.pool())
    .await?;
    Ok(row.is_some())
}

/// The lease as recorded (also an expired or released one).
pub async fn lease(db: &Db) -> Result<Option<Lease>, Error> {
    let row = sqlx::query(
        "SELECT holder, acquired_at, heartbeat_at, expires_at FROM discordbot_gateway_lease
         WHERE id = 1",
    )
    .fetch_optional(db.pool())
    .await?;
    Ok(match row {
        Some(row) => Some(Lease {
            holder: row.try_get(0)?,
            acquired_at: row.try_get(1)?,
            heartbeat_at: row.try_get(2)?,
            expires_at: row.try_get(3)?,
        }),
        None => None,
    })
}

/// Gives the lease up at once (when `instance` holds it), so another instance takes over at its
/// next look instead of after the lease runs out.
pub async fn release_lease(db: &Db, instance: &str) -> Result<(), Error> {
    sqlx::query("UPDATE discordbot_gateway_lease SET expires_at = 0 WHERE holder = $1")
        .bind(instance)
        .execute(db.pool())
        .await?;
    Ok(())
}
