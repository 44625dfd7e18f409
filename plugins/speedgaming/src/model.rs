//! What the browser and API clients see. Compiled for the browser too; the server reads rows
//! straight into these types (`FromRow`, under `ssr`).

use serde::{Deserialize, Serialize};

/// A tournament that follows a SpeedGaming event, with how its last sync went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Link {
    pub id: i64,
    pub organization_id: i64,
    pub tournament_id: i64,
    pub tournament_name: String,
    /// The event's slug on SpeedGaming, e.g. `alttprleague`.
    pub event_slug: String,
    pub sync_enabled: bool,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub last_run_at: Option<i64>,
    /// `ok` or `failed`; None before the first run.
    pub last_status: Option<String>,
    /// Why the last run failed (the upstream's answer, a time-out, …).
    pub last_error: Option<String>,
    /// What the last run changed.
    pub last_summary: Option<Summary>,
}

/// What one sync run did: counts, a short list of the changes, and the episodes it could not
/// import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Summary {
    pub episodes: u32,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub finished: u32,
    pub deleted: u32,
    /// Placeholder users made for people SpeedGaming names but nobody here is.
    pub placeholders: u32,
    /// The first changes, e.g. "created match 12 (episode 345: Ada vs Bob)" (at most
    /// [`crate::rules::MAX_LISTED`]).
    pub changes: Vec<String>,
    /// Episodes that could not be imported, and why (at most [`crate::rules::MAX_LISTED`]).
    pub errors: Vec<String>,
}

impl Summary {
    /// Rows written by the run (matches, users, memberships, links); 0 when nothing changed.
    pub fn writes(&self) -> u32 {
        self.created + self.updated + self.finished + self.deleted + self.placeholders
    }
}

/// What the caller may do on the page.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct SyncRights {
    /// Link tournaments, switch their sync and sync now (`tournament:update`).
    pub manage: bool,
}

/// A tournament of the organization, for the link form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TournamentChoice {
    pub id: i64,
    pub name: String,
}
