//! A new card in a room a roll made, against the fake bingosync.com, on SQLite and PostgreSQL:
//! the bot joins the room with its password (as a spectator) and puts a card with the same
//! game and lockout mode and a new seed, sending the session the join gave; the card is
//! audited. Refused: someone who may not roll seeds, a seed of another randomizer, another
//! organization's room; a room the site lost and a password it no longer takes are reported
//! as its own answers, with nothing audited. The Discord answer carries the "New card" button,
//! and the button goes through the same service.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use sdk::{bot::CommandCall, db::Backend, Actor};
use serde_json::json;
use testkit::{
    both_backends, bundle_from_dir, fake_randomizers::bingosync::FakeBingosync, RandomizerWorld,
};

async fn world(backend: Backend) -> (RandomizerWorld, FakeBingosync) {
    let site = FakeBingosync::bingosync().await.unwrap();
    let w = RandomizerWorld::with_plugins(
        backend,
        "bingosync",
        bundle_from_dir(
            bingosync::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            bingosync::plugin(),
        ),
        json!({"base_url": site.url(), "timeout_seconds": 2}),
        vec![bundle_from_dir(
            discordbot::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../discordbot"),
            discordbot::plugin(),
        )],
    )
    .await;
    w.save_preset(
        "sm",
        "game_type: 4\nlockout_mode: lockout\npassphrase: hunter2\nroom_name: League night\n",
    )
    .await
    .unwrap();
    (w, site)
}

async fn check_a_new_card_joins_the_room_and_puts_a_fresh_card(backend: Backend) {
    let (w, site) = world(backend).await;
    let ada = w.member("ada", &[]).await;
    let room = w
        .roll(&Actor::user(ada.clone()), "sm", false)
        .await
        .unwrap();
    let old_seed = room.settings.as_ref().unwrap()["seed"].as_u64().unwrap();

    let made = bingosync::service::new_card(&w.platform, w.org, &Actor::user(ada.clone()), room.id)
        .await
        .unwrap();
    assert_eq!(made.seed_id, room.id);
    assert_eq!(made.url, room.url);

    let requests = site.requests();
    let join = requests
        .iter()
        .find(|r| r.path == "/api/join-room")
        .unwrap();
    let joined = join.json();
    assert_eq!(joined["room"], room.hash.clone().unwrap());
    assert_eq!(joined["password"], "hunter2");
    assert_eq!(joined["is_specator"], true);
    let put = requests.iter().find(|r| r.path == "/api/new-card").unwrap();
    assert_eq!(put.method, "PUT");
    assert!(
        put.headers
            .iter()
            .any(|(k, v)| k == "cookie" && v.contains("sessionid=fake-joined-1")),
        "the join's session goes with the card: {:?}",
        put.headers
    );
    let cards = site.with_state(|s| s.cards.clone());
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0]["game_type"], 4);
    assert_eq!(cards[0]["lockout_mode"], 2);
    assert_eq!(cards[0]["seed"], made.card_seed.unwrap().to_string());
    assert_ne!(
        made.card_seed,
        Some(old_seed),
        "a new card, not the old one"
    );
    assert_eq!(w.audited("bingosync.new_card").await, 1);
}
both_backends!(
    a_new_card_joins_the_room_and_puts_a_fresh_card,
    check_a_new_card_joins_the_room_and_puts_a_fresh_card
);

async fn check_new_cards_are_refused_and_failures_reported(backend: Backend) {
    let (w, site) = world(backend).await;
    let ada = w.member("ada", &[]).await;
    let room = w
        .roll(&Actor::user(ada.clone()), "sm", false)
        .await
        .unwrap();
    let new_card = |actor: Actor, seed_id: i64, org: i64| {
        let platform = w.platform.clone();
        async move { bingosync::service::new_card(&platform, org, &actor, seed_id).await }
    };

    // Someone outside the organization; another organization's own history.
    let stranger = w.user("stranger").await;
    let err = new_card(Actor::user(stranger), room.id, w.org)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("may not roll seeds"), "{err}");
    let rivals = w.other_org("Rivals").await;
    w.set_enabled_in(rivals, "presets", true).await;
    w.set_enabled_in(rivals, "bingosync", true).await;
    let err = new_card(w.root(), room.id, rivals).await.unwrap_err();
    assert!(err.to_string().contains("no such seed"), "{err}");
    // Nobody signed in (a task, say) does not make cards.
    let err = new_card(Actor::system(), room.id, w.org).await.unwrap_err();
    assert!(err.to_string().contains("Sign in"), "{err}");

    // The site no longer takes the password; then no longer has the room.
    site.with_state(|s| s.rooms[0].passphrase = "changed".into());
    let err = new_card(Actor::user(ada.clone()), room.id, w.org)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("did not let the bot into the room: Incorrect Password"),
        "{err}"
    );
    site.with_state(|s| s.rooms.clear());
    let err = new_card(Actor::user(ada.clone()), room.id, w.org)
        .await
        .unwrap_err();
    assert!(matches!(err, sdk::Error::Upstream { .. }), "{err:?}");
    assert_eq!(w.audited("bingosync.new_card").await, 0);
    assert!(site.with_state(|s| s.cards.is_empty()));
}
both_backends!(
    new_cards_are_refused_and_failures_reported,
    check_new_cards_are_refused_and_failures_reported
);

async fn check_the_discord_answer_offers_a_new_card(backend: Backend) {
    let (w, site) = world(backend).await;
    w.link_guild("777", w.org).await;
    let ada = w.member("ada", &[]).await;
    w.set_discord_id(&ada, "5001").await;
    let call =
        |options: BTreeMap<String, serde_json::Value>, custom_id: Option<String>| CommandCall {
            guild_id: Some("777".into()),
            channel_id: Some("1".into()),
            discord_user_id: "5001".into(),
            discord_username: "ada".into(),
            options,
            custom_id,
        };
    let command = w.platform.plugins.bot().commands.get("bingosync").unwrap();
    let mut options = BTreeMap::new();
    options.insert("preset".to_string(), json!("league/sm"));
    let reply = sdk::bot::dispatch(&w.platform, &command, call(options, None)).await;
    let (title, description) = reply.embed.clone().expect("the room's embed");
    assert_eq!(title, "Bingosync room (league/sm)");
    assert!(description.contains("Password: `hunter2`"), "{description}");
    let room = w.history(&w.root()).await.remove(0);
    assert_eq!(reply.buttons.len(), 1);
    assert_eq!(reply.buttons[0].label, "New card");
    assert_eq!(
        reply.buttons[0].custom_id,
        format!("bingosync:new_card:{}", room.id)
    );

    let clicked = sdk::bot::dispatch_component(
        &w.platform,
        call(BTreeMap::new(), Some(reply.buttons[0].custom_id.clone())),
    )
    .await;
    assert!(
        clicked
            .content
            .starts_with(&format!("New card in <{}>", room.url)),
        "{clicked:?}"
    );
    assert_eq!(site.with_state(|s| s.cards.len()), 1);
}
both_backends!(
    the_discord_answer_offers_a_new_card,
    check_the_discord_answer_offers_a_new_card
);
