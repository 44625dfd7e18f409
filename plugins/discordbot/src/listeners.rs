//! Event listeners: none. The bot reacts to Discord's gateway (in `bot`), not to the platform's
//! events; a listener (`ctx.listen::<E, _, _>(..)`) would be registered here.

use sdk::{plugin::LoadContext, Error};

/// Registers this plugin's listeners (none).
pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
