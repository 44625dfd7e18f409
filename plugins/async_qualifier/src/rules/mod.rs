//! The rules of async qualifiers as pure functions of what is known and of a
//! given `now`: scoring and par, the leaderboard, who may start a run and on which seed, pool
//! balancing, reattempts, reviews, timeouts, and who sees which results ([`visibility`]). No
//! database, no clock, no request: the web, the Discord adapters, the scheduled tasks and the
//! benchmark all call these, and the unit tests beside each rule pin it down.
//!
//! One file per feature: [`scoring`] (score, par, the leaderboard), [`runs`] (who may start a run
//! and on which seed, reattempts, reviews, timeouts), [`input`] (settings and text checks), and
//! [`visibility`]; all re-exported here.

use serde::{Deserialize, Serialize};

use sdk::Error;

pub mod input;
pub mod runs;
pub mod scoring;
pub mod visibility;

pub use input::*;
pub use runs::*;
pub use scoring::*;

/// The best score a run can get (a run faster than par earns more than 100, up to this).
pub const QUALIFIER_MAX_SCORE: f64 = 105.0;
pub const QUALIFIER_MIN_SCORE: f64 = 0.0;
/// Par is the mean of this many fastest finishes.
pub const PAR_SAMPLE: usize = 5;
/// When the play counts of a pool's permalinks differ by more than this, the least played one is
/// handed out (SahasrahBot's balancing, lost in SahaBot2).
pub const MAX_POOL_IMBALANCE: i64 = 3;
/// "Ready" starts the clock this much later (the visible countdown).
pub const COUNTDOWN_MS: i64 = 10_000;
/// A pending run is forfeited this long after it was opened …
pub const PENDING_TIMEOUT_MS: i64 = 20 * 60 * 1000;
/// … and warned (once) this long before that.
pub const PENDING_WARNING_BEFORE_MS: i64 = 10 * 60 * 1000;
/// A run in progress is forfeited this long after its start.
pub const IN_PROGRESS_TIMEOUT_MS: i64 = 12 * 60 * 60 * 1000;
/// Longest runner notes, review notes and reasons.
pub const NOTES_MAX: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RaceStatus {
    Pending,
    InProgress,
    Finished,
    Forfeit,
    Disqualified,
}

impl RaceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InProgress => "in_progress",
            Self::Finished => "finished",
            Self::Forfeit => "forfeit",
            Self::Disqualified => "disqualified",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => Self::Pending,
            "in_progress" => Self::InProgress,
            "finished" => Self::Finished,
            "forfeit" => Self::Forfeit,
            "disqualified" => Self::Disqualified,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::InProgress => "In progress",
            Self::Finished => "Finished",
            Self::Forfeit => "Forfeit",
            Self::Disqualified => "Disqualified",
        }
    }

    /// Waiting for Ready, or running: the runner has a live run.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Pending | Self::InProgress)
    }

    /// Over, and so scored (finished by the formula, the others 0).
    pub fn is_scored(self) -> bool {
        !self.is_live()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Pending,
    Accepted,
    Rejected,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => Self::Pending,
            "accepted" => Self::Accepted,
            "rejected" => Self::Rejected,
            _ => return None,
        })
    }
}

/// Reads a stored status (`sqlx::FromRow` fields use it through `try_from`).
impl TryFrom<String> for RaceStatus {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text).ok_or_else(|| format!("race with status {text}"))
    }
}

/// Reads a stored review status (see [`RaceStatus`]'s).
impl TryFrom<String> for ReviewStatus {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text).ok_or_else(|| format!("race with review status {text}"))
    }
}
