//! What every randomizer plugin's tests start from: the presets plugin and the randomizer's
//! plugin loaded and on for "League", the randomizer's site settings (its install
//! configuration: the fake's address, short time limits), and the organization's own private
//! namespace `league` for its presets. The helpers roll through the presets plugin's seed
//! service — the path the API, the pages, Discord and tournaments take — so a test sees what a
//! user would: rights, the seed history, spoilers, the audit entry.

use presets::{
    model::SeedRoll,
    service::{NamespaceInput, PresetInput, Presets, RollRequest, SeedFilter},
};
use sdk::{db::Backend, page::PageRequest, plugin::Bundle, time::now_ms, Actor, Error};
use serde_json::Value;

use crate::{bundle_from_dir, PluginWorld};

/// The namespace the organization keeps its presets in.
pub const NAMESPACE: &str = "league";

/// A [`PluginWorld`] with presets and one randomizer plugin (see the module docs).
pub struct RandomizerWorld {
    pub world: PluginWorld,
    pub presets: Presets,
    /// The randomizer's (and its plugin's) id.
    pub randomizer: &'static str,
}

crate::deref_world!(RandomizerWorld);

impl RandomizerWorld {
    /// `plugin` is the randomizer plugin's bundle (`bundle_from_dir(MANIFEST,
    /// env!("CARGO_MANIFEST_DIR"), plugin())`), `site` its site settings.
    pub async fn new(
        backend: Backend,
        randomizer: &'static str,
        plugin: Bundle,
        site: Value,
    ) -> Self {
        Self::with_plugins(backend, randomizer, plugin, site, Vec::new()).await
    }

    /// The same with more plugins loaded (the tournament plugin, the Discord bot); they are
    /// switched on as their manifests say.
    pub async fn with_plugins(
        backend: Backend,
        randomizer: &'static str,
        plugin: Bundle,
        site: Value,
        more: Vec<Bundle>,
    ) -> Self {
        Self::with_settings(backend, randomizer, plugin, site, more, &[]).await
    }

    /// The same with deployment settings too (`RACETIME_URL`, `SECRET_KEY`, …).
    pub async fn with_settings(
        backend: Backend,
        randomizer: &'static str,
        plugin: Bundle,
        site: Value,
        more: Vec<Bundle>,
        settings: &[(&str, &str)],
    ) -> Self {
        let builder = settings
            .iter()
            .fold(PluginWorld::builder(backend), |b, (k, v)| b.setting(k, *v))
            .bundle(bundle_from_dir(
                presets::MANIFEST,
                concat!(env!("CARGO_MANIFEST_DIR"), "/../presets"),
                presets::plugin(),
            ))
            .bundle(plugin);
        let world = more
            .into_iter()
            .fold(builder, |b, bundle| b.bundle(bundle))
            .setting("SECRET_KEY", "test-secret-key-test-secret-key-0123456789")
            .setting("BASE_URL", "http://sahabot.test")
            .build()
            .await;
        world.set_enabled(randomizer, true).await;
        let root = Actor::user(world.admin.clone());
        world
            .plugins()
            .set_install_config(randomizer, site, &root)
            .await
            .unwrap_or_else(|e| panic!("the site settings of {randomizer}: {e}"));
        let presets = Presets::new(world.platform.clone());
        presets
            .create_namespace(
                Some(world.org),
                &root,
                NamespaceInput {
                    slug: NAMESPACE.into(),
                    display_name: "League".into(),
                    description: String::new(),
                    is_public: false,
                    for_organization: true,
                },
                now_ms(),
            )
            .await
            .unwrap_or_else(|e| panic!("the namespace {NAMESPACE}: {e}"));
        Self {
            world,
            presets,
            randomizer,
        }
    }

    /// The site admin, who is the organization's admin too.
    pub fn root(&self) -> Actor {
        Actor::user(self.admin.clone())
    }

    /// Saves the preset `name` (private, in [`NAMESPACE`]) as the admin.
    pub async fn save_preset(&self, name: &str, yaml: &str) -> Result<(), Error> {
        self.presets
            .create_preset(
                Some(self.org),
                &self.root(),
                PresetInput {
                    namespace: Some(NAMESPACE.into()),
                    randomizer: self.randomizer.into(),
                    name: name.into(),
                    description: String::new(),
                    yaml: yaml.into(),
                    is_public: false,
                },
                now_ms(),
            )
            .await
            .map(|_| ())
    }

    /// A roll of the preset `preset` from the web, before any changes.
    pub fn request(&self, preset: &str) -> RollRequest {
        RollRequest {
            randomizer: self.randomizer.into(),
            namespace: Some(NAMESPACE.into()),
            preset: Some(preset.into()),
            settings: None,
            spoiler: false,
            tournament: false,
            source: "web".into(),
        }
    }

    /// `actor` rolls the preset `preset`, with a spoiler log or not.
    pub async fn roll(
        &self,
        actor: &Actor,
        preset: &str,
        spoiler: bool,
    ) -> Result<SeedRoll, Error> {
        self.roll_request(
            actor,
            RollRequest {
                spoiler,
                ..self.request(preset)
            },
        )
        .await
    }

    /// `actor` rolls as `request` says.
    pub async fn roll_request(
        &self,
        actor: &Actor,
        request: RollRequest,
    ) -> Result<SeedRoll, Error> {
        self.presets
            .roll_seed(self.org, actor, request, now_ms())
            .await
    }

    /// The organization's seed history as `actor` sees it, newest first (the first page).
    pub async fn history(&self, actor: &Actor) -> Vec<SeedRoll> {
        self.presets
            .list_seeds(self.org, actor, SeedFilter::default(), PageRequest::first())
            .await
            .unwrap_or_else(|e| panic!("the seed history: {e}"))
            .items
    }

    /// How many audit entries of `action` there are.
    pub async fn audited(&self, action: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_logs WHERE action = $1")
            .bind(action)
            .fetch_one(self.platform.db.pool())
            .await
            .unwrap_or_else(|e| panic!("counting {action} audit entries: {e}"))
    }
}
