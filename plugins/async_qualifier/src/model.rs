//! What the browser and API clients see. Instants are epoch milliseconds in Rust and RFC 3339
//! UTC on the wire (`2026-11-22T14:05:09.250Z`, through `sdk::time::rfc3339`); scores and par
//! times are unrounded floats.

use serde::{Deserialize, Serialize};

pub use crate::rules::{RaceStatus, ReviewStatus};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Qualifier {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub hide_results: bool,
    pub discord_channel_id: Option<String>,
    pub runs_per_pool: i64,
    /// −1 unlimited, 0 none, n at most n.
    pub max_reattempts: i64,
    pub require_racetime: bool,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub created_at: i64,
    /// The caller may change it (and sees hidden results).
    pub can_manage: bool,
    /// The caller may review its runs.
    pub can_review: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Pool {
    pub id: i64,
    pub qualifier_id: i64,
    pub name: String,
    pub description: String,
    pub permalinks: Vec<Permalink>,
    /// Runs the caller has left here (runs_per_pool − their non-reattempted runs).
    pub remaining_runs: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Permalink {
    pub id: i64,
    pub pool_id: i64,
    pub url: String,
    pub notes: String,
    /// Seconds; None until someone finishes it.
    pub par_time: Option<f64>,
    #[serde(default, with = "sdk::time::rfc3339::option")]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub par_updated_at: Option<i64>,
    /// Non-reattempted runs on it.
    pub play_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Race {
    pub id: i64,
    pub qualifier_id: i64,
    pub pool_id: i64,
    pub pool_name: String,
    pub permalink_id: i64,
    /// The seed: shown to the runner, reviewers and managers only.
    pub permalink_url: Option<String>,
    pub user_id: i64,
    pub display_name: String,
    /// The caller's own run.
    pub own: bool,
    /// The results (end, time, score, VOD, notes, review) are hidden from the caller: the
    /// qualifier hides results until it closes (`rules::visibility`); they read as empty.
    pub results_hidden: bool,
    pub status: RaceStatus,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub opened_at: i64,
    /// When a still-pending run is forfeited.
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub timeout_at: i64,
    #[serde(default, with = "sdk::time::rfc3339::option")]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub start_time: Option<i64>,
    #[serde(default, with = "sdk::time::rfc3339::option")]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub end_time: Option<i64>,
    pub elapsed_seconds: Option<f64>,
    pub score: Option<f64>,
    pub reattempted: bool,
    pub runner_notes: String,
    pub runner_vod_url: String,
    pub review_status: ReviewStatus,
    pub reviewed_by: Option<String>,
    pub reviewer_notes: String,
    pub review_requested: bool,
    pub review_request_reason: String,
    /// The server's clock when this was read, so timers do not depend on the browser's clock.
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub server_now: i64,
}

/// The answer to `start_run`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StartedRun {
    pub race_id: i64,
    pub permalink_url: String,
    pub status: RaceStatus,
}

/// The answer to `ready_run`: the clock starts after the countdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReadyAnswer {
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub start_time: i64,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub server_now: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LeaderboardEntry {
    pub rank: u32,
    pub user_id: i64,
    pub display_name: String,
    pub score: f64,
    pub estimate: f64,
    pub finished: u32,
    pub forfeited: u32,
    pub unattempted: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LeaderboardView {
    /// The ranks asked for: from `from_rank`, at most `limit` of them.
    pub entries: Vec<LeaderboardEntry>,
    /// True when results are hidden from the caller (hide_results on an active qualifier).
    pub hidden: bool,
    /// Everyone on the leaderboard (the last rank); 0 while hidden.
    pub total: u32,
}

/// Ranks a leaderboard answer holds when the request does not say.
pub const LEADERBOARD_PAGE: u32 = 100;
/// The most ranks one leaderboard answer holds, whatever the request asks for.
pub const LEADERBOARD_MAX_PAGE: u32 = 500;

/// The dashboard of a qualifier for the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DashboardView {
    pub qualifier: Qualifier,
    pub pools: Vec<Pool>,
    pub my_races: Vec<Race>,
    /// The caller's reattempts used, and whether they may start a run now (else why not).
    pub reattempts_used: i64,
    pub can_start: Result<(), String>,
}

/// An entry of the qualifiers' audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub username: Option<String>,
    pub action: String,
    pub details: String,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub at: i64,
}

/// What the caller may do in the organization's qualifiers (for showing buttons; the server
/// checks again).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Rights {
    pub create: bool,
    pub manage: bool,
    pub review: bool,
    pub recalculate: bool,
    pub audit: bool,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::ReadyAnswer;

    /// Instants travel as RFC 3339 UTC with their milliseconds, and read back the same.
    #[test]
    fn instants_are_rfc3339_on_the_wire() {
        let t = 1_795_356_309_250;
        let answer = ReadyAnswer {
            start_time: t,
            server_now: 1000,
        };
        let wire = serde_json::to_value(answer.clone()).unwrap();
        let start = wire["start_time"].as_str().unwrap();
        assert!(start.ends_with(".250Z") && start.contains('T'), "{start}");
        assert_eq!(wire["server_now"], "1970-01-01T00:00:01Z");
        assert_eq!(serde_json::from_value::<ReadyAnswer>(wire).unwrap(), answer);
    }
}
