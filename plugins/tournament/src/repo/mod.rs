//! The SQL of tournaments, players, stream channels, matches, crew, settings submissions, holds
//! and the calendar feeds' tokens, one file per feature. Rules live in `rules` and `service`;
//! these functions only read and write rows. Every function takes a connection (`&mut *tx`
//! inside a transaction), and every lookup from outside is bounded by the organization id the
//! guard handed out. Rows are read with `sqlx::FromRow` (booleans through `sdk::db::Flag`, which
//! reads SQLite's integers and PostgreSQL's booleans alike).

pub mod calendar;
mod crew;
mod holds;
mod matches;
mod people;
mod settings;
mod streams;
mod sync;
mod tournaments;

pub use crew::*;
pub use holds::*;
pub use matches::*;
pub use people::*;
pub use settings::*;
pub use streams::*;
pub use sync::*;
pub use tournaments::*;

/// `$from, $from+1, …` for an IN list of `n` values.
fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const NAME: &str = "COALESCE(u.display_name, u.username)";
