//! The OAuth2 authorization-code flow, once for every service we sign users in with or act for
//! (Discord sign-in, adding the bot to a Discord server, linking a RaceTime.gg account):
//! the authorize URL, the code exchange, the token refresh, and reading an API as the user.
//!
//! What differs between services is only configuration ([`OAuthApp`]: its endpoints, client
//! and where users come back); the callers keep what is theirs — the state they sign and check,
//! and what they do with the tokens. Client credentials go in the form body, which Discord and
//! RaceTime.gg both accept, so the test kit's fakes check them there.

use serde::{de::DeserializeOwned, Deserialize};
use serde_json::Value;

use super::client;
use crate::{identity::model::OAuthTokens, Error};

/// One OAuth2 application registered with a service.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    /// The service's name as users know it ("Discord", "RaceTime.gg"); errors name it.
    pub service: &'static str,
    /// Where the browser goes to consent.
    pub authorize_url: String,
    /// Where codes and refresh tokens are traded for tokens.
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// Our callback, exactly as registered with the service.
    pub redirect_uri: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    /// Seconds.
    #[serde(default)]
    expires_in: Option<i64>,
}

/// What ends a refused sign-in or link: the user's way forward.
const RESTART: &str = "Start again from where you began.";

/// The service's own explanation of a refusal (`error_description`, else `error`).
fn refusal_detail(body: &[u8]) -> String {
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    body.get("error_description")
        .or_else(|| body.get("error"))
        .and_then(Value::as_str)
        .unwrap_or("no details")
        .chars()
        .take(200)
        .collect()
}

impl OAuthApp {
    fn upstream(&self, message: String) -> Error {
        tracing::warn!(service = self.service, "oauth: {message}");
        Error::upstream(self.service, message)
    }

    /// The consent page's address for `scopes`, carrying `state` (which the caller keeps or
    /// signs and checks on the way back) and any service-specific `extra` parameters.
    pub fn authorize_url(
        &self,
        scopes: &[&str],
        state: &str,
        extra: &[(&str, &str)],
    ) -> Result<String, Error> {
        // A configuration mistake, named so the site's admin can fix it.
        let mut url = reqwest::Url::parse(&self.authorize_url).map_err(|e| {
            self.upstream(format!(
                "this site's {} authorize address `{}` is not a URL ({e}); its admin must fix \
                 the setting",
                self.service, self.authorize_url
            ))
        })?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &self.client_id)
                .append_pair("redirect_uri", &self.redirect_uri)
                .append_pair("scope", &scopes.join(" "))
                .append_pair("state", state);
            for (name, value) in extra {
                query.append_pair(name, value);
            }
        }
        Ok(url.to_string())
    }

    /// Trades the `code` the service sent back for tokens. `now` is epoch ms, to turn the
    /// answer's lifetime into an expiry.
    pub async fn exchange_code(&self, code: &str, now: i64) -> Result<OAuthTokens, Error> {
        self.token_request(
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &self.redirect_uri),
            ],
            now,
            RESTART,
        )
        .await
    }

    /// New tokens for `refresh_token`. A service may answer without a new refresh token; the
    /// old one is kept then.
    pub async fn refresh(&self, refresh_token: &str, now: i64) -> Result<OAuthTokens, Error> {
        let mut tokens = self
            .token_request(
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token),
                ],
                now,
                RESTART,
            )
            .await?;
        tokens
            .refresh_token
            .get_or_insert_with(|| refresh_token.to_string());
        Ok(tokens)
    }

    /// A token for the application itself (the client-credentials grant), with `scopes`. What
    /// it proves is that the service accepts this client id and secret: the site admin's check
    /// of a sign-in application uses it, no user involved.
    pub async fn client_credentials(
        &self,
        scopes: &[&str],
        now: i64,
    ) -> Result<OAuthTokens, Error> {
        let scope = scopes.join(" ");
        self.token_request(
            &[("grant_type", "client_credentials"), ("scope", &scope)],
            now,
            "The site's client id or secret is wrong.",
        )
        .await
    }

    /// `refused` ends the message when the service says no: what the person can do about it.
    async fn token_request(
        &self,
        grant: &[(&str, &str)],
        now: i64,
        refused: &str,
    ) -> Result<OAuthTokens, Error> {
        let mut form = vec![
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.as_str()),
        ];
        form.extend_from_slice(grant);
        let response = client()
            .post(&self.token_url)
            .form(&form)
            .send()
            .await
            .map_err(|e| self.upstream(format!("{} could not be reached: {e}", self.service)))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| {
            self.upstream(format!("{} did not finish its answer: {e}", self.service))
        })?;
        if !status.is_success() {
            return Err(self.upstream(format!(
                "{} did not accept the authorization ({status}: {}). {refused}",
                self.service,
                refusal_detail(&body)
            )));
        }
        let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|e| {
            self.upstream(format!(
                "{} answered the token request oddly: {e}",
                self.service
            ))
        })?;
        Ok(OAuthTokens {
            access_token: answer.access_token,
            refresh_token: answer.refresh_token,
            expires_at: answer
                .expires_in
                .map(|seconds| now.saturating_add(seconds.saturating_mul(1000))),
        })
    }

    /// `GET url` as the user behind `access_token`, decoded as `T`; `what` names the call in
    /// errors ("your profile", "your servers").
    pub async fn get_as_user<T: DeserializeOwned>(
        &self,
        url: &str,
        access_token: &str,
        what: &str,
    ) -> Result<T, Error> {
        let response = client()
            .get(url)
            .bearer_auth(access_token)
            .send()
            .await
            .map_err(|e| self.upstream(format!("{} could not be reached: {e}", self.service)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(self.upstream(format!(
                "{} did not give {what} ({status}). Try again from the start.",
                self.service
            )));
        }
        let body = response.bytes().await.map_err(|e| {
            self.upstream(format!("{} did not finish its answer: {e}", self.service))
        })?;
        serde_json::from_slice(&body)
            .map_err(|e| self.upstream(format!("{} sent {what} oddly: {e}", self.service)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> OAuthApp {
        OAuthApp {
            service: "Example",
            authorize_url: "https://example.test/oauth2/authorize".into(),
            token_url: "https://example.test/oauth2/token".into(),
            client_id: "id 1".into(),
            client_secret: "secret".into(),
            redirect_uri: "https://site.test/auth/callback".into(),
        }
    }

    #[test]
    fn the_authorize_url_encodes_every_parameter() {
        let url = app()
            .authorize_url(&["identify", "guilds"], "st&te", &[("prompt", "none")])
            .unwrap();
        assert_eq!(
            url,
            "https://example.test/oauth2/authorize?response_type=code&client_id=id+1&\
             redirect_uri=https%3A%2F%2Fsite.test%2Fauth%2Fcallback&scope=identify+guilds&\
             state=st%26te&prompt=none"
        );
    }

    #[test]
    fn a_refusal_keeps_the_services_reason_short() {
        assert_eq!(
            refusal_detail(br#"{"error":"invalid_grant","error_description":"Invalid code"}"#),
            "Invalid code"
        );
        assert_eq!(
            refusal_detail(br#"{"error":"invalid_client"}"#),
            "invalid_client"
        );
        assert_eq!(refusal_detail(b"<html>"), "no details");
        let long = serde_json::json!({ "error": "x".repeat(1000) }).to_string();
        assert_eq!(refusal_detail(long.as_bytes()).len(), 200);
    }
}
