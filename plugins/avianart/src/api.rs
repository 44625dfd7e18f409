//! Server functions under `/api/p/avianart/`: presets' `generate_for` (guard → the seed service →
//! DTO), which every randomizer plugin's `generate` shares.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use presets::model::SeedRoll;

/// Rolls an Avianart seed for the organization from a preset (`preset`, in `namespace` or
/// global) or from `settings` (`{preset: <avianart.games preset>, race?}`), and keeps it in the
/// seed history. `spoiler` keeps the spoiler of a non-race seed, shown to those allowed
/// (`seed:spoiler`) until released; race seeds have none.
#[server(prefix = "/api/p/avianart", endpoint = "generate", input = Json, output = Json,
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
    "member with seed:roll, with Avianart and Presets enabled"
);
