//! `notifications_outbox`: rows are queued once per idempotency key, claimed by one worker at
//! a time with a lease (`lease_until`; a claim is an UPDATE that succeeds only while the row is
//! free, so two instances never send the same row), and finished as sent, retried later, dead
//! or cancelled.

use sdk::{
    db::Db,
    page::{Page, PageRequest},
    Error,
};
use sqlx::AnyConnection;

use crate::model::Delivery;

const DELIVERY_COLUMNS: &str = "o.id, o.organization_id, o.user_id, u.username AS recipient, \
    o.event_type, o.channel, o.subject, o.body, o.status, o.attempts, o.next_attempt_at, \
    o.last_error, o.created_at, o.sent_at";

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub org_id: i64,
    pub user_id: i64,
    pub event_type: &'a str,
    pub channel: &'a str,
    pub key: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub expires_at: Option<i64>,
}

/// Queues `message` unless its key is queued already; the new row's id, or None for a repeat.
/// Runs inside the transaction of the message's cause (`ON CONFLICT DO NOTHING`, so a repeat
/// never aborts that transaction on PostgreSQL).
pub async fn enqueue(
    conn: &mut AnyConnection,
    message: &NewMessage<'_>,
    now: i64,
) -> Result<Option<i64>, Error> {
    // not audited: queued inside the transaction of its cause, whose own audit entry records
    // the change (a test message is audited by the service that queues it).
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO notifications_outbox
            (organization_id, user_id, event_type, channel, idempotency_key, subject, body,
             status, attempts, next_attempt_at, expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $9, $8, $8)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id",
    )
    .bind(message.org_id)
    .bind(message.user_id)
    .bind(message.event_type)
    .bind(message.channel)
    .bind(message.key)
    .bind(message.subject)
    .bind(message.body)
    .bind(now)
    .bind(message.expires_at)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id.map(|(id,)| id))
}

/// Cancels the pending rows of the organization whose key starts with one of `key_prefixes`
/// and that expire at `expires_at` (a match's news and reminders expire at the time they are
/// about), unless a worker holds them right now; how many. Runs in the cause's transaction (a
/// match moved: what was queued for its old time is no longer true).
pub async fn cancel_pending(
    conn: &mut AnyConnection,
    org_id: i64,
    key_prefixes: &[String],
    expires_at: i64,
    why: &str,
    now: i64,
) -> Result<u64, Error> {
    let mut cancelled = 0;
    for prefix in key_prefixes {
        // not audited: follows the cause's own change (a match moved), which its service
        // audited in this same transaction.
        let done = sqlx::query(
            "UPDATE notifications_outbox
             SET status = 'cancelled', last_error = $4, updated_at = $5
             WHERE organization_id = $1 AND status = 'pending' AND expires_at = $3
               AND idempotency_key LIKE $2
               AND (lease_until IS NULL OR lease_until < $5)",
        )
        .bind(org_id)
        .bind(format!("{prefix}%"))
        .bind(expires_at)
        .bind(why)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        cancelled += done.rows_affected();
    }
    Ok(cancelled)
}

/// Pending rows due at `now` whose lease is free, oldest due first (candidates only: each is
/// claimed with [`claim`]).
pub async fn due(db: &Db, now: i64, limit: i64) -> Result<Vec<i64>, Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM notifications_outbox
         WHERE status = 'pending' AND next_attempt_at <= $1
           AND (lease_until IS NULL OR lease_until < $1)
         ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Takes the row for `holder` until `lease_until` when it is still pending, due and free.
/// True when this call got it (exactly one of several concurrent callers does).
pub async fn claim(
    db: &Db,
    id: i64,
    holder: &str,
    lease_until: i64,
    now: i64,
) -> Result<bool, Error> {
    // not audited: a worker's lease on a queued message is bookkeeping, nobody's action.
    let done = sqlx::query(
        "UPDATE notifications_outbox SET lease_holder = $2, lease_until = $3
         WHERE id = $1 AND status = 'pending' AND next_attempt_at <= $4
           AND (lease_until IS NULL OR lease_until < $4)",
    )
    .bind(id)
    .bind(holder)
    .bind(lease_until)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A claimed row, as the worker needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub organization_id: i64,
    pub user_id: i64,
    pub event_type: String,
    pub channel: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
    pub expires_at: Option<i64>,
}

/// The row `holder` claimed.
pub async fn claimed(db: &Db, id: i64, holder: &str) -> Result<Option<Claimed>, Error> {
    Ok(sqlx::query_as::<_, Claimed>(
        "SELECT id, organization_id, user_id, event_type, channel, subject, body, attempts,
                expires_at
         FROM notifications_outbox WHERE id = $1 AND lease_holder = $2",
    )
    .bind(id)
    .bind(holder)
    .fetch_optional(db.pool())
    .await?)
}

/// How an attempt ended, for [`finish`].
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: &'static str,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
}

/// Records `outcome` and frees the lease, if `holder` still holds it (a lease that ran out and
/// was taken over is the new holder's). True when recorded.
pub async fn finish(
    db: &Db,
    id: i64,
    holder: &str,
    outcome: &Outcome,
    now: i64,
) -> Result<bool, Error> {
    // not audited: the worker's record of its own attempt (the delivery log shows it).
    let done = sqlx::query(
        "UPDATE notifications_outbox
         SET status = $3, attempts = $4, next_attempt_at = $5, last_error = $6, sent_at = $7,
             lease_holder = NULL, lease_until = NULL, updated_at = $8
         WHERE id = $1 AND lease_holder = $2",
    )
    .bind(id)
    .bind(holder)
    .bind(outcome.status)
    .bind(outcome.attempts)
    .bind(outcome.next_attempt_at)
    .bind(outcome.last_error.as_deref())
    .bind(outcome.sent_at)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A dead letter of the organization queued again with fresh attempts, inside the service's
/// transaction (with its audit entry). False when there is no such dead letter.
pub async fn requeue_dead(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE notifications_outbox
         SET status = 'pending', attempts = 0, next_attempt_at = $3, lease_holder = NULL,
             lease_until = NULL, updated_at = $3
         WHERE id = $1 AND organization_id = $2 AND status = 'dead'",
    )
    .bind(id)
    .bind(org_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One delivery of the organization.
pub async fn get(db: &Db, org_id: i64, id: i64) -> Result<Option<Delivery>, Error> {
    Ok(sqlx::query_as::<_, Delivery>(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM notifications_outbox o JOIN users u ON u.id = o.user_id
         WHERE o.organization_id = $1 AND o.id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(db.pool())
    .await?)
}

/// The organization's deliveries, newest first, a page at a time; only `user_id`'s when given,
/// only those in `status` when given.
pub async fn list(
    db: &Db,
    org_id: i64,
    user_id: Option<i64>,
    status: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Delivery>, Error> {
    let rows = sqlx::query_as::<_, Delivery>(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM notifications_outbox o JOIN users u ON u.id = o.user_id
         WHERE o.organization_id = $1 AND ($2 = 0 OR o.user_id = $2)
           AND ($3 = '' OR o.status = $3) AND o.id < $4
         ORDER BY o.id DESC LIMIT $5"
    ))
    .bind(org_id)
    .bind(user_id.unwrap_or(0))
    .bind(status.unwrap_or(""))
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    Ok(Page::from_rows(rows, page, |d| d.id))
}
