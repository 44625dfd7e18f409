//! The tournament's match events, each bringing that match's Discord event in step through the
//! service (`DiscordEvents::sync_match`): scheduled or moved, details changed (title, players,
//! stream), status changed (a finished or reverted match), finished, deleted. The service
//! records the outcome on the tournament; an error also reaches the event bus's log.

use std::sync::{Arc, OnceLock};

use sdk::{context::Platform, events::Event, plugin::LoadContext, Error};
use tournament::events::{
    MatchDeleted, MatchFinished, MatchScheduled, MatchStatusChanged, MatchUpdated,
};

use crate::service::DiscordEvents;

/// The match an event is about.
trait AboutMatch: Event {
    fn match_id(&self) -> i64;
}

macro_rules! about_match {
    ($($event:ty),*) => {$(
        impl AboutMatch for $event {
            fn match_id(&self) -> i64 {
                self.match_id
            }
        }
    )*};
}

about_match!(
    MatchScheduled,
    MatchUpdated,
    MatchStatusChanged,
    MatchFinished,
    MatchDeleted
);

fn on<E: AboutMatch>(ctx: &LoadContext, platform: &Arc<OnceLock<Platform>>) {
    let platform = Arc::clone(platform);
    ctx.listen::<E, _, _>(move |envelope| {
        let platform = platform.get().cloned();
        async move {
            let (Some(platform), Some(org_id)) = (platform, envelope.org_id) else {
                return Ok(());
            };
            // In a task of its own, awaited: if the bus's time limit cuts the listener off, the
            // sync still runs to the end (a creation is recorded, never dropped half-way).
            let service = DiscordEvents::from_platform(&platform);
            let match_id = envelope.event.match_id();
            tokio::spawn(async move {
                service
                    .sync_match(org_id, match_id, sdk::time::now_ms())
                    .await
            })
            .await
            .map_err(Error::internal)?
        }
    });
}

pub fn register(ctx: &LoadContext, platform: Arc<OnceLock<Platform>>) -> Result<(), Error> {
    on::<MatchScheduled>(ctx, &platform);
    on::<MatchUpdated>(ctx, &platform);
    on::<MatchStatusChanged>(ctx, &platform);
    on::<MatchFinished>(ctx, &platform);
    on::<MatchDeleted>(ctx, &platform);
    Ok(())
}
