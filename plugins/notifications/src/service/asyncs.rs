//! The async qualifier's news for its runners: a run reviewed, a pending run about to time out.
//! A review is staged inside the reviewer's transaction, so its message is queued by an
//! in-transaction listener ([`queue_race_reviewed`]) and commits with the verdict. The timeout
//! warning is emitted after that plugin posted its warning in Discord (the event says whether
//! the post worked), so it is an ordinary listener queueing in a transaction of its own; the
//! warning itself is marked once in the qualifier's tables, and the idempotency key keeps a
//! replay from queueing twice.

use async_qualifier::events::{RaceReviewed, TimeoutWarning};
use sdk::{events::Envelope, Error};
use sqlx::AnyConnection;

use super::{queue, Notifications};
use crate::{
    repo,
    rules::{self, messages, EventType},
};

impl Notifications {
    /// The runner of a pending run hears that it times out soon.
    pub async fn on_timeout_warning(
        &self,
        envelope: &Envelope<TimeoutWarning>,
    ) -> Result<usize, Error> {
        let e = &envelope.event;
        let Some(org_id) = envelope.org_id else {
            return Ok(0);
        };
        let kind = EventType::AsyncTimeoutWarning;
        self.queue_for_run(org_id, e.race_id, envelope.at, |run| {
            (
                rules::async_timeout_key(e.race_id, e.timeout_at, run.user_id),
                messages::async_timeout(&run.qualifier, &run.organization, e.timeout_at),
                kind,
            )
        })
        .await
    }

    async fn queue_for_run(
        &self,
        org_id: i64,
        race_id: i64,
        now: i64,
        make: impl FnOnce(&repo::sources::AsyncRun) -> (String, messages::Message, EventType),
    ) -> Result<usize, Error> {
        if !self.is_on(org_id).await? {
            return Ok(0);
        }
        // not audited: queued for another plugin's change, which that plugin audited.
        let mut tx = self.db().begin().await?;
        let queued = queue_for_run_on(&mut tx, org_id, race_id, now, make).await?;
        tx.commit().await?;
        Ok(queued)
    }
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
