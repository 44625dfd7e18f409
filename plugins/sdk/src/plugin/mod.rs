//! The plugin platform: how a feature crate under `plugins/` becomes part of SahaBot, and how
//! each organization switches it on or off.
//!
//! How the pieces fit (server side unless noted):
//! - [`manifest`] parses and validates `plugins/<id>/plugin.toml` (identity, dependencies,
//!   permissions, config schema, pages and nav entries).
//! - [`resolve`] orders the manifests by dependency and says which cannot load and why
//!   (cycle, missing dependency, version out of range, conflict, inactive).
//! - [`host`] is the running registry: it loads [`Bundle`]s at start-up (migrations → `on_load`
//!   → permissions and services), answers "is this plugin on for this organization?" from a
//!   cache, and applies enable/disable/config changes with their rules and hooks.
//! - [`config`] merges and validates configuration against the manifest's JSON Schema.
//! - [`feeds`] holds the plain GET endpoints plugins serve under `/p/{plugin_id}/` (calendar
//!   feeds).
//! - [`services`] lets one plugin publish a typed service that a dependent plugin fetches.
//! - [`model`] holds the DTOs the browser sees (compiled for wasm too).
//!
//! The app's `build.rs` generates the list of built-in bundles and the router that mounts each
//! plugin's pages under `/org/{org_id}/<route>` behind a gate (see `app::plugin_gate`).

pub mod model;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod feeds;
#[cfg(feature = "ssr")]
pub mod host;
#[cfg(feature = "ssr")]
pub mod manifest;
#[cfg(feature = "ssr")]
pub mod resolve;
#[cfg(feature = "ssr")]
pub mod services;

#[cfg(feature = "ssr")]
pub use host::{Bundle, HookContext, LoadContext, Plugin, PluginHost};
pub use model::*;

/// The platform version plugins state `requires.app` against.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
