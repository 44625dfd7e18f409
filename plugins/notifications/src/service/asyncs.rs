//! The async qualifier's news for its runners: a run reviewed, a pending run about to time out.
//! Both are staged inside the qualifier's own transaction (the reviewer's verdict; the mark that
//! the run was warned), so their messages are queued by in-transaction listeners
//! ([`queue_race_reviewed`], [`queue_timeout_warning`]) and commit or roll back with their cause.
//! The idempotency key keeps a replayed event from queueing twice.

use async_qualifier::events::{RaceReviewed, TimeoutWarning};
use sdk::{events::Envelope, Error};
use sqlx::AnyConnection;

use super::queue;
use crate::{
    repo,
    rules::{self, messages, EventType},
};

/// The runner of a pending run hears that it times out soon: inside the transaction that marks
/// the run warned.
pub async fn queue_timeout_warning(
    conn: &mut AnyConnection,
    envelope: &Envelope<TimeoutWarning>,
) -> Result<usize, Error> {
    let e = &envelope.event;
    let Some(org_id) = envelope.org_id else {
        return Ok(0);
    };
    queue_for_run_on(conn, org_id, e.race_id, envelope.at, |run| {
        (
            rules::async_timeout_key(e.race_id, e.timeout_at, run.user_id),
            messages::async_timeout(&run.qualifier, &run.organization, e.timeout_at),
            EventType::AsyncTimeoutWarning,
        )
    })
    .await
}

/// The runner of a reviewed run hears the verdict: inside the reviewer's transaction.
pub async fn queue_race_reviewed(
    conn: &mut AnyConnection,
    envelope: &Envelope<RaceReviewed>,
) -> Result<usize, Error> {
    let e = &envelope.event;
    let Some(org_id) = envelope.org_id else {
        return Ok(0);
    };
    queue_for_run_on(conn, org_id, e.race_id, envelope.at, |run| {
        (
            rules::async_review_key(e.race_id, &e.review_status, envelope.at, run.user_id),
            messages::async_reviewed(&run.qualifier, &run.organization, &e.review_status),
            EventType::AsyncRaceReviewed,
        )
    })
    .await
}

/// Queues one message for the runner of `race_id` on `conn` (the caller's transaction).
async fn queue_for_run_on(
    conn: &mut AnyConnection,
    org_id: i64,
    race_id: i64,
    now: i64,
    make: impl FnOnce(&repo::sources::AsyncRun) -> (String, messages::Message, EventType),
) -> Result<usize, Error> {
    let Some(run) = repo::sources::async_run(conn, org_id, race_id).await? else {
        return Ok(0);
    };
    let (key, message, event_type) = make(&run);
    let item = queue::Item {
        org_id,
        user_id: run.user_id,
        event_type,
        key: &key,
        message: &message,
        expires_at: None,
    };
    let queued = queue::queue_one(conn, &item, now).await?;
    Ok(usize::from(queued.is_some()))
}
