//! Signing in and knowing who is calling.
//!
//! - [`session_store`]: tower-sessions records in the database (both backends), so sessions
//!   survive restarts and are shared by instances on one PostgreSQL.
//! - [`caller`]: middleware that resolves every request's caller — `Authorization: Bearer`
//!   token first, else the session (honouring SUPERADMIN impersonation) — rate-limits every
//!   request but static files ([`rate_limit`]: per token user, session user or client address,
//!   the address from [`client_ip`]), and hands a [`sdk::auth::guard::Caller`] to the guard
//!   through the request.
//! - [`discord`]: Discord OAuth2 (authorize/token/API URLs are configuration).
//! - [`routes`]: `/auth/login`, `/auth/callback`, `/auth/logout`, `/auth/link/{secret}`.
//! - [`setup`]: `/setup/{secret}`, the first run's one-time link that creates the first admin.

pub mod caller;
pub mod client_ip;
pub mod discord;
pub mod racetime;
pub mod rate_limit;
pub mod routes;
pub mod session_store;
pub mod setup;

/// Session keys.
pub use sdk::auth::guard::{SESSION_IMPERSONATING, SESSION_USER};
pub const SESSION_OAUTH: &str = "oauth";
pub const SESSION_DISCORD_EXPIRES: &str = "discord_expires_at";

/// Text made safe inside HTML, as element content or a quoted attribute value.
pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A page built by the server itself, in the site's style (sign-in problems, RaceTime link
/// problems, the first-run form): they must work without the app. `head_title` is text;
/// `main` is the inner HTML of `<main>`, its texts escaped by the caller.
pub(crate) fn plain_page(
    status: axum::http::StatusCode,
    head_title: &str,
    main: &str,
) -> axum::response::Response {
    use axum::response::{Html, IntoResponse};
    let body = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{head_title}</title><link rel="stylesheet" href="{stylesheet}"></head>
<body class="min-h-full bg-slate-50 text-slate-900 dark:bg-slate-900 dark:text-slate-100">
<main class="mx-auto mt-24 flex max-w-lg flex-col gap-4 px-4">{main}</main></body></html>"#,
        head_title = escape_html(head_title),
        stylesheet = crate::assets::stylesheet(),
    );
    (status, Html(body)).into_response()
}
