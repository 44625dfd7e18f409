//! One roll against the real alttpr.com — opt-in: it runs only with
//! `SAHABOT_LIVE_UPSTREAM_TESTS=1` (never in CI, which has no internet), to check that the site
//! still answers the way the fake in the test kit does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use alttpr::service::Alttpr;
use sdk::randomizer::{GenerateRequest, Randomizer, RollOptions};
use serde_json::json;

fn live() -> bool {
    std::env::var("SAHABOT_LIVE_UPSTREAM_TESTS").as_deref() == Ok("1")
}

#[tokio::test]
async fn alttpr_com_rolls_a_seed_as_the_fake_does() {
    if !live() {
        eprintln!("skipped: set SAHABOT_LIVE_UPSTREAM_TESTS=1 to roll on the real alttpr.com");
        return;
    }
    let seed = Alttpr
        .generate(GenerateRequest {
            org_id: 1,
            settings: json!({"goal": "ganon", "mode": "open", "weapons": "randomized"}),
            mystery: false,
            options: RollOptions::default(),
            config: json!({}),
            rng_seed: 1,
        })
        .await
        .unwrap();
    assert!(
        seed.url.starts_with("https://alttpr.com/h/"),
        "{}",
        seed.url
    );
    assert_eq!(seed.file_select_code.unwrap().len(), 5);
    assert!(seed.hash.unwrap().len() >= 10);
}
