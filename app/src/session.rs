//! The signed-in user for every page.
//!
//! The server already knows who is calling before it renders (the session cookie is resolved
//! into the request's `Caller` by middleware), so the user is read from the request
//! synchronously and handed to the browser with the page (`SharedValue`): the first HTML is
//! right, hydration renders the same, and no page waits on a resource for it. After actions that
//! change it (impersonation, profile edits) the browser asks the server again (`whoami`).
//!
//! Reading the request also saves every page a resource and a server-function call, and lets
//! the header render in the first chunk of the stream instead of behind a `<Suspense>`.

use leptos::prelude::*;
use sdk::auth::CurrentUser;

use crate::api::account::whoami;

#[derive(Clone, Copy)]
pub struct Session {
    user: RwSignal<Option<CurrentUser>>,
}

impl Session {
    /// The signed-in user, or None; reactive.
    pub fn user(&self) -> Option<CurrentUser> {
        self.user.get()
    }

    /// Loads the user again (after sign-in changes, impersonation, profile edits).
    pub fn refresh(&self) {
        let user = self.user;
        leptos::task::spawn_local(async move {
            match whoami().await {
                Ok(now) => user.set(now),
                Err(e) => leptos::logging::warn!("could not reload the signed-in user: {e}"),
            }
        });
    }
}

pub fn provide_session() -> Session {
    let seen = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            sdk::auth::guard::caller().user
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<CurrentUser>
        }
    });
    let session = Session {
        user: RwSignal::new(seen.into_inner()),
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
