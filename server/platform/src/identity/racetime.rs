//! Linking a RaceTime.gg account to a SahaBot user through RaceTime's OAuth2: the authorize
//! URL with a signed state bound to the user and an expiry, the code exchange at `/o/token` and
//! the profile from `/o/userinfo` (both on the shared `sdk::http::oauth` flow), and the link
//! itself (one transaction with its audit entry, in [`users::link_racetime`]). The base URL is configuration, so tests run against
//! `testkit::fake_racetime`.

use super::{
    model::{RacetimeProfile, UserInfo},
    users,
};
use sdk::{auth::signed, db::Db, http::oauth::OAuthApp, Error};

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

impl RacetimeOAuth {
    /// A fresh signed state for `user_id`, valid for [`STATE_VALIDITY_MS`].
    pub fn state_for(&self, user_id: i64, now: i64) -> Result<String, Error> {
        signed::sign(
            &self.secret_key,
            PURPOSE,
            &[user_id, now + STATE_VALIDITY_MS],
        )
    }

    /// The application on the shared OAuth flow.
    fn app(&self) -> OAuthApp {
        OAuthApp {
            service: "RaceTime.gg",
            authorize_url: format!("{}/o/authorize", self.base_url),
            token_url: format!("{}/o/token", self.base_url),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            redirect_uri: self.redirect_uri.clone(),
        }
    }

    /// Where the browser goes to allow the link.
    pub fn authorize_url(&self, state: &str) -> Result<String, Error> {
        self.app().authorize_url(&["read"], state, &[])
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
        let app = self.app();
        let tokens = app.exchange_code(code, now).await?;
        let profile: RacetimeProfile = app
            .get_as_user(
                &format!("{}/o/userinfo", self.base_url),
                &tokens.access_token,
                "your account",
            )
            .await?;
        users::link_racetime(db, user_id, &profile, &tokens, ip).await
    }
}

/// Whether this site links RaceTime.gg accounts: the server puts it in every request's
/// context; `None` inside when no RaceTime application is configured.
#[derive(Debug, Clone, Default)]
pub struct RacetimeLinking(pub Option<std::sync::Arc<RacetimeOAuth>>);
