//! The schedule kept true everywhere, end to end on a running server: a tournament linked to a
//! (fake) SpeedGaming event gets its matches from one sync, the organization's Discord server
//! (fake Discord) shows a scheduled event per match, and the players get one direct message per
//! change — on SQLite, and on two instances sharing PostgreSQL, where both deliver at once and
//! both hear every event, and still each event and each message exists once.

use std::time::Duration;

use discord_events::{model::EventSettings, model::MatchFilter, service::DiscordEvents};
use notifications::service::Notifications;
use sdk::{
    auth::{CurrentUser, GlobalLevel},
    time::now_ms,
    Actor,
};
use serde_json::json;
use speedgaming::service::SpeedGaming;
use testkit::{
    both_backends,
    fake_discord::FakeDiscord,
    fake_speedgaming::{FakeEpisode, FakePerson, FakeSpeedGaming},
};
use tournament::service::{TournamentInput, Tournaments};

use super::{
    bundles, configure, connected, eventually, link_guild, owner_with_org, Backend, TOKEN,
};

const HOUR: i64 = 3_600_000;
const GUILD: &str = "770077";

/// The league: plugins on, SpeedGaming pointed at the fake, the tournament linked to the
/// SpeedGaming event `league` and to the Discord server [`GUILD`]. Returns (org, tournament).
async fn league(
    app: &super::TestApp,
    discord: &FakeDiscord,
    speedgaming: &FakeSpeedGaming,
) -> (i64, i64) {
    discord.add_guild(GUILD);
    let platform = app.server.platform.contract();
    let system = Actor::default();
    let (owner, org) = owner_with_org(app, "owner", "5001", "League").await;
    link_guild(app, GUILD, org, "League", owner).await;
    for plugin in [
        "tournament",
        "speedgaming",
        "discord_events",
        "notifications",
    ] {
        app.server
            .platform
            .plugins
            .set_enabled(org, plugin, true, true, &system)
            .await
            .unwrap();
    }
    app.server
        .platform
        .plugins
        .set_install_config(
            speedgaming::PLUGIN_ID,
            json!({"base_url": speedgaming.url()}),
            &system,
        )
        .await
        .unwrap();
    let owner = Actor::user(CurrentUser {
        id: owner,
        username: "owner".into(),
        display_name: None,
        level: GlobalLevel::User,
        impersonated_by: None,
    });
    let input = TournamentInput {
        name: "League S1".into(),
        is_active: true,
        ..TournamentInput::default()
    };
    let tournament = Tournaments::from_platform(&platform)
        .create_tournament(org, &owner, &input, now_ms())
        .await
        .unwrap()
        .id;
    SpeedGaming::from_platform(&platform)
        .save_link(org, &owner, tournament, "league", true, now_ms())
        .await
        .unwrap();
    let settings = EventSettings {
        tournament_id: tournament,
        guild_id: GUILD.into(),
        filter: MatchFilter::All,
        duration_minutes: 90,
        title_template: "{match}".into(),
        description_template: "{players} on {stream}".into(),
    };
    DiscordEvents::from_platform(&platform)
        .save_settings(org, &owner, &settings, now_ms())
        .await
        .unwrap();
    (org, tournament)
}

/// Ada (Discord 60010001) and Bob (60020002, who never signed in: a placeholder) race in two hours.
fn episode(at: i64) -> FakeEpisode {
    FakeEpisode::new(41, at)
        .title("Ada vs Bob")
        .player(FakePerson::new(11, "Ada").discord_id("60010001"))
        .player(FakePerson::new(12, "Bob").discord_id("60020002"))
        .channel("SpeedGaming", "speedgaming")
}

async fn matches_of(
    platform: &sdk::context::Platform,
    org: i64,
    tournament: i64,
) -> Vec<tournament::model::Match> {
    let query = tournament::repo::MatchQuery {
        tournament_id: Some(tournament),
        ..Default::default()
    };
    Tournaments::from_platform(platform)
        .matches(org, &query, None)
        .await
        .unwrap()
}

/// When the Discord event starts, as epoch seconds (SpeedGaming and Discord speak seconds).
fn starts(event: &testkit::fake_discord::ScheduledEvent) -> i64 {
    sdk::time::parse_rfc3339(&event.scheduled_start_time).unwrap() / 1000
}

/// The first Discord event of the server starts at `at` (epoch ms, compared in seconds).
fn first_starts_at(fake: &FakeDiscord, at: i64) -> bool {
    fake.scheduled_events(GUILD)
        .first()
        .is_some_and(|e| starts(e) == at / 1000)
}

/// The DMs each Discord user got, sorted: (user, title of the message).
fn dms(fake: &FakeDiscord) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fake
        .dms()
        .into_iter()
        .map(|d| (d.user_id, d.embed.map(|e| e.0).unwrap_or(d.content)))
        .collect();
    out.sort();
    out
}

/// Waits until the fake Discord server shows `n` scheduled events, then a little more so a
/// duplicate would show.
async fn events_settle(fake: &FakeDiscord, n: usize) -> Vec<testkit::fake_discord::ScheduledEvent> {
    assert!(
        eventually(20, || fake.scheduled_events(GUILD).len() >= n).await,
        "{} scheduled events, expected {n}",
        fake.scheduled_events(GUILD).len()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    fake.scheduled_events(GUILD)
}

async fn check_one_sync_reaches_discord_and_the_players(backend: Backend) {
    let speedgaming = FakeSpeedGaming::start().await.unwrap();
    let (fake, app) = connected(backend).await;
    let (org, tournament) = league(&app, &fake, &speedgaming).await;
    let platform = app.server.platform.contract();
    let start = now_ms() + 2 * HOUR;
    speedgaming.put_episode("league", episode(start));

    let sync = SpeedGaming::from_platform(&platform);
    let pass = sync.import_all(now_ms()).await.unwrap();
    assert!(pass.failed.is_empty(), "{pass:?}");
    let matches = matches_of(&platform, org, tournament).await;
    assert_eq!(matches.len(), 1, "the schedule shows within one sync");
    assert_eq!(matches[0].title, "Ada vs Bob");

    let events = events_settle(&fake, 1).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].name, "Ada vs Bob");
    assert_eq!(starts(&events[0]), start / 1000);

    let notify = Notifications::from_platform(&platform);
    notify.deliver_due(now_ms()).await.unwrap();
    let first = dms(&fake);
    assert_eq!(
        first.iter().map(|(u, _)| u.as_str()).collect::<Vec<_>>(),
        ["60010001", "60020002"],
        "{first:?}"
    );

    // Nothing changed: a second sync writes nothing, so nobody hears anything new.
    sync.import_all(now_ms()).await.unwrap();
    notify.deliver_due(now_ms()).await.unwrap();
    assert_eq!(dms(&fake).len(), 2);

    // Moved by an hour on SpeedGaming: the same Discord event moves, one DM each.
    speedgaming.put_episode("league", episode(start + HOUR));
    sync.import_all(now_ms()).await.unwrap();
    assert!(
        eventually(20, || first_starts_at(&fake, start + HOUR)).await,
        "{:?}",
        fake.scheduled_events(GUILD)
    );
    let events = fake.scheduled_events(GUILD);
    assert_eq!(events.len(), 1);
    notify.deliver_due(now_ms()).await.unwrap();
    let all = dms(&fake);
    assert_eq!(all.len(), 4, "{all:?}");
}
both_backends!(
    one_sync_reaches_discord_and_the_players,
    check_one_sync_reaches_discord_and_the_players
);

/// Two instances on one PostgreSQL database: both hear every match event (and so both try to
/// make its Discord event) and both deliver at once — one Discord event, one DM per change.
#[tokio::test]
async fn two_instances_share_one_schedule_on_postgres() {
    let speedgaming = FakeSpeedGaming::start().await.unwrap();
    let (fake, first) = connected(Backend::Postgres).await;
    let (org, tournament) = league(&first, &fake, &speedgaming).await;
    let mut config = super::test_config(&first.test_db.url);
    configure(&mut config, &fake, Some(TOKEN));
    let second = server::start_with_plugins(config, bundles()).await.unwrap();
    let (a, b) = (first.server.platform.contract(), second.platform.contract());

    let start = now_ms() + 2 * HOUR;
    speedgaming.put_episode("league", episode(start));
    // The import task runs once across instances (the task engine's claim); here on the second.
    SpeedGaming::from_platform(&b)
        .import_all(now_ms())
        .await
        .unwrap();
    let matches = matches_of(&a, org, tournament).await;
    assert_eq!(matches.len(), 1);
    assert_eq!(events_settle(&fake, 1).await.len(), 1, "one Discord event");

    let (na, nb) = (
        Notifications::from_platform(&a),
        Notifications::from_platform(&b),
    );
    let now = now_ms();
    let (ra, rb) = tokio::join!(na.deliver_due(now), nb.deliver_due(now));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.sent + rb.sent, 2, "{ra:?} {rb:?}");
    assert_eq!(
        dms(&fake)
            .iter()
            .map(|(u, _)| u.as_str())
            .collect::<Vec<_>>(),
        ["60010001", "60020002"]
    );

    speedgaming.put_episode("league", episode(start + HOUR));
    SpeedGaming::from_platform(&a)
        .import_all(now_ms())
        .await
        .unwrap();
    assert!(eventually(20, || first_starts_at(&fake, start + HOUR)).await);
    assert_eq!(
        events_settle(&fake, 1).await.len(),
        1,
        "still one Discord event"
    );
    let now = now_ms();
    let (ra, rb) = tokio::join!(na.deliver_due(now), nb.deliver_due(now));
    assert_eq!(ra.unwrap().sent + rb.unwrap().sent, 2);
    assert_eq!(dms(&fake).len(), 4, "{:?}", dms(&fake));
    second.stop().await.unwrap();
}
