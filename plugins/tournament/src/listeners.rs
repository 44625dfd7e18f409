//! Event listeners. This plugin listens to nothing: the integration plugins (RaceTime,
//! SpeedGaming, Discord events) listen to its [`crate::events`] and call its published service
//! back (holds, steps as a holder, seeds).

use sdk::{plugin::LoadContext, Error};

/// Registers the plugin's listeners (none).
pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
