//! Reactions to events: none. The sync is driven by the import task and "sync now", not by
//! events (the schedule lives on SpeedGaming, which tells nobody when it changes).

use sdk::{plugin::LoadContext, Error};

/// Registers this plugin's listeners (none).
pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
