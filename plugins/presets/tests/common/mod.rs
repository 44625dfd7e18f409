//! What every database test starts from: a fresh database (SQLite or PostgreSQL) with the
//! platform's schema and this plugin's migrations, the plugin loaded in a host, and a [`World`]
//! with typed helpers over the [`Presets`] service.
// Each test binary uses some of the helpers.
#![allow(dead_code)]

use std::sync::Arc;
use testkit::platform;

use platform::{LoadOptions, PluginHost};
use presets::{
    model::{Namespace, Preset, PresetSummary},
    service::{NamespaceInput, PresetChange, PresetFilter, PresetInput, Presets},
};
use sdk::{
    auth::GlobalLevel, context::Platform, db::Backend, plugin::Bundle, time::now_ms, Actor, Error,
};
use testkit::TestDb;

pub async fn load(backend: Backend) -> (TestDb, Arc<PluginHost>) {
    let test = TestDb::new(backend).await;
    test.migrate_core().await;
    let dir = env!("CARGO_MANIFEST_DIR");
    let read = |b: &str| {
        platform::migrate::load_dir(&std::path::Path::new(dir).join("migrations").join(b)).unwrap()
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

pub struct World {
    pub test: TestDb,
    pub platform: Platform,
    pub presets: Presets,
}

pub async fn world(backend: Backend) -> World {
    let (test, host) = load(backend).await;
    let platform = platform::Host::new(test.db.clone(), host, "http://localhost").contract();
    let presets = Presets::new(platform.clone());
    World {
        test,
        platform,
        presets,
    }
}

impl World {
    pub async fn user(&self, name: &str, level: GlobalLevel) -> Actor {
        Actor::user(self.test.user(name, level).await)
    }

    pub async fn org(&self, owner: &Actor, name: &str) -> i64 {
        self.test.org(owner.user.as_ref().unwrap(), name).await
    }

    /// A new user, member of `org` (with `role`, if any).
    pub async fn member(&self, owner: &Actor, org: i64, name: &str, role: Option<&str>) -> Actor {
        let user = self.user(name, GlobalLevel::User).await;
        self.join(owner, org, &user, role).await;
        user
    }

    /// Adds `user` to `org` (with `role`, if any).
    pub async fn join(&self, owner: &Actor, org: i64, user: &Actor, role: Option<&str>) {
        let owner = owner.user.as_ref().unwrap();
        let authorizer = testkit::authorizer(&self.platform);
        let id = user.id().unwrap();
        platform::identity::orgs::add_member(&self.test.db, authorizer, owner, org, id, None)
            .await
            .unwrap();
        if let Some(role) = role {
            platform::identity::roles::assign(
                &self.test.db,
                authorizer,
                owner,
                org,
                id,
                role,
                None,
            )
            .await
            .unwrap();
        }
    }

    pub async fn create_namespace(
        &self,
        org: Option<i64>,
        actor: &Actor,
        input: NamespaceInput,
    ) -> Result<Namespace, Error> {
        self.presets
            .create_namespace(org, actor, input, now_ms())
            .await
    }

    pub async fn create_preset(
        &self,
        org: Option<i64>,
        actor: &Actor,
        input: PresetInput,
    ) -> Result<Preset, Error> {
        self.presets
            .create_preset(org, actor, input, now_ms())
            .await
    }

    pub async fn update_preset(
        &self,
        org: Option<i64>,
        actor: &Actor,
        id: i64,
        change: PresetChange,
    ) -> Result<Preset, Error> {
        self.presets
            .update_preset(org, actor, id, change, now_ms())
            .await
    }

    pub async fn grant(
        &self,
        org: Option<i64>,
        actor: &Actor,
        slug: &str,
        user: &Actor,
        rights: [bool; 3],
    ) -> Result<usize, Error> {
        self.presets
            .grant(org, actor, slug, user.id().unwrap(), rights, now_ms())
            .await
            .map(|grants| grants.len())
    }

    /// The names of the presets `actor` finds with `filter`.
    pub async fn names(
        &self,
        org: Option<i64>,
        actor: &Actor,
        filter: PresetFilter,
    ) -> Vec<String> {
        let list: Vec<PresetSummary> = self.presets.list_presets(org, actor, filter).await.unwrap();
        list.into_iter().map(|p| p.name).collect()
    }
}

pub fn ns(slug: &str, public: bool, for_org: bool) -> NamespaceInput {
    NamespaceInput {
        slug: slug.into(),
        display_name: slug.to_uppercase(),
        description: String::new(),
        is_public: public,
        for_organization: for_org,
    }
}

pub fn preset(namespace: Option<&str>, name: &str, public: bool) -> PresetInput {
    PresetInput {
        namespace: namespace.map(str::to_string),
        randomizer: "alttpr".into(),
        name: name.into(),
        description: String::new(),
        yaml: "goal: ganon\nmode: open\n".into(),
        is_public: public,
    }
}

pub fn describe(description: &str) -> PresetChange {
    PresetChange {
        name: None,
        description: Some(description.into()),
        yaml: None,
        is_public: None,
    }
}

pub fn kind<T: std::fmt::Debug>(result: Result<T, Error>) -> &'static str {
    result.unwrap_err().kind()
}
