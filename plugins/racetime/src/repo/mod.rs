//! The SQL, a file per feature, rows read with `FromRow`. Every query of an organization's
//! data takes the organization id it was given; bots are the site's.

pub mod bots;
pub mod profiles;
pub mod rooms;
pub mod settings;
pub mod users;
pub mod verification;

/// A write transaction (`Db::begin`: `BEGIN IMMEDIATE` on SQLite).
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;
