//! `/alttpr` through the bot's dispatch (the path a Discord interaction takes once the gateway
//! decoded it), on SQLite and PostgreSQL: a linked server's member rolls a seed from the
//! organization's preset and gets the link and file-select code; with ALTTPR off for the server's
//! organization the command is refused and alttpr.com never called.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::BTreeMap, sync::Arc};

use discordbot::{bot::Bot, settings::Settings};
use sdk::{bot::CommandCall, db::Backend};
use serde_json::json;
use testkit::{
    both_backends, bundle_from_dir, fake_randomizers::alttpr::FakeAlttpr, RandomizerWorld,
};

/// What the bot reads (the test world gives the plugins the same).
fn setting(name: &str) -> Option<String> {
    match name {
        "SECRET_KEY" => Some("test-secret-key-test-secret-key-0123456789".into()),
        "BASE_URL" => Some("http://sahabot.test".into()),
        _ => None,
    }
}

async fn check_alttpr_on_discord_rolls_and_is_refused_when_off(backend: Backend) {
    let site = FakeAlttpr::alttpr().await.unwrap();
    let w = RandomizerWorld::with_plugins(
        backend,
        "alttpr",
        bundle_from_dir(
            alttpr::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            alttpr::plugin(),
        ),
        json!({"base_url": site.url()}),
        vec![bundle_from_dir(
            discordbot::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../discordbot"),
            discordbot::plugin(),
        )],
    )
    .await;
    w.save_preset("open", "goal: fast_ganon\n").await.unwrap();
    w.link_guild("777", w.org).await;
    let ada = w.member("ada", &[]).await;
    w.set_discord_id(&ada, "5001").await;
    let bot = Bot {
        platform: w.platform.clone(),
        settings: Arc::new(Settings::from_lookup(setting)),
        instance: w.platform.events.instance().to_string(),
    };
    let call = || {
        let mut options = BTreeMap::new();
        options.insert("preset".to_string(), json!("open"));
        options.insert("namespace".to_string(), json!("league"));
        CommandCall {
            guild_id: Some("777".into()),
            channel_id: Some("1".into()),
            discord_user_id: "5001".into(),
            discord_username: "ada".into(),
            options,
            custom_id: None,
        }
    };

    let reply = bot.answer("alttpr", call()).await;
    assert!(
        !reply.ephemeral,
        "the seed is for the channel: {}",
        reply.content
    );
    assert!(
        reply
            .content
            .contains(&format!("<{}/h/Fake000001>", site.url())),
        "{}",
        reply.content
    );
    assert!(
        reply
            .content
            .contains("File select: Bombs / Empty Bottle / Bombos / Boots / Compass"),
        "{}",
        reply.content
    );
    let history = w.history(&w.root()).await;
    assert_eq!(history[0].source, "discord");
    assert_eq!(history[0].rolled_by.as_deref(), Some("ada"));

    // ALTTPR off for the server's organization: refused, and alttpr.com is not called.
    w.set_enabled("alttpr", false).await;
    let reply = bot.answer("alttpr", call()).await;
    assert!(
        reply.content.contains("ALTTPR is not enabled"),
        "{}",
        reply.content
    );
    assert_eq!(site.requests().len(), 1);
}
both_backends!(
    alttpr_on_discord_rolls_and_is_refused_when_off,
    check_alttpr_on_discord_rolls_and_is_refused_when_off
);
