//! `/auth/racetime/*`: linking the signed-in user's RaceTime.gg account through OAuth2. The
//! rules (signed state bound to the user, code exchange, profile, one-transaction link) live in
//! `platform::identity::racetime`; these handlers only read the request and redirect.

use axum::{
    extract::{ConnectInfo, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Extension, Router,
};
use sdk::{auth::guard::Caller, db::now_ms};
use serde::Deserialize;
use std::net::SocketAddr;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/racetime/link", get(start))
        .route("/auth/racetime/callback", get(callback))
}

/// A small page in the site's style for link problems, with the way back to the profile.
fn problem_page_for(status: StatusCode, title: &str, message: &str) -> Response {
    let main = format!(
        r#"<h1 class="text-2xl font-bold">{title}</h1>
<p id="problem" class="text-slate-600 dark:text-slate-300">{message}</p>
<p><a class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500" href="/profile">Back to your profile</a></p>"#,
        title = super::escape_html(title),
        message = super::escape_html(message),
    );
    super::plain_page(status, &format!("{title} · SahaBot"), &main)
}

const NOT_CONFIGURED: &str =
    "Linking RaceTime.gg accounts is not configured on this site (no RaceTime application).";

/// Sends the signed-in user to RaceTime.gg with a state signed for them.
async fn start(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Response {
    let Some(racetime) = &state.racetime else {
        return problem_page_for(
            StatusCode::SERVICE_UNAVAILABLE,
            "RaceTime.gg",
            NOT_CONFIGURED,
        );
    };
    let Some(user) = caller.user else {
        return Redirect::to("/login?redirect=/profile").into_response();
    };
    let url = racetime
        .state_for(user.id, now_ms())
        .and_then(|s| racetime.authorize_url(&s));
    match url {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(error) => problem_page_for(error.status(), "RaceTime.gg link failed", &error.message()),
    }
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// RaceTime.gg sends the browser back here: link, then back to the profile.
async fn callback(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(racetime) = &state.racetime else {
        return problem_page_for(
            StatusCode::SERVICE_UNAVAILABLE,
            "RaceTime.gg",
            NOT_CONFIGURED,
        );
    };
    let Some(user) = caller.user else {
        return problem_page_for(
            StatusCode::UNAUTHORIZED,
            "Sign in first",
            "Sign in, then start the RaceTime.gg link again from your profile page.",
        );
    };
    if query.error.is_some() {
        return problem_page_for(
            StatusCode::BAD_REQUEST,
            "RaceTime.gg link cancelled",
            "RaceTime.gg did not authorize the link. You can try again from your profile page.",
        );
    }
    let ip = peer.ip().to_string();
    let linked = racetime
        .complete_link(
            &state.platform.db,
            user.id,
            query.code.as_deref().unwrap_or_default(),
            query.state.as_deref().unwrap_or_default(),
            now_ms(),
            Some(&ip),
        )
        .await;
    match linked {
        Ok(_) => Redirect::to("/profile?racetime=linked").into_response(),
        Err(error) => problem_page_for(error.status(), "RaceTime.gg link failed", &error.message()),
    }
}
