//! Discord commands and buttons: none. Users manage notifications on the site's page; the
//! bot only sends them (through the worker).

use sdk::{plugin::LoadContext, Error};

/// Registers this plugin's Discord commands (none).
pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
