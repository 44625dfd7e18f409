//! Discord OAuth2: the authorize redirect, the code exchange, `/users/@me`, token refresh.
//! Every URL comes from configuration, so tests run the whole flow against a local fake.

use oauth2::{
    basic::BasicClient, reqwest, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndpointNotSet, EndpointSet, RedirectUrl, RefreshToken, Scope, TokenResponse, TokenUrl,
};
use platform::{identity::users::DiscordProfile, identity::users::DiscordTokens};
use sdk::{db::now_ms, Error};

use crate::config::DiscordConfig;

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

#[derive(Debug, Clone)]
pub struct Discord {
    client: Client,
    http: reqwest::Client,
    api_url: String,
}

/// Refresh the Discord token when it expires within this long.
pub const REFRESH_MARGIN_MS: i64 = 5 * 60 * 1000;

fn upstream(what: &str, e: impl std::fmt::Display) -> Error {
    tracing::warn!("discord {what} failed: {e}");
    Error::upstream(
        "Discord",
        format!("Discord did not complete the {what}. Try again in a moment."),
    )
}

impl Discord {
    pub fn new(config: &DiscordConfig, base_url: &str) -> Result<Self, String> {
        let client = BasicClient::new(ClientId::new(config.client_id.clone()))
            .set_client_secret(ClientSecret::new(config.client_secret.clone()))
            .set_auth_uri(
                AuthUrl::new(config.authorize_url.clone())
                    .map_err(|e| format!("SAHABOT_DISCORD_AUTHORIZE_URL: {e}"))?,
            )
            .set_token_uri(
                TokenUrl::new(config.token_url.clone())
                    .map_err(|e| format!("SAHABOT_DISCORD_TOKEN_URL: {e}"))?,
            )
            .set_redirect_uri(
                RedirectUrl::new(format!("{base_url}/auth/callback"))
                    .map_err(|e| format!("SAHABOT_BASE_URL: {e}"))?,
            );
        let http = reqwest::ClientBuilder::new()
            // Following redirects from a token endpoint opens the door to SSRF.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            client,
            http,
            api_url: config.api_url.trim_end_matches('/').to_string(),
        })
    }

    /// Where to send the browser, and the state to remember.
    pub fn authorize_url(&self) -> (String, String) {
        let (url, state) = self
            .client
            .authorize_url(CsrfToken::new_random)
            .add_scope(Scope::new("identify".into()))
            .url();
        (url.to_string(), state.secret().clone())
    }

    fn tokens_from(response: &impl TokenResponse) -> DiscordTokens {
        DiscordTokens {
            access_token: response.access_token().secret().clone(),
            refresh_token: response.refresh_token().map(|t| t.secret().clone()),
            expires_at: response
                .expires_in()
                .map(|d| now_ms() + i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2)),
        }
    }

    pub async fn exchange(&self, code: &str) -> Result<DiscordTokens, Error> {
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|e| upstream("sign-in", e))?;
        Ok(Self::tokens_from(&response))
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<DiscordTokens, Error> {
        let response = self
            .client
            .exchange_refresh_token(&RefreshToken::new(refresh_token.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|e| upstream("token refresh", e))?;
        let mut tokens = Self::tokens_from(&response);
        // Discord may omit a new refresh token; keep the old one then.
        tokens
            .refresh_token
            .get_or_insert_with(|| refresh_token.to_string());
        Ok(tokens)
    }

    pub async fn profile(&self, access_token: &str) -> Result<DiscordProfile, Error> {
        let response = self
            .http
            .get(format!("{}/users/@me", self.api_url))
            .bearer_auth(access_token)
            .send()
            .await
            .map_err(|e| upstream("profile lookup", e))?;
        if !response.status().is_success() {
            return Err(upstream("profile lookup", response.status()));
        }
        // oauth2's reqwest has no `json` feature; decode the bytes ourselves.
        let body = response
            .bytes()
            .await
            .map_err(|e| upstream("profile lookup", e))?;
        serde_json::from_slice(&body).map_err(|e| upstream("profile lookup", e))
    }
}
