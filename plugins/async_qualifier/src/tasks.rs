//! Scheduled work: timeouts every 60 seconds (warning once, then forfeit) and an hourly
//! recalculation of every active qualifier (SahaBot2's never ran). Both use the run's due time
//! as `now`, so a test's clock (`Scheduler::tick_at`) decides what is due.

use std::sync::Arc;

use sdk::{
    plugin::LoadContext,
    tasks::{handler, BuiltinTask, Schedule},
    Error,
};

use crate::service::Qualifiers;

pub const TIMEOUTS_TASK: &str = "race_timeouts";
pub const RECALCULATE_TASK: &str = "recalculate_scores";

pub fn register(ctx: &LoadContext, service: Qualifiers) -> Result<(), Error> {
    let bot = ctx.bot();
    let timeouts = service.clone();
    ctx.task(BuiltinTask {
        name: TIMEOUTS_TASK.into(),
        description: "Async qualifiers: warn pending runs 10 minutes before they time out, forfeit pending runs after 20 minutes and runs in progress after 12 hours".into(),
        schedule: Schedule::Interval { seconds: 60 },
        active_by_default: true,
        handler: handler(move |run| {
            let service = timeouts.clone();
            let bot = Arc::clone(&bot);
            async move {
                service.run_timeouts(run.due_at, Some(&bot)).await?;
                Ok(())
            }
        }),
    })?;
    ctx.task(BuiltinTask {
        name: RECALCULATE_TASK.into(),
        description: "Async qualifiers: recalculate par times and scores of every active qualifier"
            .into(),
        schedule: Schedule::Interval { seconds: 3600 },
        active_by_default: true,
        handler: handler(move |run| {
            let service = service.clone();
            async move {
                service.recalculate_active(run.due_at).await?;
                Ok(())
            }
        }),
    })
}
