//! Server functions of rolled seeds: roll one from a preset or given settings, the
//! organization's seed history, one seed, releasing a spoiler. Each is guard → service → DTO;
//! the randomizer plugins' own `/api/p/<randomizer>/generate` calls the same service.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use sdk::page::{Page, PageRequest};

use crate::model::SeedRoll;
#[cfg(feature = "ssr")]
use crate::service::{RollRequest, SeedFilter};
#[cfg(feature = "ssr")]
use sdk::time::now_ms;

/// Rolls a seed of `randomizer` for the organization from a preset (`preset`, in `namespace` or
/// global) or from `settings`, and keeps it in the seed history. `spoiler` asks the site for a
/// spoiler log; `tournament` for a race seed where the site has that mode.
#[server(prefix = "/api/p/presets", endpoint = "roll_seed", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
#[allow(clippy::too_many_arguments)]
pub async fn roll_seed(
    org_id: i64,
    randomizer: String,
    #[server(default)] namespace: Option<String>,
    #[server(default)] preset: Option<String>,
    #[server(default)] settings: Option<serde_json::Value>,
    #[server(default)] spoiler: bool,
    #[server(default)] tournament: bool,
) -> Result<SeedRoll, sdk::Error> {
    let (presets, actor) = super::guard(Some(org_id), true).await?;
    presets
        .roll_seed(
            org_id,
            &actor,
            RollRequest {
                randomizer,
                namespace,
                preset,
                settings,
                spoiler,
                tournament,
                source: "web".into(),
            },
            now_ms(),
        )
        .await
}
sdk::api_doc!(RollSeed, "member with seed:roll");

/// The organization's rolled seeds, newest first, a page at a time; `randomizer` and `q` (part
/// of the preset's name, the hash or the roller's name) narrow the list, and `used_for` /
/// `used_for_id` to the seeds rolled for one thing (`match` and the match's id).
#[server(prefix = "/api/p/presets", endpoint = "list_seeds", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_seeds(
    org_id: i64,
    #[server(default)] randomizer: Option<String>,
    #[server(default)] q: Option<String>,
    #[server(default)] used_for: Option<String>,
    #[server(default)] used_for_id: Option<i64>,
    #[server(default)] page: PageRequest,
) -> Result<Page<SeedRoll>, sdk::Error> {
    let (presets, actor) = super::guard(Some(org_id), true).await?;
    let filter = SeedFilter {
        randomizer,
        q,
        used_for,
        used_for_id,
    };
    presets.list_seeds(org_id, &actor, filter, page).await
}
sdk::api_doc!(ListSeeds, "member");

/// One of the organization's seeds.
#[server(prefix = "/api/p/presets", endpoint = "get_seed", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_seed(org_id: i64, seed_id: i64) -> Result<SeedRoll, sdk::Error> {
    let (presets, actor) = super::guard(Some(org_id), true).await?;
    presets.seed(org_id, &actor, seed_id).await
}
sdk::api_doc!(GetSeed, "member");

/// Shows a seed's spoiler to everyone who sees the seed (`released: false` hides it again).
#[server(prefix = "/api/p/presets", endpoint = "release_spoiler", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn release_spoiler(
    org_id: i64,
    seed_id: i64,
    released: bool,
) -> Result<SeedRoll, sdk::Error> {
    let (presets, actor) = super::guard(Some(org_id), true).await?;
    presets
        .release_spoiler(org_id, &actor, seed_id, released)
        .await
}
sdk::api_doc!(ReleaseSpoiler, "member with seed:spoiler");

/// The spoiler log kept with a seed (for sites that hand it over only once): to those allowed
/// to see spoilers, or to every member once released.
#[server(prefix = "/api/p/presets", endpoint = "get_spoiler", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_spoiler(org_id: i64, seed_id: i64) -> Result<serde_json::Value, sdk::Error> {
    let (presets, actor) = super::guard(Some(org_id), true).await?;
    presets.spoiler_log(org_id, &actor, seed_id).await
}
sdk::api_doc!(
    GetSpoiler,
    "member with seed:spoiler, or any member once released"
);

/// The body of every randomizer plugin's `/api/p/<randomizer>/generate`: the caller must hold
/// `seed:roll` where `plugin_id` is on (a randomizer plugin's id is its randomizer's), then the
/// seed service rolls (presets on, the preset's visibility, the seed kept with its audit entry).
/// Call it first in the server function: it reads the request's context before awaiting.
#[cfg(feature = "ssr")]
pub async fn generate_for(
    plugin_id: &str,
    org_id: i64,
    namespace: Option<String>,
    preset: Option<String>,
    settings: Option<serde_json::Value>,
    spoiler: bool,
) -> Result<SeedRoll, sdk::Error> {
    let platform = sdk::context::platform()?;
    let scope =
        sdk::auth::guard::require_plugin(org_id, plugin_id, crate::actions::SEED_ROLL).await?;
    crate::service::Presets::new(platform)
        .roll_seed(
            org_id,
            &sdk::Actor::from(&scope),
            RollRequest {
                randomizer: plugin_id.into(),
                namespace,
                preset,
                settings,
                spoiler,
                tournament: false,
                source: "api".into(),
            },
            now_ms(),
        )
        .await
}
