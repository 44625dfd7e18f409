//! Discord commands and buttons: thin adapters that find the caller's linked account and call
//! the service, like the API does. This plugin has none yet; a command is added here with
//! `ctx.command(sdk::bot::BotCommand { .. })` and its handler calls [`crate::service`].

use sdk::{plugin::LoadContext, Error};

/// Registers this plugin's Discord commands (none yet).
pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
