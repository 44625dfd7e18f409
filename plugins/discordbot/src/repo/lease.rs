//! The gateway lease (`discordbot_gateway_lease`, one row): which instance holds Discord's
//! gateway. The gateway supervisor claims it every `lease / 3`; the Discord page reads it.

use sdk::{db::Db, Error};

use crate::model::Lease;

/// Takes or renews the lease for `instance` until `now + lease_ms`, in one statement: it succeeds
/// when nobody holds it, `instance` already does, or the holder's lease ran out (or was released).
/// The same statement on SQLite and PostgreSQL; two instances racing get one winner.
pub async fn claim_lease(db: &Db, instance: &str, now: i64, lease_ms: i64) -> Result<bool, Error> {
    let holder: Option<String> = sqlx::query_scalar(
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
    Ok(holder.is_some())
}

/// The lease as recorded (also an expired or released one).
pub async fn lease(db: &Db) -> Result<Option<Lease>, Error> {
    Ok(sqlx::query_as(
        "SELECT holder, acquired_at, heartbeat_at, expires_at FROM discordbot_gateway_lease
         WHERE id = 1",
    )
    .fetch_optional(db.pool())
    .await?)
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
