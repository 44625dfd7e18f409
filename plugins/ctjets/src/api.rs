//! Server functions under `/api/p/ctjets/`: presets' `generate_for` (guard → the seed service →
//! DTO), which every randomizer plugin's `generate` shares.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use presets::model::SeedRoll;

/// Rolls a CTJets seed for the organization from a preset (`preset`, in `namespace` or global)
/// or from `settings` (the web generator's form fields), and keeps it in the seed history.
/// `spoiler` asks ctjot.com for a spoiler log: the seed is then not a race seed, and ctjot.com
/// shows the spoiler on its share page to anyone with the link; the log's link is kept here for
/// those allowed (`seed:spoiler`).
#[server(prefix = "/api/p/ctjets", endpoint = "generate", input = Json, output = Json,
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
    "member with seed:roll, with CTJets and Presets enabled"
);
