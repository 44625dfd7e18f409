//! Server configuration: environment variables, optionally a `sahabot.toml`, then defaults.
//!
//! Precedence, highest first: command-line flags (`serve --addr`), environment variables, the
//! TOML file (`SAHABOT_CONFIG`, or `sahabot.toml` in the working folder when it exists), defaults.
//! Every error names the setting to fix.//!
//! `mod.rs` holds [`Config`], the file's settings, the sources and the loading order
//! ([`Config::load_from`]: the database, the HTTP server, the secret key, Discord, plugins and
//! the scheduler, RaceTime.gg, then the limits). Each section reads and checks its own settings
//! in a module of its own: `http` (addresses, time limits, rate limits, proxies), `secret` (the
//! secret key and its file), `discord` (sign-in, SUPERADMIN ids, the bot), `racetime`. The
//! tests (`tests.rs`) load whole configurations, as the server does.

mod discord;
mod http;
mod racetime;
mod secret;
#[cfg(test)]
mod tests;

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use serde::Deserialize;

use crate::auth::{client_ip::TrustedProxies, rate_limit::RateLimits};

pub use discord::{DiscordConfig, DISCORD_API_URL, DISCORD_AUTHORIZE_URL, DISCORD_TOKEN_URL};
pub use http::{DEFAULT_ADDR, DEFAULT_REQUEST_TIMEOUT_SECONDS, DEFAULT_SHUTDOWN_GRACE_SECONDS};
pub use racetime::RacetimeConfig;
pub use secret::SECRET_KEY_FILE;

pub const DEFAULT_DATA_DIR: &str = "data";
pub const DEFAULT_SITE_ROOT: &str = "target/site";
/// The configuration file read from the working folder when none is named.
pub const DEFAULT_CONFIG_FILE: &str = "sahabot.toml";

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    pub addr: SocketAddr,
    /// The address users reach the site at (links in e-mails, OAuth callbacks).
    pub base_url: String,
    /// Signs sessions and one-time links. Never logged.
    pub secret_key: String,
    /// Where the SQLite database and the generated secret key live.
    pub data_dir: PathBuf,
    /// The built site: `pkg/` (wasm, js, css) and public files.
    pub site_root: PathBuf,
    /// The configuration file this server read, or would read if it existed (absolute).
    pub config_file: PathBuf,
    /// Discord sign-in; None when no client id/secret are configured.
    pub discord: Option<DiscordConfig>,
    /// Discord user ids made SUPERADMIN when they sign in: how a Discord-only deployment gets
    /// its first site admin.
    pub superadmin_discord_ids: Vec<String>,
    /// `DISABLED_PLUGINS=a,b`: plugins off for every organization.
    pub disabled_plugins: std::collections::BTreeSet<String>,
    /// `DISCORD_TOKEN`: the bot's token; without it the app runs and the bot stays off.
    pub discord_bot_token: Option<String>,
    /// Base of Discord's REST API for the bot (`SAHABOT_DISCORD_API_URL`, the same setting
    /// sign-in uses), e.g. `https://discord.com/api`.
    pub discord_api_url: String,
    /// Whether this instance runs scheduled tasks (`SAHABOT_SCHEDULER=off` for an instance that
    /// should only serve pages). Runs are claimed per due time, so several may run it.
    pub scheduler: bool,
    /// How often the scheduler looks for due tasks, in seconds (1; tokio-cron-scheduler repeats in whole seconds).
    pub scheduler_tick_seconds: u64,
    /// Extra settings handed to plugins (tests tune timings here).
    pub plugin_settings: std::collections::BTreeMap<String, String>,
    /// RaceTime.gg account links; None when no client id/secret are configured.
    pub racetime: Option<RacetimeConfig>,
    /// How long one request may take, from arrival to the last byte of a page or API answer
    /// (`SAHABOT_REQUEST_TIMEOUT_SECONDS`, default 30). Past it the caller gets 503 (or, when the
    /// page had started streaming, the connection is closed) instead of waiting forever.
    pub request_timeout: std::time::Duration,
    /// How long a stopping server waits for running requests before it closes them
    /// (`SAHABOT_SHUTDOWN_GRACE_SECONDS`, default 10).
    pub shutdown_grace: std::time::Duration,
    /// Requests per minute: `SAHABOT_RATE_LIMIT_ANONYMOUS_PER_MINUTE` per client address
    /// (default 120), `SAHABOT_RATE_LIMIT_SESSION_PER_MINUTE` per signed-in user (300),
    /// `SAHABOT_RATE_LIMIT_TOKEN_PER_MINUTE` per API token user without their own limit (60).
    pub rate_limits: RateLimits,
    /// `SAHABOT_TRUSTED_PROXIES`: addresses or CIDR ranges of reverse proxies whose
    /// `X-Forwarded-For` names the client (default none: the socket peer is the client).
    pub trusted_proxies: TrustedProxies,
}

impl Config {
    /// What plugins may read through `LoadContext::setting`.
    pub fn plugin_settings(&self) -> std::collections::BTreeMap<String, String> {
        let mut settings = self.plugin_settings.clone();
        let mut put = |k: &str, v: Option<&str>| {
            if let Some(v) = v {
                settings
                    .entry(k.to_string())
                    .or_insert_with(|| v.to_string());
            }
        };
        put("BASE_URL", Some(&self.base_url));
        put("SECRET_KEY", Some(&self.secret_key));
        put("DISCORD_TOKEN", self.discord_bot_token.as_deref());
        put("DISCORD_API_URL", Some(&self.discord_api_url));
        if let Some(r) = &self.racetime {
            put("RACETIME_URL", Some(&r.url));
            put("RACETIME_CLIENT_ID", Some(&r.client_id));
            put("RACETIME_CLIENT_SECRET", Some(&r.client_secret));
        }
        if let Some(d) = &self.discord {
            put("DISCORD_CLIENT_ID", Some(&d.client_id));
            put("DISCORD_CLIENT_SECRET", Some(&d.client_secret));
            put("DISCORD_AUTHORIZE_URL", Some(&d.authorize_url));
            put("DISCORD_TOKEN_URL", Some(&d.token_url));
        }
        settings
    }
}

/// The settings a `sahabot.toml` may hold; every one is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    addr: Option<String>,
    base_url: Option<String>,
    secret_key: Option<String>,
    data_dir: Option<String>,
    site_root: Option<String>,
    discord_client_id: Option<String>,
    discord_client_secret: Option<String>,
    discord_authorize_url: Option<String>,
    discord_token_url: Option<String>,
    discord_api_url: Option<String>,
    superadmin_discord_ids: Option<String>,
    disabled_plugins: Option<String>,
    discord_bot_token: Option<String>,
    scheduler: Option<String>,
    request_timeout_seconds: Option<String>,
    shutdown_grace_seconds: Option<String>,
    rate_limit_anonymous_per_minute: Option<String>,
    rate_limit_session_per_minute: Option<String>,
    rate_limit_token_per_minute: Option<String>,
    trusted_proxies: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read the config file {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("the config file {path} is not valid: {detail}")]
    Parse { path: String, detail: String },
    #[error("{setting} is not valid: {detail}")]
    Invalid {
        setting: &'static str,
        detail: String,
    },
    #[error("could not keep the secret key in {path}: {detail}")]
    SecretKeyFile { path: String, detail: String },
}

/// Where settings come from; tests pass their own instead of the process environment.
pub trait Source {
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct Env;

impl Source for Env {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

/// A setting from the environment, else from the file.
fn pick(env: &dyn Source, name: &str, from_file: Option<String>) -> Option<String> {
    env.var(name).or(from_file)
}

impl Config {
    /// Loads the configuration from the environment and the optional TOML file.
    pub fn load(config_file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(&Env, config_file)
    }

    pub fn load_from(env: &dyn Source, config_file: Option<&Path>) -> Result<Self, ConfigError> {
        let (config_file, named) = config_file_path(env, config_file);
        let mut file = read_file_config(&config_file, named)?;

        let data_dir = PathBuf::from(
            pick(env, "SAHABOT_DATA_DIR", file.data_dir.take())
                .unwrap_or_else(|| DEFAULT_DATA_DIR.into()),
        );
        let database_url = pick(env, "DATABASE_URL", file.database_url.take())
            .unwrap_or_else(|| format!("sqlite://{}/sahabot.db", data_dir.display()));
        sdk::db::Backend::from_url(&database_url).map_err(|e| ConfigError::Invalid {
            setting: "DATABASE_URL",
            detail: e.message(),
        })?;
        let addr = http::addr(env, &mut file)?;
        let base_url = http::base_url(env, &mut file, addr)?;
        let site_root = PathBuf::from(
            pick(env, "SAHABOT_SITE_ROOT", file.site_root.take())
                .or_else(|| env.var("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| DEFAULT_SITE_ROOT.into()),
        );
        let secret_key = secret::secret_key(env, &mut file, &data_dir)?;
        let discord = discord::sign_in(env, &mut file, &config_file)?;
        let superadmin_discord_ids = discord::superadmin_ids(env, &mut file)?;
        let disabled_plugins_text = env
            .var("SAHABOT_DISABLED_PLUGINS")
            .or_else(|| env.var("DISABLED_PLUGINS"))
            .or(file.disabled_plugins.take())
            .unwrap_or_default();
        let mut disabled_plugins = std::collections::BTreeSet::new();
        for id in disabled_plugins_text
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
        {
            if !sdk::plugin::manifest::is_plugin_id(id) {
                return Err(ConfigError::Invalid {
                    setting: "DISABLED_PLUGINS",
                    detail: format!(
                        "`{id}` is not a plugin id (lowercase letters, digits and `_`; separate ids with commas)"
                    ),
                });
            }
            disabled_plugins.insert(id.to_string());
        }
        let discord_bot_token = discord::bot_token(env, &mut file);
        let discord_api_url = discord::api_url(env, discord.as_ref());
        let scheduler = match pick(env, "SAHABOT_SCHEDULER", file.scheduler.take())
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("on") | Some("true") | Some("1") => true,
            Some("off") | Some("false") | Some("0") => false,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    setting: "SAHABOT_SCHEDULER",
                    detail: format!("`{other}` is not on or off"),
                })
            }
        };
        let racetime = racetime::load(env)?;
        let http::Limits {
            request_timeout,
            shutdown_grace,
            rate_limits,
            trusted_proxies,
        } = http::limits(env, &mut file)?;
        Ok(Self {
            database_url,
            addr,
            base_url,
            secret_key,
            data_dir,
            site_root,
            config_file,
            discord,
            superadmin_discord_ids,
            disabled_plugins,
            discord_bot_token,
            discord_api_url,
            scheduler,
            scheduler_tick_seconds: 1,
            // The RaceTime.gg plugin's bots use the site's address even when account links are
            // not configured.
            plugin_settings: racetime::url(env)
                .map(|url| std::iter::once(("RACETIME_URL".to_string(), url)).collect())
                .unwrap_or_default(),
            racetime,
            request_timeout,
            shutdown_grace,
            rate_limits,
            trusted_proxies,
        })
    }
}

/// The configuration file: the one named (`--config`, `SAHABOT_CONFIG`), else `sahabot.toml`
/// in the working folder, made absolute so the site admin's pages can say exactly where it is;
/// and whether it was named.
fn config_file_path(env: &dyn Source, explicit: Option<&Path>) -> (PathBuf, bool) {
    let named = explicit
        .map(Path::to_path_buf)
        .or_else(|| env.var("SAHABOT_CONFIG").map(PathBuf::from));
    let is_named = named.is_some();
    let path = named.unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_FILE));
    (std::path::absolute(&path).unwrap_or(path), is_named)
}

fn read_file_config(path: &Path, named: bool) -> Result<FileConfig, ConfigError> {
    // Only the default file may be missing; a file that was named must exist.
    if !named && !path.exists() {
        return Ok(FileConfig::default());
    }
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.display().to_string(),
        detail: e.to_string(),
    })
}
