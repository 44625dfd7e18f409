//! Scheduled tasks: none. The one recurring job of this plugin, renewing the gateway lease every
//! `lease / 3`, belongs to the connection: it runs only on the instance that runs the bot, at
//! whatever interval the lease setting gives (sub-second in tests), and stops with the client —
//! so the gateway supervisor (`gateway`) runs it, not the scheduler. A site-wide or per
//! organization task (`ctx.task(..)`, `ctx.task_type(..)`) would be registered here.

use sdk::{plugin::LoadContext, Error};

/// Registers this plugin's tasks (none).
pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
