//! Discord and command-line commands: none. Linking and syncing happen on the plugin's page
//! (and its API); the import runs by itself.

use sdk::{plugin::LoadContext, Error};

/// Registers this plugin's commands (none).
pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
