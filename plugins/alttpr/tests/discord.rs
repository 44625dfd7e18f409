//! `/alttpr` through the bot's dispatch (the path a Discord interaction takes once the gateway
//! decoded it), on SQLite and PostgreSQL: a linked server's member rolls a seed from the
//! organization's preset and gets the link and file-select code; with ALTTPR off for the server's
//! organization the command is refused and alttpr.com never called. While `preset` is typed the
//! bot suggests the organization's presets and the global ones (private ones only to members who
//! may roll), a picked `namespace/name` rolls, and `/mystery` rolls weightsets only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::BTreeMap, sync::Arc};

use discordbot::{bot::Bot, settings::Settings};
use presets::service::{NamespaceInput, PresetInput};
use sdk::{
    bot::{CommandCall, Completing},
    db::Backend,
    time::now_ms,
};
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
    assert!(!reply.ephemeral, "the seed is for the channel: {reply:?}");
    // The seed embed: what was rolled, the link, the file-select code.
    let (title, description) = reply.embed.clone().expect("a seed embed");
    assert_eq!(title, "ALTTPR seed (league/open)");
    assert!(
        description.contains(&format!("<{}/h/Fake000001>", site.url())),
        "{description}"
    );
    assert!(
        description.contains("File select: Bombs / Empty Bottle / Bombos / Boots / Compass"),
        "{description}"
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

/// `/name` used in server 777 by Discord user `discord_id` with `options`.
fn call_with(discord_id: &str, options: serde_json::Value) -> CommandCall {
    CommandCall {
        guild_id: Some("777".into()),
        channel_id: Some("1".into()),
        discord_user_id: discord_id.into(),
        discord_username: "someone".into(),
        options: serde_json::from_value(options).unwrap(),
        custom_id: None,
    }
}

/// Everything a reply says: its text and its embed's.
fn said(reply: &sdk::bot::CommandReply) -> String {
    let (title, description) = reply.embed.clone().unwrap_or_default();
    format!("{}\n{title}\n{description}", reply.content)
}

/// What the bot suggests while `typed` is typed into `/name`'s `preset`.
async fn suggested(
    bot: &Bot,
    name: &str,
    discord_id: &str,
    options: serde_json::Value,
    typed: &str,
) -> Vec<String> {
    bot.complete(
        name,
        call_with(discord_id, options),
        Completing {
            option: "preset".into(),
            typed: typed.into(),
        },
    )
    .await
    .into_iter()
    .map(|c| c.value)
    .collect()
}

const WEIGHTSET: &str = "preset_type: mystery
glitches_required: none
item_placement: advanced
dungeon_items: {standard: 50, mcs: 50}
accessibility: items
goals: {ganon: 1, fast_ganon: 1}
tower_open: '7'
ganon_open: '7'
world_state: {open: 1, inverted: 1}
entrance_shuffle: none
boss_shuffle: none
enemy_shuffle: none
hints: 'off'
weapons: randomized
item_pool: normal
item_functionality: normal
enemy_damage: default
enemy_health: default
";

async fn check_presets_are_suggested_picked_and_mystery_rolls_weightsets(backend: Backend) {
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
    let root = w.root();
    w.save_preset("open", "goal: fast_ganon\n").await.unwrap();
    w.save_preset("weights", WEIGHTSET).await.unwrap();
    // A global public preset, and another organization's namespace with its own preset.
    let preset = |namespace: Option<&str>, name: &str| PresetInput {
        namespace: namespace.map(str::to_string),
        randomizer: "alttpr".into(),
        name: name.into(),
        description: String::new(),
        yaml: "goal: ganon\n".into(),
        is_public: true,
    };
    w.presets
        .create_preset(None, &root, preset(None, "casual"), now_ms())
        .await
        .unwrap();
    let rivals = w.other_org("Rivals").await;
    w.presets
        .create_namespace(
            Some(rivals),
            &root,
            NamespaceInput {
                slug: "rivals".into(),
                display_name: "Rivals".into(),
                description: String::new(),
                is_public: false,
                for_organization: true,
            },
            now_ms(),
        )
        .await
        .unwrap();
    w.presets
        .create_preset(
            Some(rivals),
            &root,
            preset(Some("rivals"), "open"),
            now_ms(),
        )
        .await
        .unwrap();
    w.link_guild("777", w.org).await;
    let ada = w.member("ada", &[]).await;
    w.set_discord_id(&ada, "5001").await;
    let bot = Bot {
        platform: w.platform.clone(),
        settings: Arc::new(Settings::from_lookup(setting)),
        instance: w.platform.events.instance().to_string(),
    };

    // The organization's own presets first (its private ones: ada may roll), then global ones;
    // never another organization's.
    assert_eq!(
        suggested(&bot, "alttpr", "5001", json!({}), "").await,
        ["league/open", "league/weights", "casual"]
    );
    assert_eq!(
        suggested(&bot, "alttpr", "5001", json!({}), "OP").await,
        ["league/open"]
    );
    // With the namespace filled in: its presets by name.
    assert_eq!(
        suggested(&bot, "alttpr", "5001", json!({"namespace": "league"}), "").await,
        ["open", "weights"]
    );
    // /mystery offers weightsets only.
    assert_eq!(
        suggested(&bot, "mystery", "5001", json!({}), "").await,
        ["league/weights"]
    );
    // Someone SahaBot does not know sees only what is public.
    assert_eq!(
        suggested(&bot, "alttpr", "9999", json!({}), "").await,
        ["casual"]
    );

    // A picked `namespace/name` rolls that preset; a global one by its name.
    let reply = bot
        .answer(
            "alttpr",
            call_with("5001", json!({"preset": "league/open"})),
        )
        .await;
    assert!(
        said(&reply).contains("ALTTPR seed (league/open)"),
        "{}",
        said(&reply)
    );
    let reply = bot
        .answer("alttpr", call_with("5001", json!({"preset": "casual"})))
        .await;
    assert!(
        said(&reply).contains("ALTTPR seed (casual)"),
        "{}",
        said(&reply)
    );
    // Another organization's private namespace is not this organization's to roll from.
    let reply = bot
        .answer(
            "alttpr",
            call_with("5001", json!({"preset": "rivals/open"})),
        )
        .await;
    assert!(
        said(&reply).contains("There is no alttpr preset"),
        "{}",
        said(&reply)
    );
    assert_eq!(site.requests().len(), 2);

    // /mystery refuses a plain preset before calling the site, and rolls a weightset.
    let reply = bot
        .answer(
            "mystery",
            call_with("5001", json!({"preset": "league/open"})),
        )
        .await;
    assert!(
        said(&reply).contains("/mystery rolls mystery presets only"),
        "{}",
        said(&reply)
    );
    assert_eq!(site.requests().len(), 2);
    let reply = bot
        .answer(
            "mystery",
            call_with("5001", json!({"preset": "league/weights"})),
        )
        .await;
    assert!(
        said(&reply).contains("Mystery: the rolled settings stay hidden"),
        "{}",
        said(&reply)
    );
    let history = w.history(&w.root()).await;
    assert_eq!(history.len(), 3);
    assert!(history[0].mystery);
}
both_backends!(
    presets_are_suggested_picked_and_mystery_rolls_weightsets,
    check_presets_are_suggested_picked_and_mystery_rolls_weightsets
);
