//! The tournament rules as pure functions of given facts and `now`: the status flow (which step,
//! which timestamps it sets or clears, when it is refused), results, crew sign-up, settings-form
//! checks and input cleaning. The service applies them inside its transactions.
//!
//! One file per feature: `flow` (status steps, stations, results), `crew`, `players`, `seeds`
//! (what the seed history says a rolled seed was for), `settings` (server only: the JSON Schema
//! checks need it). The limits below are shared.

mod crew;
mod flow;
mod players;
mod seeds;
#[cfg(feature = "ssr")]
mod settings;

pub use crew::*;
pub use flow::*;
pub use players::*;
pub use seeds::*;
#[cfg(feature = "ssr")]
pub use settings::*;

pub use sdk::input::{clean_name, clean_text, clean_url};

pub const NAME_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 4000;
pub const COMMENT_MAX: usize = 2000;
pub const TITLE_MAX: usize = 200;
pub const STATION_MAX: usize = 20;
pub const NOTES_MAX: usize = 4000;
/// More games than any series plays; catches typos like 100 for 1.
pub const GAME_NUMBER_MAX: i64 = 50;
/// The most players one match may have (a free-for-all race of a big league fits; a list of
/// every user id does not).
pub const PLAYERS_MAX: usize = 64;
/// The most one settings submission may take, as JSON: settings for one game are a handful of
/// choices, not a document.
pub const SETTINGS_MAX_BYTES: usize = 16 * 1024;
/// How long a match lasts in calendar feeds (the reference's Discord event default).
pub const CALENDAR_EVENT_MS: i64 = 120 * 60 * 1000;
