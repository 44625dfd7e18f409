//! The worker: sends the outbox's due rows. Each row is claimed with a lease first (an UPDATE
//! that only one instance's call can win), then sent through its channel, then finished: sent;
//! retried later with exponential back-off; dead-lettered after `rules::MAX_ATTEMPTS` (or at
//! once when retrying cannot help) with the error kept; held back to the end of the user's
//! quiet hours (not an attempt); or cancelled when it expired or the organization switched
//! the plugin off. A worker that dies mid-send leaves a lease that runs out, so the row is
//! sent again later: delivery is at least once, and never by two instances at the same time.

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
    Failed { error: String, permanent: bool },
    Deferred(i64),
    Cancelled(String),
}

impl Notifications {
    /// Sends every due row (up to a batch) that this instance can claim.
    pub async fn deliver_due(&self, now: i64) -> Result<DeliveryPass, Error> {
        let mut pass = DeliveryPass::default();
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
    /// `cancelled`), or None when another instance holds it or it is not due.
    pub async fn deliver_one(&self, id: i64, now: i64) -> Result<Option<&'static str>, Error> {
        let holder = self.instance.as_str();
        if !repo::outbox::claim(self.db(), id, holder, now + rules::LEASE_MS, now).await? {
            return Ok(None);
        }
        let Some(row) = repo::outbox::claimed(self.db(), id, holder).await? else {
            return Ok(None);
        };
        let attempt = self.attempt(&row, now).await?;
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
            Attempt::Deferred(until) => (
                "deferred",
                Outcome {
                    status: "pending",
                    attempts: row.attempts,
                    next_attempt_at: until,
                    last_error: None,
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

    /// One try at sending a claimed row at `now`.
    async fn attempt(&self, row: &Claimed, now: i64) -> Result<Attempt, Error> {
        if !self.is_on(row.organization_id).await? {
            return Ok(Attempt::Cancelled(
                "Notifications were switched off in this organization.".into(),
            ));
        }
        if row.expires_at.is_some_and(|at| at <= now) {
            return Ok(Attempt::Cancelled(
                "Not sent: it was no longer news by the time it could go (quiet hours or retries ran past the match)."
                    .into(),
            ));
        }
        let mut conn = self.db().pool().acquire().await?;
        let recipient = repo::sources::recipient(&mut conn, row.user_id).await?;
        let event_type = EventType::from_key(&row.event_type);
        if event_type.is_some_and(EventType::respects_quiet_hours) {
            let quiet =
                repo::settings::quiet_hours(&mut conn, row.organization_id, row.user_id).await?;
            let zone = recipient
                .time_zone
                .as_deref()
                .and_then(|z| sdk::time::parse_zone(z).ok());
            let offset_at = |at: i64| {
                zone.as_ref()
                    .map_or(0, |z| sdk::time::offset_in_zone(z, at))
            };
            if let Some(until) = rules::quiet_until(quiet, now, offset_at) {
                return Ok(Attempt::Deferred(until));
            }
        }
        drop(conn);
        match Channel::from_key(&row.channel) {
            Some(Channel::DiscordDm) => {
                Ok(self.send_dm(recipient.discord_id.as_deref(), row).await)
            }
            None => Ok(Attempt::Failed {
                error: format!("`{}` is not a way this site can notify.", row.channel),
                permanent: true,
            }),
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
