//! Linking a RaceTime.gg account to a SahaBot user through RaceTime's OAuth2: the authorize
//! URL with a signed state bound to the user and an expiry, the code exchange at `/o/token`,
//! the profile from `/o/userinfo`, and the link itself (one transaction with its audit entry,
//! in [`users::link_racetime`]). The base URL is configuration, so tests run against
//! `testkit::fake_racetime`.

use serde::Deserialize;

use super::{
    model::{RacetimeProfile, RacetimeTokens, UserInfo},
    users,
};
use sdk::{auth::signed, db::Db, Error};

/// How long a link attempt may take between leaving for RaceTime.gg and coming back.
pub const STATE_VALIDITY_MS: i64 = 15 * 60 * 1000;
/// What the state's signature is for (a Discord state can never pass as a RaceTime one).
const PURPOSE: &str = "racetime-link";
/// RaceTime.gg itself.
pub const DEFAULT_URL: &str = "https://racetime.gg";

/// A RaceTime.gg OAuth2 application (`RACETIME_URL`, `RACETIME_CLIENT_ID`,
/// `RACETIME_CLIENT_SECRET`) and where it sends users back.
#[derive(Debug, Clone)]
pub struct RacetimeOAuth {
    /// Without a trailing slash.
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// `{site}/auth/racetime/callback`.
    pub redirect_uri: String,
    /// The site's secret key, for the signed state.
    pub secret_key: String,
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

impl RacetimeOAuth {
    /// A fresh signed state for `user_id`, valid for [`STATE_VALIDITY_MS`].
    pub fn state_for(&self, user_id: i64, now: i64) -> Result<String, Error> {
        signed::sign(
            &self.secret_key,
            PURPOSE,
            &[user_id, now + STATE_VALIDITY_MS],
        )
    }

    /// Where the browser goes to allow the link.
    pub fn authorize_url(&self, state: &str) -> Result<String, Error> {
        let mut url = reqwest::Url::parse(&format!("{}/o/authorize", self.base_url))
            .map_err(|e| Error::internal(format!("RACETIME_URL is not a URL: {e}")))?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("response_type", "code")
            .append_pair("scope", "read")
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("state", state);
        Ok(url.to_string())
    }

    /// Checks that `state` is this site's, issued to `user_id` and not expired.
    pub fn check_state(&self, state: &str, user_id: i64, now: i64) -> Result<(), Error> {
        let fields = signed::verify(&self.secret_key, PURPOSE, state, 2).ok_or_else(|| {
            Error::invalid(
                "state",
                "The answer from RaceTime.gg does not carry a link this site issued (it is damaged \
                 or was changed). Start again with \"Link RaceTime.gg\" on your profile page.",
            )
        })?;
        if fields[0] != user_id {
            return Err(Error::forbidden(
                "This RaceTime.gg link was started by another SahaBot user. Sign in as yourself \
                 and start again from your profile page.",
            ));
        }
        if now > fields[1] {
            return Err(Error::invalid(
                "state",
                "Linking took longer than 15 minutes, so the attempt expired. Start again from \
                 your profile page.",
            ));
        }
        Ok(())
    }

    /// Trades the authorization `code` for tokens at `POST {RACETIME_URL}/o/token`.
    pub async fn exchange(
        &self,
        http: &reqwest::Client,
        code: &str,
        now: i64,
    ) -> Result<RacetimeTokens, Error> {
        let answer = http
            .post(format!("{}/o/token", self.base_url))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("client_id", &self.client_id),
                ("client_secret", &self.client_secret),
                ("redirect_uri", &self.redirect_uri),
            ])
            .send()
            .await
            .map_err(|e| Error::upstream("RaceTime.gg", format!("could not reach it: {e}")))?;
        if !answer.status().is_success() {
            return Err(Error::upstream(
                "RaceTime.gg",
                format!(
                    "it refused the sign-in code ({}); start again from your profile page",
                    answer.status()
                ),
            ));
        }
        let tokens: TokenAnswer = answer
            .json()
            .await
            .map_err(|e| Error::upstream("RaceTime.gg", format!("unreadable token answer: {e}")))?;
        Ok(RacetimeTokens {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at: tokens.expires_in.map(|s| now + s * 1000),
        })
    }

    /// The account behind `access_token` (`GET {RACETIME_URL}/o/userinfo`).
    pub async fn userinfo(
        &self,
        http: &reqwest::Client,
        access_token: &str,
    ) -> Result<RacetimeProfile, Error> {
        let answer = http
            .get(format!("{}/o/userinfo", self.base_url))
            .bearer_auth(access_token)
            .send()
            .await
            .map_err(|e| Error::upstream("RaceTime.gg", format!("could not reach it: {e}")))?;
        if !answer.status().is_success() {
            return Err(Error::upstream(
                "RaceTime.gg",
                format!("it did not tell who you are ({})", answer.status()),
            ));
        }
        answer
            .json()
            .await
            .map_err(|e| Error::upstream("RaceTime.gg", format!("unreadable user info: {e}")))
    }

    /// The callback: checks the state against the signed-in `user_id`, exchanges the code,
    /// reads the account and links it.
    pub async fn complete_link(
        &self,
        db: &Db,
        user_id: i64,
        code: &str,
        state: &str,
        now: i64,
        ip: Option<&str>,
    ) -> Result<UserInfo, Error> {
        self.check_state(state, user_id, now)?;
        if code.trim().is_empty() {
            return Err(Error::invalid(
                "code",
                "RaceTime.gg sent no authorization code.",
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(Error::internal)?;
        let tokens = self.exchange(&http, code, now).await?;
        let profile = self.userinfo(&http, &tokens.access_token).await?;
        users::link_racetime(db, user_id, &profile, &tokens, ip).await
    }
}

/// Whether this site links RaceTime.gg accounts: the server puts it in every request's
/// context; `None` inside when no RaceTime application is configured.
#[derive(Debug, Clone, Default)]
pub struct RacetimeLinking(pub Option<std::sync::Arc<RacetimeOAuth>>);
