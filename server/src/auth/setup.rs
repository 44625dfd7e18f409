//! `/setup/{secret}`: the first run's one-time link (platform::identity::setup). `GET` shows a
//! form that asks the first admin's user name; `POST` creates them and signs them in. Plain HTML
//! from the server, like the other sign-in pages: it must work before anything else is set up.

use axum::{
    extract::{ConnectInfo, Path, State},
    http::StatusCode,
    response::Response,
    routing::get,
    Form, Router,
};
use platform::identity::setup;
use serde::Deserialize;
use std::net::SocketAddr;
use tower_sessions::Session;

use super::{
    escape_html, plain_page,
    routes::{problem_page, signed_in_home},
};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/setup/{secret}", get(form).post(create_admin))
}

/// The URL to print for a setup link `secret`.
pub fn url(base_url: &str, secret: &str) -> String {
    format!("{}/setup/{secret}", base_url.trim_end_matches('/'))
}

const USED: &str =
    "This setup link is not valid or was used already, or the site has its admin: sign in instead.";

async fn form(State(state): State<AppState>, Path(secret): Path<String>) -> Response {
    match setup::is_open(&state.platform.db, &secret).await {
        Ok(true) => form_page(StatusCode::OK, "", None),
        Ok(false) => problem_page(StatusCode::NOT_FOUND, "Setup link not valid", USED),
        Err(error) => problem_page(error.status(), "Setup failed", &error.message()),
    }
}

#[derive(Debug, Deserialize)]
struct AdminForm {
    #[serde(default)]
    username: String,
}

async fn create_admin(
    State(state): State<AppState>,
    session: Session,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(secret): Path<String>,
    Form(input): Form<AdminForm>,
) -> Response {
    let ip = peer.ip().to_string();
    match setup::complete(&state.platform.db, &secret, &input.username, Some(&ip)).await {
        Ok(user) => signed_in_home(&session, user.id).await,
        // A name to fix: the form again, with what was typed and what is wrong.
        Err(error @ sdk::Error::Invalid { .. }) => {
            form_page(error.status(), &input.username, Some(&error.message()))
        }
        Err(error) => problem_page(error.status(), "Setup link not valid", &error.message()),
    }
}

fn form_page(status: StatusCode, username: &str, error: Option<&str>) -> Response {
    let error = error
        .map(|e| {
            format!(
                r#"<p id="setup-error" role="alert" class="text-sm text-red-700 dark:text-red-300">{}</p>"#,
                escape_html(e)
            )
        })
        .unwrap_or_default();
    let main = format!(
        r#"<h1 class="text-2xl font-bold">Welcome to SahaBot</h1>
<p class="text-slate-600 dark:text-slate-300">Choose the user name of this site's first admin. You will be signed in as them, with every right on the site; this link then stops working.</p>
<form id="setup-form" method="post" class="flex flex-col gap-3">
<label for="field-username" class="text-sm font-medium">User name</label>
<input id="field-username" name="username" required minlength="2" maxlength="32" value="{username}" autocomplete="username"
 class="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-600 dark:bg-slate-800">
<p class="text-xs text-slate-500 dark:text-slate-400">2 to 32 letters, digits, dots, dashes or underscores.</p>
{error}
<button id="setup-submit" type="submit" class="self-start rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">Create the admin and sign in</button>
</form>"#,
        username = escape_html(username),
    );
    plain_page(status, "Set up SahaBot", &main)
}
