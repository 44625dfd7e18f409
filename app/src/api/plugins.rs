//! Plugins: the list, per-organization enablement and settings, and the site admin's controls.
//!
//! Organization functions take `org_id` first; reading needs membership (`organization:read`),
//! changing needs `organization:plugins`. Site-admin functions need global ADMIN.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use sdk::plugin::{EnablementChange, PluginConfigView, PluginStatus, PluginSummary};
#[cfg(feature = "ssr")]
use sdk::{auth::GlobalLevel, Actor};

#[cfg(feature = "ssr")]
use super::support::*;

/// Every plugin with its status and dependencies. With `org_id` (members): whether each is on
/// there and what blocks it; private plugins appear only once granted (site admins see all).
/// Without (site admins): the whole installation.
#[server(prefix = "/api/core", endpoint = "list_plugins", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_plugins(
    #[server(default)] org_id: Option<i64>,
) -> Result<Vec<PluginSummary>, sdk::Error> {
    let platform = platform()?;
    match org_id {
        Some(org_id) => {
            let scope = require(org_id, "organization:read").await?;
            let site_admin = scope.user.is_at_least(GlobalLevel::Admin);
            platform.plugins.summaries(Some(org_id), site_admin).await
        }
        None => {
            require_level(GlobalLevel::Admin)?;
            platform.plugins.summaries(None, true).await
        }
    }
}
sdk::api_doc!(ListPlugins, "site role ADMIN or higher");

/// Every action a role or rule can name — the platform's and each loaded plugin's — with who
/// defines it (`core` or the plugin id) and what it allows.
#[server(prefix = "/api/core", endpoint = "list_actions", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_actions() -> Result<Vec<sdk::auth::actions::ActionInfo>, sdk::Error> {
    require_user()?;
    Ok(platform()?.actions.all().to_vec())
}
sdk::api_doc!(ListActions, "signed in");

/// Ids of the plugins on for the organization (the page gate asks this after hydration).
#[server(prefix = "/api/core", endpoint = "org_enabled_plugins", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn org_enabled_plugins(org_id: i64) -> Result<Vec<String>, sdk::Error> {
    require(org_id, "organization:read").await?;
    platform()?.plugins.enabled_plugins(org_id).await
}
sdk::api_doc!(OrgEnabledPlugins, "`organization:read` in the organization");

/// Switches a plugin on or off for the organization. Switching on a plugin whose dependencies
/// are off is refused (naming them) unless `with_dependencies` is true; switching off one that an
/// enabled plugin requires is refused, naming the dependents.
#[server(prefix = "/api/core", endpoint = "set_plugin_enabled", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn set_plugin_enabled(
    org_id: i64,
    plugin_id: String,
    enabled: bool,
    #[server(default)] with_dependencies: bool,
) -> Result<EnablementChange, sdk::Error> {
    let scope = require(org_id, "organization:plugins").await?;
    platform()?
        .plugins
        .set_enabled(
            org_id,
            &plugin_id,
            enabled,
            with_dependencies,
            &Actor::from(&scope),
        )
        .await
}
sdk::api_doc!(
    SetPluginEnabled,
    "`organization:plugins` in the organization"
);

/// The plugin's settings schema, effective values, the organization's overrides and the
/// key/value view with where each value comes from.
#[server(prefix = "/api/core", endpoint = "get_plugin_config", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_plugin_config(
    org_id: i64,
    plugin_id: String,
) -> Result<PluginConfigView, sdk::Error> {
    require(org_id, "organization:plugins").await?;
    platform()?.plugins.config_view(org_id, &plugin_id).await
}
sdk::api_doc!(
    GetPluginConfig,
    "`organization:plugins` in the organization"
);

/// Sets the organization's settings (a whole or partial object). Validated against the plugin's
/// schema; errors name the key. Values equal to the inherited ones are not stored.
#[server(prefix = "/api/core", endpoint = "set_plugin_config", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn set_plugin_config(
    org_id: i64,
    plugin_id: String,
    config: serde_json::Value,
) -> Result<PluginConfigView, sdk::Error> {
    let scope = require(org_id, "organization:plugins").await?;
    platform()?
        .plugins
        .set_config(org_id, &plugin_id, config, &Actor::from(&scope))
        .await
}
sdk::api_doc!(
    SetPluginConfig,
    "`organization:plugins` in the organization"
);

/// Site admin: active plugins load at start; inactive ones are off everywhere at once and not
/// loaded at the next start.
#[server(prefix = "/api/core", endpoint = "admin_set_plugin_active", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_set_plugin_active(plugin_id: String, active: bool) -> Result<(), sdk::Error> {
    let user = require_level(GlobalLevel::Admin)?;
    platform()?
        .plugins
        .set_active(&plugin_id, active, &Actor::user(user.clone()).from_ip(ip()))
        .await
}
sdk::api_doc!(AdminSetPluginActive, "site role ADMIN or higher");

/// Site admin: grants (or revokes) an organization's access to a private plugin.
#[server(prefix = "/api/core", endpoint = "admin_grant_plugin", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_grant_plugin(
    org_id: i64,
    plugin_id: String,
    granted: bool,
) -> Result<(), sdk::Error> {
    let user = require_level(GlobalLevel::Admin)?;
    platform()?
        .plugins
        .set_granted(
            org_id,
            &plugin_id,
            granted,
            &Actor::user(user.clone()).from_ip(ip()),
        )
        .await
}
sdk::api_doc!(AdminGrantPlugin, "site role ADMIN or higher");

/// Site admin: the install configuration, between the schema defaults and organizations'
/// overrides.
#[server(prefix = "/api/core", endpoint = "admin_set_install_config", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_set_install_config(
    plugin_id: String,
    config: serde_json::Value,
) -> Result<(), sdk::Error> {
    let user = require_level(GlobalLevel::Admin)?;
    platform()?
        .plugins
        .set_install_config(&plugin_id, config, &Actor::user(user.clone()).from_ip(ip()))
        .await
}
sdk::api_doc!(AdminSetInstallConfig, "site role ADMIN or higher");

/// Site admin: the current install configuration of a plugin.
#[server(prefix = "/api/core", endpoint = "admin_install_config", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_install_config(plugin_id: String) -> Result<serde_json::Value, sdk::Error> {
    require_level(GlobalLevel::Admin)?;
    platform()?.plugins.install_config(&plugin_id)
}
sdk::api_doc!(AdminInstallConfig, "site role ADMIN or higher");

/// Site admin: re-runs a plugin's registrations (`on_load`) without restarting.
#[server(prefix = "/api/core", endpoint = "admin_reload_plugin", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_reload_plugin(plugin_id: String) -> Result<PluginStatus, sdk::Error> {
    require_level(GlobalLevel::Admin)?;
    platform()?.plugins.reload(&plugin_id).await
}
sdk::api_doc!(AdminReloadPlugin, "site role ADMIN or higher");
