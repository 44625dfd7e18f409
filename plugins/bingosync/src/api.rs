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

/// What a new card gave.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct NewCardMade {
    /// The seed (room) in the organization's history.
    pub seed_id: i64,
    /// The room's address.
    pub url: String,
    /// The new card's seed; None when the site drew it (custom boards).
    pub card_seed: Option<u64>,
}

/// Puts a new card in the Bingosync room of seed `seed_id` from the organization's seed history:
/// the same game, lockout mode and board, a new card seed. The bot joins the room with its
/// password first, as Bingosync requires.
#[server(prefix = "/api/p/bingosync", endpoint = "new_card", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn new_card(org_id: i64, seed_id: i64) -> Result<NewCardMade, sdk::Error> {
    let platform = sdk::context::platform()?;
    let scope =
        sdk::auth::guard::require_plugin(org_id, crate::PLUGIN_ID, presets::actions::SEED_ROLL)
            .await?;
    crate::service::new_card(&platform, org_id, &sdk::Actor::from(&scope), seed_id).await
}
sdk::api_doc!(
    NewCard,
    "member with seed:roll, with Bingosync and Presets enabled"
);
