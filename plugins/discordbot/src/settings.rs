//! The deployment settings the bot runs with, read once in `on_load` from what the server passes
//! to plugins (`LoadContext::setting`). Secrets included: never logged, never sent to browsers.

use std::time::Duration;

use sdk::{http::oauth::OAuthApp, Error};

/// Where a Discord OAuth2 consent screen lives unless `DISCORD_AUTHORIZE_URL` says otherwise.
pub const DEFAULT_AUTHORIZE_URL: &str = "https://discord.com/oauth2/authorize";
/// Discord's REST API unless `DISCORD_API_URL` says otherwise.
pub const DEFAULT_API_URL: &str = "https://discord.com/api";
/// Where Discord sends an organization admin back after adding the bot (the link callback
/// server function), under the site's base URL; the site admin registers it with the
/// application (Site admin → Sign-in lists it).
pub const LINK_CALLBACK_PATH: &str = "/api/p/discordbot/link_callback";
/// How long the gateway lease lasts without a heartbeat (`DISCORD_GATEWAY_LEASE_SECONDS`).
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);
/// The shortest lease accepted (tests use a few seconds; shorter only makes the database busy).
const MIN_LEASE: Duration = Duration::from_millis(300);

#[derive(Clone)]
pub struct Settings {
    /// `DISCORD_TOKEN`; None: the bot stays off and the site says so.
    pub token: Option<String>,
    /// `DISCORD_API_URL` without a trailing slash, e.g. `https://discord.com/api`; the bot's REST
    /// base is `{api_url}/v10`.
    pub api_url: String,
    /// `DISCORD_CLIENT_ID` / `DISCORD_CLIENT_SECRET`: the application, for the invite link and the
    /// code exchange of the link callback.
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub authorize_url: String,
    /// Defaults to `{api_url}/oauth2/token`.
    pub token_url: String,
    /// `SECRET_KEY`: signs the state of invite links.
    pub secret_key: String,
    /// `BASE_URL`: where users reach the site (the invite's redirect URI starts with it).
    pub base_url: String,
    /// `DISCORD_GATEWAY_LEASE_SECONDS` (decimals allowed).
    pub lease: Duration,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("api_url", &self.api_url)
            .field("client_id", &self.client_id)
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .field("base_url", &self.base_url)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Reads the settings through `get` (`LoadContext::setting`). Blank values count as absent.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let api_url = get("DISCORD_API_URL")
            .unwrap_or_else(|| DEFAULT_API_URL.to_string())
            .trim_end_matches('/')
            .to_string();
        let lease = get("DISCORD_GATEWAY_LEASE_SECONDS")
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(DEFAULT_LEASE)
            .max(MIN_LEASE);
        Self {
            token: get("DISCORD_TOKEN"),
            token_url: get("DISCORD_TOKEN_URL")
                .unwrap_or_else(|| format!("{api_url}/oauth2/token")),
            client_id: get("DISCORD_CLIENT_ID"),
            client_secret: get("DISCORD_CLIENT_SECRET"),
            authorize_url: get("DISCORD_AUTHORIZE_URL")
                .unwrap_or_else(|| DEFAULT_AUTHORIZE_URL.to_string()),
            secret_key: get("SECRET_KEY").unwrap_or_default(),
            base_url: get("BASE_URL")
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string(),
            api_url,
            lease,
        }
    }

    /// The bot's REST base, `{api_url}/v10`.
    pub fn rest_base(&self) -> String {
        format!("{}/v10", self.api_url)
    }

    /// What serenity's `HttpBuilder::proxy` needs so its requests reach `api_url`.
    ///
    /// serenity builds every route as `https://discord.com/api/v10/…` and, with a proxy set,
    /// replaces `https://discord.com` in it with the proxy. So the proxy is `api_url` without its
    /// `/api`: `http://127.0.0.1:PORT/api` → `http://127.0.0.1:PORT`. None means Discord itself;
    /// an API URL that does not end in `/api` cannot be expressed and is an error naming the
    /// setting. (serenity's rate limiter ignores the proxy, so the bot turns it off with one.)
    pub fn serenity_proxy(&self) -> Result<Option<String>, String> {
        if self.api_url == DEFAULT_API_URL {
            return Ok(None);
        }
        match self.api_url.strip_suffix("/api") {
            Some(host) if !host.is_empty() => Ok(Some(host.to_string())),
            _ => Err(format!(
                "DISCORD_API_URL `{}` must end with /api (like https://discord.com/api) for the bot",
                self.api_url
            )),
        }
    }

    /// The redirect URI of the invite link: the link callback server function.
    pub fn link_callback_url(&self) -> String {
        format!("{}{LINK_CALLBACK_PATH}", self.base_url)
    }

    /// The site's Discord application on the shared OAuth flow, for the invite and its
    /// callback; an error saying what to configure when it has no client id or secret.
    pub fn oauth_app(&self) -> Result<OAuthApp, Error> {
        let (Some(client_id), Some(client_secret)) = (&self.client_id, &self.client_secret) else {
            return Err(Error::conflict(
                "Discord sign-in is not configured on this site (SAHABOT_DISCORD_CLIENT_ID and \
                 SAHABOT_DISCORD_CLIENT_SECRET), so servers cannot be linked.",
            ));
        };
        Ok(OAuthApp {
            service: "Discord",
            authorize_url: self.authorize_url.clone(),
            token_url: self.token_url.clone(),
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
            redirect_uri: self.link_callback_url(),
        })
    }

    /// How often the holder renews the gateway lease and others look at it.
    pub fn lease_heartbeat(&self) -> Duration {
        self.lease / 3
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use std::collections::BTreeMap;

    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_point_at_discord() {
        let s = settings(&[("DISCORD_TOKEN", "  ")]);
        assert_eq!(s.token, None, "a blank token is no token");
        assert_eq!(s.api_url, DEFAULT_API_URL);
        assert_eq!(s.rest_base(), "https://discord.com/api/v10");
        assert_eq!(s.token_url, "https://discord.com/api/oauth2/token");
        assert_eq!(s.authorize_url, DEFAULT_AUTHORIZE_URL);
        assert_eq!(s.serenity_proxy(), Ok(None));
        assert_eq!(s.lease, DEFAULT_LEASE);
        assert_eq!(s.lease_heartbeat(), Duration::from_secs(10));
    }

    #[test]
    fn a_local_api_becomes_serenitys_proxy() {
        let s = settings(&[
            ("DISCORD_API_URL", "http://127.0.0.1:4567/api/"),
            ("BASE_URL", "https://sahabot.example/"),
            ("DISCORD_GATEWAY_LEASE_SECONDS", "1.5"),
        ]);
        assert_eq!(s.api_url, "http://127.0.0.1:4567/api");
        assert_eq!(s.serenity_proxy(), Ok(Some("http://127.0.0.1:4567".into())));
        assert_eq!(s.token_url, "http://127.0.0.1:4567/api/oauth2/token");
        assert_eq!(
            s.link_callback_url(),
            "https://sahabot.example/api/p/discordbot/link_callback"
        );
        assert_eq!(s.lease, Duration::from_millis(1500));
        let odd = settings(&[("DISCORD_API_URL", "http://proxy.local/discord")]);
        assert!(odd
            .serenity_proxy()
            .unwrap_err()
            .contains("DISCORD_API_URL"));
        let tiny = settings(&[("DISCORD_GATEWAY_LEASE_SECONDS", "0.01")]);
        assert_eq!(tiny.lease, MIN_LEASE);
        let nonsense = settings(&[("DISCORD_GATEWAY_LEASE_SECONDS", "soon")]);
        assert_eq!(nonsense.lease, DEFAULT_LEASE);
    }
}
