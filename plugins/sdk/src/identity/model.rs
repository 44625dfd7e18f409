//! The identity types shared by the server and the browser: what the API returns and accepts.

use serde::{Deserialize, Serialize};

use crate::auth::{policy::Statement, CurrentUser, GlobalLevel};

/// A user as the site admin pages and the profile page see them (no tokens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserInfo {
    pub id: i64,
    pub username: String,
    pub display_name: Option<String>,
    pub pronouns: Option<String>,
    pub show_pronouns: bool,
    pub discord_id: Option<String>,
    pub discord_username: Option<String>,
    pub level: GlobalLevel,
    pub is_active: bool,
    pub api_rate_limit_per_minute: Option<i64>,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub created_at: i64,
    /// IANA zone chosen on the profile; `None`: the browser's.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The linked RaceTime.gg account: its id and shown name.
    #[serde(default)]
    pub racetime_id: Option<String>,
    #[serde(default)]
    pub racetime_name: Option<String>,
}

/// What Discord's `/users/@me` tells us.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct DiscordProfile {
    pub id: String,
    pub username: String,
    pub global_name: Option<String>,
    pub avatar: Option<String>,
    pub email: Option<String>,
}

/// The profile's RaceTime.gg card: whether this site links accounts and the linked one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RacetimeStatus {
    pub configured: bool,
    pub linked_name: Option<String>,
}

/// What RaceTime.gg's `/o/userinfo` tells us.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RacetimeProfile {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub discriminator: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
}

impl RacetimeProfile {
    /// `name#1234` as RaceTime.gg shows it.
    pub fn shown_name(&self) -> String {
        match (&self.full_name, &self.discriminator) {
            (Some(full), _) if !full.is_empty() => full.clone(),
            (_, Some(d)) if !d.is_empty() => format!("{}#{d}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// OAuth tokens to keep for later calls on the user's behalf (Discord's and RaceTime.gg's have
/// the same shape; [`crate::http::oauth`] obtains and refreshes them).
#[derive(Debug, Clone)]
pub struct OAuthTokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Epoch ms; `None` when the service did not say.
    pub expires_at: Option<i64>,
}

/// RaceTime.gg OAuth tokens.
pub type RacetimeTokens = OAuthTokens;
/// Discord OAuth tokens.
pub type DiscordTokens = OAuthTokens;

/// What a site admin needs to set up Discord sign-in (Site admin → Sign-in): whether an
/// application is configured and where, and what to register with it at Discord. Never carries
/// the client secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DiscordSignInReport {
    /// The configured Discord application's client id (a Discord snowflake); None when sign-in
    /// is not set up.
    pub discord_client_id: Option<String>,
    /// Where the configured values come from ("the environment (SAHABOT_DISCORD_CLIENT_ID, …)"
    /// or the configuration file's path); None when not set up.
    pub configured_in: Option<String>,
    /// Every redirect URL to add on the application's OAuth2 page, from the site's base URL.
    pub redirect_urls: Vec<RedirectUrl>,
    /// The configuration file this server reads (or would read, when it does not exist yet).
    pub config_file: String,
    /// The site's base URL (`SAHABOT_BASE_URL`): redirect URLs start with it, so a site reached
    /// at another address must set it first.
    pub base_url: String,
}

/// One callback address the Discord application must list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RedirectUrl {
    pub url: String,
    /// What uses it ("signing in", "adding the bot to a Discord server").
    pub used_for: String,
}

/// The outcome of asking Discord whether it accepts the configured application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DiscordSignInCheck {
    /// True when Discord accepted the client id and secret.
    pub ok: bool,
    /// The application's name as Discord knows it, when it answered.
    pub application_name: Option<String>,
    /// What was found, and on failure what to fix.
    pub detail: String,
}

/// The profile fields a user edits themselves.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProfileUpdate {
    pub display_name: String,
    pub pronouns: String,
    pub show_pronouns: bool,
    /// IANA zone (`Europe/Berlin`); `None` or empty: the browser's zone.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// What a site admin may change on a user.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AdminUserUpdate {
    pub level: GlobalLevel,
    pub is_active: bool,
    /// None: the default limit.
    pub api_rate_limit_per_minute: Option<i64>,
}

impl UserInfo {
    pub fn to_current(&self, impersonated_by: Option<i64>) -> CurrentUser {
        CurrentUser {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            level: self.level,
            impersonated_by,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub description: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::db::Flag"))]
    pub is_active: bool,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Member {
    pub user_id: i64,
    pub username: String,
    pub display_name: Option<String>,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub joined_at: i64,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrgRequest {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub status: String,
    pub review_notes: Option<String>,
    pub organization_id: Option<i64>,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Role {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub is_builtin: bool,
    pub is_locked: bool,
    /// Built-in actions (from code) followed by stored statements.
    pub statements: Vec<Statement>,
    pub member_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Invite {
    pub id: i64,
    pub organization_id: i64,
    pub slug: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::db::Flag"))]
    pub is_active: bool,
    pub max_uses: Option<i64>,
    pub uses_count: i64,
    #[serde(default, with = "crate::time::rfc3339::option")]
    #[schemars(schema_with = "crate::openapi::optional_date_time")]
    pub expires_at: Option<i64>,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub created_at: i64,
}

/// What the accept page shows before the user joins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InvitePreview {
    pub slug: String,
    pub organization_id: i64,
    pub organization_name: String,
    pub organization_description: String,
    /// None when it can be accepted.
    pub unusable_reason: Option<String>,
}

impl Invite {
    /// Why this invite cannot be used now, if it cannot.
    pub fn unusable_reason(&self, now: i64) -> Option<&'static str> {
        if !self.is_active {
            Some("This invite was revoked.")
        } else if self.expires_at.is_some_and(|e| e <= now) {
            Some("This invite has expired.")
        } else if self.max_uses.is_some_and(|m| self.uses_count >= m) {
            Some("This invite has been used as many times as it allows.")
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::db::Flag"))]
    pub is_active: bool,
    #[serde(default, with = "crate::time::rfc3339::option")]
    #[schemars(schema_with = "crate::openapi::optional_date_time")]
    pub last_used_at: Option<i64>,
    #[serde(default, with = "crate::time::rfc3339::option")]
    #[schemars(schema_with = "crate::openapi::optional_date_time")]
    pub expires_at: Option<i64>,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub created_at: i64,
}

/// A new token: `secret` is the only time the token itself is seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditRecord {
    pub id: i64,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub organization_id: Option<i64>,
    pub action: String,
    pub details: String,
    pub ip_address: Option<String>,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub created_at: i64,
    /// The SUPERADMIN who acted as `user_id` (impersonating), if any.
    #[serde(default)]
    pub impersonated_by: Option<i64>,
    #[serde(default)]
    pub impersonated_by_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditFilter {
    /// None: every organization (SUPERADMIN only; the caller checks).
    pub org_id: Option<i64>,
    pub user_id: Option<i64>,
    /// Prefix of the action, e.g. `member.` or `role.assign`.
    pub action: Option<String>,
    /// Entries older than this id (paging backwards).
    pub before_id: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Setting {
    pub key: String,
    pub value: String,
    pub description: Option<String>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::db::Flag"))]
    pub is_public: bool,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub updated_at: i64,
}
