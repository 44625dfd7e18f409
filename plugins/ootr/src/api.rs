//! Server functions under `/api/p/ootr/`: guard → the presets plugin's seed service → DTO.

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
    "member with seed:roll, with OoTR and Presets enabled"
);
