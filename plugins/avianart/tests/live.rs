//! One roll against the real avianart.games — opt-in: it runs only with
//! `SAHABOT_LIVE_UPSTREAM_TESTS=1` (never in CI, which has no internet), to check that the site
//! still creates a seed from a named preset, finishes it while polled, and answers the seed's
//! page and five-name file-select code the way the fake in the test kit does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use avianart::service::Avianart;
use sdk::randomizer::{GenerateRequest, Randomizer, RollOptions};
use serde_json::json;

fn live() -> bool {
    std::env::var("SAHABOT_LIVE_UPSTREAM_TESTS").as_deref() == Ok("1")
}

#[tokio::test]
async fn avianart_games_rolls_a_seed_as_the_fake_does() {
    if !live() {
        eprintln!("skipped: set SAHABOT_LIVE_UPSTREAM_TESTS=1 to roll on the real avianart.games");
        return;
    }
    let seed = Avianart
        .generate(GenerateRequest {
            org_id: 1,
            settings: json!({"preset": "crosshunt"}),
            mystery: false,
            options: RollOptions::default(),
            config: json!({}),
            rng_seed: 1,
        })
        .await
        .unwrap();
    assert!(
        seed.url.starts_with("https://avianart.games/perm/"),
        "{}",
        seed.url
    );
    let hash = seed.hash.unwrap();
    assert!(!hash.is_empty());
    assert!(seed.url.ends_with(&hash), "{} {hash}", seed.url);
    assert_eq!(seed.file_select_code.unwrap().len(), 5);
}
