//! One room made on the real bingosync.com — opt-in: it runs only with
//! `SAHABOT_LIVE_UPSTREAM_TESTS=1` (never in CI, which has no internet), to check that the
//! site's room form still takes the CSRF token and cookie read from its page and answers a room
//! made with a redirect to `/room/{id}`, the way the fake in the test kit does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bingosync::service::Bingosync;
use sdk::randomizer::{GenerateRequest, Randomizer, RollOptions};
use serde_json::json;

fn live() -> bool {
    std::env::var("SAHABOT_LIVE_UPSTREAM_TESTS").as_deref() == Ok("1")
}

#[tokio::test]
async fn bingosync_com_makes_a_room_as_the_fake_does() {
    if !live() {
        eprintln!(
            "skipped: set SAHABOT_LIVE_UPSTREAM_TESTS=1 to make a room on the real bingosync.com"
        );
        return;
    }
    // The tests' "sm" preset.
    let seed = Bingosync
        .generate(GenerateRequest {
            org_id: 1,
            settings: json!({"game_type": 4, "lockout_mode": "lockout", "room_name": "League night"}),
            mystery: false,
            options: RollOptions::default(),
            config: json!({}),
            rng_seed: 1,
        })
        .await
        .unwrap();
    assert!(
        seed.url.starts_with("https://bingosync.com/room/"),
        "{}",
        seed.url
    );
    let room = seed.hash.unwrap();
    assert!(!room.is_empty());
    assert!(seed.url.ends_with(&room), "{} {room}", seed.url);
    assert_eq!(seed.metadata["room_id"], room.as_str());
    assert!(seed.metadata["password"]
        .as_str()
        .is_some_and(|p| !p.is_empty()));
}
