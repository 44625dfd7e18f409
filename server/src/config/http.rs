//! The HTTP server section: where it listens (`SAHABOT_ADDR`, or `serve --addr` through
//! [`Config::with_addr`]) and the address users reach it at (`SAHABOT_BASE_URL`), how long a
//! request and a shutdown may take, the rate limits, and the trusted reverse proxies.
//! `Config::load_from` (in `mod.rs`) calls these in its order; each error names its setting.

use std::net::SocketAddr;

use super::{pick, Config, ConfigError, FileConfig, Source};
use crate::auth::{client_ip::TrustedProxies, rate_limit::RateLimits};

pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
pub const DEFAULT_REQUEST_TIMEOUT_SECONDS: u64 = 30;
pub const DEFAULT_SHUTDOWN_GRACE_SECONDS: u64 = 10;

/// `SAHABOT_ADDR`, default [`DEFAULT_ADDR`].
pub(super) fn addr(env: &dyn Source, file: &mut FileConfig) -> Result<SocketAddr, ConfigError> {
    let addr_text =
        pick(env, "SAHABOT_ADDR", file.addr.take()).unwrap_or_else(|| DEFAULT_ADDR.into());
    parse_addr("SAHABOT_ADDR", &addr_text)
}

/// `SAHABOT_BASE_URL`, default `http://{addr}`; without a trailing slash.
pub(super) fn base_url(
    env: &dyn Source,
    file: &mut FileConfig,
    addr: SocketAddr,
) -> Result<String, ConfigError> {
    let base_url = pick(env, "SAHABOT_BASE_URL", file.base_url.take())
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_string();
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return Err(ConfigError::Invalid {
            setting: "SAHABOT_BASE_URL",
            detail: format!("`{base_url}` must start with http:// or https://"),
        });
    }
    Ok(base_url)
}

/// What bounds the server's work: [`Config`]'s fields of the same names.
pub(super) struct Limits {
    pub request_timeout: std::time::Duration,
    pub shutdown_grace: std::time::Duration,
    pub rate_limits: RateLimits,
    pub trusted_proxies: TrustedProxies,
}

/// The time limits, rate limits and trusted proxies, checked in that order.
pub(super) fn limits(env: &dyn Source, file: &mut FileConfig) -> Result<Limits, ConfigError> {
    let request_timeout = seconds(
        "SAHABOT_REQUEST_TIMEOUT_SECONDS",
        pick(
            env,
            "SAHABOT_REQUEST_TIMEOUT_SECONDS",
            file.request_timeout_seconds.take(),
        ),
        DEFAULT_REQUEST_TIMEOUT_SECONDS,
    )?;
    let shutdown_grace = seconds(
        "SAHABOT_SHUTDOWN_GRACE_SECONDS",
        pick(
            env,
            "SAHABOT_SHUTDOWN_GRACE_SECONDS",
            file.shutdown_grace_seconds.take(),
        ),
        DEFAULT_SHUTDOWN_GRACE_SECONDS,
    )?;
    let defaults = RateLimits::default();
    let rate_limits = RateLimits {
        anonymous_per_minute: per_minute(
            "SAHABOT_RATE_LIMIT_ANONYMOUS_PER_MINUTE",
            pick(
                env,
                "SAHABOT_RATE_LIMIT_ANONYMOUS_PER_MINUTE",
                file.rate_limit_anonymous_per_minute.take(),
            ),
            defaults.anonymous_per_minute,
        )?,
        session_per_minute: per_minute(
            "SAHABOT_RATE_LIMIT_SESSION_PER_MINUTE",
            pick(
                env,
                "SAHABOT_RATE_LIMIT_SESSION_PER_MINUTE",
                file.rate_limit_session_per_minute.take(),
            ),
            defaults.session_per_minute,
        )?,
        token_per_minute: per_minute(
            "SAHABOT_RATE_LIMIT_TOKEN_PER_MINUTE",
            pick(
                env,
                "SAHABOT_RATE_LIMIT_TOKEN_PER_MINUTE",
                file.rate_limit_token_per_minute.take(),
            ),
            defaults.token_per_minute,
        )?,
    };
    let trusted_proxies = TrustedProxies::parse(
        &pick(env, "SAHABOT_TRUSTED_PROXIES", file.trusted_proxies.take()).unwrap_or_default(),
    )
    .map_err(|detail| ConfigError::Invalid {
        setting: "SAHABOT_TRUSTED_PROXIES",
        detail,
    })?;
    Ok(Limits {
        request_timeout,
        shutdown_grace,
        rate_limits,
        trusted_proxies,
    })
}

impl Config {
    /// `serve --addr` wins over every other source.
    pub fn with_addr(mut self, addr: &str) -> Result<Self, ConfigError> {
        let explicit_base = self.base_url != format!("http://{}", self.addr);
        self.addr = parse_addr("--addr", addr)?;
        if !explicit_base {
            self.base_url = format!("http://{}", self.addr);
        }
        Ok(self)
    }
}

/// A whole number of seconds from 1 to one day, or `default` when unset.
fn seconds(
    setting: &'static str,
    text: Option<String>,
    default: u64,
) -> Result<std::time::Duration, ConfigError> {
    let Some(text) = text else {
        return Ok(std::time::Duration::from_secs(default));
    };
    match text.trim().parse::<u64>() {
        Ok(n) if (1..=86_400).contains(&n) => Ok(std::time::Duration::from_secs(n)),
        _ => Err(ConfigError::Invalid {
            setting,
            detail: format!("`{text}` is not a whole number of seconds from 1 to 86400"),
        }),
    }
}

/// A request count per minute from 1 to a million, or `default` when unset.
fn per_minute(
    setting: &'static str,
    text: Option<String>,
    default: u32,
) -> Result<u32, ConfigError> {
    let Some(text) = text else {
        return Ok(default);
    };
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=1_000_000).contains(&n) => Ok(n),
        _ => Err(ConfigError::Invalid {
            setting,
            detail: format!("`{text}` is not a whole number of requests from 1 to 1000000"),
        }),
    }
}

fn parse_addr(setting: &'static str, text: &str) -> Result<SocketAddr, ConfigError> {
    text.trim().parse().map_err(|_| ConfigError::Invalid {
        setting,
        detail: format!("`{text}` is not an address like 127.0.0.1:3000"),
    })
}
