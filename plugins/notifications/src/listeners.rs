//! The in-transaction listeners: the tournament and the async qualifier stage their events
//! inside the transaction of their cause (`EventBus::stage`), and these write the outbox rows on
//! that same connection (`service::queue`, `service::asyncs`), so a notification is queued
//! exactly when its cause commits. Nothing is queued for an organization that has the plugin
//! off (its choice read on that same connection; the worker checks again before sending).

use async_qualifier::events::{RaceReviewed, TimeoutWarning};
use sdk::{events::Envelope, plugin::LoadContext, Error};
use sqlx::AnyConnection;
use tournament::events::{CrewApproved, CrewSignedUp, MatchScheduled, MatchUpdated};

use crate::{repo, service::queue};

/// Whether to queue for the envelope's organization: its choice read on the cause's own
/// connection (`repo::sources::org_choice`), or the manifest's default when it chose nothing.
/// Never through the platform's cache: a cache miss would check out a second pooled
/// connection while the cause holds one, and a pool timeout would roll the cause back. A
/// failed read queues anyway (the worker checks the plugin is on before sending).
async fn wanted(conn: &mut AnyConnection, org_id: Option<i64>) -> bool {
    let Some(org_id) = org_id else {
        return false;
    };
    match repo::sources::org_choice(conn, org_id).await {
        Ok(choice) => choice.unwrap_or(crate::ENABLED_BY_DEFAULT),
        Err(e) => {
            tracing::warn!(org_id, error = %e.message(), "notifications: enablement not read; queueing");
            true
        }
    }
}

pub async fn on_match_scheduled(
    conn: &mut AnyConnection,
    envelope: &Envelope<MatchScheduled>,
) -> Result<(), Error> {
    if wanted(conn, envelope.org_id).await {
        queue::match_scheduled(conn, envelope).await?;
    }
    Ok(())
}

pub async fn on_crew_approved(
    conn: &mut AnyConnection,
    envelope: &Envelope<CrewApproved>,
) -> Result<(), Error> {
    if wanted(conn, envelope.org_id).await {
        queue::crew_approved(conn, envelope).await?;
    }
    Ok(())
}

pub async fn on_crew_signed_up(
    conn: &mut AnyConnection,
    envelope: &Envelope<CrewSignedUp>,
) -> Result<(), Error> {
    if wanted(conn, envelope.org_id).await {
        queue::crew_signed_up(conn, envelope).await?;
    }
    Ok(())
}

pub async fn on_match_updated(
    conn: &mut AnyConnection,
    envelope: &Envelope<MatchUpdated>,
) -> Result<(), Error> {
    if wanted(conn, envelope.org_id).await {
        queue::match_updated(conn, envelope).await?;
    }
    Ok(())
}

/// Registers the in-transaction listeners.
pub fn register(ctx: &LoadContext) -> Result<(), Error> {
    ctx.listen_in_tx::<MatchScheduled, _>(move |conn, envelope| {
        Box::pin(async move { on_match_scheduled(conn, envelope).await })
    });
    ctx.listen_in_tx::<CrewApproved, _>(move |conn, envelope| {
        Box::pin(async move { on_crew_approved(conn, envelope).await })
    });
    ctx.listen_in_tx::<CrewSignedUp, _>(move |conn, envelope| {
        Box::pin(async move { on_crew_signed_up(conn, envelope).await })
    });
    ctx.listen_in_tx::<MatchUpdated, _>(move |conn, envelope| {
        Box::pin(async move { on_match_updated(conn, envelope).await })
    });
    ctx.listen_in_tx::<RaceReviewed, _>(move |conn, envelope| {
        Box::pin(async move {
            if wanted(conn, envelope.org_id).await {
                crate::service::asyncs::queue_race_reviewed(conn, envelope).await?;
            }
            Ok(())
        })
    });
    ctx.listen_in_tx::<TimeoutWarning, _>(move |conn, envelope| {
        Box::pin(async move {
            if wanted(conn, envelope.org_id).await {
                crate::service::asyncs::queue_timeout_warning(conn, envelope).await?;
            }
            Ok(())
        })
    });
    Ok(())
}
