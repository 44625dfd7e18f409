//! Core pages (not owned by any plugin).

pub mod home;
pub mod not_found;
