//! What the runtime services report to admin pages (browser and server): delivered events,
//! listener failures, the Discord bot's status.

use serde::{Deserialize, Serialize};

/// One delivered event, for the admin page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EventRecord {
    pub name: String,
    pub org_id: Option<i64>,
    pub actor: Option<i64>,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub at: i64,
    pub listeners: usize,
}

/// A listener that failed on an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ListenerFailure {
    pub event: String,
    pub listener: String,
    pub org_id: Option<i64>,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub at: i64,
    pub error: String,
}

/// How the bot is doing, for the admin page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BotStatus {
    /// A token is configured.
    pub configured: bool,
    /// This instance holds the gateway lease (always true on SQLite once started).
    pub holds_gateway: bool,
    /// Connected and READY.
    pub connected: bool,
    /// The bot's Discord user name once READY.
    pub bot_user: Option<String>,
    /// The instance holding the gateway, as recorded in the lease.
    pub gateway_instance: Option<String>,
    /// When the last READY arrived (epoch ms).
    #[serde(default, with = "crate::time::rfc3339::option")]
    #[schemars(schema_with = "crate::openapi::optional_date_time")]
    pub ready_at: Option<i64>,
    /// Slash commands registered with Discord.
    pub commands_registered: Vec<String>,
    /// The last problem (failed connection, rejected token), for the admin.
    pub last_error: Option<String>,
}

/// A Discord server linked to an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct LinkedGuild {
    pub guild_id: String,
    pub guild_name: String,
    #[cfg_attr(feature = "ssr", sqlx(rename = "organization_id"))]
    pub org_id: i64,
    /// The organization's name (`o.name`).
    #[cfg_attr(feature = "ssr", sqlx(rename = "name"))]
    pub org_name: String,
    pub linked_by: Option<i64>,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub linked_at: i64,
}
