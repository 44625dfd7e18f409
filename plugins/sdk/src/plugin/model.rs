//! What the browser and API clients see of plugins (shared by server and wasm).

use serde::{Deserialize, Serialize};

/// Where a plugin stands after start-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PluginStatus {
    /// Running: its migrations applied and `on_load` succeeded.
    Loaded,
    /// Could not load; `reason` says why.
    Failed,
    /// A site admin set it inactive: not loaded, off everywhere.
    Inactive,
}

impl PluginStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Loaded => "Loaded",
            Self::Failed => "Failed",
            Self::Inactive => "Inactive",
        }
    }
}

/// One dependency as the admin pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DependencyInfo {
    pub id: String,
    /// The semver range asked for, e.g. `^1`.
    pub version: String,
    pub optional: bool,
}

/// A plugin as `list_plugins` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PluginSummary {
    pub id: String,
    pub name: String,
    pub version: String,
    pub description: String,
    pub author: String,
    pub category: String,
    pub kind: String,
    pub global: bool,
    pub private: bool,
    pub enabled_by_default: bool,
    pub status: PluginStatus,
    /// Why it failed or is inactive.
    pub reason: Option<String>,
    /// Turned off everywhere by the `DISABLED_PLUGINS` setting.
    pub disabled_by_setting: bool,
    pub dependencies: Vec<DependencyInfo>,
    /// Plugins that require this one.
    pub dependents: Vec<String>,
    pub conflicts: Vec<String>,
    /// Migrations of this plugin recorded as applied.
    pub migrations_applied: i64,
    /// Whether it has settings (a `config_schema` with properties).
    pub configurable: bool,
    /// Only when asked for an organization: is it on there.
    pub enabled: Option<bool>,
    /// Only for an organization: when off, what stops it from being switched on (a failed or
    /// inactive plugin, a private plugin not granted, `DISABLED_PLUGINS`); `None` if it can be.
    pub blocked: Option<String>,
    /// Only for an organization and private plugins: has a site admin granted access.
    pub granted: Option<bool>,
}

/// A link a plugin adds to an organization's navigation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NavEntry {
    pub plugin_id: String,
    pub label: String,
    /// Absolute path, e.g. `/org/4/presets`.
    pub path: String,
    pub icon: String,
}

/// Where a configuration value comes from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfigSource {
    Organization,
    Install,
    Schema,
    Code,
}

impl ConfigSource {
    pub fn label(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Install => "site install",
            Self::Schema => "schema default",
            Self::Code => "built-in default",
        }
    }
}

/// One leaf of the effective configuration (the key/value view).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConfigEntry {
    /// Dotted path, e.g. `limits.max_items`.
    pub key: String,
    pub value: serde_json::Value,
    pub source: ConfigSource,
}

/// `get_plugin_config`: everything the settings form needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PluginConfigView {
    pub plugin_id: String,
    pub plugin_name: String,
    /// The manifest's JSON Schema (an object schema).
    pub schema: serde_json::Value,
    /// What the plugin runs with in this organization.
    pub effective: serde_json::Value,
    /// What this organization set itself (an object; `{}` when nothing).
    pub overrides: serde_json::Value,
    pub entries: Vec<ConfigEntry>,
}

/// The answer to `set_plugin_enabled`: every plugin whose state changed, in the order applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EnablementChange {
    pub changed: Vec<String>,
}

/// Put into the request extensions by the server for pages under `/org/{org_id}/…`, so the
/// plugin gate decides during server rendering, before the status line is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrgPluginsSnapshot {
    pub org_id: i64,
    pub enabled: Vec<String>,
}
