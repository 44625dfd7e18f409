//! Request rate limits: API tokens per user, browser sessions per user, anonymous clients per
//! address ([`Bucket`]).
//!
//! Each bucket has a window that starts at its first request and lasts [`WINDOW_SECONDS`]; while
//! it runs at most the bucket's limit of requests go ahead, the rest are refused with the seconds
//! until it ends. The window is anchored to the bucket rather than to the clock's minutes, so
//! "N requests" always means N in a row, not N split across a minute boundary.
//!
//! Where the counts live:
//! - PostgreSQL ([`RateLimiter::shared`]): the `rate_limit_windows` table, one atomic upsert per
//!   request, so several instances on one database count together. Ended windows are deleted at
//!   most once a minute per instance. If the database cannot answer, the request goes ahead (the
//!   limiter must not turn a database hiccup into an outage; the request itself still needs it).
//! - SQLite, a single instance ([`RateLimiter::in_memory`]): a map in the process, bounded by
//!   [`MAX_BUCKETS`] so a flood from many addresses cannot grow it without end.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicI64, Ordering},
        Mutex,
    },
};

use sdk::db::{Backend, Db};

/// The token limit when neither the user nor the configuration sets one.
pub const DEFAULT_PER_MINUTE: u32 = 60;
pub const DEFAULT_ANONYMOUS_PER_MINUTE: u32 = 120;
pub const DEFAULT_SESSION_PER_MINUTE: u32 = 300;
pub const WINDOW_SECONDS: i64 = 60;
/// The most buckets the in-memory limiter tracks at once.
pub const MAX_BUCKETS: usize = 100_000;

/// The limits per window, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests without a session or token, per client address (IPv6: per /64).
    pub anonymous_per_minute: u32,
    /// Requests with a signed-in browser session, per user.
    pub session_per_minute: u32,
    /// Requests with an API token, per user, unless the user has their own limit.
    pub token_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            anonymous_per_minute: DEFAULT_ANONYMOUS_PER_MINUTE,
            session_per_minute: DEFAULT_SESSION_PER_MINUTE,
            token_per_minute: DEFAULT_PER_MINUTE,
        }
    }
}

/// Who a request is counted against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bucket {
    Token {
        user_id: i64,
    },
    Session {
        user_id: i64,
    },
    /// `client_ip::bucket_key` of the address.
    Address(String),
}

impl Bucket {
    fn key(&self) -> String {
        match self {
            Self::Token { user_id } => format!("t:{user_id}"),
            Self::Session { user_id } => format!("s:{user_id}"),
            Self::Address(key) => format!("ip:{key}"),
        }
    }
}

#[derive(Debug)]
pub struct RateLimiter {
    memory: Mutex<HashMap<String, Window>>,
    /// PostgreSQL: count in the shared table instead of `memory`.
    shared: Option<Db>,
    /// When this instance last deleted ended windows from the shared table (epoch seconds).
    last_sweep: AtomicI64,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    count: u64,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::in_memory()
    }
}

impl RateLimiter {
    pub fn in_memory() -> Self {
        Self {
            memory: Mutex::new(HashMap::new()),
            shared: None,
            last_sweep: AtomicI64::new(0),
        }
    }

    /// Counts in the database on PostgreSQL (instances share it), in memory on SQLite.
    pub fn for_database(db: &Db) -> Self {
        match db.backend() {
            Backend::Postgres => Self::shared(db.clone()),
            Backend::Sqlite => Self::in_memory(),
        }
    }

    pub fn shared(db: Db) -> Self {
        Self {
            shared: Some(db),
            ..Self::in_memory()
        }
    }

    /// Ok when the request may go ahead (and counts it); Err(seconds to wait) when it may not.
    /// `now` is epoch seconds.
    pub async fn check(&self, bucket: &Bucket, limit: u32, now: i64) -> Result<(), u64> {
        let limit = u64::from(limit.max(1));
        let key = bucket.key();
        let window = match &self.shared {
            Some(db) => match self.count_shared(db, &key, now).await {
                Ok(window) => window,
                Err(error) => {
                    tracing::warn!(%error, "rate limit not checked: the counter table did not answer");
                    return Ok(());
                }
            },
            None => match self.count_in_memory(key, now) {
                Some(window) => window,
                None => return Ok(()),
            },
        };
        if window.count > limit {
            let wait = (window.start + WINDOW_SECONDS - now).max(1);
            return Err(u64::try_from(wait).unwrap_or(1));
        }
        Ok(())
    }

    /// Counts the request; the bucket's window after it. None when the map is full of running
    /// windows: the request is not counted rather than refused (refusing would lock out every
    /// new visitor).
    fn count_in_memory(&self, key: String, now: i64) -> Option<Window> {
        let Ok(mut map) = self.memory.lock() else {
            // A poisoned lock means a panic elsewhere; do not lock everyone out over it.
            return None;
        };
        if map.len() >= MAX_BUCKETS && !map.contains_key(&key) {
            map.retain(|_, w| w.start + WINDOW_SECONDS > now);
            if map.len() >= MAX_BUCKETS {
                tracing::warn!("rate limiter full: a request goes uncounted");
                return None;
            }
        }
        let window = map.entry(key).or_insert(Window {
            start: now,
            count: 0,
        });
        if window.start + WINDOW_SECONDS <= now {
            *window = Window {
                start: now,
                count: 0,
            };
        }
        window.count += 1;
        Some(*window)
    }

    /// One statement: start a window or count in the running one, and read it back.
    async fn count_shared(&self, db: &Db, key: &str, now: i64) -> Result<Window, sqlx::Error> {
        let row: (i64, i64) = sqlx::query_as(
            "INSERT INTO rate_limit_windows (bucket, window_start, count) VALUES ($1, $2, 1)
             ON CONFLICT (bucket) DO UPDATE SET
               window_start = CASE WHEN rate_limit_windows.window_start <= $3
                                   THEN excluded.window_start
                                   ELSE rate_limit_windows.window_start END,
               count = CASE WHEN rate_limit_windows.window_start <= $3
                            THEN 1
                            ELSE rate_limit_windows.count + 1 END
             RETURNING window_start, count",
        )
        .bind(key)
        .bind(now)
        .bind(now - WINDOW_SECONDS)
        .fetch_one(db.pool())
        .await?;
        self.sweep_if_due(db, now);
        let (start, count) = row;
        Ok(Window {
            start,
            count: u64::try_from(count).unwrap_or(u64::MAX),
        })
    }

    /// Deletes ended windows, at most once a window per instance, off the request's path.
    fn sweep_if_due(&self, db: &Db, now: i64) {
        let last = self.last_sweep.load(Ordering::Relaxed);
        if now - last < WINDOW_SECONDS
            || self
                .last_sweep
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let db = db.clone();
        tokio::spawn(async move {
            if let Err(error) =
                sqlx::query("DELETE FROM rate_limit_windows WHERE window_start <= $1")
                    .bind(now - WINDOW_SECONDS)
                    .execute(db.pool())
                    .await
            {
                tracing::warn!(%error, "could not delete ended rate limit windows");
            }
        });
    }

    /// How many buckets the in-memory limiter holds (tests check it stays bounded).
    pub fn tracked_buckets(&self) -> usize {
        self.memory.lock().map(|m| m.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64) -> Bucket {
        Bucket::Token { user_id: id }
    }

    #[tokio::test]
    async fn the_limit_plus_one_is_refused_until_the_window_ends() {
        let limiter = RateLimiter::in_memory();
        let start = 1_000_000;
        for i in 0..60 {
            assert!(
                limiter.check(&user(1), 60, start + i / 2).await.is_ok(),
                "request {i}"
            );
        }
        assert_eq!(limiter.check(&user(1), 60, start + 1).await, Err(59));
        // Other buckets are not affected, also not the same user's session.
        assert!(limiter.check(&user(2), 60, start + 1).await.is_ok());
        assert!(limiter
            .check(&Bucket::Session { user_id: 1 }, 60, start + 1)
            .await
            .is_ok());
        // A minute after the first request a new window starts.
        assert!(limiter.check(&user(1), 60, start + 60).await.is_ok());
    }

    #[tokio::test]
    async fn a_per_user_override_changes_the_limit() {
        let limiter = RateLimiter::in_memory();
        for _ in 0..5 {
            assert!(limiter.check(&user(7), 5, 10).await.is_ok());
        }
        assert!(limiter.check(&user(7), 5, 10).await.is_err());
    }

    #[tokio::test]
    async fn a_flood_of_addresses_keeps_memory_bounded() {
        let limiter = RateLimiter::in_memory();
        for n in 0..(MAX_BUCKETS + 10) {
            let bucket = Bucket::Address(format!("a{n}"));
            assert!(limiter.check(&bucket, 1, 100).await.is_ok());
        }
        assert_eq!(limiter.tracked_buckets(), MAX_BUCKETS);
        // Once their windows end, the old addresses make room for new ones.
        assert!(limiter
            .check(&Bucket::Address("late".into()), 1, 100 + WINDOW_SECONDS)
            .await
            .is_ok());
        assert_eq!(limiter.tracked_buckets(), 1);
    }
}
