//! `/racetime` through the fake gateway: a member holding `racetime:room` in the linked
//! organization opens a race room on the fake racetime.gg with the organization's granted bot;
//! someone without the right, or an organization without the plugin, is refused and no room
//! opens.

use racetime::{model::BotInput, service::Racetime};
use sdk::{time::now_ms, Actor};
use serde_json::json;
use testkit::{both_backends, fake_racetime::FakeRacetime};

use super::{connected_with, link_guild, owner_with_org, Backend};

async fn check_racetime_opens_a_room_from_discord(backend: Backend) {
    let racetime = FakeRacetime::start().await.unwrap();
    racetime.add_category(
        "alttpr",
        "A Link to the Past Randomizer",
        &["Beat the game"],
    );
    racetime.add_bot("alttpr", "SahaBot", "bot-client", "bot-secret");
    let (fake, app) = connected_with(backend, &[("RACETIME_URL", racetime.url())]).await;
    let platform = &app.server.platform;
    let system = Actor::default();
    let (owner, org) = owner_with_org(&app, "owner", "5001", "Racers").await;
    link_guild(&app, "777", org, "Races", owner).await;
    // The site's bot, granted to the organization (what a site admin does).
    let svc = Racetime::from_platform(&platform.contract()).unwrap();
    let bot = BotInput {
        category: "alttpr".into(),
        name: "SahaBot".into(),
        client_id: "bot-client".into(),
        client_secret: "bot-secret".into(),
        is_active: true,
    };
    let bot = svc.save_bot(&system, None, &bot, now_ms()).await.unwrap();
    svc.grant_bot(&system, bot.id, org, true, now_ms())
        .await
        .unwrap();

    // The plugin is off for the organization: refused, nothing opened.
    let reply = fake
        .use_command("777", "5001", "racetime", json!({"title": "Daily race"}))
        .await
        .unwrap();
    assert!(reply.ephemeral(), "{reply:?}");
    assert!(racetime.rooms().is_empty());

    for plugin in ["presets", "racetime"] {
        platform
            .plugins
            .set_enabled(org, plugin, true, true, &system)
            .await
            .unwrap();
    }
    let reply = fake
        .use_command("777", "5001", "racetime", json!({"title": "Daily race"}))
        .await
        .unwrap();
    let rooms = racetime.rooms();
    assert_eq!(rooms.len(), 1, "{reply:?}");
    assert!(
        reply
            .content
            .contains(&format!("{}/alttpr/{}", racetime.url(), rooms[0].slug)),
        "{reply:?}"
    );
    assert!(!reply.ephemeral());
    assert_eq!(rooms[0].info_user, "Daily race");
    assert_eq!(rooms[0].status, "open", "a room on demand is open to all");
    assert_eq!(rooms[0].goal.as_deref(), Some("Beat the game"));

    // A Discord user who is no SahaBot member: refused before anything is opened.
    let reply = fake
        .use_command("777", "5999", "racetime", json!({"title": "Mine"}))
        .await
        .unwrap();
    assert!(reply.ephemeral(), "{reply:?}");
    assert_eq!(racetime.rooms().len(), 1);
}
both_backends!(
    racetime_opens_a_room_from_discord,
    check_racetime_opens_a_room_from_discord
);
