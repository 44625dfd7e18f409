//! What the browser and the API see: a tournament's event settings, the page's status of its
//! events, and the Discord servers to choose from. Instants are epoch ms in Rust and RFC 3339
//! on the API.

use serde::{Deserialize, Serialize};

/// Which of a tournament's matches get a Discord event.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MatchFilter {
    /// Every match with a time.
    #[default]
    All,
    /// Matches with a time and a stream channel.
    StreamOnly,
    /// None (existing events are removed).
    None,
}

impl MatchFilter {
    pub const ALL: [MatchFilter; 3] = [Self::All, Self::StreamOnly, Self::None];

    pub fn key(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::StreamOnly => "stream_only",
            Self::None => "none",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "Every scheduled match",
            Self::StreamOnly => "Only matches with a stream",
            Self::None => "No matches",
        }
    }
}

/// A tournament's Discord event settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EventSettings {
    pub tournament_id: i64,
    /// One of the Discord servers linked to the organization; empty: none (no events).
    pub guild_id: String,
    pub filter: MatchFilter,
    /// How long each event lasts (its end time), in minutes.
    pub duration_minutes: i64,
    /// The event's name; placeholders `{match}`, `{players}`, `{tournament}`, `{stream}`.
    pub title_template: String,
    /// The event's description, with the same placeholders.
    pub description_template: String,
}

/// One match's Discord event, as the status list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SyncedEvent {
    pub match_id: i64,
    pub guild_id: String,
    /// Discord's id of the scheduled event; empty while its creation is under way.
    pub discord_event_id: String,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub synced_at: Option<i64>,
}

/// A tournament's settings and how its events stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TournamentEvents {
    pub tournament_id: i64,
    /// None until saved once.
    pub settings: Option<EventSettings>,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub last_sync_at: Option<i64>,
    /// The last sync's failure (None when it went well).
    pub last_error: Option<String>,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub last_error_at: Option<i64>,
    /// The tournament's events (at most one per match; bounded by its matches).
    pub events: Vec<SyncedEvent>,
}

/// A Discord server linked to the organization, to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GuildChoice {
    pub guild_id: String,
    pub guild_name: String,
}

/// What the caller may do on the page.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Rights {
    pub read: bool,
    pub manage: bool,
}

/// What a reconciliation did.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct ReconcileOutcome {
    pub created: u32,
    pub updated: u32,
    pub deleted: u32,
    pub unchanged: u32,
}
