//! The tournament's match events, each bringing that match's Discord event in step through the
//! service (`DiscordEvents::sync_match`): scheduled or moved, details changed (title, players,
//! stream), status changed (a finished or reverted match), finished, deleted. The service
//! records the outcome on the tournament; an error also reaches the event bus's log.

use sdk::{
    events::Event,
    plugin::{LoadContext, StartedPlatform},
    Error,
};
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

fn on<E: AboutMatch>(ctx: &LoadContext, started: &StartedPlatform) {
    let started = started.clone();
    ctx.listen::<E, _, _>(move |envelope| {
        let platform = started.try_get();
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

pub fn register(ctx: &LoadContext, started: &StartedPlatform) -> Result<(), Error> {
    on::<MatchScheduled>(ctx, started);
    on::<MatchUpdated>(ctx, started);
    on::<MatchStatusChanged>(ctx, started);
    on::<MatchFinished>(ctx, started);
    on::<MatchDeleted>(ctx, started);
    Ok(())
}
