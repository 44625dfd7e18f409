//! Server configuration: environment variables, optionally a `sahabot.toml`, then defaults.
//!
//! Precedence, highest first: command-line flags (`serve --addr`), environment variables, the
//! TOML file (`SAHABOT_CONFIG`, or `sahabot.toml` in the working folder when it exists), defaults.
//! Every error names the setting to fix.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use rand::RngCore;
use serde::Deserialize;

use crate::auth::{client_ip::TrustedProxies, rate_limit::RateLimits};

pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
pub const DEFAULT_DATA_DIR: &str = "data";
pub const DEFAULT_SITE_ROOT: &str = "target/site";
/// The file, inside the data folder, that keeps a generated secret key across restarts.
pub const SECRET_KEY_FILE: &str = "secret_key";
pub const DEFAULT_REQUEST_TIMEOUT_SECONDS: u64 = 30;
pub const DEFAULT_SHUTDOWN_GRACE_SECONDS: u64 = 10;
const MIN_SECRET_KEY_LEN: usize = 32;

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

/// A Discord application for OAuth2 sign-in. The URLs default to Discord's and are settings so
/// tests (and proxies) can point them elsewhere.
#[derive(Debug, Clone)]
pub struct DiscordConfig {
    pub client_id: String,
    pub client_secret: String,
    pub authorize_url: String,
    pub token_url: String,
    /// Base of the REST API (`/users/@me` is appended).
    pub api_url: String,
}

pub const DISCORD_AUTHORIZE_URL: &str = "https://discord.com/oauth2/authorize";
pub const DISCORD_TOKEN_URL: &str = "https://discord.com/api/oauth2/token";
pub const DISCORD_API_URL: &str = "https://discord.com/api";

/// A RaceTime.gg OAuth2 application for account links (`RACETIME_URL`, default
/// <https://racetime.gg>; `RACETIME_CLIENT_ID`, `RACETIME_CLIENT_SECRET`; each also with a
/// `SAHABOT_` prefix).
#[derive(Debug, Clone)]
pub struct RacetimeConfig {
    /// Without a trailing slash.
    pub url: String,
    pub client_id: String,
    pub client_secret: String,
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

impl Config {
    /// Loads the configuration from the environment and the optional TOML file.
    pub fn load(config_file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(&Env, config_file)
    }

    pub fn load_from(env: &dyn Source, config_file: Option<&Path>) -> Result<Self, ConfigError> {
        let file = read_file_config(env, config_file)?;
        let pick = |name: &str, from_file: Option<String>| env.var(name).or(from_file);

        let data_dir = PathBuf::from(
            pick("SAHABOT_DATA_DIR", file.data_dir).unwrap_or_else(|| DEFAULT_DATA_DIR.into()),
        );
        let database_url = pick("DATABASE_URL", file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}/sahabot.db", data_dir.display()));
        sdk::db::Backend::from_url(&database_url).map_err(|e| ConfigError::Invalid {
            setting: "DATABASE_URL",
            detail: e.message(),
        })?;
        let addr_text = pick("SAHABOT_ADDR", file.addr).unwrap_or_else(|| DEFAULT_ADDR.into());
        let addr = parse_addr("SAHABOT_ADDR", &addr_text)?;
        let base_url = pick("SAHABOT_BASE_URL", file.base_url)
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                setting: "SAHABOT_BASE_URL",
                detail: format!("`{base_url}` must start with http:// or https://"),
            });
        }
        let site_root = PathBuf::from(
            pick("SAHABOT_SITE_ROOT", file.site_root)
                .or_else(|| env.var("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| DEFAULT_SITE_ROOT.into()),
        );
        let secret_key = match pick("SAHABOT_SECRET_KEY", file.secret_key) {
            Some(key) if key.len() < MIN_SECRET_KEY_LEN => {
                return Err(ConfigError::Invalid {
                    setting: "SAHABOT_SECRET_KEY",
                    detail: format!("it must be at least {MIN_SECRET_KEY_LEN} characters long"),
                })
            }
            Some(key) => key,
            None => stored_or_new_secret_key(&data_dir)?,
        };
        let discord = match (
            pick("SAHABOT_DISCORD_CLIENT_ID", file.discord_client_id),
            pick("SAHABOT_DISCORD_CLIENT_SECRET", file.discord_client_secret),
        ) {
            (Some(client_id), Some(client_secret)) => Some(DiscordConfig {
                client_id,
                client_secret,
                authorize_url: pick("SAHABOT_DISCORD_AUTHORIZE_URL", file.discord_authorize_url)
                    .unwrap_or_else(|| DISCORD_AUTHORIZE_URL.into()),
                token_url: pick("SAHABOT_DISCORD_TOKEN_URL", file.discord_token_url)
                    .unwrap_or_else(|| DISCORD_TOKEN_URL.into()),
                api_url: pick("SAHABOT_DISCORD_API_URL", file.discord_api_url)
                    .unwrap_or_else(|| DISCORD_API_URL.into()),
            }),
            (None, None) => None,
            (Some(_), None) => {
                return Err(ConfigError::Invalid {
                    setting: "SAHABOT_DISCORD_CLIENT_SECRET",
                    detail: "it is needed together with SAHABOT_DISCORD_CLIENT_ID".into(),
                })
            }
            (None, Some(_)) => {
                return Err(ConfigError::Invalid {
                    setting: "SAHABOT_DISCORD_CLIENT_ID",
                    detail: "it is needed together with SAHABOT_DISCORD_CLIENT_SECRET".into(),
                })
            }
        };
        let superadmin_discord_ids = pick(
            "SAHABOT_SUPERADMIN_DISCORD_IDS",
            file.superadmin_discord_ids,
        )
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect::<Vec<_>>();
        if let Some(bad) = superadmin_discord_ids
            .iter()
            .find(|id| !id.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(ConfigError::Invalid {
                setting: "SAHABOT_SUPERADMIN_DISCORD_IDS",
                detail: format!(
                    "`{bad}` is not a Discord user id (digits only; separate ids with commas)"
                ),
            });
        }
        let disabled_plugins_text = env
            .var("SAHABOT_DISABLED_PLUGINS")
            .or_else(|| env.var("DISABLED_PLUGINS"))
            .or(file.disabled_plugins)
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
        let discord_bot_token = env
            .var("DISCORD_TOKEN")
            .or_else(|| env.var("SAHABOT_DISCORD_TOKEN"))
            .or(file.discord_bot_token)
            .map(|t| t.trim().to_string());
        let discord_api_url = discord
            .as_ref()
            .map(|d| d.api_url.clone())
            .or_else(|| env.var("SAHABOT_DISCORD_API_URL"))
            .unwrap_or_else(|| DISCORD_API_URL.into())
            .trim_end_matches('/')
            .to_string();
        let scheduler = match pick("SAHABOT_SCHEDULER", file.scheduler)
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
        let racetime_var = |name: &str| {
            pick(&format!("SAHABOT_{name}"), env.var(name)).filter(|v| !v.trim().is_empty())
        };
        let racetime = match (
            racetime_var("RACETIME_CLIENT_ID"),
            racetime_var("RACETIME_CLIENT_SECRET"),
        ) {
            (Some(client_id), Some(client_secret)) => Some(RacetimeConfig {
                url: racetime_var("RACETIME_URL")
                    .unwrap_or_else(|| platform::identity::racetime::DEFAULT_URL.into())
                    .trim_end_matches('/')
                    .to_string(),
                client_id,
                client_secret,
            }),
            (None, None) => None,
            (Some(_), None) => {
                return Err(ConfigError::Invalid {
                    setting: "RACETIME_CLIENT_SECRET",
                    detail: "it is needed together with RACETIME_CLIENT_ID".into(),
                })
            }
            (None, Some(_)) => {
                return Err(ConfigError::Invalid {
                    setting: "RACETIME_CLIENT_ID",
                    detail: "it is needed together with RACETIME_CLIENT_SECRET".into(),
                })
            }
        };
        let request_timeout = seconds(
            "SAHABOT_REQUEST_TIMEOUT_SECONDS",
            pick(
                "SAHABOT_REQUEST_TIMEOUT_SECONDS",
                file.request_timeout_seconds,
            ),
            DEFAULT_REQUEST_TIMEOUT_SECONDS,
        )?;
        let shutdown_grace = seconds(
            "SAHABOT_SHUTDOWN_GRACE_SECONDS",
            pick(
                "SAHABOT_SHUTDOWN_GRACE_SECONDS",
                file.shutdown_grace_seconds,
            ),
            DEFAULT_SHUTDOWN_GRACE_SECONDS,
        )?;
        let defaults = RateLimits::default();
        let rate_limits = RateLimits {
            anonymous_per_minute: per_minute(
                "SAHABOT_RATE_LIMIT_ANONYMOUS_PER_MINUTE",
                pick(
                    "SAHABOT_RATE_LIMIT_ANONYMOUS_PER_MINUTE",
                    file.rate_limit_anonymous_per_minute,
                ),
                defaults.anonymous_per_minute,
            )?,
            session_per_minute: per_minute(
                "SAHABOT_RATE_LIMIT_SESSION_PER_MINUTE",
                pick(
                    "SAHABOT_RATE_LIMIT_SESSION_PER_MINUTE",
                    file.rate_limit_session_per_minute,
                ),
                defaults.session_per_minute,
            )?,
            token_per_minute: per_minute(
                "SAHABOT_RATE_LIMIT_TOKEN_PER_MINUTE",
                pick(
                    "SAHABOT_RATE_LIMIT_TOKEN_PER_MINUTE",
                    file.rate_limit_token_per_minute,
                ),
                defaults.token_per_minute,
            )?,
        };
        let trusted_proxies = TrustedProxies::parse(
            &pick("SAHABOT_TRUSTED_PROXIES", file.trusted_proxies).unwrap_or_default(),
        )
        .map_err(|detail| ConfigError::Invalid {
            setting: "SAHABOT_TRUSTED_PROXIES",
            detail,
        })?;
        Ok(Self {
            database_url,
            addr,
            base_url,
            secret_key,
            data_dir,
            site_root,
            discord,
            superadmin_discord_ids,
            disabled_plugins,
            discord_bot_token,
            discord_api_url,
            scheduler,
            scheduler_tick_seconds: 1,
            plugin_settings: Default::default(),
            racetime,
            request_timeout,
            shutdown_grace,
            rate_limits,
            trusted_proxies,
        })
    }

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

fn read_file_config(env: &dyn Source, explicit: Option<&Path>) -> Result<FileConfig, ConfigError> {
    let path = match explicit
        .map(Path::to_path_buf)
        .or_else(|| env.var("SAHABOT_CONFIG").map(PathBuf::from))
    {
        Some(path) => path,
        None => {
            let default = PathBuf::from("sahabot.toml");
            if !default.exists() {
                return Ok(FileConfig::default());
            }
            default
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Read {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.display().to_string(),
        detail: e.to_string(),
    })
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

/// Reads the key kept in the data folder, or makes one and keeps it there (owner-only file).
fn stored_or_new_secret_key(data_dir: &Path) -> Result<String, ConfigError> {
    let path = data_dir.join(SECRET_KEY_FILE);
    let file_error = |e: std::io::Error| ConfigError::SecretKeyFile {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    match std::fs::read_to_string(&path) {
        Ok(key) if key.trim().len() >= MIN_SECRET_KEY_LEN => return Ok(key.trim().to_string()),
        Ok(_) => {
            return Err(ConfigError::SecretKeyFile {
                path: path.display().to_string(),
                detail: format!(
                    "it holds fewer than {MIN_SECRET_KEY_LEN} characters; delete it to have a new key made"
                ),
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(file_error(e)),
    }
    std::fs::create_dir_all(data_dir).map_err(file_error)?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key = hex::encode(bytes);
    write_private(&path, &key).map_err(file_error)?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    struct Vars(HashMap<&'static str, String>);
    impl Source for Vars {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(sdk_free_unique(tag));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn sdk_free_unique(tag: &str) -> String {
        format!(
            "sahabot-config-{tag}-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        )
    }

    #[test]
    fn defaults_put_everything_in_the_data_folder() {
        let dir = temp_dir("defaults");
        let data = dir.join("data");
        let vars = Vars(HashMap::from([
            ("SAHABOT_DATA_DIR", data.display().to_string()),
            (
                "SAHABOT_CONFIG",
                dir.join("none.toml").display().to_string(),
            ),
        ]));
        // An explicit config file that does not exist is an error naming it.
        let err = Config::load_from(&vars, None).unwrap_err();
        assert!(err.to_string().contains("none.toml"), "{err}");

        let vars = Vars(HashMap::from([(
            "SAHABOT_DATA_DIR",
            data.display().to_string(),
        )]));
        let config = Config::load_from(&vars, None).unwrap();
        assert_eq!(
            config.database_url,
            format!("sqlite://{}/sahabot.db", data.display())
        );
        assert_eq!(config.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(config.base_url, "http://127.0.0.1:3000");
        assert_eq!(config.secret_key.len(), 64);
        assert_eq!(
            config.request_timeout.as_secs(),
            DEFAULT_REQUEST_TIMEOUT_SECONDS
        );
        assert_eq!(
            config.shutdown_grace.as_secs(),
            DEFAULT_SHUTDOWN_GRACE_SECONDS
        );
        assert_eq!(config.rate_limits, RateLimits::default());
        assert_eq!(config.trusted_proxies, TrustedProxies::default());
        // The generated key is kept and reused.
        let again = Config::load_from(&vars, None).unwrap();
        assert_eq!(again.secret_key, config.secret_key);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn environment_beats_the_file_and_flags_beat_both() {
        let dir = temp_dir("precedence");
        let file = dir.join("sahabot.toml");
        std::fs::write(
            &file,
            "addr = \"127.0.0.1:4000\"\ndatabase_url = \"postgres://p@h/db\"\nsecret_key = \"0123456789abcdef0123456789abcdef\"\n",
        )
        .unwrap();
        let vars = Vars(HashMap::from([(
            "SAHABOT_ADDR",
            "127.0.0.1:5000".to_string(),
        )]));
        let config = Config::load_from(&vars, Some(&file)).unwrap();
        assert_eq!(config.addr.port(), 5000);
        assert_eq!(config.database_url, "postgres://p@h/db");
        let config = config.with_addr("127.0.0.1:6000").unwrap();
        assert_eq!(config.addr.port(), 6000);
        assert_eq!(config.base_url, "http://127.0.0.1:6000");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn bad_values_name_the_setting() {
        let key = (
            "SAHABOT_SECRET_KEY",
            "0123456789abcdef0123456789abcdef".to_string(),
        );
        let cases = [
            ("SAHABOT_ADDR", "localhost"),
            ("DATABASE_URL", "mysql://x"),
            ("SAHABOT_BASE_URL", "example.org"),
            ("SAHABOT_SECRET_KEY", "short"),
            ("SAHABOT_SUPERADMIN_DISCORD_IDS", "123, speedy"),
            ("SAHABOT_DISCORD_CLIENT_ID", "only-the-id"),
            ("SAHABOT_REQUEST_TIMEOUT_SECONDS", "0"),
            ("SAHABOT_REQUEST_TIMEOUT_SECONDS", "half a minute"),
            ("SAHABOT_SHUTDOWN_GRACE_SECONDS", "-1"),
            ("SAHABOT_RATE_LIMIT_ANONYMOUS_PER_MINUTE", "0"),
            ("SAHABOT_RATE_LIMIT_SESSION_PER_MINUTE", "lots"),
            ("SAHABOT_RATE_LIMIT_TOKEN_PER_MINUTE", "-5"),
            ("SAHABOT_TRUSTED_PROXIES", "10.0.0.1, proxy.internal"),
        ];
        for (setting, value) in cases {
            let mut vars = HashMap::from([key.clone()]);
            vars.insert(setting, value.to_string());
            let err = Config::load_from(&Vars(vars), None).unwrap_err();
            assert!(err.to_string().contains(setting), "{setting}: {err}");
        }
        let dir = temp_dir("badfile");
        let file = dir.join("sahabot.toml");
        std::fs::write(&file, "adress = \"x\"\n").unwrap();
        let err = Config::load_from(&Vars(HashMap::from([key])), Some(&file)).unwrap_err();
        assert!(err.to_string().contains("adress"), "{err}");
        std::fs::remove_dir_all(dir).ok();
    }
}
