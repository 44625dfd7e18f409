//! Every schema is written twice, once per backend (`migrations/{sqlite,postgres}/`, the same in
//! each plugin). This test applies the core's and every built-in plugin's migrations to a fresh
//! SQLite and a fresh PostgreSQL database and compares the tables and columns they made: a
//! column added to one dialect only would otherwise surface as a query failing on the other.
//! Types are not compared (flags are INTEGER on SQLite and BOOLEAN on PostgreSQL on purpose).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::{BTreeMap, BTreeSet};

use sdk::db::{Backend, Db};
use testkit::TestDb;

/// table → its columns, as the database reports them.
async fn schema(db: &Db) -> BTreeMap<String, BTreeSet<String>> {
    let rows: Vec<(String, String)> = match db.backend() {
        Backend::Sqlite => sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(db.pool())
        .await
        .unwrap(),
        Backend::Postgres => sqlx::query_as(
            "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
                 WHERE table_schema = 'public'",
        )
        .fetch_all(db.pool())
        .await
        .unwrap(),
    };
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, column) in rows {
        tables.entry(table).or_default().insert(column);
    }
    tables
}

/// A fresh database with the core schema and every built-in plugin loaded (which migrates it).
async fn migrated(backend: Backend) -> (TestDb, BTreeSet<String>) {
    let test = TestDb::new(backend).await;
    test.migrate_core().await;
    let host = platform::PluginHost::load(
        &test.db,
        app::plugins::bundles(),
        platform::LoadOptions::default(),
    )
    .await
    .unwrap();
    let failed: BTreeSet<String> = host
        .ids()
        .into_iter()
        .filter(|id| host.reason(id).is_some())
        .collect();
    (test, failed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_dialects_make_the_same_tables_and_columns() {
    let (sqlite, sqlite_failed) = migrated(Backend::Sqlite).await;
    let (postgres, postgres_failed) = migrated(Backend::Postgres).await;
    assert!(
        sqlite_failed.is_empty(),
        "plugins failed on SQLite: {sqlite_failed:?}"
    );
    assert!(
        postgres_failed.is_empty(),
        "plugins failed on PostgreSQL: {postgres_failed:?}"
    );
    let on_sqlite = schema(&sqlite.db).await;
    let on_postgres = schema(&postgres.db).await;
    assert!(
        on_sqlite.len() > 20,
        "only {} tables on SQLite",
        on_sqlite.len()
    );

    let mut differences = Vec::new();
    let tables: BTreeSet<&String> = on_sqlite.keys().chain(on_postgres.keys()).collect();
    for table in tables {
        match (on_sqlite.get(table), on_postgres.get(table)) {
            (Some(_), None) => differences.push(format!("{table}: only on SQLite")),
            (None, Some(_)) => differences.push(format!("{table}: only on PostgreSQL")),
            (Some(s), Some(p)) => {
                for column in s.difference(p) {
                    differences.push(format!("{table}.{column}: only on SQLite"));
                }
                for column in p.difference(s) {
                    differences.push(format!("{table}.{column}: only on PostgreSQL"));
                }
            }
            (None, None) => {}
        }
    }
    assert!(
        differences.is_empty(),
        "the dialects' migrations disagree:\n{}",
        differences.join("\n")
    );
}
