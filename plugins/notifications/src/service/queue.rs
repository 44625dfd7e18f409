//! Turning a cause into outbox rows, on the connection of the cause's own transaction: the
//! tournament stages its events (`EventBus::stage`) before it commits and our in-transaction
//! listeners (`listeners.rs`) call these, so a row exists exactly when its cause committed.
//! Each row's idempotency key makes a repeated cause a no-op; a user who opted out of the
//! event type gets no row. The tournament's tables are read on the same connection, so the
//! cause's own uncommitted changes (the new time, the new crew) are what we see.
//!
//! An error here rolls the cause back, so these only fail when the database does.

use sdk::{events::Envelope, Error};
use sqlx::AnyConnection;
use tournament::events::{CrewApproved, CrewSignedUp, MatchScheduled, MatchUpdated};

use crate::{
    repo::{self, outbox::NewMessage, sources::MatchInfo},
    rules::{self, messages, messages::MatchRef, Channel, EventType},
};

/// One message for one user.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub org_id: i64,
    pub user_id: i64,
    pub event_type: EventType,
    pub key: &'a str,
    pub message: &'a messages::Message,
    /// Cancelled rather than sent after this instant.
    pub expires_at: Option<i64>,
}

/// Queues `item` unless its user opted out of its event type; the new row's id (None: opted
/// out, or this key is queued already).
pub async fn queue_one(
    conn: &mut AnyConnection,
    item: &Item<'_>,
    now: i64,
) -> Result<Option<i64>, Error> {
    let Item {
        org_id,
        user_id,
        event_type,
        key,
        message,
        expires_at,
    } = *item;
    let stored = if event_type.subscribable() {
        repo::settings::subscription(conn, org_id, user_id, event_type.key()).await?
    } else {
        None
    };
    if !rules::is_subscribed(event_type, stored.as_ref().map(|s| s.enabled)) {
        return Ok(None);
    }
    let channel = stored
        .as_ref()
        .and_then(|s| Channel::from_key(&s.channel))
        .unwrap_or_default();
    repo::outbox::enqueue(
        conn,
        &NewMessage {
            org_id,
            user_id,
            event_type: event_type.key(),
            channel: channel.key(),
            key,
            subject: &message.subject,
            body: &message.body,
            expires_at,
        },
        now,
    )
    .await
}

fn match_ref(info: &MatchInfo) -> MatchRef<'_> {
    MatchRef {
        title: &info.title,
        tournament: &info.tournament,
        organization: &info.organization,
    }
}

/// A match got a time (`previous` None) or moved: its players and approved crew hear of it,
/// and what was still queued for its old time (not being sent right now) is cancelled.
pub async fn match_scheduled(
    conn: &mut AnyConnection,
    envelope: &Envelope<MatchScheduled>,
) -> Result<usize, Error> {
    let Some(org_id) = envelope.org_id else {
        return Ok(0);
    };
    let event = &envelope.event;
    if event.previous == Some(event.scheduled_at) {
        return Ok(0);
    }
    // Scoped by the envelope's organization: a match of another one is not found.
    let Some(info) = repo::sources::match_info(conn, org_id, event.match_id).await? else {
        return Ok(0);
    };
    let (kind, message) = match event.previous {
        None => (
            EventType::MatchScheduled,
            messages::match_scheduled(&match_ref(&info), event.scheduled_at),
        ),
        Some(previous) => (
            EventType::MatchRescheduled,
            messages::match_rescheduled(&match_ref(&info), event.scheduled_at, previous),
        ),
    };
    if let Some(previous) = event.previous {
        // What was queued for the old time (its news, its reminders) is no longer true.
        let prefixes = [
            EventType::MatchScheduled,
            EventType::MatchRescheduled,
            EventType::MatchStartingSoon,
        ]
        .map(|kind| rules::match_key_prefix(kind, event.match_id));
        let why = "Not sent: the match moved to another time before this went out.";
        let now = envelope.at.max(sdk::time::now_ms());
        repo::outbox::cancel_pending(conn, org_id, &prefixes, previous, why, now).await?;
    }
    let mut queued = 0;
    for user in repo::sources::match_people(conn, org_id, event.match_id).await? {
        let moved = (event.previous, event.scheduled_at);
        let key = rules::match_key(kind, event.match_id, moved, envelope.at, user);
        let item = Item {
            org_id,
            user_id: user,
            event_type: kind,
            key: &key,
            message: &message,
            expires_at: Some(event.scheduled_at),
        };
        if queue_one(conn, &item, envelope.at).await?.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}

async fn crew(
    conn: &mut AnyConnection,
    org_id: Option<i64>,
    (match_id, crew_id, user_id, role): (i64, i64, i64, &str),
    now: i64,
) -> Result<usize, Error> {
    let Some(org_id) = org_id else {
        return Ok(0);
    };
    let Some(info) = repo::sources::match_info(conn, org_id, match_id).await? else {
        return Ok(0);
    };
    let message = messages::crew_approved(&match_ref(&info), role, info.scheduled_at);
    let key = rules::crew_key(crew_id, user_id);
    let item = Item {
        org_id,
        user_id,
        event_type: EventType::CrewApproved,
        key: &key,
        message: &message,
        expires_at: None,
    };
    let queued = queue_one(conn, &item, now).await?;
    Ok(usize::from(queued.is_some()))
}

/// A manager approved someone as crew: they hear of it (a withdrawn approval says nothing).
pub async fn crew_approved(
    conn: &mut AnyConnection,
    envelope: &Envelope<CrewApproved>,
) -> Result<usize, Error> {
    let e = &envelope.event;
    if !e.approved {
        return Ok(0);
    }
    let slot = (e.match_id, e.crew_id, e.user_id, e.role.as_str());
    crew(conn, envelope.org_id, slot, envelope.at).await
}

/// Crew a manager added (approved at once) hear of it like an approval.
pub async fn crew_signed_up(
    conn: &mut AnyConnection,
    envelope: &Envelope<CrewSignedUp>,
) -> Result<usize, Error> {
    let e = &envelope.event;
    if !e.approved {
        return Ok(0);
    }
    let slot = (e.match_id, e.crew_id, e.user_id, e.role.as_str());
    crew(conn, envelope.org_id, slot, envelope.at).await
}

/// A match's seed was set: its players get the link.
pub async fn match_updated(
    conn: &mut AnyConnection,
    envelope: &Envelope<MatchUpdated>,
) -> Result<usize, Error> {
    let (Some(org_id), "seed") = (envelope.org_id, envelope.event.what.as_str()) else {
        return Ok(0);
    };
    let match_id = envelope.event.match_id;
    let Some(info) = repo::sources::match_info(conn, org_id, match_id).await? else {
        return Ok(0);
    };
    let Some(seed_url) = info.seed_url.clone().filter(|u| !u.trim().is_empty()) else {
        return Ok(0);
    };
    let message = messages::seed_ready(&match_ref(&info), &seed_url);
    let mut queued = 0;
    for user in repo::sources::match_players(conn, org_id, match_id).await? {
        let key = rules::seed_key(match_id, &seed_url, envelope.at, user);
        let item = Item {
            org_id,
            user_id: user,
            event_type: EventType::SeedReady,
            key: &key,
            message: &message,
            expires_at: None,
        };
        if queue_one(conn, &item, envelope.at).await?.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}
