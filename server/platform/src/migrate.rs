//! The migration runner for the platform (`core`) and for every plugin.
//!
//! Migrations are plain SQL files, one folder per backend (`migrations/sqlite/NNNN_name.sql`,
//! `migrations/postgres/NNNN_name.sql`), applied in name order. Each applied file is recorded in
//! `plugin_migrations` with its owner (`core` or a plugin id), its name and the sha256 of its
//! text. The rules:
//! - every file runs in its own transaction together with its record, so it applies fully or not;
//! - a file that was applied and has since changed stops everything before anything runs, and the
//!   error names the file (edit history with a new file instead);
//! - a file that fails is rolled back, recorded as failed with the database's message, and stops
//!   this owner's remaining files; it is tried again on the next start.
//!
//! On PostgreSQL several instances may start at once, so the whole run holds an advisory lock.
//!
//! Before anything runs, SQLite files are checked for `BOOLEAN`/`BOOL` columns, which the sqlx
//! `Any` driver cannot read back (see `sdk::db::Flag`): such a file is refused with a message
//! saying to use `INTEGER`.

use std::collections::HashMap;

use include_dir::{include_dir, Dir};
use sdk::db::{now_ms, Backend, Db, Flag};
use sqlx::{pool::PoolConnection, Any};

/// The owner name of the platform's own migrations.
pub const CORE: &str = "core";

static CORE_MIGRATIONS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../migrations");

/// Arbitrary constant identifying "a SahaBot migration run" among PostgreSQL advisory locks.
const ADVISORY_LOCK_KEY: i64 = 0x5a4a_b071;

pub use sdk::plugin::Migration;

/// What a run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub applied: Vec<String>,
    pub already_applied: usize,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MigrationError {
    #[error(
        "migration {owner}/{name} was already applied but its file has changed since \
         (checksum {recorded} → {current}); restore the file and put the change in a new migration"
    )]
    ChecksumChanged {
        owner: String,
        name: String,
        recorded: String,
        current: String,
    },
    #[error("migration {owner}/{name} failed and was rolled back: {error}")]
    Failed {
        owner: String,
        name: String,
        error: String,
    },
    #[error("migration {owner}/{name} cannot be used on {backend}: {detail}")]
    Unportable {
        owner: String,
        name: String,
        backend: &'static str,
        detail: String,
    },
    #[error("the migration history could not be read or written: {0}")]
    Database(String),
}

impl From<sqlx::Error> for MigrationError {
    fn from(e: sqlx::Error) -> Self {
        Self::Database(e.to_string())
    }
}

/// The platform's migrations for `backend`, embedded in the binary at build time.
pub fn core_migrations(backend: Backend) -> Vec<Migration> {
    let Some(dir) = CORE_MIGRATIONS.get_dir(backend.name()) else {
        return Vec::new();
    };
    let mut migrations: Vec<Migration> = dir
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "sql"))
        .filter_map(|f| {
            let name = f.path().file_name()?.to_str()?.to_string();
            Some(Migration::new(name, f.contents_utf8()?))
        })
        .collect();
    migrations.sort_by(|a, b| a.name.cmp(&b.name));
    migrations
}

/// Reads the `.sql` files of a folder (for plugins installed at run time, and tests).
pub fn load_dir(dir: &std::path::Path) -> std::io::Result<Vec<Migration>> {
    let mut migrations = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "sql") {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            migrations.push(Migration::new(name, std::fs::read_to_string(&path)?));
        }
    }
    migrations.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(migrations)
}

/// Applies `owner`'s pending migrations in name order.
pub async fn run(db: &Db, owner: &str, migrations: &[Migration]) -> Result<Report, MigrationError> {
    check_portable(db.backend(), owner, migrations)?;
    let mut conn = db.pool().acquire().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(ADVISORY_LOCK_KEY)
            .execute(&mut *conn)
            .await?;
    }
    let result = run_locked(&mut conn, db.backend(), owner, migrations).await;
    if db.backend() == Backend::Postgres {
        // Unlock even after a failure; if this fails the lock ends with the connection anyway.
        let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(ADVISORY_LOCK_KEY)
            .execute(&mut *conn)
            .await;
        if unlocked.is_err() {
            conn.detach();
        }
    }
    result
}

/// Refuses SQLite files that declare boolean columns (the `Any` driver cannot read them).
pub fn check_portable(
    backend: Backend,
    owner: &str,
    migrations: &[Migration],
) -> Result<(), MigrationError> {
    if backend != Backend::Sqlite {
        return Ok(());
    }
    for migration in migrations {
        let declares_bool = migration
            .sql
            .lines()
            .map(|line| line.split("--").next().unwrap_or_default())
            .flat_map(|code| code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
            .any(|word| word.eq_ignore_ascii_case("BOOLEAN") || word.eq_ignore_ascii_case("BOOL"));
        if declares_bool {
            return Err(MigrationError::Unportable {
                owner: owner.to_string(),
                name: migration.name.clone(),
                backend: backend.name(),
                detail: "declare boolean columns as INTEGER (0/1) in SQLite migrations; the sqlx \
                         Any driver cannot read SQLite BOOLEAN columns"
                    .to_string(),
            });
        }
    }
    Ok(())
}

async fn run_locked(
    conn: &mut PoolConnection<Any>,
    backend: Backend,
    owner: &str,
    migrations: &[Migration],
) -> Result<Report, MigrationError> {
    ensure_history_table(conn, backend).await?;
    let recorded = recorded_migrations(conn, owner).await?;

    let mut sorted: Vec<&Migration> = migrations.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));

    // Refuse before touching anything when history was rewritten.
    for migration in &sorted {
        if let Some(record) = recorded.get(&migration.name) {
            let current = migration.checksum();
            if record.success && record.checksum != current {
                return Err(MigrationError::ChecksumChanged {
                    owner: owner.to_string(),
                    name: migration.name.clone(),
                    recorded: record.checksum.clone(),
                    current,
                });
            }
        }
    }

    let mut report = Report::default();
    for migration in sorted {
        if recorded.get(&migration.name).is_some_and(|r| r.success) {
            report.already_applied += 1;
            continue;
        }
        apply_one(conn, owner, migration).await?;
        tracing::info!(owner, name = %migration.name, "applied migration");
        report.applied.push(migration.name.clone());
    }
    Ok(report)
}

async fn apply_one(
    conn: &mut PoolConnection<Any>,
    owner: &str,
    migration: &Migration,
) -> Result<(), MigrationError> {
    let checksum = migration.checksum();
    let mut tx = sqlx::Connection::begin(&mut **conn).await?;
    let outcome = sqlx::raw_sql(&migration.sql).execute(&mut *tx).await;
    match outcome {
        Ok(_) => {
            record(&mut *tx, owner, &migration.name, &checksum, None).await?;
            tx.commit().await?;
            Ok(())
        }
        Err(e) => {
            let error = e.to_string();
            tx.rollback().await?;
            record(&mut **conn, owner, &migration.name, &checksum, Some(&error)).await?;
            tracing::error!(owner, name = %migration.name, %error, "migration failed");
            Err(MigrationError::Failed {
                owner: owner.to_string(),
                name: migration.name.clone(),
                error,
            })
        }
    }
}

async fn ensure_history_table(
    conn: &mut PoolConnection<Any>,
    backend: Backend,
) -> Result<(), MigrationError> {
    let (id_column, flag) = match backend {
        Backend::Sqlite => ("id INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER"),
        Backend::Postgres => (
            "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "BOOLEAN",
        ),
    };
    let sql = format!(
        "CREATE TABLE IF NOT EXISTS plugin_migrations (
            {id_column},
            plugin_id TEXT NOT NULL,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at BIGINT NOT NULL,
            success {flag} NOT NULL,
            error_message TEXT,
            UNIQUE (plugin_id, name)
        )"
    );
    sqlx::query(&sql).execute(&mut **conn).await?;
    Ok(())
}

struct Recorded {
    checksum: String,
    success: bool,
}

async fn recorded_migrations(
    conn: &mut PoolConnection<Any>,
    owner: &str,
) -> Result<HashMap<String, Recorded>, MigrationError> {
    let rows: Vec<RecordedRow> = sqlx::query_as(
        "SELECT name, checksum, success FROM plugin_migrations WHERE plugin_id = $1",
    )
    .bind(owner)
    .fetch_all(&mut **conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.name,
                Recorded {
                    checksum: row.checksum,
                    success: row.success,
                },
            )
        })
        .collect())
}

/// A `plugin_migrations` row (`recorded_migrations`).
#[derive(sqlx::FromRow)]
struct RecordedRow {
    name: String,
    checksum: String,
    #[sqlx(try_from = "Flag")]
    success: bool,
}

async fn record<'c, E>(
    executor: E,
    owner: &str,
    name: &str,
    checksum: &str,
    error: Option<&str>,
) -> Result<(), MigrationError>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    sqlx::query(
        "INSERT INTO plugin_migrations (plugin_id, name, checksum, applied_at, success, error_message)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (plugin_id, name) DO UPDATE SET
             checksum = excluded.checksum,
             applied_at = excluded.applied_at,
             success = excluded.success,
             error_message = excluded.error_message",
    )
    .bind(owner)
    .bind(name)
    .bind(checksum)
    .bind(now_ms())
    .bind(error.is_none())
    .bind(error)
    .execute(executor)
    .await?;
    Ok(())
}

/// How many recorded migrations failed (for `/health`).
pub async fn failed_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) AS failed FROM plugin_migrations WHERE success = $1")
        .bind(false)
        .fetch_one(db.pool())
        .await
}
