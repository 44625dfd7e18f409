//! The HTTP status of a server-rendered page that the visitor may not see.
//!
//! The pages themselves explain the refusal (a sign-in prompt, "you are not a member", "no such
//! invite"), but they render after the status line is decided, and crawlers, monitoring and
//! scripts read the status. So before rendering, this asks the same guard the page's server
//! functions use, and the page goes out with 401 (signed out), 403 (signed in, not allowed) or
//! 404 (no such organization or invite) instead of 200:
//! - `/admin…`: site admins only;
//! - `/profile…`: signed-in users;
//! - `/org/{id}…`: members of an existing organization (and site admins); a plugin page of a
//!   plugin that is off answers 404 from the plugin gate as before;
//! - `/invite/{slug}`: an invite that exists.

use axum::{
    extract::{Request, State},
    http::{Method, StatusCode},
    middleware::Next,
    response::Response,
};
use sdk::{
    auth::{
        guard::{authorize_member, Caller},
        GlobalLevel,
    },
    Error,
};

use crate::state::AppState;

pub async fn page_status(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let refusal = if request.method() == Method::GET {
        let caller = request.extensions().get::<Caller>().cloned();
        refusal(&state, request.uri().path(), caller).await
    } else {
        None
    };
    let mut response = next.run(request).await;
    if let Some(status) = refusal {
        // Only a page that rendered normally; the app's own 404 (and errors) stand.
        if response.status() == StatusCode::OK {
            *response.status_mut() = status;
        }
    }
    response
}

/// The status a page at `path` gets for `caller`, when it is not 200.
async fn refusal(state: &AppState, path: &str, caller: Option<Caller>) -> Option<StatusCode> {
    let user = caller.and_then(|c| c.user);
    let mut segments = path.trim_matches('/').split('/');
    match segments.next()? {
        "admin" => Some(match user {
            None => StatusCode::UNAUTHORIZED,
            Some(u) if !u.is_at_least(GlobalLevel::Admin) => StatusCode::FORBIDDEN,
            Some(_) => return None,
        }),
        "profile" => user.is_none().then_some(StatusCode::UNAUTHORIZED),
        "org" => {
            let Ok(org_id) = segments.next()?.parse::<i64>() else {
                return Some(StatusCode::NOT_FOUND);
            };
            let Some(user) = user else {
                return Some(StatusCode::UNAUTHORIZED);
            };
            match authorize_member(&state.platform.contract(), &user, org_id).await {
                Ok(()) => None,
                Err(error) => Some(status_of(&error)),
            }
        }
        "invite" => {
            let slug = segments.next()?;
            match platform::identity::invites::preview(&state.platform.db, slug).await {
                Ok(_) => None,
                Err(error) => Some(status_of(&error)),
            }
        }
        _ => None,
    }
}

fn status_of(error: &Error) -> StatusCode {
    match error {
        // A database hiccup is not the visitor's fault: let the page say what it can.
        Error::Internal => StatusCode::OK,
        other => other.status(),
    }
}
