//! The Discord OAuth2 client of the link callback: exchange the code for the user's token, then
//! list the user's servers with their permissions. Both URLs come from the settings, so tests use
//! the fake Discord.
//!
//! A leaf: it knows the settings and the rules' [`UserGuild`], nothing of `service`, which calls
//! it (api → service → oauth, never back).

use std::time::Duration;

use sdk::Error;
use serde::Deserialize;
use serde_json::Value;

use crate::{rules::UserGuild, settings::Settings};

const TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
}

fn client() -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .map_err(Error::internal)
}

fn unreachable(e: reqwest::Error) -> Error {
    Error::upstream("Discord", format!("Discord could not be reached: {e}"))
}

/// The user's access token for `code` (the authorization-code grant of the invite).
pub async fn exchange_code(settings: &Settings, code: &str) -> Result<String, Error> {
    let (Some(client_id), Some(client_secret)) = (&settings.client_id, &settings.client_secret)
    else {
        return Err(Error::upstream(
            "Discord",
            "Discord sign-in is not configured on this site (SAHABOT_DISCORD_CLIENT_ID and \
             SAHABOT_DISCORD_CLIENT_SECRET), so servers cannot be linked.",
        ));
    };
    let redirect_uri = settings.link_callback_url();
    let response = client()?
        .post(&settings.token_url)
        .form(&[
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.as_str()),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
        ])
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status();
    if !status.is_success() {
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let detail = body
            .get("error_description")
            .or_else(|| body.get("error"))
            .and_then(Value::as_str)
            .unwrap_or("no details")
            .to_string();
        return Err(Error::upstream(
            "Discord",
            format!(
                "Discord did not accept the authorization ({status}: {detail}). Add the bot again \
                 from the organization's Discord page."
            ),
        ));
    }
    let token: TokenResponse = response.json().await.map_err(|e| {
        Error::upstream(
            "Discord",
            format!("Discord answered the code exchange oddly: {e}"),
        )
    })?;
    Ok(token.access_token)
}

/// The servers of the user behind `access_token`, with their rights there.
pub async fn user_guilds(settings: &Settings, access_token: &str) -> Result<Vec<UserGuild>, Error> {
    let response = client()?
        .get(format!("{}/users/@me/guilds", settings.api_url))
        .bearer_auth(access_token)
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::upstream(
            "Discord",
            format!("Discord did not list your servers ({status}). Try adding the bot again."),
        ));
    }
    let list: Vec<Value> = response.json().await.map_err(|e| {
        Error::upstream("Discord", format!("Discord listed your servers oddly: {e}"))
    })?;
    Ok(list.iter().filter_map(UserGuild::from_json).collect())
}
