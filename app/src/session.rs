//! The signed-in user for every page: loaded once per page load (during server rendering, so
//! the first HTML is already right) and refreshed after actions that change it.

use leptos::prelude::*;
use sdk::{auth::CurrentUser, Error};

use crate::api::account::whoami;

#[derive(Clone, Copy)]
pub struct Session {
    pub user: Resource<Result<Option<CurrentUser>, Error>>,
    refresh: RwSignal<u32>,
}

impl Session {
    /// Loads the user again (after sign-in changes, impersonation, profile edits).
    pub fn refresh(&self) {
        self.refresh.update(|n| *n += 1);
    }
}

pub fn provide_session() -> Session {
    let refresh = RwSignal::new(0);
    let session = Session {
        user: Resource::new(move || refresh.get(), |_| whoami()),
        refresh,
    };
    provide_context(session);
    session
}

pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(provide_session)
}
