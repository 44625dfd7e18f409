//! The RaceTime.gg section: the OAuth2 application for account links ([`RacetimeConfig`]), read
//! from the environment only (`RACETIME_*`, each also with a `SAHABOT_` prefix, which wins).

use super::{pick, ConfigError, Source};

/// A RaceTime.gg OAuth2 application for account links (`RACETIME_URL`, default
/// <https://racetime.gg>; `RACETIME_CLIENT_ID`, `RACETIME_CLIENT_SECRET`; each also with a
/// `SAHABOT_` prefix).
#[derive(Debug, Clone)]
pub struct RacetimeConfig {
    /// Without a trailing slash.
    pub url: String,
    pub client_id: String,
    pub client_secret: String,
}

/// `RACETIME_URL` (or `SAHABOT_RACETIME_URL`) without a trailing slash, when set: where the
/// RaceTime.gg plugin's category bots go, with or without account links.
pub(super) fn url(env: &dyn Source) -> Option<String> {
    pick(env, "SAHABOT_RACETIME_URL", env.var("RACETIME_URL"))
        .filter(|v| !v.trim().is_empty())
        .map(|v| v.trim().trim_end_matches('/').to_string())
}

/// The RaceTime.gg application, or None when neither the client id nor the secret is set.
pub(super) fn load(env: &dyn Source) -> Result<Option<RacetimeConfig>, ConfigError> {
    let racetime_var = |name: &str| {
        pick(env, &format!("SAHABOT_{name}"), env.var(name)).filter(|v| !v.trim().is_empty())
    };
    let racetime = match (
        racetime_var("RACETIME_CLIENT_ID"),
        racetime_var("RACETIME_CLIENT_SECRET"),
    ) {
        (Some(client_id), Some(client_secret)) => Some(RacetimeConfig {
            url: racetime_var("RACETIME_URL")
                .unwrap_or_else(|| platform::identity::racetime::DEFAULT_URL.into())
                .trim_end_matches('/')
                .to_string(),
            client_id,
            client_secret,
        }),
        (None, None) => None,
        (Some(_), None) => {
            return Err(ConfigError::Invalid {
                setting: "RACETIME_CLIENT_SECRET",
                detail: "it is needed together with RACETIME_CLIENT_ID".into(),
            })
        }
        (None, Some(_)) => {
            return Err(ConfigError::Invalid {
                setting: "RACETIME_CLIENT_ID",
                detail: "it is needed together with RACETIME_CLIENT_SECRET".into(),
            })
        }
    };
    Ok(racetime)
}
