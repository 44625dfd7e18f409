//! The SahaBot SDK: the contract between the platform (`app`, `server`) and every plugin.
//!
//! Everything here compiles for the browser too, except what sits behind the `ssr` feature
//! (database access, the events bus, the bot's and tasks' server side). The host that runs
//! plugins implements this contract in the `platform` crate, and the test kit (`testkit`)
//! builds on it; plugins depend on this crate only. Dependencies point one way —
//! `server → app → plugins → sdk`, `app, server → platform → sdk` — so nothing here may know
//! about a particular plugin, the app or the host.

pub mod actor;
#[cfg(feature = "ssr")]
pub mod audit;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod bot;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod db;
pub mod error;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod http;
pub mod identity;
pub mod input;
pub mod openapi;
pub mod page;
pub mod plugin;
pub mod randomizer;
pub mod runtime;
pub mod tasks;
pub mod time;
pub mod ui;

pub use actor::Actor;
pub use error::{Error, Result};
