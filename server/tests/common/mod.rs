//! Shared helpers for the server's integration tests: a real server on a random port with a
//! fresh database, and typed calls against it.
#![allow(dead_code)]

use sdk::{
    db::Backend,
    testing::{unique_name, TestDb},
};
use server::{config::Config, RunningServer};

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
        data_dir,
        site_root: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site"),
        discord: None,
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        let test_db = TestDb::new(backend).await;
        let config = test_config(&test_db.url);
        let data_dir = config.data_dir.clone();
        let server = server::start(config).await.expect("the test server starts");
        Self {
            server,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            test_db,
            data_dir,
        }
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
