//! The in-transaction listeners: the tournament stages its events inside the transaction of
//! their cause (`EventBus::stage`), and these write the outbox rows on that same connection
//! (`service::queue`), so a notification is queued exactly when its cause commits. Nothing is
//! queued for an organization that has the plugin off (when the platform is known; the worker
//! checks again before sending). The async qualifier's events come after its commit, to
//! ordinary listeners (`service::asyncs`).

use std::sync::Arc;

use async_qualifier::events::{RaceReviewed, TimeoutWarning};
use sdk::{events::Envelope, plugin::LoadContext, Error};
use sqlx::AnyConnection;
use tournament::events::{CrewApproved, CrewSignedUp, MatchScheduled, MatchUpdated};

use crate::{
    service::{queue, Runtime},
    PLUGIN_ID,
};

/// Whether to queue for the envelope's organization.
async fn wanted(runtime: &Runtime, org_id: Option<i64>) -> Result<bool, Error> {
    let Some(org_id) = org_id else {
        return Ok(false);
    };
    match runtime.platform() {
        Some(platform) => platform.plugins.is_enabled(org_id, PLUGIN_ID).await,
        None => Ok(true),
    }
}

pub async fn on_match_scheduled(
    runtime: &Runtime,
    conn: &mut AnyConnection,
    envelope: &Envelope<MatchScheduled>,
) -> Result<(), Error> {
    if wanted(runtime, envelope.org_id).await? {
        queue::match_scheduled(conn, envelope).await?;
    }
    Ok(())
}

pub async fn on_crew_approved(
    runtime: &Runtime,
    conn: &mut AnyConnection,
    envelope: &Envelope<CrewApproved>,
) -> Result<(), Error> {
    if wanted(runtime, envelope.org_id).await? {
        queue::crew_approved(conn, envelope).await?;
    }
    Ok(())
}

pub async fn on_crew_signed_up(
    runtime: &Runtime,
    conn: &mut AnyConnection,
    envelope: &Envelope<CrewSignedUp>,
) -> Result<(), Error> {
    if wanted(runtime, envelope.org_id).await? {
        queue::crew_signed_up(conn, envelope).await?;
    }
    Ok(())
}

pub async fn on_match_updated(
    runtime: &Runtime,
    conn: &mut AnyConnection,
    envelope: &Envelope<MatchUpdated>,
) -> Result<(), Error> {
    if wanted(runtime, envelope.org_id).await? {
        queue::match_updated(conn, envelope).await?;
    }
    Ok(())
}

/// Registers the in-transaction listeners.
pub fn register(ctx: &LoadContext, runtime: Arc<Runtime>) -> Result<(), Error> {
    let r = Arc::clone(&runtime);
    ctx.listen_in_tx::<MatchScheduled, _>(move |conn, envelope| {
        let r = Arc::clone(&r);
        Box::pin(async move { on_match_scheduled(&r, conn, envelope).await })
    });
    let r = Arc::clone(&runtime);
    ctx.listen_in_tx::<CrewApproved, _>(move |conn, envelope| {
        let r = Arc::clone(&r);
        Box::pin(async move { on_crew_approved(&r, conn, envelope).await })
    });
    let r = Arc::clone(&runtime);
    ctx.listen_in_tx::<CrewSignedUp, _>(move |conn, envelope| {
        let r = Arc::clone(&r);
        Box::pin(async move { on_crew_signed_up(&r, conn, envelope).await })
    });
    let r = Arc::clone(&runtime);
    ctx.listen_in_tx::<MatchUpdated, _>(move |conn, envelope| {
        let r = Arc::clone(&r);
        Box::pin(async move { on_match_updated(&r, conn, envelope).await })
    });
    let r = Arc::clone(&runtime);
    ctx.listen_in_tx::<RaceReviewed, _>(move |conn, envelope| {
        let r = Arc::clone(&r);
        Box::pin(async move {
            if wanted(&r, envelope.org_id).await? {
                crate::service::asyncs::queue_race_reviewed(conn, envelope).await?;
            }
            Ok(())
        })
    });
    // The timeout warning is emitted after its Discord post: an ordinary listener.
    let r = runtime;
    ctx.listen::<TimeoutWarning, _, _>(move |envelope| {
        let r = Arc::clone(&r);
        async move { r.service()?.on_timeout_warning(&envelope).await.map(|_| ()) }
    });
    Ok(())
}
