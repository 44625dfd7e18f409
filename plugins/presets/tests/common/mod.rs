//! What every database test starts from: a fresh database (SQLite or PostgreSQL) with the
//! platform's schema and this plugin's migrations, and the plugin loaded in a host.

use std::sync::Arc;

use sdk::{
    db::Backend,
    plugin::{host::LoadOptions, Bundle, PluginHost},
    testing::TestDb,
};

pub async fn load(backend: Backend) -> (TestDb, Arc<PluginHost>) {
    let test = TestDb::new(backend).await;
    test.migrate_core().await;
    let dir = env!("CARGO_MANIFEST_DIR");
    let read = |b: &str| {
        sdk::migrate::load_dir(&std::path::Path::new(dir).join("migrations").join(b)).unwrap()
    };
    let bundle = Bundle {
        manifest_source: presets::MANIFEST.into(),
        origin: "plugins/presets/plugin.toml".into(),
        sqlite: read("sqlite"),
        postgres: read("postgres"),
        plugin: presets::plugin(),
    };
    let host = Arc::new(
        PluginHost::load(&test.db, vec![bundle], LoadOptions::default())
            .await
            .unwrap(),
    );
    (test, host)
}
