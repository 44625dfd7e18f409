//! Database access shared by the platform and every plugin (server side only).
//!
//! One sqlx `Any` pool serves both backends, so a repo writes its SQL once in the portable subset
//! (`$1` placeholders, i64 ids, epoch-millisecond timestamps, JSON as TEXT, `RETURNING`,
//! `ON CONFLICT`). [`Db`] carries the pool together with the [`Backend`] it talks to, for the few
//! places (migrations, health) that must know which one it is.
//!
//! Booleans: sqlx 0.8's `Any` driver cannot read a SQLite column declared `BOOLEAN` at all, and
//! decodes `bool` only from a real boolean. So SQLite migrations declare flags as `INTEGER`
//! (0/1), PostgreSQL ones as `BOOLEAN`, and Rust reads them through [`Flag`], which accepts both.
//! Binding a `bool` works on both backends as it is.

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions, AnyTypeInfo, AnyTypeInfoKind, AnyValueRef},
    error::BoxDynError,
    Any, AnyPool, ConnectOptions, Decode, Type, ValueRef,
};

use crate::error::Error;

/// Which database a URL points at. Only these two are supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Reads the backend from a database URL's scheme, with an error that says what is accepted.
    pub fn from_url(url: &str) -> Result<Self, Error> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            _ => Err(Error::invalid(
                "DATABASE_URL",
                format!(
                    "`{scheme}` is not a supported database; use sqlite://path/to/file.db or postgres://user@host/db"
                ),
            )),
        }
    }

    /// The name used in `/health` and in the migration folders (`migrations/<name>/`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// The database handle every service and repo receives. Cloning is cheap (the pool is shared).
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// Tells this database apart from others opened in the same process (tests open several),
    /// for caches kept in process memory; see [`Db::instance`].
    instance: u64,
}

/// The next [`Db::instance`] number.
static NEXT_INSTANCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Db {
    /// Opens a pool for `url`. For SQLite the file and its folder are created when missing.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).map_err(|e| ConnectError::Url(e.message()))?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| ConnectError::Url(e.to_string()))?
            // Statement logging would duplicate our one-line-per-request logs at INFO.
            .disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                // One writer at a time anyway; a few readers are enough for a single process.
                Backend::Sqlite => 8,
                Backend::Postgres => 10,
            })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run while one connection writes; busy_timeout makes a
                        // second writer wait instead of failing with "database is locked".
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA busy_timeout = 10000",
                            "PRAGMA foreign_keys = ON",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| ConnectError::Connect {
                backend,
                detail: e.to_string(),
            })?;
        Ok(Self {
            pool,
            backend,
            instance: NEXT_INSTANCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction. Use this instead of `pool().begin()` for every transaction.
    ///
    /// SQLite begins transactions *deferred*: the write lock is taken at the first write. A
    /// transaction that reads and then writes fails with SQLITE_BUSY (snapshot) when another
    /// connection committed in between, and `busy_timeout` does not retry that case — so with the
    /// scheduler and requests writing at the same time, a request could fail at random.
    /// `BEGIN IMMEDIATE` takes the write lock up front (waiting up to `busy_timeout`), so writers
    /// queue instead. PostgreSQL keeps its default `BEGIN` (row locks where needed).
    // The one place allowed to call `Pool::begin` (clippy.toml forbids it elsewhere).
    #[allow(clippy::disallowed_methods)]
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A number unique to this pool within the process (its clones share it). A cache kept in
    /// process memory keys its entries by it, so two databases open in one process (as in tests)
    /// never read each other's entries.
    pub fn instance(&self) -> u64 {
        self.instance
    }

    /// True when a trivial query answers within `timeout`.
    pub async fn is_reachable(&self, timeout: Duration) -> bool {
        let ping = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(tokio_timeout(timeout, ping).await, Some(Ok(_)))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn tokio_timeout<F: std::future::Future>(limit: Duration, fut: F) -> Option<F::Output> {
    tokio::time::timeout(limit, fut).await.ok()
}

/// Why the database could not be opened, phrased for the person starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("DATABASE_URL is not usable: {0}")]
    Url(String),
    #[error("could not create the folder for the SQLite database {path}: {detail}")]
    Folder { path: String, detail: String },
    #[error("could not connect to the {} database: {detail}", backend.name())]
    Connect { backend: Backend, detail: String },
}

/// Adds `mode=rwc` (create when missing) and creates the file's folder.
fn prepare_sqlite_url(url: &str) -> Result<String, ConnectError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    if path.is_empty() {
        return Err(ConnectError::Url(
            "the SQLite URL has no file path; use e.g. sqlite://data/sahabot.db".into(),
        ));
    }
    if path != ":memory:" {
        if let Some(parent) = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|e| ConnectError::Folder {
                path: path.to_string(),
                detail: e.to_string(),
            })?;
        }
    }
    let query = match query {
        Some(q) if q.split('&').any(|kv| kv.starts_with("mode=")) => q.to_string(),
        Some(q) if !q.is_empty() => format!("{q}&mode=rwc"),
        _ => "mode=rwc".to_string(),
    };
    Ok(format!("sqlite://{path}?{query}"))
}

/// A boolean column read portably: PostgreSQL `BOOLEAN` or SQLite `INTEGER` 0/1.
///
/// In a `#[derive(sqlx::FromRow)]` struct, keep the field a `bool` and add
/// `#[sqlx(try_from = "Flag")]`; in hand-written code, `row.try_get::<Flag, _>("col")?.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0
    }
}

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <bool as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        matches!(
            ty.kind(),
            AnyTypeInfoKind::Bool
                | AnyTypeInfoKind::SmallInt
                | AnyTypeInfoKind::Integer
                | AnyTypeInfoKind::BigInt
        )
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.type_info().kind() == AnyTypeInfoKind::Bool {
            <bool as Decode<Any>>::decode(value).map(Flag)
        } else {
            <i64 as Decode<Any>>::decode(value).map(|n| Flag(n != 0))
        }
    }
}

/// Milliseconds since the Unix epoch, UTC: the one timestamp format stored in the database.
pub use crate::time::now_ms;

/// A `LIKE` pattern matching `text` anywhere, with `LIKE`'s wildcards in `text` taken
/// literally: compare with `LOWER(column) LIKE LOWER($n) ESCAPE '\'`. Both sides go through the
/// database's own `LOWER`, so SQLite and PostgreSQL agree on what matches; a `%` typed into a
/// search box finds a `%`, not everything.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contains_pattern_takes_wildcards_literally() {
        assert_eq!(contains_pattern("Ab"), "%Ab%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn backend_comes_from_the_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://data/x.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
        let err = Backend::from_url("mysql://u@h/db").unwrap_err();
        assert_eq!(err.field(), Some("DATABASE_URL"));
        assert!(err.message().contains("mysql"));
    }

    /// The race that made SQLite requests fail at random: a transaction reads, another connection
    /// commits a write, then the transaction writes. With a deferred BEGIN the last write fails
    /// with SQLITE_BUSY (snapshot); with [`Db::begin`] the other writer waits for the commit.
    #[tokio::test]
    async fn a_transaction_that_reads_then_writes_is_not_overtaken_on_sqlite() {
        let dir = std::env::temp_dir().join(format!(
            "sahabot-immediate-{}-{}",
            std::process::id(),
            crate::time::now_ms()
        ));
        let db = Db::connect(&format!("sqlite://{}", dir.join("x.db").display()))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)")
            .execute(db.pool())
            .await
            .unwrap();
        sqlx::query("INSERT INTO counter (id, n) VALUES (1, 0)")
            .execute(db.pool())
            .await
            .unwrap();

        let mut tx = db.begin().await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT n FROM counter WHERE id = 1")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        // Another connection writes while the transaction is open (it must wait, not overtake).
        let other = {
            let db = db.clone();
            tokio::spawn(async move {
                sqlx::query("UPDATE counter SET n = n + 100 WHERE id = 1")
                    .execute(db.pool())
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        sqlx::query("UPDATE counter SET n = $1 WHERE id = 1")
            .bind(n + 1)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        other.await.unwrap().unwrap();

        let n: i64 = sqlx::query_scalar("SELECT n FROM counter WHERE id = 1")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(n, 101, "both writes applied, one after the other");
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = std::env::temp_dir().join(format!("sahabot-url-{}", std::process::id()));
        let file = dir.join("nested/x.db");
        let url = prepare_sqlite_url(&format!("sqlite://{}", file.display())).unwrap();
        assert!(url.ends_with("x.db?mode=rwc"), "{url}");
        assert!(file.parent().unwrap().is_dir());
        assert_eq!(
            prepare_sqlite_url("sqlite::memory:?cache=shared").unwrap(),
            "sqlite://:memory:?cache=shared&mode=rwc"
        );
        assert_eq!(
            prepare_sqlite_url("sqlite://a.db?mode=ro").unwrap(),
            "sqlite://a.db?mode=ro"
        );
        assert!(prepare_sqlite_url("sqlite://").is_err());
        std::fs::remove_dir_all(dir).ok();
    }
}
