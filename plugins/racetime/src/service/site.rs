//! racetime.gg's HTTP API as a category bot uses it (docs/upstreams/racetime.md §2–§6): the
//! client-credentials token, `startrace`, the bot's view of its category, and a room's data.
//! Every call goes through the one shared client (`sdk::http`), so it ends within its timeout.

use sdk::Error;
use serde::Deserialize;
use serde_json::Value;

use crate::rules::race::RaceData;

const SERVICE: &str = "RaceTime.gg";

/// Why a call failed, as far as the caller must tell apart.
#[derive(Debug)]
pub enum SiteError {
    /// The credentials were refused (401 `invalid_client`): the bot was deactivated or its
    /// secret rotated. Retrying cannot help.
    Refused(String),
    /// The token is not (or no longer) good for this (403).
    Forbidden,
    /// racetime.gg said the request is wrong (422): `field` and the site's words.
    Invalid(String, String),
    NotFound,
    /// Unreachable, a 5xx, or an answer we cannot read: may be retried.
    Unavailable(String),
}

impl From<SiteError> for Error {
    fn from(e: SiteError) -> Self {
        match e {
            SiteError::Refused(m) => {
                Error::upstream(SERVICE, format!("the bot's credentials were refused: {m}"))
            }
            SiteError::Forbidden => {
                Error::upstream(SERVICE, "the bot's token was refused for this category")
            }
            SiteError::Invalid(field, m) => Error::invalid(field, format!("racetime.gg: {m}")),
            SiteError::NotFound => {
                Error::not_found("racetime.gg does not know this category or room.")
            }
            SiteError::Unavailable(m) => Error::upstream(SERVICE, m),
        }
    }
}

impl std::fmt::Display for SiteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SiteError::Refused(m) => write!(f, "credentials refused: {m}"),
            SiteError::Forbidden => write!(f, "token refused (403)"),
            SiteError::Invalid(field, m) => write!(f, "{field}: {m}"),
            SiteError::NotFound => write!(f, "not found (404)"),
            SiteError::Unavailable(m) => write!(f, "{m}"),
        }
    }
}

fn unavailable(e: impl std::fmt::Display) -> SiteError {
    SiteError::Unavailable(format!("racetime.gg could not be reached: {e}"))
}

/// A bot's access token.
#[derive(Debug, Clone, Deserialize)]
pub struct Token {
    pub access_token: String,
    /// Seconds; racetime.gg's default when missing.
    #[serde(default = "default_expiry")]
    pub expires_in: i64,
}

fn default_expiry() -> i64 {
    36_000
}

/// `POST /o/token` with the client-credentials grant.
pub async fn token(base: &str, client_id: &str, client_secret: &str) -> Result<Token, SiteError> {
    let response = sdk::http::client()
        .post(format!("{base}/o/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", client_secret),
        ])
        .send()
        .await
        .map_err(unavailable)?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(unavailable)?;
    match status {
        200 => serde_json::from_str(&body).map_err(|e| {
            SiteError::Unavailable(format!("racetime.gg's token answer is unreadable: {e}"))
        }),
        400 | 401 => {
            let error = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_else(|| format!("HTTP {status}"));
            Err(SiteError::Refused(error))
        }
        _ => Err(SiteError::Unavailable(format!(
            "racetime.gg answered the token request with HTTP {status}"
        ))),
    }
}

/// `POST /o/<cat>/startrace`: the new room's slug, from the `Location` header.
pub async fn startrace(
    base: &str,
    category: &str,
    token: &str,
    form: &[(String, String)],
) -> Result<String, SiteError> {
    let response = sdk::http::client()
        .post(format!("{base}/o/{category}/startrace"))
        .bearer_auth(token)
        .form(form)
        .send()
        .await
        .map_err(unavailable)?;
    let status = response.status().as_u16();
    match status {
        201 => {
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            // `/<cat>/<slug>`: a path; a full URL is taken too.
            let path = location
                .rsplit_once("://")
                .map_or(location.as_str(), |(_, rest)| {
                    rest.find('/').map_or("", |i| &rest[i..])
                });
            let mut parts = path.trim_matches('/').split('/');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(cat), Some(slug), None) if cat == category && !slug.is_empty() => {
                    Ok(slug.to_string())
                }
                _ => Err(SiteError::Unavailable(format!(
                    "racetime.gg opened a room but named it {location:?}"
                ))),
            }
        }
        403 => Err(SiteError::Forbidden),
        404 => Err(SiteError::NotFound),
        422 => {
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let (field, message) = body
                .get("errors")
                .and_then(Value::as_object)
                .and_then(|errors| {
                    errors.iter().next().map(|(field, messages)| {
                        let text = messages
                            .as_array()
                            .map(|m| {
                                m.iter()
                                    .filter_map(Value::as_str)
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            })
                            .unwrap_or_default();
                        (field.clone(), text)
                    })
                })
                .unwrap_or_else(|| ("room".into(), "the room's settings were refused".into()));
            let field = if field == "__all__" {
                "room".to_string()
            } else {
                field
            };
            Err(SiteError::Invalid(field, message))
        }
        _ => Err(SiteError::Unavailable(format!(
            "racetime.gg answered startrace with HTTP {status}"
        ))),
    }
}

/// A room in the bot's category listing.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RoomSummary {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub info: String,
    #[serde(default)]
    pub opened_by_bot: Option<String>,
}

/// The category as the bot sees it (unlisted rooms included).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Category {
    #[serde(default)]
    pub goals: Vec<String>,
    #[serde(default)]
    pub current_races: Vec<RoomSummary>,
}

/// `GET /o/<cat>/data`.
pub async fn category(base: &str, category: &str, token: &str) -> Result<Category, SiteError> {
    let response = sdk::http::client()
        .get(format!("{base}/o/{category}/data"))
        .bearer_auth(token)
        .send()
        .await
        .map_err(unavailable)?;
    match response.status().as_u16() {
        200 => response.json().await.map_err(|e| {
            SiteError::Unavailable(format!("racetime.gg's category is unreadable: {e}"))
        }),
        403 => Err(SiteError::Forbidden),
        404 => Err(SiteError::NotFound),
        status => Err(SiteError::Unavailable(format!(
            "racetime.gg answered the category request with HTTP {status}"
        ))),
    }
}

/// `GET /<cat>/<slug>/data`, and the raw JSON as stored.
pub async fn room(base: &str, category: &str, slug: &str) -> Result<(RaceData, Value), SiteError> {
    let response = sdk::http::client()
        .get(format!("{base}/{category}/{slug}/data"))
        .send()
        .await
        .map_err(unavailable)?;
    match response.status().as_u16() {
        200 => {
            let raw: Value = response
                .json()
                .await
                .map_err(|e| SiteError::Unavailable(format!("the room is unreadable: {e}")))?;
            let race = serde_json::from_value(raw.clone())
                .map_err(|e| SiteError::Unavailable(format!("the room is unreadable: {e}")))?;
            Ok((race, raw))
        }
        404 => Err(SiteError::NotFound),
        status => Err(SiteError::Unavailable(format!(
            "racetime.gg answered the room request with HTTP {status}"
        ))),
    }
}
