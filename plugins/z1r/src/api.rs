//! Server functions under `/api/p/z1r/`: guard → the presets plugin's seed service → DTO.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use presets::model::SeedRoll;

/// Rolls a Z1R seed for the organization from a preset (`preset`, in `namespace` or global)
/// or from `settings` (`{"flags": "…"}`), and keeps it in the seed history. Z1R is a desktop
/// program: the seed's `hash` is the seed number, its `settings` hold the number and the flags
/// players type into the program, and its `url` is the program's home page. `spoiler` is
/// refused: there is no spoiler log to keep.
#[server(prefix = "/api/p/z1r", endpoint = "generate", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn generate(
    org_id: i64,
    #[server(default)] namespace: Option<String>,
    #[server(default)] preset: Option<String>,
    #[server(default)] settings: Option<serde_json::Value>,
    #[server(default)] spoiler: bool,
) -> Result<SeedRoll, sdk::Error> {
    // The request's context is there until the first await: read it first.
    let platform = sdk::context::platform()?;
    let scope =
        sdk::auth::guard::require_plugin(org_id, crate::PLUGIN_ID, presets::actions::SEED_ROLL)
            .await?;
    presets::service::Presets::new(platform)
        .roll_seed(
            org_id,
            &sdk::Actor::from(&scope),
            presets::service::RollRequest {
                randomizer: crate::PLUGIN_ID.into(),
                namespace,
                preset,
                settings,
                spoiler,
                tournament: false,
                source: "api".into(),
            },
            sdk::time::now_ms(),
        )
        .await
}
sdk::api_doc!(
    Generate,
    "member with seed:roll, with Z1R and Presets enabled"
);
