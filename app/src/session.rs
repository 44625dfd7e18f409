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
    provide_viewer_zone();
    session
}

/// The viewer's profile time zone for every `sdk::ui::LocalTime`: read from the request on the
/// server and handed to the browser with the page, so hydration renders the same text.
fn provide_viewer_zone() {
    let zone = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<sdk::time::ViewerTimeZone>().cloned())
                .and_then(|zone| zone.0)
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<String>
        }
    });
    sdk::ui::time::provide_viewer_zone(zone.into_inner());
}

pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(provide_session)
}
