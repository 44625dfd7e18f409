//! What every handler can reach ([`AppState`]) and the session cookie's name.
//!
//! Its own module so the router (`http`) and the handlers it mounts (`auth`'s routes and caller,
//! `page_access`, `web_security`) all depend on it and never on each other in a circle:
//! `http` → `auth::routes` → `state` → the leaf clients it holds (`auth::discord`,
//! `auth::client_ip`, `auth::rate_limit`, which know no state).

use std::{sync::Arc, time::Duration};

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use platform::Host;

use crate::auth::{
    client_ip::TrustedProxies,
    discord::Discord,
    rate_limit::{RateLimiter, RateLimits},
};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "sahabot_session";

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub platform: Host,
    /// None when Discord sign-in is not configured.
    pub discord: Option<Arc<Discord>>,
    pub limiter: Arc<RateLimiter>,
    /// Requests per window for anonymous clients, sessions and tokens.
    pub rate_limits: RateLimits,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<TrustedProxies>,
    /// Session cookies get `Secure` when the site is served over https.
    pub secure_cookies: bool,
    /// Discord ids promoted to SUPERADMIN at sign-in.
    pub superadmin_discord_ids: Arc<Vec<String>>,
    /// RaceTime.gg account links; None when not configured.
    pub racetime: Option<Arc<platform::identity::racetime::RacetimeOAuth>>,
    /// Discord sign-in's set-up facts and live check (Site admin → Sign-in).
    pub discord_setup: Arc<platform::identity::discord_sign_in::DiscordSignInSetup>,
    /// How long one request may take (`Config::request_timeout`).
    pub request_timeout: Duration,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
