//! The worker: sends the outbox's due rows. Each row is claimed with a lease first (an UPDATE
//! that only one instance's call can win), then sent through its channel, then finished: sent;
//! retried later with exponential back-off; dead-lettered after `rules::MAX_ATTEMPTS` (or at
//! once when retrying cannot help) with the error kept; held back to the end of the user's
//! quiet hours (not an attempt); or cancelled when it expired or the organization switched
//! the plugin off. A worker that dies mid-send leaves a lease that runs out, so the row is
//! sent again later: delivery is at least once, and never by two instances at the same time.
//! Each row is timed by the real clock (the task's due time is only a lower bound), and a send
//! starts only while its lease has room for it (`rules::lease_holds`).

use sdk::{bot::OutgoingMessage, Error};

use super::Notifications;
use crate::{
    events::DeliveryDeadLettered,
    repo::{
        self,
        outbox::{Claimed, Outcome},
    },
    rules::{self, AfterFailure, Channel, EventType},
};

/// How many rows one pass handles at most (the next pass takes the rest).
const BATCH: i64 = 100;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryPass {
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
    pub deferred: usize,
    pub cancelled: usize,
    /// Rows another instance claimed first.
    pub skipped: usize,
}

/// The end of one attempt.
enum Attempt {
    Sent,
    Failed {
        error: String,
        permanent: bool,
    },
    /// Held back to this instant (quiet hours), with a note for the row when there is one.
    Deferred(i64, Option<String>),
    Cancelled(String),
}

/// The later of `now` (a lower bound: the task's due time, a test's instant) and the real
/// clock.
fn clock(now: i64) -> i64 {
    now.max(sdk::time::now_ms())
}

impl Notifications {
    /// Sends every due row (up to a batch) that this instance can claim. `now` is a lower
    /// bound of the clock (the task's due time, or a test's future instant): each row is
    /// claimed, checked and finished at the later of it and the real clock, because a pass
    /// can start late (after downtime) and last long (every send may wait on rate limits),
    /// and a lease counted from a stale instant would already have run out for others.
    pub async fn deliver_due(&self, now: i64) -> Result<DeliveryPass, Error> {
        let mut pass = DeliveryPass::default();
        let now = clock(now);
        for id in repo::outbox::due(self.db(), now, BATCH).await? {
            match self.deliver_one(id, now).await? {
                None => pass.skipped += 1,
                Some("sent") => pass.sent += 1,
                Some("dead") => pass.dead += 1,
                Some("cancelled") => pass.cancelled += 1,
                Some("retried") => pass.retried += 1,
                Some(_) => pass.deferred += 1,
            }
        }
        Ok(pass)
    }

    /// Claims and sends one row; what became of it (`sent`, `retried`, `dead`, `deferred`,
    /// `cancelled`), or None when another instance holds it, it is not due, or this
    /// instance's lease ran out before it could send (the row stays for whoever holds it
    /// next). `now` is a lower bound of the clock (see [`Self::deliver_due`]).
    pub async fn deliver_one(&self, id: i64, now: i64) -> Result<Option<&'static str>, Error> {
        let holder = self.instance.as_str();
        let claimed_at = clock(now);
        let lease_until = claimed_at + rules::LEASE_MS;
        if !repo::outbox::claim(self.db(), id, holder, lease_until, claimed_at).await? {
            return Ok(None);
        }
        let Some(row) = repo::outbox::claimed(self.db(), id, holder).await? else {
            return Ok(None);
        };
        let Some(attempt) = self.attempt(&row, claimed_at, lease_until).await? else {
            tracing::warn!(
                delivery_id = id,
                "notification lease ran out before sending; left for the next holder"
            );
            return Ok(None);
        };
        let now = claimed_at;
        let (label, outcome) = match attempt {
            Attempt::Sent => (
                "sent",
                Outcome {
                    status: "sent",
                    attempts: row.attempts + 1,
                    next_attempt_at: now,
                    last_error: None,
                    sent_at: Some(now),
                },
            ),
            Attempt::Deferred(until, note) => (
                "deferred",
                Outcome {
                    status: "pending",
                    attempts: row.attempts,
                    next_attempt_at: until,
                    last_error: note,
                    sent_at: None,
                },
            ),
            Attempt::Cancelled(why) => (
                "cancelled",
                Outcome {
                    status: "cancelled",
                    attempts: row.attempts,
                    next_attempt_at: now,
                    last_error: Some(why),
                    sent_at: None,
                },
            ),
            Attempt::Failed { error, permanent } => {
                let attempts = row.attempts + 1;
                match rules::after_failure(attempts, permanent, now) {
                    AfterFailure::RetryAt(at) => (
                        "retried",
                        Outcome {
                            status: "pending",
                            attempts,
                            next_attempt_at: at,
                            last_error: Some(error),
                            sent_at: None,
                        },
                    ),
                    AfterFailure::Dead => (
                        "dead",
                        Outcome {
                            status: "dead",
                            attempts,
                            next_attempt_at: now,
                            last_error: Some(error),
                            sent_at: None,
                        },
                    ),
                }
            }
        };
        let recorded = repo::outbox::finish(self.db(), id, holder, &outcome, now).await?;
        if recorded && label == "dead" {
            self.platform.events.emit(
                Some(row.organization_id),
                None,
                DeliveryDeadLettered {
                    delivery_id: id,
                    user_id: row.user_id,
                    event_type: row.event_type.clone(),
                    error: outcome.last_error.clone().unwrap_or_default(),
                },
            );
        }
        Ok(Some(label))
    }

    /// One try at sending a claimed row at `now`, holding it until `lease_until`; None when
    /// the lease ran out before the send could start (another instance may hold it now).
    async fn attempt(
        &self,
        row: &Claimed,
        now: i64,
        lease_until: i64,
    ) -> Result<Option<Attempt>, Error> {
        if !self.is_on(row.organization_id).await? {
            return Ok(Some(Attempt::Cancelled(
                "Notifications were switched off in this organization.".into(),
            )));
        }
        if row.expires_at.is_some_and(|at| at <= now) {
            return Ok(Some(Attempt::Cancelled(
                "Not sent: it was no longer news by the time it could go (quiet hours or retries ran past the match)."
                    .into(),
            )));
        }
        let mut conn = self.db().pool().acquire().await?;
        let recipient = repo::sources::recipient(&mut conn, row.user_id).await?;
        let event_type = EventType::from_key(&row.event_type);
        if event_type.is_some_and(EventType::respects_quiet_hours) {
            let quiet =
                repo::settings::quiet_hours(&mut conn, row.organization_id, row.user_id).await?;
            let (zone, zone_note) = match recipient.time_zone.as_deref() {
                None | Some("") => (None, None),
                Some(z) => match sdk::time::parse_zone(z) {
                    Ok(zone) => (Some(zone), None),
                    Err(_) => {
                        // Quiet hours are then read in UTC: said in the log and on the row.
                        tracing::warn!(
                            user_id = row.user_id,
                            time_zone = z,
                            "notifications: profile time zone not understood; quiet hours in UTC"
                        );
                        let note = format!(
                            "The profile time zone `{z}` is not one this site knows: quiet hours were read in UTC."
                        );
                        (None, Some(note))
                    }
                },
            };
            let offset_at = |at: i64| {
                zone.as_ref()
                    .map_or(0, |z| sdk::time::offset_in_zone(z, at))
            };
            if let Some(until) = rules::quiet_until(quiet, now, offset_at) {
                return Ok(Some(Attempt::Deferred(until, zone_note)));
            }
        }
        drop(conn);
        // The reads above may have waited on the pool: send only while the lease still holds,
        // or another instance could be sending the same row.
        if !rules::lease_holds(lease_until, clock(now)) {
            return Ok(None);
        }
        match Channel::from_key(&row.channel) {
            Some(Channel::DiscordDm) => Ok(Some(
                self.send_dm(recipient.discord_id.as_deref(), row).await,
            )),
            None => Ok(Some(Attempt::Failed {
                error: format!("`{}` is not a way this site can notify.", row.channel),
                permanent: true,
            })),
        }
    }

    async fn send_dm(&self, discord_id: Option<&str>, row: &Claimed) -> Attempt {
        let Some(discord_id) = discord_id.filter(|d| !d.is_empty()) else {
            return Attempt::Failed {
                error: "The user has no Discord account linked: they can link one by signing in with Discord.".into(),
                permanent: true,
            };
        };
        let rest = match self.platform.plugins.bot().rest() {
            Ok(rest) => rest,
            // The site may get a bot later: worth retrying.
            Err(e) => {
                return Attempt::Failed {
                    error: e.message(),
                    permanent: false,
                }
            }
        };
        let message = OutgoingMessage {
            content: String::new(),
            embed: Some((row.subject.clone(), row.body.clone())),
            buttons: Vec::new(),
        };
        match rest.send_dm(discord_id, &message).await {
            Ok(_) => Attempt::Sent,
            Err(e) => Attempt::Failed {
                permanent: matches!(e, Error::Invalid { .. }),
                error: e.message(),
            },
        }
    }
}
