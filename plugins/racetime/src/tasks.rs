//! The rooms task, every 30 seconds for the whole site: open the rooms that are due
//! (`Racetime::open_due_rooms`, with the run's due time as `now`, so a test's clock decides)
//! and attach to live rooms no instance watches (after a restart, or when the instance that
//! watched one died). The scheduler runs each slot once across instances; opening a room is
//! idempotent besides (service::rooms).

use std::sync::Arc;

use sdk::{
    plugin::LoadContext,
    tasks::{handler, BuiltinTask, Schedule},
    Error,
};

use crate::service::Runtime;

pub const ROOMS_TASK: &str = "rooms";

pub fn register(ctx: &LoadContext, runtime: Arc<Runtime>) -> Result<(), Error> {
    crate::service::verification::register_tasks(ctx, Arc::clone(&runtime))?;
    ctx.task(BuiltinTask {
        name: ROOMS_TASK.into(),
        description:
            "RaceTime.gg: open the race rooms of matches that are due and follow every live room"
                .into(),
        schedule: Schedule::Interval { seconds: 30 },
        active_by_default: true,
        handler: handler(move |run| {
            let runtime = Arc::clone(&runtime);
            async move {
                let service = runtime.service()?;
                let pass = service.open_due_rooms(run.due_at).await?;
                service.watch_live_rooms(run.due_at).await?;
                if let Some((match_id, why)) = pass.failed.first() {
                    // The run is recorded as failed with the first reason; the rest are logged.
                    return Err(Error::upstream(
                        "RaceTime.gg",
                        format!(
                            "{} room(s) did not open (match {match_id}: {why})",
                            pass.failed.len()
                        ),
                    ));
                }
                Ok(())
            }
        }),
    })
}
