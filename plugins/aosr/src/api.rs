//! Server functions under `/api/p/aosr/`: presets' `generate_for` (guard → the seed service →
//! DTO), which every randomizer plugin's `generate` shares.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use presets::model::SeedRoll;

/// Rolls an AOSR seed for the organization from a preset (`preset`, in `namespace` or global)
/// or from `settings` (`{"flags": {"logic": "AreaTechTiers", …}}`, or the flags as query text),
/// and keeps it in the seed history. The seed's `url` is aosrando.surge.sh's generator link
/// with the seed and flags; nothing is generated until a player opens it. `spoiler` is
/// refused: there is no spoiler log to keep.
#[server(prefix = "/api/p/aosr", endpoint = "generate", input = Json, output = Json,
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
    "member with seed:roll, with AOSR and Presets enabled"
);
