//! Events this plugin emits (`provides.events` in plugin.toml), after the change committed.
//! They are the hooks the integration plugins listen to: RaceTime opens rooms for scheduled
//! matches, SpeedGaming and Discord events follow schedule changes, notifications tell players
//! and crew. Instants are epoch milliseconds UTC.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TournamentCreated {
    pub tournament_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TournamentUpdated {
    pub tournament_id: i64,
    pub name: String,
    pub is_active: bool,
    pub archived: bool,
}

/// A match got a scheduled time, or its time changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MatchScheduled {
    pub tournament_id: i64,
    pub match_id: i64,
    pub scheduled_at: i64,
    /// The time before the change (None for a newly scheduled match).
    pub previous: Option<i64>,
    pub player_ids: Vec<i64>,
}

/// Anything else about a match changed (title, players, stream, comment, seed, result, crew).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MatchUpdated {
    pub tournament_id: i64,
    pub match_id: i64,
    /// What changed: `details`, `seed`, `result`, `crew`.
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MatchDeleted {
    pub tournament_id: i64,
    pub match_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MatchStatusChanged {
    pub tournament_id: i64,
    pub match_id: i64,
    /// `MatchStatus::key()` values.
    pub from: String,
    pub to: String,
    /// The plugin that moved it (its hold), or None for a person.
    pub by_holder: Option<String>,
}

/// A match reached Finished (by a step or by recording its result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MatchFinished {
    pub tournament_id: i64,
    pub match_id: i64,
    /// (user id, finish rank); empty when finished without a result yet.
    pub ranks: Vec<(i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CrewSignedUp {
    pub match_id: i64,
    pub crew_id: i64,
    pub user_id: i64,
    pub role: String,
    /// Added by a manager (approved at once) rather than signed up.
    pub approved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CrewApproved {
    pub match_id: i64,
    pub crew_id: i64,
    pub user_id: i64,
    pub role: String,
    /// False when a manager withdrew the approval.
    pub approved: bool,
}

#[cfg(feature = "ssr")]
mod names {
    use super::*;
    use sdk::events::Event;

    impl Event for TournamentCreated {
        const NAME: &'static str = "tournament.tournament_created";
    }
    impl Event for TournamentUpdated {
        const NAME: &'static str = "tournament.tournament_updated";
    }
    impl Event for MatchScheduled {
        const NAME: &'static str = "tournament.match_scheduled";
    }
    impl Event for MatchUpdated {
        const NAME: &'static str = "tournament.match_updated";
    }
    impl Event for MatchDeleted {
        const NAME: &'static str = "tournament.match_deleted";
    }
    impl Event for MatchStatusChanged {
        const NAME: &'static str = "tournament.match_status_changed";
    }
    impl Event for MatchFinished {
        const NAME: &'static str = "tournament.match_finished";
    }
    impl Event for CrewSignedUp {
        const NAME: &'static str = "tournament.crew_signed_up";
    }
    impl Event for CrewApproved {
        const NAME: &'static str = "tournament.crew_approved";
    }
}
