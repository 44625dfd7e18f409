//! Events this plugin emits (`provides.events` in plugin.toml), after the change committed.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RaceStarted {
    pub qualifier_id: i64,
    pub race_id: i64,
    pub user_id: i64,
    pub permalink_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RaceFinished {
    pub qualifier_id: i64,
    pub race_id: i64,
    pub user_id: i64,
    pub elapsed_seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RaceForfeited {
    pub qualifier_id: i64,
    pub race_id: i64,
    pub user_id: i64,
    /// `runner` or `timeout`.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RaceReviewed {
    pub qualifier_id: i64,
    pub race_id: i64,
    pub reviewer_id: i64,
    pub review_status: String,
    pub elapsed_override_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RaceReattempted {
    pub qualifier_id: i64,
    pub race_id: i64,
    pub user_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScoresRecalculated {
    pub qualifier_id: i64,
    /// Permalinks whose par was computed (the others had no finished runs).
    pub permalinks: usize,
    /// `finish`, `forfeit`, `reattempt`, `review`, `manual`, `hourly`, `timeout`.
    pub trigger: String,
}

/// A pending run will be forfeited soon: staged once per run, in the transaction that marks
/// the run warned (before the warning is posted in Discord).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TimeoutWarning {
    pub qualifier_id: i64,
    pub race_id: i64,
    pub user_id: i64,
    pub timeout_at: i64,
}

#[cfg(feature = "ssr")]
mod names {
    use super::*;
    use sdk::events::Event;

    impl Event for RaceStarted {
        const NAME: &'static str = "async_qualifier.race_started";
    }
    impl Event for RaceFinished {
        const NAME: &'static str = "async_qualifier.race_finished";
    }
    impl Event for RaceForfeited {
        const NAME: &'static str = "async_qualifier.race_forfeited";
    }
    impl Event for RaceReviewed {
        const NAME: &'static str = "async_qualifier.race_reviewed";
    }
    impl Event for RaceReattempted {
        const NAME: &'static str = "async_qualifier.race_reattempted";
    }
    impl Event for ScoresRecalculated {
        const NAME: &'static str = "async_qualifier.scores_recalculated";
    }
    impl Event for TimeoutWarning {
        const NAME: &'static str = "async_qualifier.timeout_warning";
    }
}
