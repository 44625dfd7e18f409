//! Discord commands and components. This plugin has none yet: a command (say, `/schedule` or a
//! crew sign-up button) would be a thin adapter here — the Discord user's linked account as the
//! [`sdk::Actor`], then the same [`crate::service::Tournaments`] call the API makes.

use sdk::{plugin::LoadContext, Error};

/// Registers the plugin's commands (none).
pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
