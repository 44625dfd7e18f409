//! `notifications_subscriptions` and `notifications_quiet_hours`.

use sdk::{db::Flag, Error};
use sqlx::AnyConnection;

use crate::rules::QuietHours;

/// A stored choice for one event type.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredSubscription {
    pub event_type: String,
    #[sqlx(try_from = "Flag")]
    pub enabled: bool,
    pub channel: String,
}

/// Every choice `user_id` made in the organization.
pub async fn subscriptions(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
) -> Result<Vec<StoredSubscription>, Error> {
    Ok(sqlx::query_as::<_, StoredSubscription>(
        "SELECT event_type, enabled, channel FROM notifications_subscriptions
         WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The choice for one event type, if the user made one.
pub async fn subscription(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
    event_type: &str,
) -> Result<Option<StoredSubscription>, Error> {
    Ok(sqlx::query_as::<_, StoredSubscription>(
        "SELECT event_type, enabled, channel FROM notifications_subscriptions
         WHERE organization_id = $1 AND user_id = $2 AND event_type = $3",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(event_type)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Inside the service's transaction (with its audit entry).
pub async fn save_subscription(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
    choice: &StoredSubscription,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO notifications_subscriptions
            (organization_id, user_id, event_type, enabled, channel, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (organization_id, user_id, event_type)
         DO UPDATE SET enabled = excluded.enabled, channel = excluded.channel,
                       updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(&choice.event_type)
    .bind(choice.enabled)
    .bind(&choice.channel)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct QuietRow {
    start_minute: Option<i64>,
    end_minute: Option<i64>,
}

/// The user's quiet hours in the organization, if set.
pub async fn quiet_hours(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
) -> Result<Option<QuietHours>, Error> {
    let row = sqlx::query_as::<_, QuietRow>(
        "SELECT start_minute, end_minute FROM notifications_quiet_hours
         WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(|r| match (r.start_minute, r.end_minute) {
        (Some(start_minute), Some(end_minute)) => Some(QuietHours {
            start_minute,
            end_minute,
        }),
        _ => None,
    }))
}

/// Inside the service's transaction (with its audit entry); `None` clears them.
pub async fn save_quiet_hours(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
    quiet: Option<QuietHours>,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO notifications_quiet_hours
            (organization_id, user_id, start_minute, end_minute, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (organization_id, user_id)
         DO UPDATE SET start_minute = excluded.start_minute, end_minute = excluded.end_minute,
                       updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(quiet.map(|q| q.start_minute))
    .bind(quiet.map(|q| q.end_minute))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
