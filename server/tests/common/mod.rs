//! Shared helpers for the server's integration tests: a real server on a random port with a
//! fresh database, and typed calls against it.
#![allow(dead_code)]

use sdk::db::Backend;

use server::{config::Config, RunningServer};
use testkit::{unique_name, TestDb};

pub struct TestApp {
    pub server: RunningServer,
    pub client: reqwest::Client,
    /// Kept alive for the test: dropping it removes the database.
    pub test_db: TestDb,
    pub data_dir: std::path::PathBuf,
}

/// A config for a test server: port 0, its own data folder, the given database.
pub fn test_config(database_url: &str) -> Config {
    let data_dir = std::env::temp_dir().join(unique_name("sahabot_data"));
    Config {
        database_url: database_url.to_string(),
        addr: "127.0.0.1:0".parse().unwrap(),
        base_url: "http://127.0.0.1".to_string(),
        secret_key: "test-secret-key-test-secret-key-0123456789".to_string(),
        config_file: data_dir.join("sahabot.toml"),
        data_dir,
        site_root: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site"),
        discord: None,
        superadmin_discord_ids: Vec::new(),
        disabled_plugins: Default::default(),
        discord_bot_token: None,
        discord_api_url: server::config::DISCORD_API_URL.to_string(),
        scheduler: true,
        scheduler_tick_seconds: 1,
        plugin_settings: Default::default(),
        racetime: None,
        request_timeout: std::time::Duration::from_secs(
            server::config::DEFAULT_REQUEST_TIMEOUT_SECONDS,
        ),
        shutdown_grace: std::time::Duration::from_secs(5),
        // High enough for tests that loop over many requests; the flood tests lower them. The
        // token limit stays the default one, which `the_61st_request_in_a_minute_is_refused`
        // checks.
        rate_limits: server::auth::rate_limit::RateLimits {
            anonymous_per_minute: 100_000,
            session_per_minute: 100_000,
            ..Default::default()
        },
        trusted_proxies: Default::default(),
    }
}

/// The longest any test waits for one answer from a server: a hang fails the test with the
/// request named instead of stalling the suite.
pub const CLIENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A client without cookies, bounded like every test client.
pub fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .build()
        .unwrap()
}

/// A client that keeps cookies (like a browser) and shows redirects instead of following them.
pub fn browser_like_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(CLIENT_TIMEOUT)
        .build()
        .unwrap()
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like [`TestApp::spawn`], with a chance to change the configuration first.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Self {
        let test_db = TestDb::new(backend).await;
        let mut config = test_config(&test_db.url);
        adjust(&mut config);
        let data_dir = config.data_dir.clone();
        let server = server::start(config).await.expect("the test server starts");
        Self {
            server,
            client: browser_like_client(),
            test_db,
            data_dir,
        }
    }

    /// A browser-like client signed in as the existing user `name` (through a one-time link).
    pub async fn signed_in(&self, name: &str) -> reqwest::Client {
        let (_, secret) = platform::identity::login_links::create(self.db(), name)
            .await
            .unwrap();
        let client = browser_like_client();
        let res = client
            .get(self.url(&format!("/auth/link/{secret}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "signed in as {name}");
        client
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// POSTs a raw body as JSON (it need not be valid JSON).
    pub async fn post_json_text(&self, path: &str, body: &str) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.post_json_text(path, &body.to_string()).await
    }

    pub async fn stop(self) {
        let TestApp {
            server, data_dir, ..
        } = self;
        server.stop().await.expect("the server stops cleanly");
        std::fs::remove_dir_all(data_dir).ok();
    }
}

/// A user made for a test, with an API token to call the API as them.
pub struct TestUser {
    pub id: i64,
    pub token: String,
}

impl TestApp {
    pub fn db(&self) -> &sdk::db::Db {
        &self.server.db
    }

    /// `user` as the services' actor, with the level the database gives them.
    pub async fn actor(&self, user: &TestUser) -> sdk::Actor {
        let info = platform::identity::users::get(self.db(), user.id)
            .await
            .unwrap();
        sdk::Actor::user(info.to_current(None))
    }

    pub async fn user(&self, name: &str, level: sdk::auth::GlobalLevel) -> TestUser {
        let user = platform::identity::users::create(self.db(), name, level)
            .await
            .unwrap();
        let created = platform::identity::tokens::create(self.db(), user.id, "test", None, None)
            .await
            .unwrap();
        TestUser {
            id: user.id,
            token: created.secret,
        }
    }

    /// Calls `/api/core/{endpoint}` as `user` (None: anonymous).
    pub async fn call(
        &self,
        user: Option<&TestUser>,
        endpoint: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(&format!("/api/core/{endpoint}")))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(body.to_string());
        if let Some(user) = user {
            request = request.bearer_auth(&user.token);
        }
        request.send().await.unwrap()
    }

    /// Calls `/api/core/{endpoint}` with `client`'s session cookie (a signed-in browser).
    pub async fn call_in_session(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/core/{endpoint}")))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// Like [`TestApp::call_in_session`], expecting success; the JSON answer.
    pub async fn ok_in_session(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let res = self.call_in_session(client, endpoint, body.clone()).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_success(), "{endpoint} {body} → {status}: {text}");
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    /// Calls and expects success; returns the JSON answer.
    pub async fn ok(
        &self,
        user: &TestUser,
        endpoint: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let res = self.call(Some(user), endpoint, body.clone()).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_success(), "{endpoint} {body} → {status}: {text}");
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    /// Calls and expects an error; returns (status, error body).
    pub async fn fails(
        &self,
        user: Option<&TestUser>,
        endpoint: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let res = self.call(user, endpoint, body.clone()).await;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        assert!(
            status >= 400,
            "{endpoint} {body} should fail, got {status}: {text}"
        );
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }
}

/// `whoami` as `client` (its cookies): the signed-in user, or null.
pub async fn whoami(app: &TestApp, client: &reqwest::Client) -> serde_json::Value {
    client
        .post(app.url("/api/core/whoami"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Every `.rs` file under `dir`, for the tests that check the source itself.
pub fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
