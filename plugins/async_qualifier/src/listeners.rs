//! Event listeners: none yet. A listener of another plugin's events (or of this plugin's own,
//! off the request path) would be registered here with `ctx.listen`, calling the service.

use sdk::{plugin::LoadContext, Error};

use crate::service::Qualifiers;

/// Registers this plugin's listeners (none today).
pub fn register(_ctx: &LoadContext, _service: Qualifiers) -> Result<(), Error> {
    Ok(())
}
