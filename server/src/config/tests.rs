//! Whole configurations loaded as the server loads them: the defaults, which source wins, and
//! that every bad value (in any section) names its setting.

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

#[test]
fn discord_sign_in_knows_where_it_was_configured() {
    let dir = temp_dir("discord-source");
    let file = dir.join("sahabot.toml");
    std::fs::write(
        &file,
        "secret_key = \"0123456789abcdef0123456789abcdef\"\ndiscord_client_id = \"111\"\ndiscord_client_secret = \"from-file\"\n",
    )
    .unwrap();
    // From the file: the page names the file, absolute.
    let config = Config::load_from(&Vars(HashMap::new()), Some(&file)).unwrap();
    assert!(config.config_file.is_absolute());
    assert_eq!(config.config_file, std::path::absolute(&file).unwrap());
    let discord = config.discord.unwrap();
    assert_eq!(discord.client_id, "111");
    assert_eq!(
        discord.configured_in,
        config.config_file.display().to_string()
    );
    // From the environment (which beats the file): the page says so.
    let vars = Vars(HashMap::from([
        ("SAHABOT_DISCORD_CLIENT_ID", "222".to_string()),
        ("SAHABOT_DISCORD_CLIENT_SECRET", "from-env".to_string()),
    ]));
    let discord = Config::load_from(&vars, Some(&file))
        .unwrap()
        .discord
        .unwrap();
    assert_eq!(discord.client_id, "222");
    assert!(
        discord.configured_in.contains("environment"),
        "{}",
        discord.configured_in
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_racetime_bots_get_the_racetime_url_without_account_links() {
    let dir = temp_dir("racetime");
    let vars = Vars(HashMap::from([
        ("SAHABOT_DATA_DIR", dir.display().to_string()),
        ("RACETIME_URL", "http://127.0.0.1:9999/".to_string()),
    ]));
    let config = Config::load_from(&vars, None).unwrap();
    assert!(
        config.racetime.is_none(),
        "no account links without a client"
    );
    let settings = config.plugin_settings();
    assert_eq!(
        settings.get("RACETIME_URL").map(String::as_str),
        Some("http://127.0.0.1:9999")
    );
    assert!(settings.contains_key("SECRET_KEY"));
}
