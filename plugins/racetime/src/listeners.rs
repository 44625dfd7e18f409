//! Event listeners: none. Rooms open from the schedule (`tasks`) and follow the race over
//! the websocket; a listener on match changes would go here.

use sdk::{plugin::LoadContext, Error};

pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
