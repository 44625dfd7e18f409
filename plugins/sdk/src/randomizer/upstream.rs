//! Calls to a randomizer's site: [`Upstream`] is the shared HTTP client (`crate::http`) bound to
//! one site's base URL, with the rules every randomizer call follows:
//! - a time limit per attempt ([`DEFAULT_TIMEOUT`]: generating a seed can take a while, so it is
//!   longer than the shared client's);
//! - bounded retries with back-off (1 s, 2 s, …) when the site could not answer — a timeout, a
//!   connection failure or a 5xx — and never when it answered with a refusal (a 4xx says the
//!   request is wrong; sending it again gets the same answer);
//! - a refusal or failure becomes [`Error::Upstream`] naming the site and carrying its own
//!   message (`alttpr.com refused the seed: The goal field is required.`);
//! - an answer is read up to [`MAX_BODY_BYTES`], and one that is not the JSON expected is an
//!   upstream error too, never a panic or a 500.
//!
//! The base URL is configuration (each randomizer plugin's `base_url` setting, defaulting to the
//! real site), so tests point it at the test kit's fakes.

use std::time::Duration;

use reqwest::{Client, RequestBuilder, Response, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{input::shorten, Error};

/// How long one attempt may take, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How many times a call is tried when the site cannot answer.
pub const DEFAULT_ATTEMPTS: u32 = 3;
/// The wait before the second attempt; it doubles for each one after.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(1);
/// The largest answer read (ALTTPR's seed answer carries the ROM patch: a few hundred KB).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// One randomizer site.
#[derive(Debug, Clone)]
pub struct Upstream {
    service: String,
    base: Url,
    timeout: Duration,
    attempts: u32,
    backoff: Duration,
}

impl Upstream {
    /// `service` is the site's name as users know it (`alttpr.com`); `base_url` an absolute
    /// http(s) URL, e.g. `https://alttpr.com` (paths are joined under it).
    pub fn new(service: &str, base_url: &str) -> Result<Self, Error> {
        let invalid = |why: &str| {
            Error::invalid(
                "base_url",
                format!("The address configured for {service} ({base_url}) {why}."),
            )
        };
        let mut base = Url::parse(base_url.trim()).map_err(|_| invalid("is not a URL"))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(invalid("must start with http:// or https://"));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(invalid("may not have a query or fragment"));
        }
        // Joining `api/x` under `https://host/prefix` must keep `prefix`.
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        Ok(Self {
            service: service.to_string(),
            base,
            timeout: DEFAULT_TIMEOUT,
            attempts: DEFAULT_ATTEMPTS,
            backoff: DEFAULT_BACKOFF,
        })
    }

    /// The site at `config[key]` (a plugin's effective configuration), or at `default` when the
    /// key is missing or empty; `config.timeout_seconds`, when set, is the time limit of each
    /// attempt. Both are site-only settings in a randomizer plugin's schema (`readOnly`), so an
    /// organization cannot point the server at another address.
    pub fn from_config(
        service: &str,
        config: &Value,
        key: &str,
        default: &str,
    ) -> Result<Self, Error> {
        let configured = config
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let site = Self::new(service, configured.unwrap_or(default))?;
        Ok(
            match config.get("timeout_seconds").and_then(Value::as_u64) {
                Some(seconds) if seconds > 0 => site.with_timeout(Duration::from_secs(seconds)),
                _ => site,
            },
        )
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// At least one attempt is always made.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    pub fn with_backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// The site's name, for messages.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// `path` (relative, e.g. `api/randomizer`) under the base URL.
    pub fn url(&self, path: &str) -> Result<Url, Error> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|e| Error::internal(format!("joining {path} to {}: {e}", self.base)))
    }

    /// Sends the request `build` makes for `path`, retrying while the site cannot answer.
    /// `what` names the request in messages ("the seed"). Any 2xx or 3xx answer is returned.
    pub async fn send<F>(&self, what: &str, path: &str, build: F) -> Result<Response, Error>
    where
        F: Fn(&Client, Url) -> RequestBuilder,
    {
        self.send_allowing(what, path, &[], build).await
    }

    /// [`Upstream::send`], except that an answer whose status is in `answers` (a 4xx the
    /// caller reads itself, like ALTTPR's 409 for an unwinnable seed) is returned, not refused.
    pub async fn send_allowing<F>(
        &self,
        what: &str,
        path: &str,
        answers: &[u16],
        build: F,
    ) -> Result<Response, Error>
    where
        F: Fn(&Client, Url) -> RequestBuilder,
    {
        let url = self.url(path)?;
        let client = crate::http::client();
        let mut wait = self.backoff;
        let mut attempt = 1;
        loop {
            let outcome = build(&client, url.clone())
                .timeout(self.timeout)
                .send()
                .await;
            let failure = match outcome {
                Ok(response) if answers.contains(&response.status().as_u16()) => {
                    return Ok(response)
                }
                Ok(response) if response.status().is_server_error() => {
                    let status = response.status();
                    let detail = refusal_message(response).await;
                    format!(
                        "{} could not make {what} (HTTP {}){}",
                        self.service,
                        status.as_u16(),
                        detail.map(|d| format!(": {d}")).unwrap_or_default()
                    )
                }
                Ok(response) if response.status().is_client_error() => {
                    let status = response.status();
                    let detail = refusal_message(response).await;
                    return Err(Error::upstream(
                        &self.service,
                        format!(
                            "{} refused {what}: {}",
                            self.service,
                            detail.unwrap_or_else(|| format!("HTTP {}", status.as_u16()))
                        ),
                    ));
                }
                Ok(response) => return Ok(response),
                Err(e) if e.is_timeout() => format!(
                    "{} did not answer within {} seconds",
                    self.service,
                    self.timeout.as_secs()
                ),
                Err(e) if e.is_connect() => format!("{} could not be reached", self.service),
                Err(e) => {
                    // Without the URL: a site may take its key in the query.
                    tracing::warn!(service = %self.service, "request failed: {}", e.without_url());
                    format!("{} could not be reached", self.service)
                }
            };
            if attempt >= self.attempts {
                let tries = if self.attempts == 1 {
                    String::new()
                } else {
                    format!(" ({} attempts)", self.attempts)
                };
                return Err(Error::upstream(
                    &self.service,
                    format!("{failure}{tries}. Try again in a few minutes."),
                ));
            }
            tracing::info!(service = %self.service, attempt, "{failure}; trying again");
            tokio::time::sleep(wait).await;
            wait *= 2;
            attempt += 1;
        }
    }

    /// The answer's body as text (at most [`MAX_BODY_BYTES`]).
    pub async fn text(&self, response: Response) -> Result<String, Error> {
        let bytes = crate::http::read_limited(response, MAX_BODY_BYTES)
            .await
            .map_err(|e| {
                Error::upstream(&self.service, format!("{}'s answer: {e}.", self.service))
            })?;
        String::from_utf8(bytes).map_err(|_| {
            Error::upstream(
                &self.service,
                format!("{} answered with something that is not text.", self.service),
            )
        })
    }

    /// The answer's body read as `T`; anything else is an upstream error naming what was wrong.
    pub async fn json<T: DeserializeOwned>(&self, response: Response) -> Result<T, Error> {
        let bytes = crate::http::read_limited(response, MAX_BODY_BYTES)
            .await
            .map_err(|e| {
                Error::upstream(&self.service, format!("{}'s answer: {e}.", self.service))
            })?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::upstream(
                &self.service,
                format!(
                    "{} answered with something we cannot read ({e}).",
                    self.service
                ),
            )
        })
    }

    /// GET `path`, read as `T`.
    pub async fn get_json<T: DeserializeOwned>(&self, what: &str, path: &str) -> Result<T, Error> {
        let response = self.send(what, path, |c, url| c.get(url)).await?;
        self.json(response).await
    }

    /// POST `body` as JSON to `path`, read the answer as `T`.
    pub async fn post_json<T: DeserializeOwned>(
        &self,
        what: &str,
        path: &str,
        body: &Value,
    ) -> Result<T, Error> {
        let response = self
            .send(what, path, |c, url| c.post(url).json(body))
            .await?;
        self.json(response).await
    }

    /// POST `form` (url-encoded) to `path`, read the answer as `T`.
    pub async fn post_form<T: DeserializeOwned>(
        &self,
        what: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<T, Error> {
        let response = self
            .send(what, path, |c, url| c.post(url).form(form))
            .await?;
        self.json(response).await
    }
}

/// What a refusal says, as one short line: a JSON answer's `error` / `message` / `detail`, or
/// its `errors` (field → messages, as Laravel sites answer), or the first line of a plain-text
/// answer. HTML pages say nothing useful (None).
async fn refusal_message(response: Response) -> Option<String> {
    let html = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("html"));
    let bytes = crate::http::read_limited(response, MAX_BODY_BYTES)
        .await
        .ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let message = match serde_json::from_str::<Value>(&text) {
        Ok(json) => json_message(&json)?,
        Err(_) if html || text.trim_start().starts_with('<') => return None,
        Err(_) => text
            .lines()
            .find(|l| !l.trim().is_empty())?
            .trim()
            .to_string(),
    };
    Some(shorten(&message, 300))
}

fn json_message(json: &Value) -> Option<String> {
    for key in ["error", "message", "detail"] {
        match json.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => return Some(s.trim().to_string()),
            Some(nested @ Value::Object(_)) => {
                if let Some(found) = json_message(nested) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    let errors = json.get("errors")?;
    let mut parts = Vec::new();
    match errors {
        Value::Object(fields) => {
            for (field, messages) in fields {
                let text = match messages {
                    Value::Array(list) => list
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" "),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                parts.push(format!("{field}: {text}"));
            }
        }
        Value::Array(list) => parts.extend(list.iter().filter_map(Value::as_str).map(String::from)),
        Value::String(s) => parts.push(s.clone()),
        _ => {}
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests;
