//! The plugin platform: how a feature crate under `plugins/` becomes part of SahaBot, and how
//! each organization switches it on or off.
//!
//! How the pieces fit (server side unless noted):
//! - [`contract`] is what a plugin crate implements and receives: the [`Plugin`] trait, the
//!   `on_load` and hook contexts, and the [`Bundle`] (manifest, migrations, code).
//! - [`manifest`] parses and validates `plugins/<id>/plugin.toml` (identity, dependencies,
//!   permissions, config schema, pages and nav entries).
//! - [`config`] merges and validates configuration against the manifest's JSON Schema.
//! - [`feeds`] holds the plain GET endpoints plugins serve under `/p/{plugin_id}/` (calendar
//!   feeds).
//! - [`cli`] holds the command-line commands plugins contribute (`sahabot <plugin> <command>`).
//! - [`services`] lets one plugin publish a typed service that a dependent plugin fetches.
//! - [`started`] hands the platform to a plugin's tasks and listeners once the server started.
//! - [`model`] holds the DTOs the browser sees (compiled for wasm too).
//!
//! The registry that runs bundles (dependency order, migrations, enablement per organization)
//! is the `platform` crate's. The app's `build.rs` generates the list of built-in bundles and
//! the router that mounts each plugin's pages under `/org/{org_id}/<route>` behind a gate (see
//! `app::plugin_gate`).

pub mod model;

#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod contract;
#[cfg(feature = "ssr")]
pub mod feeds;
#[cfg(feature = "ssr")]
pub mod manifest;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod started;

#[cfg(feature = "ssr")]
pub use contract::{Bundle, HookContext, LoadContext, Migration, Plugin, Registrations};
pub use model::*;
#[cfg(feature = "ssr")]
pub use started::StartedPlatform;

/// The platform version plugins state `requires.app` against.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
