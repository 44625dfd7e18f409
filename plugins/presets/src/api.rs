//! Server functions: the JSON API under `/api/p/presets/`.
//!
//! `org_id` is optional on each: given, the call is made from that organization (the plugin must
//! be on there, the caller a member) and organization-owned namespaces are judged by the
//! caller's actions in their organization; absent, only the caller's own and public things are
//! in reach. Each function is guard → service → DTO.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::{Namespace, NamespaceGrant, Preset, PresetSummary, RandomizerInfo, YamlCheck};
#[cfg(feature = "ssr")]
use crate::service::{self, Ctx};

/// Presets the caller may see, filtered by randomizer, namespace slug and text.
#[server(prefix = "/api/p/presets", endpoint = "list_presets", input = Json, output = Json)]
pub async fn list_presets(
    #[server(default)] org_id: Option<i64>,
    #[server(default)] randomizer: Option<String>,
    #[server(default)] namespace: Option<String>,
    #[server(default)] q: Option<String>,
) -> Result<Vec<PresetSummary>, sdk::Error> {
    let ctx = Ctx::from_request(org_id, false).await?;
    service::list_presets(&ctx, randomizer, namespace, q).await
}

#[server(prefix = "/api/p/presets", endpoint = "get_preset", input = Json, output = Json)]
pub async fn get_preset(
    #[server(default)] org_id: Option<i64>,
    preset_id: i64,
) -> Result<Preset, sdk::Error> {
    let ctx = Ctx::from_request(org_id, false).await?;
    service::get_preset(&ctx, preset_id).await
}

/// Creates a preset in `namespace` (a slug; none: a global preset, SUPERADMIN only).
#[server(prefix = "/api/p/presets", endpoint = "create_preset", input = Json, output = Json)]
pub async fn create_preset(
    #[server(default)] org_id: Option<i64>,
    #[server(default)] namespace: Option<String>,
    randomizer: String,
    name: String,
    #[server(default)] description: String,
    yaml: String,
    #[server(default)] is_public: bool,
) -> Result<Preset, sdk::Error> {
    let ctx = Ctx::from_request(org_id, true).await?;
    service::create_preset(
        &ctx,
        service::PresetInput {
            namespace,
            randomizer,
            name,
            description,
            yaml,
            is_public,
        },
    )
    .await
}

/// Changes what is given (name, description, YAML, public flag).
#[server(prefix = "/api/p/presets", endpoint = "update_preset", input = Json, output = Json)]
pub async fn update_preset(
    #[server(default)] org_id: Option<i64>,
    preset_id: i64,
    #[server(default)] name: Option<String>,
    #[server(default)] description: Option<String>,
    #[server(default)] yaml: Option<String>,
    #[server(default)] is_public: Option<bool>,
) -> Result<Preset, sdk::Error> {
    let ctx = Ctx::from_request(org_id, true).await?;
    service::update_preset(
        &ctx,
        preset_id,
        service::PresetChange {
            name,
            description,
            yaml,
            is_public,
        },
    )
    .await
}

#[server(prefix = "/api/p/presets", endpoint = "delete_preset", input = Json, output = Json)]
pub async fn delete_preset(
    #[server(default)] org_id: Option<i64>,
    preset_id: i64,
) -> Result<(), sdk::Error> {
    let ctx = Ctx::from_request(org_id, true).await?;
    service::delete_preset(&ctx, preset_id).await
}

/// The preset's YAML, for download.
#[server(prefix = "/api/p/presets", endpoint = "export_preset", input = Json, output = Json)]
pub async fn export_preset(
    #[server(default)] org_id: Option<i64>,
    preset_id: i64,
) -> Result<String, sdk::Error> {
    let ctx = Ctx::from_request(org_id, false).await?;
    Ok(service::get_preset(&ctx, preset_id).await?.yaml)
}

/// Checks YAML without saving: the kind it is, or the error with its line and column.
/// Signed-in callers only: parsing is work done for the caller, like saving.
#[server(prefix = "/api/p/presets", endpoint = "check_preset_yaml", input = Json, output = Json)]
pub async fn check_preset_yaml(yaml: String) -> Result<YamlCheck, sdk::Error> {
    sdk::auth::guard::require_user()?;
    service::ensure_running(&sdk::context::platform()?).await?;
    service::check_yaml(&yaml)
}

/// Randomizers presets can be written for.
#[server(prefix = "/api/p/presets", endpoint = "list_randomizers", input = Json, output = Json)]
pub async fn list_randomizers() -> Result<Vec<RandomizerInfo>, sdk::Error> {
    service::ensure_running(&sdk::context::platform()?).await?;
    service::randomizers()
}

/// Namespaces the caller owns, has grants in, or that belong to the organization; newest first, a
/// page at a time.
#[server(prefix = "/api/p/presets", endpoint = "list_namespaces", input = Json, output = Json)]
pub async fn list_namespaces(
    #[server(default)] org_id: Option<i64>,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Namespace>, sdk::Error> {
    let ctx = Ctx::from_request(org_id, true).await?;
    service::list_namespaces(&ctx, &page).await
}

/// Creates a namespace owned by the organization (`for_organization`, needs
/// `namespace:manage` there) or by the caller.
#[server(prefix = "/api/p/presets", endpoint = "create_namespace", input = Json, output = Json)]
pub async fn create_namespace(
    #[server(default)] org_id: Option<i64>,
    slug: String,
    display_name: String,
    #[server(default)] description: String,
    #[server(default)] is_public: bool,
    #[server(default)] for_organization: bool,
) -> Result<Namespace, sdk::Error> {
    let ctx = Ctx::from_request(org_id, true).await?;
    service::create_namespace(
        &ctx,
        service::NamespaceInput {
            slug,
            display_name,
            description,
            is_public,
            for_organization,
        },
    )
    .await
}

/// Grants (or, with all three false, removes) a user's rights in a namespace.
#[server(prefix = "/api/p/presets", endpoint = "grant_namespace_permission", input = Json, output = Json)]
pub async fn grant_namespace_permission(
    #[server(default)] org_id: Option<i64>,
    namespace: String,
    user_id: i64,
    #[server(default)] can_create: bool,
    #[server(default)] can_update: bool,
    #[server(default)] can_delete: bool,
) -> Result<Vec<NamespaceGrant>, sdk::Error> {
    let ctx = Ctx::from_request(org_id, true).await?;
    service::grant(
        &ctx,
        &namespace,
        user_id,
        [can_create, can_update, can_delete],
    )
    .await
}

/// The grants of a namespace (managers only).
#[server(prefix = "/api/p/presets", endpoint = "list_namespace_grants", input = Json, output = Json)]
pub async fn list_namespace_grants(
    #[server(default)] org_id: Option<i64>,
    namespace: String,
) -> Result<Vec<NamespaceGrant>, sdk::Error> {
    let ctx = Ctx::from_request(org_id, true).await?;
    service::grants(&ctx, &namespace).await
}
