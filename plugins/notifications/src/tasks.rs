//! The built-in tasks, site-wide: `deliver` every 15 seconds sends the outbox's due rows
//! (`Notifications::deliver_due`; the rows' leases keep two instances off the same row), and
//! `reminders` every minute queues "starting soon" reminders (`Notifications::queue_reminders`;
//! their idempotency keys make a repeated pass queue nothing). Both are given the run's due
//! time as `now`; the worker treats it as a lower bound and times each row's claim, lease and
//! send by the real clock (a late or long pass must not hand out leases that already ran out).

use sdk::{
    plugin::{LoadContext, StartedPlatform},
    tasks::{handler, BuiltinTask, Schedule},
    Error,
};

use crate::service::Notifications;

pub const DELIVER_TASK: &str = "deliver";
pub const REMINDERS_TASK: &str = "reminders";

pub fn register(ctx: &LoadContext, started: StartedPlatform) -> Result<(), Error> {
    let s = started.clone();
    ctx.task(BuiltinTask {
        name: DELIVER_TASK.into(),
        description:
            "Notifications: send the queued direct messages that are due (retries with back-off)"
                .into(),
        schedule: Schedule::Interval { seconds: 15 },
        active_by_default: true,
        handler: handler(move |run| {
            let platform = s.get();
            async move {
                let pass = Notifications::from_platform(&platform?)
                    .deliver_due(run.due_at)
                    .await?;
                if pass.sent + pass.retried + pass.dead > 0 {
                    tracing::info!(?pass, "notifications delivered");
                }
                Ok(())
            }
        }),
    })?;
    ctx.task(BuiltinTask {
        name: REMINDERS_TASK.into(),
        description: "Notifications: queue the \"starting soon\" reminders of upcoming matches"
            .into(),
        schedule: Schedule::Interval { seconds: 60 },
        active_by_default: true,
        handler: handler(move |run| {
            let platform = started.get();
            async move {
                Notifications::from_platform(&platform?)
                    .queue_reminders(run.due_at)
                    .await?;
                Ok(())
            }
        }),
    })
}
