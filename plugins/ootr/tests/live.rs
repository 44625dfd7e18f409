//! One roll against the real ootrandomizer.com — opt-in: it runs only with
//! `SAHABOT_LIVE_UPSTREAM_TESTS=1` (never in CI, which has no internet) and an API key of the
//! site in `SAHABOT_OOTR_API_KEY`, to check that the site still creates, finishes and details a
//! seed the way the fake in the test kit does: its page by id and five hash icons.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ootr::service::Ootr;
use sdk::randomizer::{GenerateRequest, Randomizer, RollOptions};
use serde_json::json;

fn live() -> bool {
    std::env::var("SAHABOT_LIVE_UPSTREAM_TESTS").as_deref() == Ok("1")
}

#[tokio::test]
async fn ootrandomizer_com_rolls_a_seed_as_the_fake_does() {
    if !live() {
        eprintln!(
            "skipped: set SAHABOT_LIVE_UPSTREAM_TESTS=1 (and SAHABOT_OOTR_API_KEY) to roll on the real ootrandomizer.com"
        );
        return;
    }
    let Some(key) = std::env::var("SAHABOT_OOTR_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
    else {
        eprintln!(
            "skipped: set SAHABOT_OOTR_API_KEY to an ootrandomizer.com API key to roll on the real site"
        );
        return;
    };
    // The tests' "s7" preset, on the site's current version.
    let seed = Ootr
        .generate(GenerateRequest {
            org_id: 1,
            settings: json!({"settings": {
                "world_count": 1,
                "create_spoiler": true,
                "bridge": "stones",
                "bridge_stones": 3,
                "shuffle_smallkeys": "dungeon"
            }}),
            mystery: false,
            options: RollOptions::default(),
            config: json!({"api_key": key}),
            rng_seed: 1,
        })
        .await
        .unwrap();
    assert!(
        seed.url
            .starts_with("https://ootrandomizer.com/seed/get?id="),
        "{}",
        seed.url
    );
    let hash = seed.hash.unwrap();
    assert!(
        !hash.is_empty() && hash.chars().all(|c| c.is_ascii_digit()),
        "{hash}"
    );
    assert!(seed.url.ends_with(&hash), "{} {hash}", seed.url);
    assert_eq!(seed.file_select_code.unwrap().len(), 5);
}
