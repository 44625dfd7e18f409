//! One roll against the real sm.samus.link, the default generator (`total`: what a preset
//! without `generator` rolls) — opt-in: it runs only with `SAHABOT_LIVE_UPSTREAM_TESTS=1`
//! (never in CI, which has no internet), to check that the site still answers a seed the way
//! the fake in the test kit does: a guid read as the permalink's slug, and a hash of four enemy
//! names as the file-select code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sdk::randomizer::{GenerateRequest, Randomizer, RollOptions};
use serde_json::json;
use sm::service::Sm;

fn live() -> bool {
    std::env::var("SAHABOT_LIVE_UPSTREAM_TESTS").as_deref() == Ok("1")
}

#[tokio::test]
async fn sm_samus_link_rolls_a_seed_as_the_fake_does() {
    if !live() {
        eprintln!("skipped: set SAHABOT_LIVE_UPSTREAM_TESTS=1 to roll on the real sm.samus.link");
        return;
    }
    // The tests' "total" preset: no `generator`, so sm.samus.link.
    let seed = Sm
        .generate(GenerateRequest {
            org_id: 1,
            settings: json!({
                "randomizer": "sm",
                "goal_name": "beat the game",
                "description": "Tournament logic and a major/minor item split.",
                "settings": {
                    "logic": "Tournament", "goal": "defeatmb", "placement": "split",
                    "seed": "", "race": "true", "gamemode": "normal", "players": "1"
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
        seed.url.starts_with("https://sm.samus.link/seed/"),
        "{}",
        seed.url
    );
    let hash = seed.hash.unwrap();
    assert_eq!(hash.len(), 22, "{hash}");
    assert!(seed.url.ends_with(&hash), "{} {hash}", seed.url);
    assert_eq!(seed.file_select_code.unwrap().len(), 4);
    assert_eq!(seed.metadata["generator"], "total");
}
