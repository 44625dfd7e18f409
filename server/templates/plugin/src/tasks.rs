//! Scheduled tasks: site-wide ones (`ctx.task(..)`) and kinds organizations can schedule
//! (`ctx.task_type(..)`); each run calls the service as `sdk::Actor::system()`. This plugin has
//! none yet.

use sdk::{plugin::LoadContext, Error};

/// Registers this plugin's tasks (none yet).
pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
