//! Server functions under `/api/p/alttpr/`: presets' `generate_for` (guard → the seed service →
//! DTO), which every randomizer plugin's `generate` shares.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use presets::model::SeedRoll;

/// Rolls an ALTTPR seed for the organization from a preset (`preset`, in `namespace` or global)
/// or from `settings` (alttpr.com's request body), and keeps it in the seed history.
/// `spoiler` keeps a spoiler log, shown to those allowed (`seed:spoiler`) until released.
#[server(prefix = "/api/p/alttpr", endpoint = "generate", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn generate(
    org_id: i64,
    #[server(default)] namespace: Option<String>,
    #[server(default)] preset: Option<String>,
    #[server(default)] settings: Option<serde_json::Value>,
    #[server(default)] spoiler: bool,
) -> Result<SeedRoll, sdk::Error> {
    presets::api::generate_for(
        crate::PLUGIN_ID,
        org_id,
        namespace,
        preset,
        settings,
        spoiler,
    )
    .await
}
sdk::api_doc!(
    Generate,
    "member with seed:roll, with ALTTPR and Presets enabled"
);
