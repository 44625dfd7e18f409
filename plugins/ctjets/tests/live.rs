//! One roll against the real ctjot.com — opt-in: it runs only with
//! `SAHABOT_LIVE_UPSTREAM_TESTS=1` (never in CI, which has no internet), to check that the web
//! generator's form still takes the CSRF token and cookie read from its options page and
//! answers a seed with its share page, the way the fake in the test kit does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ctjets::service::Ctjets;
use sdk::randomizer::{GenerateRequest, Randomizer, RollOptions};
use serde_json::json;

fn live() -> bool {
    std::env::var("SAHABOT_LIVE_UPSTREAM_TESTS").as_deref() == Ok("1")
}

#[tokio::test]
async fn ctjot_com_rolls_a_seed_as_the_fake_does() {
    if !live() {
        eprintln!("skipped: set SAHABOT_LIVE_UPSTREAM_TESTS=1 to roll on the real ctjot.com");
        return;
    }
    // The tests' "race" preset.
    let seed = Ctjets
        .generate(GenerateRequest {
            org_id: 1,
            settings: json!({
                "randomizer": "ctjets",
                "version": "3.1.0",
                "description": "Race",
                "settings": {
                    "difficulty": "normal",
                    "disable_glitches": "on",
                    "early_pendant": "on",
                    "zeal": "on",
                    "duplicate_char_assignments": "7f7f7f7f7f7f7f",
                    "shop_prices": "Normal",
                    "tech_rando": "Fully Random"
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
        seed.url.starts_with("https://ctjot.com/share/"),
        "{}",
        seed.url
    );
    let share_id = seed.hash.unwrap();
    assert!(!share_id.is_empty());
    assert!(
        seed.url.ends_with(&format!("{share_id}/")),
        "{} {share_id}",
        seed.url
    );
}
