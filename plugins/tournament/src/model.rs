//! What the browser and API clients see. Instants are epoch milliseconds in Rust and RFC 3339 UTC
//! on the wire (`sdk::time::rfc3339`), ids are i64, and a match's status is derived from its timestamps ([`MatchStatus::of`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where a match stands, derived from which of its timestamps are set.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    Pending,
    Scheduled,
    CheckedIn,
    InProgress,
    Finished,
    Recorded,
}

impl MatchStatus {
    pub const ALL: [MatchStatus; 6] = [
        MatchStatus::Pending,
        MatchStatus::Scheduled,
        MatchStatus::CheckedIn,
        MatchStatus::InProgress,
        MatchStatus::Finished,
        MatchStatus::Recorded,
    ];

    /// The latest timestamp that is set decides.
    pub fn of(t: &MatchTimes) -> Self {
        if t.confirmed_at.is_some() {
            Self::Recorded
        } else if t.finished_at.is_some() {
            Self::Finished
        } else if t.started_at.is_some() {
            Self::InProgress
        } else if t.checked_in_at.is_some() {
            Self::CheckedIn
        } else if t.scheduled_at.is_some() {
            Self::Scheduled
        } else {
            Self::Pending
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Scheduled => "Scheduled",
            Self::CheckedIn => "Checked in",
            Self::InProgress => "In progress",
            Self::Finished => "Finished",
            Self::Recorded => "Recorded",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Scheduled => "scheduled",
            Self::CheckedIn => "checked_in",
            Self::InProgress => "in_progress",
            Self::Finished => "finished",
            Self::Recorded => "recorded",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == text)
    }

    /// The step a manager's "advance" takes, if any.
    pub fn next(self) -> Option<Self> {
        match self {
            Self::Pending | Self::Recorded => None,
            Self::Scheduled => Some(Self::CheckedIn),
            Self::CheckedIn => Some(Self::InProgress),
            Self::InProgress => Some(Self::Finished),
            Self::Finished => Some(Self::Recorded),
        }
    }

    /// The step a manager's "revert" takes, if any.
    pub fn previous(self) -> Option<Self> {
        match self {
            Self::Pending | Self::Scheduled => None,
            Self::CheckedIn => Some(Self::Scheduled),
            Self::InProgress => Some(Self::CheckedIn),
            Self::Finished => Some(Self::InProgress),
            Self::Recorded => Some(Self::Finished),
        }
    }

    /// Over: nobody signs up as crew any more.
    pub fn is_over(self) -> bool {
        matches!(self, Self::Finished | Self::Recorded)
    }
}

/// The status timestamps of a match (epoch milliseconds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MatchTimes {
    pub scheduled_at: Option<i64>,
    pub checked_in_at: Option<i64>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub confirmed_at: Option<i64>,
}

/// What a crew member does for a match.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CrewRole {
    Commentator,
    Tracker,
    Restreamer,
}

impl CrewRole {
    pub const ALL: [CrewRole; 3] = [Self::Commentator, Self::Tracker, Self::Restreamer];

    pub fn key(self) -> &'static str {
        match self {
            Self::Commentator => "commentator",
            Self::Tracker => "tracker",
            Self::Restreamer => "restreamer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Commentator => "Commentator",
            Self::Tracker => "Tracker",
            Self::Restreamer => "Restreamer",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == text)
    }

    /// Whether a tournament takes this role: every role, but trackers only where it uses them.
    pub fn taken_by(self, trackers_wanted: bool) -> bool {
        self != Self::Tracker || trackers_wanted
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tournament {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub onsite: bool,
    pub tracker_enabled: bool,
    pub self_registration: bool,
    /// The JSON Schema of the per-game settings form, if the tournament has one.
    pub settings_form_schema: Option<Value>,
    pub randomizer: Option<String>,
    pub preset: Option<String>,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub archived_at: Option<i64>,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub created_at: i64,
    pub player_count: i64,
    /// Whether the caller plays in it.
    pub joined: bool,
    /// Whether it publishes a public calendar feed (its address: `calendar_links`).
    pub public_feed: bool,
}

/// A person as the pages show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Person {
    pub user_id: i64,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MatchPlayer {
    pub user_id: i64,
    pub display_name: String,
    pub finish_rank: Option<i64>,
    pub station: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CrewMember {
    pub id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub role: CrewRole,
    pub approved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StreamChannel {
    pub id: i64,
    #[cfg_attr(feature = "ssr", sqlx(rename = "organization_id"))]
    pub org_id: i64,
    pub name: String,
    pub stream_url: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub is_active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MatchSeed {
    pub url: String,
    pub description: String,
}

/// Another plugin's claim on a match (a linked race room, a SpeedGaming episode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MatchHold {
    pub holder: String,
    pub reason: String,
    /// The holder's page for this match on this site (a race room's panel), if it has one.
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Match {
    pub id: i64,
    pub org_id: i64,
    pub tournament_id: i64,
    pub tournament_name: String,
    pub title: String,
    pub comment: String,
    pub status: MatchStatus,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub scheduled_at: Option<i64>,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub checked_in_at: Option<i64>,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub started_at: Option<i64>,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub finished_at: Option<i64>,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub confirmed_at: Option<i64>,
    pub stream_channel: Option<StreamChannel>,
    pub players: Vec<MatchPlayer>,
    pub crew: Vec<CrewMember>,
    pub seed: Option<MatchSeed>,
    /// The entry of the organization's seed history (the presets plugin's) the seed was rolled
    /// as by "Roll seed"; None for a seed set by hand.
    pub seed_roll_id: Option<i64>,
    pub holds: Vec<MatchHold>,
    pub onsite: bool,
    /// Whether the tournament takes tracker crew (otherwise only commentators and restreamers).
    pub trackers_wanted: bool,
    /// Whether the tournament has a settings form players fill in.
    pub has_settings_form: bool,
}

impl Match {
    /// How the pages name the match: "title — ada vs bob", or just the players.
    pub fn name(&self) -> String {
        let players = self
            .players
            .iter()
            .map(|p| p.display_name.as_str())
            .collect::<Vec<_>>()
            .join(" vs ");
        if self.title.is_empty() {
            players
        } else {
            format!("{} — {players}", self.title)
        }
    }

    /// The match's page, site-relative: `/org/3/tournaments/match/12`.
    pub fn path(&self) -> String {
        format!("/org/{}/tournaments/match/{}", self.org_id, self.id)
    }
}

/// One player's settings for one game of a match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SettingsSubmission {
    pub id: i64,
    pub match_id: i64,
    pub game_number: i64,
    pub user_id: i64,
    pub display_name: String,
    pub settings: Value,
    pub notes: String,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub submitted_at: i64,
}

/// A finish rank given by a manager (1 = winner; equal ranks are ties).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RankInput {
    pub user_id: i64,
    pub rank: i64,
}

/// A station number given at check-in of an onsite match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StationInput {
    pub user_id: i64,
    pub station: String,
}

/// What the caller may do here (pages show only what works).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Rights {
    pub user_id: i64,
    pub create_tournament: bool,
    pub manage_tournament: bool,
    pub manage_streams: bool,
    pub schedule: bool,
    pub update_match: bool,
    pub delete_match: bool,
    pub advance: bool,
    pub approve_crew: bool,
    pub crew_signup: bool,
}

/// A tournament's public calendar feed: anyone with the address sees its scheduled matches'
/// times, titles and players (no comments, crew or streams).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublicFeed {
    pub tournament_id: i64,
    pub tournament_name: String,
    pub url: String,
}

/// The calendar feed addresses: the public feeds of the organization's open tournaments, and
/// the caller's private feed of their own matches. The private address is stored only as a hash,
/// so it is in the answer that made it and never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CalendarFeeds {
    pub public: Vec<PublicFeed>,
    /// The new private address (only in the answer that made it).
    pub my_url: Option<String>,
    /// When the caller's current private address was made, if they have one.
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub my_url_created_at: Option<i64>,
}
