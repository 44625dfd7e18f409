//! Discord and command-line commands: none. Events follow the matches by themselves
//! (`listeners`, `tasks`); the page has "Reconcile now".

use sdk::{plugin::LoadContext, Error};

pub fn register(_ctx: &LoadContext) -> Result<(), Error> {
    Ok(())
}
