//! Server functions: the JSON API under `/api/p/presets/`.
//!
//! `org_id` is optional on each: given, the call is made from that organization (the plugin must
//! be on there, the caller a member) and organization-owned namespaces are judged by the
//! caller's actions in their organization; absent, only the caller's own and public things are
//! in reach. Each function is guard → service → DTO. Rolled seeds are in [`seeds`].

mod seeds;

pub use seeds::*;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use sdk::page::{Page, PageRequest};

use crate::model::{Namespace, NamespaceGrant, Preset, PresetSummary, RandomizerInfo, YamlCheck};
#[cfg(feature = "ssr")]
use crate::service::{self, Presets};
#[cfg(feature = "ssr")]
use sdk::{time::now_ms, Actor};

/// The guard of every presets server function that names an organization or not: with one, the
/// caller must be signed in, a member (or site admin), and the plugin on there (else
/// NotEnabled); without, the plugin must be running on the site, and `signed_in` says whether
/// anonymous callers are refused. The request's context is read before the first await.
#[cfg(feature = "ssr")]
async fn guard(org_id: Option<i64>, signed_in: bool) -> Result<(Presets, Actor), sdk::Error> {
    let platform = sdk::context::platform()?;
    let caller = sdk::auth::guard::caller();
    let actor = Actor {
        user: caller.user,
        ip: caller.ip,
    };
    match org_id {
        Some(org_id) => {
            let user = actor.require_user()?;
            sdk::auth::guard::authorize_member(&platform, user, org_id).await?;
            platform
                .plugins
                .ensure_enabled(org_id, crate::PLUGIN_ID)
                .await?;
        }
        None => {
            Presets::new(platform.clone()).ensure_running().await?;
            if signed_in {
                actor.require_user()?;
            }
        }
    }
    Ok((Presets::new(platform), actor))
}

/// Presets the caller may see, filtered by randomizer, namespace slug and text; newest first, a
/// page at a time.
#[server(prefix = "/api/p/presets", endpoint = "list_presets", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_presets(
    #[server(default)] org_id: Option<i64>,
    #[server(default)] randomizer: Option<String>,
    #[server(default)] namespace: Option<String>,
    #[server(default)] q: Option<String>,
    #[server(default)] page: PageRequest,
) -> Result<Page<PresetSummary>, sdk::Error> {
    let (presets, actor) = guard(org_id, false).await?;
    let filter = service::PresetFilter {
        randomizer,
        namespace,
        q,
    };
    presets.list_presets(org_id, &actor, filter, &page).await
}
sdk::api_doc!(
    ListPresets,
    "anyone; with `org_id`, a member of it with presets enabled"
);

#[server(prefix = "/api/p/presets", endpoint = "get_preset", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_preset(
    #[server(default)] org_id: Option<i64>,
    preset_id: i64,
) -> Result<Preset, sdk::Error> {
    let (presets, actor) = guard(org_id, false).await?;
    presets.get_preset(org_id, &actor, preset_id).await
}
sdk::api_doc!(
    GetPreset,
    "anyone; with `org_id`, a member of it with presets enabled"
);

/// Creates a preset in `namespace` (a slug; none: a global preset, SUPERADMIN only).
#[server(prefix = "/api/p/presets", endpoint = "create_preset", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn create_preset(
    #[server(default)] org_id: Option<i64>,
    #[server(default)] namespace: Option<String>,
    randomizer: String,
    name: String,
    #[server(default)] description: String,
    yaml: String,
    #[server(default)] is_public: bool,
) -> Result<Preset, sdk::Error> {
    let (presets, actor) = guard(org_id, true).await?;
    let input = service::PresetInput {
        namespace,
        randomizer,
        name,
        description,
        yaml,
        is_public,
    };
    presets.create_preset(org_id, &actor, input, now_ms()).await
}
sdk::api_doc!(
    CreatePreset,
    "signed in; with `org_id`, a member of it with presets enabled"
);

/// Changes what is given (name, description, YAML, public flag).
#[server(prefix = "/api/p/presets", endpoint = "update_preset", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn update_preset(
    #[server(default)] org_id: Option<i64>,
    preset_id: i64,
    #[server(default)] name: Option<String>,
    #[server(default)] description: Option<String>,
    #[server(default)] yaml: Option<String>,
    #[server(default)] is_public: Option<bool>,
) -> Result<Preset, sdk::Error> {
    let (presets, actor) = guard(org_id, true).await?;
    let change = service::PresetChange {
        name,
        description,
        yaml,
        is_public,
    };
    presets
        .update_preset(org_id, &actor, preset_id, change, now_ms())
        .await
}
sdk::api_doc!(
    UpdatePreset,
    "signed in; with `org_id`, a member of it with presets enabled"
);

#[server(prefix = "/api/p/presets", endpoint = "delete_preset", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn delete_preset(
    #[server(default)] org_id: Option<i64>,
    preset_id: i64,
) -> Result<(), sdk::Error> {
    let (presets, actor) = guard(org_id, true).await?;
    presets.delete_preset(org_id, &actor, preset_id).await
}
sdk::api_doc!(
    DeletePreset,
    "signed in; with `org_id`, a member of it with presets enabled"
);

/// The preset's YAML, for download.
#[server(prefix = "/api/p/presets", endpoint = "export_preset", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn export_preset(
    #[server(default)] org_id: Option<i64>,
    preset_id: i64,
) -> Result<String, sdk::Error> {
    let (presets, actor) = guard(org_id, false).await?;
    Ok(presets.get_preset(org_id, &actor, preset_id).await?.yaml)
}
sdk::api_doc!(
    ExportPreset,
    "anyone; with `org_id`, a member of it with presets enabled"
);

/// Checks YAML without saving: the kind it is, or the error with its line and column.
/// Signed-in callers only: parsing is work done for the caller, like saving.
#[server(prefix = "/api/p/presets", endpoint = "check_preset_yaml", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn check_preset_yaml(yaml: String) -> Result<YamlCheck, sdk::Error> {
    sdk::auth::guard::require_user()?;
    Presets::new(sdk::context::platform()?)
        .ensure_running()
        .await?;
    service::check_yaml(&yaml)
}
sdk::api_doc!(CheckPresetYaml, "signed in");

/// Randomizers presets can be written for.
#[server(prefix = "/api/p/presets", endpoint = "list_randomizers", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_randomizers() -> Result<Vec<RandomizerInfo>, sdk::Error> {
    let presets = Presets::new(sdk::context::platform()?);
    presets.ensure_running().await?;
    presets.randomizers()
}
sdk::api_doc!(ListRandomizers, "anyone");

/// Namespaces the caller owns, has grants in, or that belong to the organization; newest first, a
/// page at a time.
#[server(prefix = "/api/p/presets", endpoint = "list_namespaces", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_namespaces(
    #[server(default)] org_id: Option<i64>,
    #[server(default)] page: PageRequest,
) -> Result<Page<Namespace>, sdk::Error> {
    let (presets, actor) = guard(org_id, true).await?;
    presets.list_namespaces(org_id, &actor, &page).await
}
sdk::api_doc!(
    ListNamespaces,
    "signed in; with `org_id`, a member of it with presets enabled"
);

/// Creates a namespace owned by the organization (`for_organization`, needs
/// `namespace:manage` there) or by the caller.
#[server(prefix = "/api/p/presets", endpoint = "create_namespace", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn create_namespace(
    #[server(default)] org_id: Option<i64>,
    slug: String,
    display_name: String,
    #[server(default)] description: String,
    #[server(default)] is_public: bool,
    #[server(default)] for_organization: bool,
) -> Result<Namespace, sdk::Error> {
    let (presets, actor) = guard(org_id, true).await?;
    let input = service::NamespaceInput {
        slug,
        display_name,
        description,
        is_public,
        for_organization,
    };
    presets
        .create_namespace(org_id, &actor, input, now_ms())
        .await
}
sdk::api_doc!(
    CreateNamespace,
    "signed in; with `org_id`, a member of it with presets enabled"
);

/// Grants (or, with all three false, removes) a user's rights in a namespace; answers the grant
/// as it now stands (null once removed).
#[server(prefix = "/api/p/presets", endpoint = "grant_namespace_permission", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn grant_namespace_permission(
    #[server(default)] org_id: Option<i64>,
    namespace: String,
    user_id: i64,
    #[server(default)] can_create: bool,
    #[server(default)] can_update: bool,
    #[server(default)] can_delete: bool,
) -> Result<Option<NamespaceGrant>, sdk::Error> {
    let (presets, actor) = guard(org_id, true).await?;
    let rights = [can_create, can_update, can_delete];
    presets
        .grant(org_id, &actor, &namespace, user_id, rights, now_ms())
        .await
}
sdk::api_doc!(
    GrantNamespacePermission,
    "signed in; with `org_id`, a member of it with presets enabled"
);

/// The grants of a namespace (managers only), a page at a time, newest user first.
#[server(prefix = "/api/p/presets", endpoint = "list_namespace_grants", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_namespace_grants(
    #[server(default)] org_id: Option<i64>,
    namespace: String,
    #[server(default)] page: PageRequest,
) -> Result<Page<NamespaceGrant>, sdk::Error> {
    let (presets, actor) = guard(org_id, true).await?;
    presets.grants(org_id, &actor, &namespace, &page).await
}
sdk::api_doc!(
    ListNamespaceGrants,
    "signed in; with `org_id`, a member of it with presets enabled"
);
