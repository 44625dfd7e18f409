//! The `reconcile` task, every 15 minutes for the whole site: every tournament with settings
//! in an organization with the plugin on brought in step with Discord — events of matches that
//! are gone deleted, events deleted by hand in Discord created anew, changes a missed event
//! would have carried sent — and, where the organization switched the plugin off, its events
//! withdrawn from Discord. The task engine runs each slot once across instances; the run's due
//! time is `now`, so tests drive the clock.

use sdk::{
    plugin::{LoadContext, StartedPlatform},
    tasks::{handler, BuiltinTask, Schedule},
    Error,
};

use crate::service::DiscordEvents;

pub const RECONCILE_TASK: &str = "reconcile";

pub fn register(ctx: &LoadContext, started: StartedPlatform) -> Result<(), Error> {
    ctx.task(BuiltinTask {
        name: RECONCILE_TASK.into(),
        description: "Discord events: bring every tournament's Discord events in step with its \
                      matches (orphans deleted, lost events recreated; withdrawn where the \
                      plugin was switched off)"
            .into(),
        schedule: Schedule::Interval { seconds: 15 * 60 },
        active_by_default: true,
        handler: handler(move |run| {
            let platform = started.get();
            async move {
                let platform = platform?;
                let failures = DiscordEvents::from_platform(&platform)
                    .reconcile_all(run.due_at)
                    .await?;
                match failures.first() {
                    // The run is recorded as failed with the first reason; each tournament
                    // shows its own on the page.
                    Some(first) => Err(Error::upstream(
                        "Discord",
                        format!(
                            "{} tournament(s) could not be synced (tournament {}: {})",
                            failures.len(),
                            first.tournament_id,
                            first.message
                        ),
                    )),
                    None => Ok(()),
                }
            }
        }),
    })
}
