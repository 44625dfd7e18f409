//! The migration runner on SQLite and PostgreSQL: applies once, refuses rewritten history,
//! rolls back and records a broken file, and start-up stops on either.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use sdk::{db::Backend, db::Db, db::Flag};

use server::migrate::{self, Migration, MigrationError};
use sqlx::Row;
use testkit::{both_backends, TestDb};

fn good_set() -> Vec<Migration> {
    vec![
        Migration::new("0001_things.sql", "CREATE TABLE things (id BIGINT PRIMARY KEY, name TEXT NOT NULL);"),
        Migration::new(
            "0002_more.sql",
            "CREATE TABLE more_things (id BIGINT PRIMARY KEY);\nINSERT INTO things (id, name) VALUES (1, 'one');",
        ),
    ]
}

async fn table_exists(db: &Db, table: &str) -> bool {
    let sql = match db.backend() {
        Backend::Sqlite => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = $1",
        Backend::Postgres => {
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1"
        }
    };
    let row = sqlx::query(sql)
        .bind(table)
        .fetch_one(db.pool())
        .await
        .unwrap();
    row.try_get::<i64, _>("n").unwrap() > 0
}

async fn history(db: &Db, owner: &str) -> Vec<(String, bool, Option<String>)> {
    sqlx::query("SELECT name, success, error_message FROM plugin_migrations WHERE plugin_id = $1 ORDER BY name")
        .bind(owner)
        .fetch_all(db.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.get("name"), r.get::<Flag, _>("success").0, r.get("error_message")))
        .collect()
}

async fn applies_once_then_nothing(backend: Backend) {
    let test = TestDb::new(backend).await;
    let first = migrate::run(&test.db, "demo", &good_set()).await.unwrap();
    assert_eq!(first.applied, vec!["0001_things.sql", "0002_more.sql"]);
    assert_eq!(first.already_applied, 0);
    assert!(table_exists(&test.db, "more_things").await);

    let second = migrate::run(&test.db, "demo", &good_set()).await.unwrap();
    assert!(second.applied.is_empty());
    assert_eq!(second.already_applied, 2);
    // The insert ran once, not twice.
    let rows = sqlx::query("SELECT id FROM things")
        .fetch_all(test.db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);

    // A new file is applied on its own; owners are independent.
    let mut grown = good_set();
    grown.push(Migration::new(
        "0003_last.sql",
        "CREATE TABLE last_things (id BIGINT);",
    ));
    let third = migrate::run(&test.db, "demo", &grown).await.unwrap();
    assert_eq!(third.applied, vec!["0003_last.sql"]);
    let other = migrate::run(
        &test.db,
        "other",
        &[Migration::new(
            "0001_x.sql",
            "CREATE TABLE other_x (id BIGINT);",
        )],
    )
    .await
    .unwrap();
    assert_eq!(other.applied.len(), 1);
    let recorded = history(&test.db, "demo").await;
    assert_eq!(recorded.len(), 3);
    assert!(recorded.iter().all(|(_, ok, err)| *ok && err.is_none()));
}
both_backends!(applies_once, applies_once_then_nothing);

async fn changed_checksum_is_refused_naming_the_file(backend: Backend) {
    let test = TestDb::new(backend).await;
    migrate::run(&test.db, "demo", &good_set()[..1])
        .await
        .unwrap();
    let mut edited = good_set();
    edited[0].sql.push_str("\n-- sneaky edit\n");
    let err = migrate::run(&test.db, "demo", &edited).await.unwrap_err();
    assert!(
        matches!(err, MigrationError::ChecksumChanged { ref name, .. } if name == "0001_things.sql")
    );
    let message = err.to_string();
    assert!(message.contains("demo/0001_things.sql"), "{message}");
    // Nothing after it ran.
    assert!(!table_exists(&test.db, "more_things").await);
}
both_backends!(
    changed_checksum,
    changed_checksum_is_refused_naming_the_file
);

async fn broken_file_rolls_back_and_is_recorded(backend: Backend) {
    let test = TestDb::new(backend).await;
    let broken = vec![
        good_set().remove(0),
        Migration::new(
            "0002_broken.sql",
            "CREATE TABLE half_done (id BIGINT);\nINSERT INTO things (id, name) VALUES (7, 'seven');\nCREATE TABLE oops (id BIGINT,,);",
        ),
        Migration::new("0003_after.sql", "CREATE TABLE after_broken (id BIGINT);"),
    ];
    let err = migrate::run(&test.db, "demo", &broken).await.unwrap_err();
    let MigrationError::Failed { name, error, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(name, "0002_broken.sql");
    assert!(!error.is_empty());
    assert!(err.to_string().contains("demo/0002_broken.sql"));
    // Everything in the broken file was rolled back, and the file after it did not run.
    assert!(!table_exists(&test.db, "half_done").await);
    assert!(!table_exists(&test.db, "after_broken").await);
    let rows = sqlx::query("SELECT id FROM things")
        .fetch_all(test.db.pool())
        .await
        .unwrap();
    assert!(rows.is_empty());
    let recorded = history(&test.db, "demo").await;
    assert_eq!(recorded[0], ("0001_things.sql".to_string(), true, None));
    assert_eq!(recorded[1].0, "0002_broken.sql");
    assert!(!recorded[1].1, "recorded as failed");
    assert!(
        recorded[1].2.as_deref().is_some_and(|e| !e.is_empty()),
        "error message kept"
    );
    // /health would now say the migrations failed.
    assert_eq!(migrate::failed_count(&test.db).await.unwrap(), 1);

    // Fixed, it is applied on the next run and the record flips to success.
    let mut fixed = broken.clone();
    fixed[1].sql = "CREATE TABLE half_done (id BIGINT);".to_string();
    let report = migrate::run(&test.db, "demo", &fixed).await.unwrap();
    assert_eq!(report.applied, vec!["0002_broken.sql", "0003_after.sql"]);
    assert_eq!(migrate::failed_count(&test.db).await.unwrap(), 0);
}
both_backends!(broken_file, broken_file_rolls_back_and_is_recorded);

async fn startup_stops_on_rewritten_core_history(backend: Backend) {
    let test = TestDb::new(backend).await;
    let config = common::test_config(&test.url);
    // A first start applies the core migrations; a second applies nothing and starts.
    server::start(config.clone())
        .await
        .unwrap()
        .stop()
        .await
        .unwrap();
    let core = migrate::core_migrations(backend);
    assert!(!core.is_empty());
    let second = migrate::run(&test.db, migrate::CORE, &core).await.unwrap();
    assert!(second.applied.is_empty());
    assert_eq!(second.already_applied, core.len());

    sqlx::query(
        "UPDATE plugin_migrations SET checksum = 'edited' WHERE plugin_id = 'core' AND name = $1",
    )
    .bind(&core[0].name)
    .execute(test.db.pool())
    .await
    .unwrap();
    let err = match server::start(config.clone()).await {
        Ok(_) => panic!("start-up must refuse rewritten history"),
        Err(err) => err.to_string(),
    };
    assert!(err.contains(&format!("core/{}", core[0].name)), "{err}");
    std::fs::remove_dir_all(config.data_dir).ok();
}
both_backends!(
    startup_refuses_changed_core,
    startup_stops_on_rewritten_core_history
);

async fn both_folders_hold_the_same_migrations(_backend: Backend) {
    let sqlite: Vec<String> = migrate::core_migrations(Backend::Sqlite)
        .into_iter()
        .map(|m| m.name)
        .collect();
    let postgres: Vec<String> = migrate::core_migrations(Backend::Postgres)
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(
        sqlite, postgres,
        "every core migration needs a file for each backend"
    );
}
both_backends!(same_migration_names, both_folders_hold_the_same_migrations);

#[test]
fn sqlite_boolean_columns_are_refused_before_running() {
    let file = Migration::new(
        "0001_flags.sql",
        "CREATE TABLE f (id BIGINT, active BOOLEAN NOT NULL); -- bool",
    );
    let err =
        migrate::check_portable(Backend::Sqlite, "demo", std::slice::from_ref(&file)).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("demo/0001_flags.sql") && message.contains("INTEGER"),
        "{message}"
    );
    assert!(migrate::check_portable(Backend::Postgres, "demo", &[file]).is_ok());
    // Words that merely contain it, and comments, are fine.
    let ok = Migration::new(
        "0002.sql",
        "-- a BOOLEAN in a comment\nCREATE TABLE boolean_things (is_bool_like INTEGER);",
    );
    assert!(migrate::check_portable(Backend::Sqlite, "demo", &[ok]).is_ok());
    for backend in [Backend::Sqlite, Backend::Postgres] {
        migrate::check_portable(backend, "core", &migrate::core_migrations(backend)).unwrap();
    }
}
