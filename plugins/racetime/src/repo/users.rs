//! The users' linked racetime.gg accounts (read from the platform's `users`).

use sdk::{db::Db, Error};

/// (SahaBot user id, racetime.gg id) of the users among `ids` who linked an account.
pub async fn racetime_ids(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, Error> {
    let mut out = Vec::new();
    for id in ids {
        let found: Option<Option<String>> =
            sqlx::query_scalar("SELECT racetime_id FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(db.pool())
                .await?;
        if let Some(Some(rt)) = found {
            out.push((*id, rt));
        }
    }
    Ok(out)
}

/// The SahaBot users of these racetime.gg ids.
pub async fn by_racetime_ids(
    db: &Db,
    racetime_ids: &[String],
) -> Result<Vec<(i64, String)>, Error> {
    let mut out = Vec::new();
    for rt in racetime_ids {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE racetime_id = $1")
            .bind(rt)
            .fetch_optional(db.pool())
            .await?;
        if let Some(id) = found {
            out.push((id, rt.clone()));
        }
    }
    Ok(out)
}
