//! The Discord section: sign-in through a Discord application ([`DiscordConfig`], both
//! `SAHABOT_DISCORD_CLIENT_ID` and `_SECRET` or neither), the Discord users made SUPERADMIN on
//! sign-in, and the bot's token and REST base URL. `Config::load_from` (in `mod.rs`) calls these
//! in its order.

use super::{pick, ConfigError, FileConfig, Source};

/// A Discord application for OAuth2 sign-in. The URLs default to Discord's and are settings so
/// tests (and proxies) can point them elsewhere.
#[derive(Debug, Clone)]
pub struct DiscordConfig {
    pub client_id: String,
    pub client_secret: String,
    pub authorize_url: String,
    pub token_url: String,
    /// Base of the REST API (`/users/@me` is appended).
    pub api_url: String,
    /// Where the client id came from, for the site admin's set-up page: the environment, or
    /// the configuration file's path.
    pub configured_in: String,
}

pub const DISCORD_AUTHORIZE_URL: &str = "https://discord.com/oauth2/authorize";
pub const DISCORD_TOKEN_URL: &str = "https://discord.com/api/oauth2/token";
pub const DISCORD_API_URL: &str = "https://discord.com/api";

/// Discord sign-in, or None when neither the client id nor the secret is set.
pub(super) fn sign_in(
    env: &dyn Source,
    file: &mut FileConfig,
    config_file: &std::path::Path,
) -> Result<Option<DiscordConfig>, ConfigError> {
    let configured_in = if env.var("SAHABOT_DISCORD_CLIENT_ID").is_some() {
        "the environment (SAHABOT_DISCORD_CLIENT_ID and SAHABOT_DISCORD_CLIENT_SECRET)".to_string()
    } else {
        config_file.display().to_string()
    };
    let discord = match (
        pick(
            env,
            "SAHABOT_DISCORD_CLIENT_ID",
            file.discord_client_id.take(),
        ),
        pick(
            env,
            "SAHABOT_DISCORD_CLIENT_SECRET",
            file.discord_client_secret.take(),
        ),
    ) {
        (Some(client_id), Some(client_secret)) => Some(DiscordConfig {
            client_id,
            client_secret,
            authorize_url: pick(
                env,
                "SAHABOT_DISCORD_AUTHORIZE_URL",
                file.discord_authorize_url.take(),
            )
            .unwrap_or_else(|| DISCORD_AUTHORIZE_URL.into()),
            token_url: pick(
                env,
                "SAHABOT_DISCORD_TOKEN_URL",
                file.discord_token_url.take(),
            )
            .unwrap_or_else(|| DISCORD_TOKEN_URL.into()),
            api_url: pick(env, "SAHABOT_DISCORD_API_URL", file.discord_api_url.take())
                .unwrap_or_else(|| DISCORD_API_URL.into()),
            configured_in,
        }),
        (None, None) => None,
        (Some(_), None) => {
            return Err(ConfigError::Invalid {
                setting: "SAHABOT_DISCORD_CLIENT_SECRET",
                detail: "it is needed together with SAHABOT_DISCORD_CLIENT_ID".into(),
            })
        }
        (None, Some(_)) => {
            return Err(ConfigError::Invalid {
                setting: "SAHABOT_DISCORD_CLIENT_ID",
                detail: "it is needed together with SAHABOT_DISCORD_CLIENT_SECRET".into(),
            })
        }
    };
    Ok(discord)
}

/// `SAHABOT_SUPERADMIN_DISCORD_IDS`: comma-separated Discord user ids, digits only.
pub(super) fn superadmin_ids(
    env: &dyn Source,
    file: &mut FileConfig,
) -> Result<Vec<String>, ConfigError> {
    let superadmin_discord_ids = pick(
        env,
        "SAHABOT_SUPERADMIN_DISCORD_IDS",
        file.superadmin_discord_ids.take(),
    )
    .unwrap_or_default()
    .split(',')
    .map(str::trim)
    .filter(|id| !id.is_empty())
    .map(str::to_string)
    .collect::<Vec<_>>();
    if let Some(bad) = superadmin_discord_ids
        .iter()
        .find(|id| !id.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(ConfigError::Invalid {
            setting: "SAHABOT_SUPERADMIN_DISCORD_IDS",
            detail: format!(
                "`{bad}` is not a Discord user id (digits only; separate ids with commas)"
            ),
        });
    }
    Ok(superadmin_discord_ids)
}

/// `DISCORD_TOKEN` (or `SAHABOT_DISCORD_TOKEN`): the bot's token.
pub(super) fn bot_token(env: &dyn Source, file: &mut FileConfig) -> Option<String> {
    env.var("DISCORD_TOKEN")
        .or_else(|| env.var("SAHABOT_DISCORD_TOKEN"))
        .or(file.discord_bot_token.take())
        .map(|t| t.trim().to_string())
}

/// The bot's REST base: sign-in's API URL when sign-in is configured, else
/// `SAHABOT_DISCORD_API_URL`, else Discord's; without a trailing slash.
pub(super) fn api_url(env: &dyn Source, discord: Option<&DiscordConfig>) -> String {
    discord
        .map(|d| d.api_url.clone())
        .or_else(|| env.var("SAHABOT_DISCORD_API_URL"))
        .unwrap_or_else(|| DISCORD_API_URL.into())
        .trim_end_matches('/')
        .to_string()
}
