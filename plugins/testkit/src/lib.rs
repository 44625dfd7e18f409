//! The test kit of the platform and its plugins (a dev-dependency only): a fresh database per
//! test on SQLite *and* PostgreSQL, a platform with one plugin loaded, callers, event
//! recording, and local fake servers for the upstreams ([`fake_discord`], [`fake_racetime`],
//! [`fake_randomizers`]).
//!
//! [`TestDb::sqlite`] makes a database file in its own temporary folder; [`TestDb::postgres`]
//! creates a uniquely named database on the server named by `SAHABOT_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`). Both are removed when the value is
//! dropped — also when the test panics. PostgreSQL tests never skip: when no server answers, the
//! test fails and says how to point it at one (`make test` starts one when needed).
//!
//! [`both_backends!`](crate::both_backends) turns one `async fn(TestDb)` into a test per backend.

use std::sync::atomic::{AtomicU32, Ordering};

pub mod fake_discord;
pub mod fake_racetime;
pub mod fake_randomizers;
pub mod fake_speedgaming;
pub mod randomizer_world;
mod world;

pub use randomizer_world::RandomizerWorld;
pub use world::{bundle_from_dir, PluginWorld, PluginWorldBuilder};

/// The host, for tests that drive it directly (plugins name it only through the test kit, so
/// their own crates never depend on it).
pub use platform;
pub use sdk::db::Backend;

use rand::Rng;

use sdk::db::Db;

pub const DEFAULT_TEST_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The PostgreSQL server tests use: `SAHABOT_TEST_POSTGRES_URL` or the machine's default.
pub fn postgres_admin_url() -> String {
    std::env::var("SAHABOT_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_TEST_POSTGRES_URL.to_string())
}

/// A database that exists for one test.
pub struct TestDb {
    pub db: Db,
    /// The URL of this database, for starting a server process on it.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(std::path::PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A name no other test (in this or another process) is using.
pub fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let salt: u32 = rand::thread_rng().gen();
    format!("{prefix}_{}_{n}_{salt:08x}", std::process::id())
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    pub async fn sqlite() -> Self {
        let folder = std::env::temp_dir().join(unique_name("sahabot_test"));
        let url = format!("sqlite://{}/sahabot.db", folder.display());
        let db = match Db::connect(&url).await {
            Ok(db) => db,
            Err(e) => panic!("could not open a test SQLite database at {url}: {e}"),
        };
        Self {
            db,
            url,
            cleanup: Cleanup::Folder(folder),
        }
    }

    pub async fn postgres() -> Self {
        let admin_url = postgres_admin_url();
        let name = unique_name("sahabot_test");
        let admin = match Db::connect(&admin_url).await {
            Ok(db) => db,
            Err(e) => panic!(
                "PostgreSQL tests need a server: {e}. Set SAHABOT_TEST_POSTGRES_URL to a \
                 superuser URL (default {DEFAULT_TEST_POSTGRES_URL}), or run `make test`, which \
                 starts one when none answers."
            ),
        };
        if let Err(e) = sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(admin.pool())
            .await
        {
            panic!("could not create test database {name} on {admin_url}: {e}");
        }
        admin.close().await;
        let url = with_database(&admin_url, &name);
        let db = match Db::connect(&url).await {
            Ok(db) => db,
            Err(e) => panic!("could not connect to the new test database {url}: {e}"),
        };
        Self {
            db,
            url,
            cleanup: Cleanup::PostgresDatabase { admin_url, name },
        }
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// A fresh database with the platform's schema and the migrations of one plugin crate,
    /// read from `<plugin_dir>/migrations/<backend>/` (pass `env!("CARGO_MANIFEST_DIR")`).
    pub async fn with_plugin(backend: Backend, plugin_id: &str, plugin_dir: &str) -> Self {
        let test = Self::new(backend).await;
        test.migrate_core().await;
        let dir = std::path::Path::new(plugin_dir)
            .join("migrations")
            .join(backend.name());
        let migrations = match platform::migrate::load_dir(&dir) {
            Ok(m) => m,
            Err(e) => panic!("could not read {}: {e}", dir.display()),
        };
        if let Err(e) = platform::migrate::run(&test.db, plugin_id, &migrations).await {
            panic!(
                "migrations of {plugin_id} failed on {}: {e}",
                backend.name()
            );
        }
        test
    }

    /// Applies the platform's own migrations.
    pub async fn migrate_core(&self) {
        let core = platform::migrate::core_migrations(self.backend());
        if let Err(e) = platform::migrate::run(&self.db, platform::migrate::CORE, &core).await {
            panic!("core migrations failed: {e}");
        }
    }

    /// A user of the given level, as a signed-in caller.
    pub async fn user(&self, name: &str, level: sdk::auth::GlobalLevel) -> sdk::auth::CurrentUser {
        match platform::identity::users::create(&self.db, name, level).await {
            Ok(user) => sdk::auth::CurrentUser {
                id: user.id,
                username: user.username,
                display_name: None,
                level,
                impersonated_by: None,
            },
            Err(e) => panic!("could not create test user {name}: {e}"),
        }
    }

    /// An organization whose Admin is `owner`.
    pub async fn org(&self, owner: &sdk::auth::CurrentUser, name: &str) -> i64 {
        match platform::identity::orgs::create(&self.db, owner, name, "", None).await {
            Ok(org) => org.id,
            Err(e) => panic!("could not create test organization {name}: {e}"),
        }
    }
}

/// The platform's authorizer behind `platform` (identity services take it). Panics when the
/// platform was not built by the host, which only a broken test can do.
pub fn authorizer(platform: &sdk::context::Platform) -> &platform::Authorizer {
    platform
        .authorizer
        .as_any()
        .downcast_ref::<platform::Authorizer>()
        .unwrap_or_else(|| panic!("the platform's authorizer is the host's"))
}

/// Runs `f` as a request by `user` on `platform` reaches a server function: the platform and the
/// caller in the reactive context, so guards, actions and DTOs are what a client gets.
pub async fn as_caller<T, F, Fut>(
    platform: &sdk::context::Platform,
    user: &sdk::auth::CurrentUser,
    f: F,
) -> T
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    use leptos::prelude::{provide_context, Owner};
    let owner = Owner::new();
    let (mut parts, _) = http::Request::new(()).into_parts();
    parts.extensions.insert(sdk::auth::guard::Caller {
        user: Some(user.clone()),
        via: sdk::auth::guard::Via::Session,
        ip: Some("127.0.0.1".into()),
    });
    let platform = platform.clone();
    let fut = owner.with(move || {
        provide_context(platform);
        provide_context(parts);
        leptos::reactive::computed::ScopedFuture::new(f())
    });
    fut.await
}

/// The events of one type a test has seen, in the order the bus delivered them, with their
/// envelopes (organization, actor, time).
///
/// Listeners run off the emitter's path, so a test waits for the count it expects with
/// [`Recorded::wait_for`] instead of reading right after the call that emitted.
pub struct Recorded<E> {
    seen: std::sync::Arc<std::sync::Mutex<Vec<sdk::events::Envelope<E>>>>,
}

impl<E: Clone> Recorded<E> {
    /// The envelopes that have arrived so far.
    pub fn envelopes(&self) -> Vec<sdk::events::Envelope<E>> {
        self.seen.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// The events that have arrived so far.
    pub fn events(&self) -> Vec<E> {
        self.envelopes().into_iter().map(|e| e.event).collect()
    }

    /// Waits up to two seconds until `n` events have arrived, then returns the events that
    /// arrived (a test asserting on the count sees a short list when fewer came).
    pub async fn wait_for(&self, n: usize) -> Vec<E> {
        for _ in 0..200 {
            if self.seen.lock().map(|v| v.len() >= n).unwrap_or(true) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        self.events()
    }
}

/// Starts recording every event of type `E` emitted on `bus` from now on.
pub fn record<E: sdk::events::Event + Clone>(bus: &sdk::events::EventBus) -> Recorded<E> {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&seen);
    bus.listen::<E, _, _>("test", move |envelope| {
        let sink = std::sync::Arc::clone(&sink);
        async move {
            if let Ok(mut envelopes) = sink.lock() {
                envelopes.push(envelope);
            }
            Ok(())
        }
    });
    Recorded { seen }
}

/// `postgres://u@h:5432/test?x=y` with the database `name` instead of `test`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Folder(folder) => {
                std::fs::remove_dir_all(folder).ok();
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                // Drop runs outside any async context (possibly while panicking), so the DROP
                // DATABASE gets a small runtime of its own on a plain thread.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let dropped = std::thread::spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    runtime.block_on(async move {
                        if let Ok(admin) = Db::connect(&admin_url).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            if let Err(e) = sqlx::query(&sql).execute(admin.pool()).await {
                                eprintln!("could not drop test database {name}: {e}");
                            }
                            admin.close().await;
                        }
                    });
                });
                dropped.join().ok();
            }
        }
    }
}

/// Declares one test per backend for an `async fn(Backend)` defined next to it:
/// `both_backends!(creates_orgs, check_creates_orgs);` gives `creates_orgs::sqlite` and
/// `creates_orgs::postgres`. The check makes what it needs (`TestDb::new(backend)`, a test app).
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $check:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$check($crate::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$check($crate::Backend::Postgres).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_swapped_in_the_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }

    async fn a_fresh_database_answers(backend: Backend) {
        let test = TestDb::new(backend).await;
        let row: (i64,) = sqlx::query_as("SELECT CAST(41 AS BIGINT) + 1")
            .fetch_one(test.db.pool())
            .await
            .unwrap();
        assert_eq!(row.0, 42);
    }
    crate::both_backends!(fresh_database_answers, a_fresh_database_answers);
}
