//! What the browser and API clients see. Compiled for the browser too; the server reads rows
//! straight into these types (`FromRow`, under `ssr`).

use serde::{Deserialize, Serialize};

/// One message of the outbox: queued, sent, or given up on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Delivery {
    pub id: i64,
    pub organization_id: i64,
    pub user_id: i64,
    /// The recipient's username.
    pub recipient: String,
    /// `rules::EventType` key (`match_rescheduled`, …).
    pub event_type: String,
    /// `rules::Channel` key (`discord_dm`).
    pub channel: String,
    pub subject: String,
    pub body: String,
    /// `pending`, `sent`, `dead` (retries used up) or `cancelled` (no longer worth sending).
    pub status: String,
    pub attempts: i64,
    /// Not before this (the back-off after a failure, or the end of quiet hours).
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub next_attempt_at: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub created_at: i64,
    #[serde(with = "sdk::time::rfc3339::option")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub sent_at: Option<i64>,
}

/// One kind of notification as the user has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Subscription {
    pub event_type: String,
    pub label: String,
    pub description: String,
    pub enabled: bool,
    pub channel: String,
}

/// A way to be notified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChannelOption {
    pub key: String,
    pub label: String,
}

/// A user's notification settings in one organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MySettings {
    pub subscriptions: Vec<Subscription>,
    pub channels: Vec<ChannelOption>,
    /// `HH:MM` in [`MySettings::time_zone`], or None for no quiet hours.
    pub quiet_start: Option<String>,
    pub quiet_end: Option<String>,
    /// The profile's time zone quiet hours are read in (None: UTC until one is set).
    pub time_zone: Option<String>,
    /// Whether the user has a Discord account linked (otherwise no DM can reach them).
    pub discord_linked: bool,
}

/// One kind of notification as the settings form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubscriptionInput {
    pub event_type: String,
    pub enabled: bool,
    pub channel: String,
}

/// What the caller may do on the notification pages.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Rights {
    /// See every delivery of the organization and retry dead letters.
    pub admin: bool,
}
