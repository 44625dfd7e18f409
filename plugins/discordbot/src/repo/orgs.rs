//! The little this plugin reads about organizations (a core table).

use sdk::{db::Db, Error};

/// The organization's name, None when it does not exist.
pub async fn org_name(db: &Db, org_id: i64) -> Result<Option<String>, Error> {
    Ok(
        sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1")
            .bind(org_id)
            .fetch_optional(db.pool())
            .await?,
    )
}
