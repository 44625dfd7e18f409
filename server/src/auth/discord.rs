//! Signing in with Discord: the authorize redirect, the code exchange, `/users/@me` and the
//! token refresh, on the shared OAuth flow (`sdk::http::oauth`). Every URL comes from
//! configuration, so tests run the whole flow against a local fake.

use platform::identity::users::{DiscordProfile, DiscordTokens};
use sdk::{
    auth::tokens::new_secret,
    db::now_ms,
    http::{oauth::OAuthApp, Url},
    Error,
};

use crate::config::DiscordConfig;

/// Discord as a sign-in provider: the OAuth application and the REST base for `/users/@me`.
#[derive(Debug, Clone)]
pub struct Discord {
    app: OAuthApp,
    api_url: String,
}

/// Refresh the Discord token when it expires within this long.
pub const REFRESH_MARGIN_MS: i64 = 5 * 60 * 1000;

impl Discord {
    pub fn new(config: &DiscordConfig, base_url: &str) -> Result<Self, String> {
        for (name, url) in [
            ("SAHABOT_DISCORD_AUTHORIZE_URL", &config.authorize_url),
            ("SAHABOT_DISCORD_TOKEN_URL", &config.token_url),
        ] {
            Url::parse(url).map_err(|e| format!("{name}: {e}"))?;
        }
        let redirect_uri = platform::identity::discord_sign_in::sign_in_redirect_url(base_url);
        Url::parse(&redirect_uri).map_err(|e| format!("SAHABOT_BASE_URL: {e}"))?;
        Ok(Self {
            app: OAuthApp {
                service: "Discord",
                authorize_url: config.authorize_url.clone(),
                token_url: config.token_url.clone(),
                client_id: config.client_id.clone(),
                client_secret: config.client_secret.clone(),
                redirect_uri,
            },
            api_url: config.api_url.trim_end_matches('/').to_string(),
        })
    }

    /// Where to send the browser, and the state to remember (random, kept in the session).
    pub fn authorize_url(&self) -> Result<(String, String), Error> {
        let state = new_secret();
        let url = self.app.authorize_url(&["identify"], &state, &[])?;
        Ok((url, state))
    }

    pub async fn exchange(&self, code: &str) -> Result<DiscordTokens, Error> {
        self.app.exchange_code(code, now_ms()).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<DiscordTokens, Error> {
        self.app.refresh(refresh_token, now_ms()).await
    }

    pub async fn profile(&self, access_token: &str) -> Result<DiscordProfile, Error> {
        self.app
            .get_as_user(
                &format!("{}/users/@me", self.api_url),
                access_token,
                "your profile",
            )
            .await
    }
}
