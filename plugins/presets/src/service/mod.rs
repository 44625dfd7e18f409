//! The rules of namespaces and presets, applied for every adapter: the API, the pages (through
//! the API), the `/preset` command, the `post_list` task and the CLI's import.
//!
//! How the pieces fit: [`Presets`] holds the platform (database, authorizer, plugin host, event
//! bus); every method takes the organization the call is made from (`None`: site-wide — presets
//! work without an organization, where only the caller's own and public things are in reach),
//! the [`sdk::Actor`] and, for writes, `now`. It loads the facts about the caller and the
//! namespace (`rights`), lets the pure [`crate::rules`] decide, writes in one
//! transaction with its audit entry, and emits the event after the commit.
//!
//! - `namespaces` — list and create namespaces;
//! - `grants` — per-user rights in a namespace;
//! - `presets` — search, read, create, change, delete presets;
//! - `import` — the CLI's import of a folder of YAML files;
//! - `yaml` — checking a document without saving it;
//! - [`randomizers`] — the randomizers presets can be written for (the host's registry), and
//!   the check of a preset against its randomizer;
//! - `seeds` — rolling a seed from a preset or given settings, the seed history, spoilers;
//! - `rights` — the facts about the actor in a namespace, and the tenant rule;
//! - `lookup` — presets by key: [`PresetService`] (published for other plugins, and the
//!   `post_list` task's catalog, which needs only the database) and what `/preset` may show.
//!
//! Tenant isolation: an organization's namespace is changed only from that organization, and
//! the caller's standing in an organization counts only when acting from it.

mod grants;
mod import;
mod lookup;
mod namespaces;
mod presets;
pub mod randomizers;
mod rights;
mod seeds;
mod yaml;

use sdk::{auth::GlobalLevel, context::Platform, db::Db, Actor, Error};

use crate::PLUGIN_ID;

pub use import::ImportResult;
pub use lookup::PresetService;
pub use namespaces::NamespaceInput;
pub use presets::{PresetChange, PresetFilter, PresetInput};
pub use seeds::{RollRequest, SeedFilter};
pub use yaml::check_yaml;

/// Namespaces and presets, as the adapters use them.
#[derive(Clone)]
pub struct Presets {
    platform: Platform,
}

impl Presets {
    pub fn new(platform: Platform) -> Self {
        Self { platform }
    }

    pub(crate) fn db(&self) -> &Db {
        &self.platform.db
    }

    /// Presets must be running on the site (loaded, active, not in `DISABLED_PLUGINS`).
    pub async fn ensure_running(&self) -> Result<(), Error> {
        if self.platform.plugins.is_running(PLUGIN_ID).await? {
            Ok(())
        } else {
            Err(Error::NotEnabled {
                plugin: PLUGIN_ID.to_string(),
                message: "Presets is switched off on this site.".to_string(),
            })
        }
    }

    /// Whether the actor holds `action` in `org` (the system holds nothing here).
    async fn org_allows(&self, actor: &Actor, org_id: i64, action: &str) -> Result<bool, Error> {
        match &actor.user {
            Some(user) => self.platform.authorizer.allowed(user, org_id, action).await,
            None => Ok(false),
        }
    }
}

fn is_superadmin(actor: &Actor) -> bool {
    actor.is_at_least(GlobalLevel::Superadmin)
}
