//! The built-in tasks, both site-wide (the task engine claims each slot once across instances,
//! so two servers never import the same slot twice):
//! - `import`, every 300 s: every linked tournament with its sync on, of every organization
//!   with the plugin on ([`SpeedGaming::import_all`]), with the run's due time as `now`. A run
//!   with a failed tournament is recorded as failed, naming the first; the others still synced.
//! - `cleanup_placeholders`, daily at 02:00 UTC: placeholders idle for 30 days that no match
//!   names are removed.
//!
//! [`SpeedGaming::import_all`]: crate::service::SpeedGaming::import_all

use sdk::{
    plugin::{LoadContext, StartedPlatform},
    tasks::{handler, BuiltinTask, Schedule},
    Error,
};

use crate::{rules, service::SpeedGaming};

pub const IMPORT_TASK: &str = "import";
pub const CLEANUP_TASK: &str = "cleanup_placeholders";

pub fn register(ctx: &LoadContext, started: StartedPlatform) -> Result<(), Error> {
    let for_import = started.clone();
    ctx.task(BuiltinTask {
        name: IMPORT_TASK.into(),
        description: "SpeedGaming: import the schedules of the tournaments linked to an event"
            .into(),
        schedule: Schedule::Interval {
            seconds: rules::SYNC_INTERVAL_SECONDS,
        },
        active_by_default: true,
        handler: handler(move |run| {
            let platform = for_import.get();
            async move {
                let pass = SpeedGaming::from_platform(&platform?)
                    .import_all(run.due_at)
                    .await?;
                if let Some((tournament_id, why)) = pass.failed.first() {
                    return Err(Error::upstream(
                        rules::HOLDER,
                        format!(
                            "{} of {} tournament(s) did not sync (tournament {tournament_id}: {why})",
                            pass.failed.len(),
                            pass.failed.len() + pass.synced
                        ),
                    ));
                }
                Ok(())
            }
        }),
    })?;
    ctx.task(BuiltinTask {
        name: CLEANUP_TASK.into(),
        description: "SpeedGaming: remove placeholder users idle for 30 days that no match names"
            .into(),
        schedule: Schedule::Cron {
            expression: "0 2 * * *".into(),
        },
        active_by_default: true,
        handler: handler(move |run| {
            let platform = started.get();
            async move {
                SpeedGaming::from_platform(&platform?)
                    .cleanup_placeholders(run.due_at)
                    .await?;
                Ok(())
            }
        }),
    })
}
