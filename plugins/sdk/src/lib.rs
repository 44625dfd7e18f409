//! The SahaBot SDK: the contract between the platform (`app`, `server`) and every plugin.
//!
//! Everything here compiles for the browser too, except what sits behind the `ssr` feature:
//! database access ([`db`]) and, with `testing`, fresh test databases ([`testing`]).
//! Dependencies point one way — `server → app → plugins → sdk` — so nothing in this crate may
//! know about a particular plugin or about the app.

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
#[cfg(feature = "testing")]
pub mod fake_discord;
#[cfg(feature = "testing")]
pub mod fake_racetime;
pub mod identity;
pub mod input;
#[cfg(feature = "ssr")]
pub mod migrate;
pub mod page;
pub mod plugin;
pub mod runtime;
pub mod tasks;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;
pub mod ui;

pub use actor::Actor;
pub use error::{Error, Result};
