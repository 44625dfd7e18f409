//! Server functions under `/api/p/ootr/`: presets' `generate_for` (guard → the seed service →
//! DTO), which every randomizer plugin's `generate` shares.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use presets::model::SeedRoll;

/// Rolls an OoTR seed for the organization from a preset (`preset`, in `namespace` or global)
/// or from `settings` (`{settings: <OoTR settings map>, version?, encrypt?}`), and keeps it in
/// the seed history. `spoiler` rolls a locked (not encrypted) seed and keeps its spoiler log,
/// shown to those allowed (`seed:spoiler`) until released.
#[server(prefix = "/api/p/ootr", endpoint = "generate", input = Json, output = Json,
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
    "member with seed:roll, with OoTR and Presets enabled"
);
