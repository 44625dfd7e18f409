//! Core server functions: the public JSON API under `/api/core/`.
//!
//! Each one is a thin adapter (guard → service → DTO). The DTOs are shared with the browser.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// What the server reports about itself to the home page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StatusReport {
    /// The server's clock, epoch milliseconds UTC.
    pub now_ms: i64,
    pub version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// True while the site has no user: its first admin is created through the one-time setup
    /// link the server printed when it started.
    #[serde(default)]
    pub needs_setup: bool,
    /// True when the server has a Discord application for sign-in (Site admin → Sign-in sets
    /// it up).
    #[serde(default)]
    pub discord_sign_in: bool,
}

/// The server's time, version and database backend. Public: no sign-in needed.
#[server(prefix = "/api/core", endpoint = "server_status", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn server_status() -> Result<StatusReport, sdk::Error> {
    let db = sdk::context::db()?;
    Ok(StatusReport {
        now_ms: sdk::db::now_ms(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        database: db.backend().name().to_string(),
        needs_setup: !::platform::identity::setup::has_users(&db).await?,
        discord_sign_in: use_context::<::platform::identity::discord_sign_in::DiscordSetupContext>(
        )
        .is_some_and(|setup| setup.0.application.is_some()),
    })
}
sdk::api_doc!(ServerStatus, "anyone");

pub mod account;
pub mod admin;
pub mod orgs;
pub mod plugins;
pub mod runtime;

/// Server-side helpers shared by the core server functions.
#[cfg(feature = "ssr")]
pub(crate) mod support {
    /// The core functions use the host itself (plugin admin, identity services, the
    /// authorizer); plugins get `sdk::context::Platform`, the same platform behind the SDK.
    pub use platform::host as platform;
    pub use sdk::auth::guard::{
        caller, require, require_level, require_session_user, require_user,
    };

    /// The caller's address for the audit log.
    pub fn ip() -> Option<String> {
        caller().ip
    }
}
