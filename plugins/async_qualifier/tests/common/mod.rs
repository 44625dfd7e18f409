//! The world every async qualifier test starts from: a test database (SQLite or PostgreSQL),
//! the plugin loaded through the registry, an organization with its admin, and typed helpers
//! that go through the same service functions the web, Discord and the tasks call.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use async_qualifier::{
    rules::{RaceStatus, ReviewStatus},
    service::{QualifierInput, Qualifiers, Review},
};
use sdk::{auth::CurrentUser, db::Backend, Actor};
use testkit::PluginWorld;

/// 2026-11-22 12:00:00 UTC.
pub const T0: i64 = 1_795_348_800_000;
pub const MIN: i64 = 60_000;

/// The test kit's world (database, platform, admin, "League") with the qualifier service.
pub struct World {
    pub world: PluginWorld,
    pub svc: Qualifiers,
}

testkit::deref_world!(World);

pub async fn world(backend: Backend) -> World {
    let world = testkit::plugin_world!(async_qualifier, backend).await;
    let svc = Qualifiers::from_platform(&world.platform);
    World { world, svc }
}

pub fn input(name: &str, runs_per_pool: i64, max_reattempts: i64) -> QualifierInput {
    QualifierInput {
        name: name.into(),
        description: String::new(),
        is_active: true,
        hide_results: false,
        discord_channel_id: String::new(),
        runs_per_pool,
        max_reattempts,
        require_racetime: false,
    }
}

impl World {
    pub fn admin(&self) -> Actor {
        Actor::user(self.admin.clone())
    }

    pub async fn members(&self, prefix: &str, n: usize) -> Vec<CurrentUser> {
        let mut out = Vec::new();
        for i in 0..n {
            out.push(self.member(&format!("{prefix}{i}"), &[]).await);
        }
        out
    }

    pub async fn qualifier(&self, name: &str, runs_per_pool: i64, max_reattempts: i64) -> i64 {
        self.svc
            .create_qualifier(
                self.org,
                &self.admin(),
                &input(name, runs_per_pool, max_reattempts),
                T0,
            )
            .await
            .unwrap()
            .id
    }

    /// A pool with `n` permalinks: (pool id, permalink ids).
    pub async fn pool(&self, q: i64, name: &str, n: usize) -> (i64, Vec<i64>) {
        let pool = self
            .svc
            .create_pool(self.org, &self.admin(), q, name, "", T0)
            .await
            .unwrap();
        let mut links = Vec::new();
        for i in 0..n {
            links.push(self.permalink(pool.id, &format!("{name}-{i}")).await);
        }
        (pool.id, links)
    }

    pub async fn permalink(&self, pool: i64, seed: &str) -> i64 {
        self.svc
            .create_permalink(
                self.org,
                &self.admin(),
                pool,
                &format!("https://alttpr.com/h/{seed}"),
                "",
                T0,
            )
            .await
            .unwrap()
            .id
    }

    /// Start at `at`, Ready one second later; returns (race id, start time).
    pub async fn begin(&self, user: &CurrentUser, q: i64, pool: i64, at: i64) -> (i64, i64) {
        let race = self
            .svc
            .start_run(self.org, &Actor::user(user.clone()), q, pool, at)
            .await
            .unwrap();
        let ready = self
            .svc
            .ready_run(self.org, &Actor::user(user.clone()), race.id, at + 1000)
            .await
            .unwrap();
        assert_eq!(ready.status, RaceStatus::InProgress);
        (race.id, ready.start_time.unwrap())
    }

    /// A complete run taking `elapsed` seconds; returns the race id.
    pub async fn run(&self, user: &CurrentUser, q: i64, pool: i64, at: i64, elapsed: f64) -> i64 {
        let (race, start) = self.begin(user, q, pool, at).await;
        let end = start + (elapsed * 1000.0) as i64;
        let done = self
            .svc
            .finish_run(self.org, &Actor::user(user.clone()), race, end)
            .await
            .unwrap();
        assert_eq!(done.status, RaceStatus::Finished);
        race
    }

    pub async fn score(&self, race: i64) -> Option<f64> {
        self.svc.race(self.org, race).await.unwrap().score
    }

    pub async fn par(&self, permalink: i64) -> Option<f64> {
        self.svc
            .permalink(self.org, permalink)
            .await
            .unwrap()
            .par_time
    }

    pub async fn sql(&self, sql: &str) {
        sqlx::query(sql).execute(self.test.db.pool()).await.unwrap();
    }
}

pub fn review(status: ReviewStatus, notes: &str, elapsed_override_seconds: Option<f64>) -> Review {
    Review {
        status,
        notes: notes.into(),
        elapsed_override_seconds,
    }
}

pub fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

/// A one-purpose stand-in for Discord's REST API: answers every request with a message id and
/// keeps the request lines and bodies it got.
pub async fn fake_discord() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v10", listener.local_addr().unwrap());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let record = Arc::clone(&record);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head, then as much body as Content-Length says.
                loop {
                    let n = socket.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if body.len() >= length {
                            let line = head.lines().next().unwrap_or_default().to_string();
                            record.lock().unwrap().push(format!("{line}\n{body}"));
                            break;
                        }
                    }
                }
                // A message id; as a channel, one in the league's linked server.
                let body = r#"{"id":"900","guild_id":"130000000000000001"}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                socket.write_all(response.as_bytes()).await.ok();
            });
        }
    });
    (url, seen)
}

/// `user` as the actor of a service call.
pub fn actor(user: &CurrentUser) -> Actor {
    Actor::user(user.clone())
}

impl World {
    /// `reviewer` decides on a run, with the authorizer the API and Discord hand the service.
    pub async fn review(
        &self,
        reviewer: &CurrentUser,
        race: i64,
        decision: &Review,
        now: i64,
    ) -> Result<async_qualifier::repo::RaceRow, sdk::Error> {
        self.svc
            .review_race(
                testkit::authorizer(&self.platform),
                self.org,
                &actor(reviewer),
                race,
                decision,
                now,
            )
            .await
    }
}
