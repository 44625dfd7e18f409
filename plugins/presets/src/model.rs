//! What the browser and API clients see of presets and namespaces. Instants are epoch
//! milliseconds in Rust and RFC 3339 UTC on the wire.

use serde::{Deserialize, Serialize};

pub use crate::format::PresetKind;

/// A randomizer presets can be written for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RandomizerInfo {
    /// e.g. `alttpr`
    pub id: String,
    /// e.g. "A Link to the Past Randomizer"
    pub name: String,
    /// A plugin on this site rolls seeds for it (presets are checked against its settings when
    /// saved); false for a randomizer presets are kept for but no plugin rolls yet.
    pub can_roll: bool,
}

/// Who owns a namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NamespaceOwner {
    User { user_id: i64, name: String },
    Organization { org_id: i64, name: String },
}

/// What the caller may do in a namespace.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct NamespaceRights {
    pub read: bool,
    pub create: bool,
    pub update: bool,
    pub delete: bool,
    /// Edit the namespace and grant permissions.
    pub manage: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Namespace {
    pub id: i64,
    /// Unique across the site, e.g. `league-2026`.
    pub slug: String,
    pub display_name: String,
    pub description: String,
    pub owner: NamespaceOwner,
    pub is_public: bool,
    pub preset_count: i64,
    /// The caller's rights here.
    pub rights: NamespaceRights,
}

/// A per-user grant in a namespace (one row of `preset_namespace_permissions` with the user's
/// name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct NamespaceGrant {
    pub user_id: i64,
    pub username: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub can_create: bool,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub can_update: bool,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub can_delete: bool,
}

/// A preset in lists (no settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PresetSummary {
    pub id: i64,
    /// None: a global preset.
    pub namespace: Option<String>,
    pub randomizer: String,
    pub name: String,
    pub description: String,
    pub kind: PresetKind,
    pub is_public: bool,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub updated_at: i64,
}

/// A preset with its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Preset {
    pub summary: PresetSummary,
    /// The YAML as written.
    pub yaml: String,
    /// The same as JSON.
    pub settings: serde_json::Value,
    pub created_by: Option<String>,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub created_at: i64,
    /// The caller may edit / delete it.
    pub can_update: bool,
    pub can_delete: bool,
}

/// The answer to `check_preset_yaml`, for inline validation while typing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct YamlCheck {
    pub kind: PresetKind,
    pub sahasrahbot_format: bool,
    pub goal_name: Option<String>,
    /// Top-level keys (of `settings:` in SahasrahBot's format).
    pub keys: usize,
}

/// What a seed was rolled for — a match, a race room — as it was named then, with a link to it.
/// Other plugins give it when they roll (`Presets::roll_seed_for`); the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SeedUse {
    /// What it is, in lowercase letters and `_`: `match`, `race`, …
    pub kind: String,
    /// Its id where it has one (a match's id), so a page can list the seeds rolled for it.
    pub id: Option<i64>,
    /// How it was named when the seed was rolled, e.g. "Match 12: ada vs bob".
    pub label: String,
    /// Its page, site-relative (`/org/3/tournaments/match/12`); None when it has none.
    pub path: Option<String>,
}

/// A seed in the organization's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SeedRoll {
    pub id: i64,
    /// e.g. `alttpr`
    pub randomizer: String,
    /// The preset rolled, `namespace/name` (just `name` for a global one); empty when the
    /// settings were given with the roll.
    pub preset: String,
    /// Who rolled it; None when the platform did (a race room, a task).
    pub rolled_by: Option<String>,
    /// Where it was rolled from: `web`, `api`, `discord`, `tournament`, `racetime`, …
    pub source: String,
    /// Rolled from a mystery weightset.
    pub mystery: bool,
    /// Where players get the seed.
    pub url: String,
    pub hash: Option<String>,
    pub permalink: Option<String>,
    /// The file-select code, icon names in order.
    pub file_select_code: Option<Vec<String>>,
    /// The seed has a spoiler log.
    pub has_spoiler: bool,
    /// The spoiler log is kept here (read it with `get_spoiler`), not on the randomizer's site.
    pub has_spoiler_log: bool,
    /// The organization released the spoiler to everyone who sees the seed.
    pub spoiler_released: bool,
    /// The spoiler log's address: only for those allowed to see spoilers (`seed:spoiler`) until
    /// it is released.
    pub spoiler_url: Option<String>,
    /// The settings rolled; for a mystery roll they are a spoiler too, so hidden the same way.
    pub settings: Option<serde_json::Value>,
    /// The caller may see spoilers and release them here.
    pub can_release: bool,
    /// What it was rolled for (a match, a race); None for a roll of its own.
    pub used_for: Option<SeedUse>,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub created_at: i64,
}
