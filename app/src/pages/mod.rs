//! Core pages (not owned by any plugin).

pub mod account;
pub mod admin;
pub mod admin_sign_in;
pub mod home;
pub mod not_found;
pub mod org;
pub mod orgs;
pub mod plugins;
pub mod runtime;
pub(crate) mod shared;
