//! What the browser and the API see, plus the one row the gateway runtime reads (the lease).
//! Instants are epoch milliseconds (UTC) in Rust and RFC 3339 UTC on the wire.

use serde::{Deserialize, Serialize};

/// A Discord server linked to the organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct LinkedServer {
    pub guild_id: String,
    pub guild_name: String,
    /// The user name of whoever linked it (None once that account is gone).
    pub linked_by: Option<String>,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub linked_at: i64,
}

/// The organization's Discord page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DiscordPage {
    pub org_id: i64,
    /// The site has a bot token (`DISCORD_TOKEN`).
    pub bot_configured: bool,
    /// Some instance of the site is connected to Discord's gateway.
    pub bot_online: bool,
    /// The bot's Discord name, when this instance knows it.
    pub bot_user: Option<String>,
    /// Why the "add the bot" button cannot work on this site, if it cannot.
    pub invite_problem: Option<String>,
    pub servers: Vec<LinkedServer>,
}

/// Where the bot invite sends the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InviteLink {
    pub url: String,
    /// After this instant the link's state is refused.
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub expires_at: i64,
}

/// What the link callback did (the browser is redirected to the organization's Discord page
/// with the same message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LinkOutcome {
    pub linked: bool,
    pub org_id: Option<i64>,
    pub guild_id: Option<String>,
    pub message: String,
}

/// The gateway lease row (`discordbot_gateway_lease`): which instance holds Discord's gateway,
/// until when. Never sent to browsers; here so both `rules` and `repo` can name it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Lease {
    pub holder: String,
    pub acquired_at: i64,
    pub heartbeat_at: i64,
    pub expires_at: i64,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn instants_travel_as_rfc3339_utc() {
        let server = LinkedServer {
            guild_id: "1".into(),
            guild_name: "Speedruns".into(),
            linked_by: None,
            linked_at: 1_700_000_000_000,
        };
        let json = serde_json::to_value(&server).unwrap();
        assert_eq!(json["linked_at"], "2023-11-14T22:13:20Z");
        assert_eq!(
            sdk::time::parse_rfc3339(json["linked_at"].as_str().unwrap()),
            Ok(1_700_000_000_000)
        );
        assert_eq!(
            serde_json::from_value::<LinkedServer>(json).unwrap(),
            server
        );
        let invite = InviteLink {
            url: "https://discord.com".into(),
            expires_at: 0,
        };
        let json = serde_json::to_value(&invite).unwrap();
        assert_eq!(json["expires_at"], "1970-01-01T00:00:00Z");
    }
}
