//! Scheduled tasks. This plugin has none: matches move only when a person (or a holding plugin)
//! steps them. A reminder before a match starts would be registered here, acting as
//! [`sdk::Actor::system`] through the service.

use sdk::{plugin::LoadContext, Error};

/// Registers the plugin's scheduled tasks (none).
pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
