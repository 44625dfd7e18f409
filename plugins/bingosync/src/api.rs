//! Server functions under `/api/p/bingosync/`: presets' `generate_for` (guard → the seed service →
//! DTO), which every randomizer plugin's `generate` shares.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use presets::model::SeedRoll;

/// Makes a Bingosync room for the organization from a preset (`preset`, in `namespace` or
/// global) or from `settings` (the room form's fields), and keeps it in the seed history: its
/// URL, its id and its password (in `settings.passphrase`). `spoiler` has no effect: a bingo
/// card has no spoiler log.
#[server(prefix = "/api/p/bingosync", endpoint = "generate", input = Json, output = Json,
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
    "member with seed:roll, with Bingosync and Presets enabled"
);
