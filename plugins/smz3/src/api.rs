//! Server functions under `/api/p/smz3/`: presets' `generate_for` (guard → the seed service →
//! DTO), which every randomizer plugin's `generate` shares.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use presets::model::SeedRoll;

/// Rolls an SMZ3 seed for the organization from a preset (`preset`, in `namespace` or global)
/// or from `settings` (samus.link's settings), and keeps it in the seed history.
/// `spoiler` keeps the link to the seed's spoiler on samus.link (with the key that opens a race
/// seed's), shown to those allowed (`seed:spoiler`) until released.
#[server(prefix = "/api/p/smz3", endpoint = "generate", input = Json, output = Json,
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
    "member with seed:roll, with SMZ3 and Presets enabled"
);
