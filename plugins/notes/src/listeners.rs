//! Reactions to events (this plugin's or another's), run off the request path:
//! `ctx.listen(|envelope: Envelope<SomeEvent>| async move { .. })`. This plugin has none yet.

use sdk::{plugin::LoadContext, Error};

/// Registers this plugin's listeners (none yet).
pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
