//! One roll against the real samus.link — opt-in: it runs only with
//! `SAHABOT_LIVE_UPSTREAM_TESTS=1` (never in CI, which has no internet), to check that the site
//! still answers a seed the way the fake in the test kit does: a guid read as the permalink's
//! slug, and a hash of four enemy names as the file-select code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sdk::randomizer::{GenerateRequest, Randomizer, RollOptions};
use serde_json::json;
use smz3::service::Smz3;

fn live() -> bool {
    std::env::var("SAHABOT_LIVE_UPSTREAM_TESTS").as_deref() == Ok("1")
}

#[tokio::test]
async fn samus_link_rolls_a_seed_as_the_fake_does() {
    if !live() {
        eprintln!("skipped: set SAHABOT_LIVE_UPSTREAM_TESTS=1 to roll on the real samus.link");
        return;
    }
    // SahasrahBot's `presets/smz3/normal.yaml`, as the tests store it.
    let seed = Smz3
        .generate(GenerateRequest {
            org_id: 1,
            settings: json!({
                "randomizer": "smz3",
                "goal_name": "beat the games",
                "description": "Normal logic, sword and morph are fully randomized.",
                "settings": {
                    "smlogic": "normal", "goal": "defeatboth", "ganonvulnerable": "sevencrystals",
                    "opentower": "sevencrystals", "opentourian": "fourbosses",
                    "swordlocation": "randomized", "morphlocation": "randomized",
                    "keyshuffle": "none", "seed": "", "race": "true", "gamemode": "normal",
                    "players": "1"
                }
            }),
            mystery: false,
            options: RollOptions::default(),
            config: json!({}),
            rng_seed: 1,
        })
        .await
        .unwrap();
    assert!(
        seed.url.starts_with("https://samus.link/seed/"),
        "{}",
        seed.url
    );
    let hash = seed.hash.unwrap();
    assert_eq!(hash.len(), 22, "{hash}");
    assert!(seed.url.ends_with(&hash), "{} {hash}", seed.url);
    assert_eq!(seed.file_select_code.unwrap().len(), 4);
}
