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
