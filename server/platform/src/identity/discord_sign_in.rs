//! Setting up Discord sign-in, for the site admin's page (Site admin → Sign-in): what the
//! server is configured with, what to register with the application at Discord, and a live check
//! that Discord accepts the configured client id and secret.
//!
//! The server builds one [`DiscordSignInSetup`] from its configuration and hands it to pages and
//! server functions in the Leptos context ([`DiscordSetupContext`]); the site-admin guard is the
//! server function's. The check asks Discord for an application token (the client-credentials
//! grant on the shared `sdk::http::oauth` flow) and then for the application behind it
//! (`GET {api}/oauth2/@me`): a wrong secret is refused at the first step, a client id of another
//! application shows at the second. The secret never leaves the server.

use std::sync::Arc;

use serde::Deserialize;

use sdk::{
    http::oauth::OAuthApp,
    identity::model::{DiscordSignInCheck, DiscordSignInReport, RedirectUrl},
};

/// Where sign-in comes back to, under the site's base URL (the route is mounted at it).
pub const SIGN_IN_CALLBACK_PATH: &str = "/auth/callback";

/// The Discord application the server signs users in with.
#[derive(Debug, Clone)]
pub struct DiscordApplication {
    pub client_id: String,
    pub client_secret: String,
    pub token_url: String,
    /// Base of the REST API, e.g. `https://discord.com/api`.
    pub api_url: String,
    /// Where the values come from (the environment, or the configuration file's path).
    pub configured_in: String,
}

/// What the set-up page reports and checks.
#[derive(Debug, Clone)]
pub struct DiscordSignInSetup {
    /// None while sign-in is not configured.
    pub application: Option<DiscordApplication>,
    /// The site's base URL without a trailing slash.
    pub base_url: String,
    /// The configuration file the server reads (or would read).
    pub config_file: String,
}

/// The set-up in the Leptos context of every request (None outside a real server, e.g. in a
/// unit test's render).
#[derive(Clone)]
pub struct DiscordSetupContext(pub Arc<DiscordSignInSetup>);

#[derive(Deserialize)]
struct Authorization {
    application: ApplicationInfo,
}

#[derive(Deserialize)]
struct ApplicationInfo {
    id: String,
    name: String,
}

/// The sign-in callback under `base_url`: what sign-in sends to Discord and what this page tells
/// the admin to register, from one place so the two cannot differ.
pub fn sign_in_redirect_url(base_url: &str) -> String {
    format!("{base_url}{SIGN_IN_CALLBACK_PATH}")
}

impl DiscordSignInSetup {
    /// The sign-in callback, as it must be registered at Discord.
    pub fn sign_in_redirect_url(&self) -> String {
        sign_in_redirect_url(&self.base_url)
    }

    /// The page's facts; `extra_redirects` are callbacks other parts of the site add to the
    /// same application (the bot's "add to server" link), as (path, what uses it).
    pub fn report(&self, extra_redirects: &[(&str, &str)]) -> DiscordSignInReport {
        let mut redirect_urls = vec![RedirectUrl {
            url: self.sign_in_redirect_url(),
            used_for: "signing in".into(),
        }];
        redirect_urls.extend(extra_redirects.iter().map(|(path, used_for)| RedirectUrl {
            url: format!("{}{path}", self.base_url),
            used_for: (*used_for).to_string(),
        }));
        DiscordSignInReport {
            discord_client_id: self.application.as_ref().map(|a| a.client_id.clone()),
            configured_in: self.application.as_ref().map(|a| a.configured_in.clone()),
            redirect_urls,
            config_file: self.config_file.clone(),
            base_url: self.base_url.clone(),
        }
    }

    /// Asks Discord whether it accepts the configured application. A failure is an answer with
    /// `ok: false` saying what to fix, not an error: the page shows it as the check's result.
    pub async fn check(&self, now: i64) -> DiscordSignInCheck {
        let Some(application) = &self.application else {
            return failed(
                None,
                format!(
                    "Discord sign-in is not configured: this server has no client id and secret. \
                     Add them to {} (or the environment) as shown above and restart the server.",
                    self.config_file
                ),
            );
        };
        let oauth = OAuthApp {
            service: "Discord",
            authorize_url: String::new(),
            token_url: application.token_url.clone(),
            client_id: application.client_id.clone(),
            client_secret: application.client_secret.clone(),
            redirect_uri: self.sign_in_redirect_url(),
        };
        let tokens = match oauth.client_credentials(&["identify"], now).await {
            Ok(tokens) => tokens,
            Err(error) => {
                return failed(
                    None,
                    format!(
                        "{} Copy the client id and the client secret again from the \
                         application's OAuth2 page at Discord (reset the secret if you no longer \
                         have it), put them in {} and restart the server.",
                        error.message(),
                        application.configured_in
                    ),
                )
            }
        };
        let url = format!("{}/oauth2/@me", application.api_url.trim_end_matches('/'));
        match oauth
            .get_as_user::<Authorization>(&url, &tokens.access_token, "the application's details")
            .await
        {
            Ok(found) if found.application.id == application.client_id => DiscordSignInCheck {
                ok: true,
                detail: format!(
                    "Discord accepts the client id and secret of the application “{}”. Signing in \
                     works once the application's OAuth2 page lists the redirect URL above.",
                    found.application.name
                ),
                application_name: Some(found.application.name),
            },
            Ok(found) => failed(
                Some(found.application.name),
                format!(
                    "The secret belongs to application {}, not to the configured client id {}: \
                     copy both from the same application.",
                    found.application.id, application.client_id
                ),
            ),
            // The token proves id and secret; only the name is missing.
            Err(error) => DiscordSignInCheck {
                ok: true,
                application_name: None,
                detail: format!(
                    "Discord accepts the client id and secret (the application's name could not \
                     be read: {}).",
                    error.message()
                ),
            },
        }
    }
}

fn failed(application_name: Option<String>, detail: String) -> DiscordSignInCheck {
    DiscordSignInCheck {
        ok: false,
        application_name,
        detail,
    }
}
