//! What every database test starts from: a fresh database (SQLite or PostgreSQL) with the
//! platform's schema and this plugin's migrations, the plugin loaded in a host, and a [`World`]
//! with typed helpers over the [`Presets`] service.
// Each test binary uses some of the helpers.
#![allow(dead_code)]

use presets::{
    model::{Namespace, NamespaceGrant, Preset, PresetSummary},
    service::{NamespaceInput, PresetChange, PresetFilter, PresetInput, Presets},
};
use sdk::{
    auth::GlobalLevel,
    db::Backend,
    page::{Page, PageRequest},
    time::now_ms,
    Actor, Error,
};
use testkit::PluginWorld;

/// The test kit's world (database, platform, a site admin, "League") with the presets service.
/// Its `user`, `member` and `join` deal in [`Actor`]s, what the service takes.
pub struct World {
    pub world: PluginWorld,
    pub presets: Presets,
}

testkit::deref_world!(World);

pub async fn world(backend: Backend) -> World {
    let world = testkit::plugin_world!(presets, backend).await;
    let presets = Presets::new(world.platform.clone());
    World { world, presets }
}

impl World {
    pub async fn user(&self, name: &str, level: GlobalLevel) -> Actor {
        Actor::user(self.test.user(name, level).await)
    }

    /// The site admin (a superadmin, Admin of "League" and of every organization it makes).
    pub fn root(&self) -> Actor {
        self.actor(&self.admin)
    }

    /// A new user, member of `org` (with `role`, if any).
    pub async fn member(&self, org: i64, name: &str, role: Option<&str>) -> Actor {
        Actor::user(self.member_of(org, name, role.as_slice()).await)
    }

    /// Adds `user` to `org` (with `role`, if any).
    pub async fn join(&self, org: i64, user: &Actor, role: Option<&str>) {
        let user = user.user.as_ref().unwrap();
        self.world.join(org, user, role.as_slice()).await;
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
    ) -> Result<Option<NamespaceGrant>, Error> {
        self.presets
            .grant(org, actor, slug, user.id().unwrap(), rights, now_ms())
            .await
    }

    /// The first page of a namespace's grants, as `actor` sees it.
    pub async fn grants(&self, actor: &Actor, slug: &str) -> Result<Vec<NamespaceGrant>, Error> {
        let page = self
            .presets
            .grants(None, actor, slug, &PageRequest::first())
            .await?;
        Ok(page.items)
    }

    /// The names of the presets `actor` finds with `filter` (the first page: newest first).
    pub async fn names(
        &self,
        org: Option<i64>,
        actor: &Actor,
        filter: PresetFilter,
    ) -> Vec<String> {
        let page: Page<PresetSummary> = self
            .presets
            .list_presets(org, actor, filter, &PageRequest::first())
            .await
            .unwrap();
        page.items.into_iter().map(|p| p.name).collect()
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
