//! The SQL, a file per table: `settings` (each tournament's settings and last sync) and
//! `events` (the Discord event of each match). Every query takes the organization id.

pub mod events;
pub mod settings;
