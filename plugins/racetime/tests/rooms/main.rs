//! Race rooms against the test kit's fake racetime.gg (real HTTP and websockets) and fake
//! alttpr.com, on SQLite and PostgreSQL: the world every test starts from and its helpers.
//! The tests, by feature: `e2e` (a match's room opens by itself, the race drives the match to
//! its result; websocket drops), `instances` (two instances, crashes: one room per match),
//! `chat` (commands in the room), `config` (bots, grants, profiles, settings, rights).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod chat;
mod config;
mod e2e;
mod instances;

use std::time::Duration;

use racetime::{
    model::{BotInput, PresetRule, Room, TournamentRooms},
    service::Racetime,
};
use sdk::{auth::CurrentUser, db::Backend, time::now_ms, Actor};
use serde_json::json;
use testkit::{
    bundle_from_dir,
    fake_racetime::{FakeRacer, FakeRacetime},
    fake_randomizers::alttpr::FakeAlttpr,
    platform::tasks::engine::Scheduler,
    RandomizerWorld,
};
use tournament::{
    model::Match,
    service::{MatchInput, TournamentInput, Tournaments},
};

pub const CATEGORY: &str = "alttpr";
pub const BOT_NAME: &str = "SahaBot";
pub const CLIENT_ID: &str = "bot-client";
pub const CLIENT_SECRET: &str = "bot-secret";
pub const MIN: i64 = 60_000;

pub struct World {
    pub world: RandomizerWorld,
    pub racetime: FakeRacetime,
    pub alttpr: FakeAlttpr,
    pub svc: Racetime,
    pub tournaments: Tournaments,
    pub bot_id: i64,
    pub tournament_id: i64,
}

impl std::ops::Deref for World {
    type Target = RandomizerWorld;
    fn deref(&self) -> &RandomizerWorld {
        &self.world
    }
}

pub fn bundles() -> Vec<sdk::plugin::Bundle> {
    vec![
        bundle_from_dir(
            tournament::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../tournament"),
            tournament::plugin(),
        ),
        bundle_from_dir(
            racetime::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            racetime::plugin(),
        ),
    ]
}

/// Presets, ALTTPR, tournaments and RaceTime.gg on for "League"; the fake racetime.gg with the
/// category `alttpr` and its bot, registered by the site admin and granted to League; the
/// preset `league/open`; a tournament "Spring Cup" rolling from it, whose rooms open 35 minutes
/// before each match.
pub async fn world(backend: Backend) -> World {
    let racetime = FakeRacetime::start().await.unwrap();
    racetime.add_category(
        CATEGORY,
        "A Link to the Past Randomizer",
        &["Beat the game", "Any% NMG"],
    );
    racetime.add_bot(CATEGORY, BOT_NAME, CLIENT_ID, CLIENT_SECRET);
    let alttpr = FakeAlttpr::alttpr().await.unwrap();
    let url = racetime.url().to_string();
    let world = RandomizerWorld::with_settings(
        backend,
        "alttpr",
        bundle_from_dir(
            alttpr::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../alttpr"),
            alttpr::plugin(),
        ),
        json!({"base_url": alttpr.url(), "timeout_seconds": 2}),
        bundles(),
        &[("RACETIME_URL", url.as_str())],
    )
    .await;
    world.set_enabled("racetime", true).await;
    world.start().await;
    world
        .save_preset("open", "goal: fast_ganon\nmode: open\n")
        .await
        .unwrap();
    let svc = Racetime::from_platform(&world.platform).unwrap();
    let tournaments = Tournaments::from_platform(&world.platform);
    let root = world.root();
    let bot = svc
        .save_bot(
            &root,
            None,
            &BotInput {
                category: CATEGORY.into(),
                name: BOT_NAME.into(),
                client_id: CLIENT_ID.into(),
                client_secret: CLIENT_SECRET.into(),
                is_active: true,
            },
            now_ms(),
        )
        .await
        .unwrap();
    svc.grant_bot(&root, bot.id, world.org, true, now_ms())
        .await
        .unwrap();
    let cup = tournaments
        .create_tournament(
            world.org,
            &root,
            &TournamentInput {
                name: "Spring Cup".into(),
                description: String::new(),
                is_active: true,
                onsite: false,
                tracker_enabled: false,
                self_registration: false,
                settings_form_schema: None,
                randomizer: "alttpr".into(),
                preset: "league/open".into(),
                public_feed: false,
            },
            now_ms(),
        )
        .await
        .unwrap();
    svc.save_tournament_rooms(
        world.org,
        &root,
        &TournamentRooms {
            tournament_id: cup.id,
            bot_id: Some(bot.id),
            profile_id: None,
            goal: String::new(),
            auto_open: true,
            open_minutes_before: 35,
            preset_rule: PresetRule::Tournament,
        },
        now_ms(),
    )
    .await
    .unwrap();
    World {
        world,
        racetime,
        alttpr,
        svc,
        tournaments,
        bot_id: bot.id,
        tournament_id: cup.id,
    }
}

impl World {
    /// A member who linked racetime.gg account `racetime_id` (a racer the fake knows).
    pub async fn racer(&self, name: &str, racetime_id: &str) -> CurrentUser {
        let user = self.member(name, &[]).await;
        sqlx::query("UPDATE users SET racetime_id = $1, racetime_name = $2 WHERE id = $3")
            .bind(racetime_id)
            .bind(name)
            .bind(user.id)
            .execute(self.platform.db.pool())
            .await
            .unwrap();
        self.racetime.add_racer(FakeRacer::new(racetime_id, name));
        user
    }

    /// A match of the Spring Cup between `players`, `minutes` from now.
    pub async fn match_in(&self, title: &str, minutes: i64, players: &[&CurrentUser]) -> Match {
        let admin = self.root();
        self.tournaments
            .create_match(
                self.org,
                &admin,
                self.tournament_id,
                &MatchInput {
                    title: title.into(),
                    comment: String::new(),
                    scheduled_at: Some(now_ms() + minutes * MIN),
                    player_ids: players.iter().map(|p| p.id).collect(),
                    stream_channel_id: None,
                },
                now_ms(),
            )
            .await
            .unwrap()
    }

    pub fn scheduler(&self) -> Scheduler {
        Scheduler::new(&self.host)
    }

    pub async fn game(&self, id: i64) -> Match {
        self.tournaments.get_match(self.org, id).await.unwrap()
    }

    pub async fn room_of(&self, match_id: i64) -> Option<Room> {
        self.svc
            .match_room(self.org, &self.root(), match_id)
            .await
            .unwrap()
    }

    /// The match's room slug on the fake, once its room is open.
    pub async fn slug_of(&self, match_id: i64) -> String {
        self.room_of(match_id)
            .await
            .and_then(|r| r.slug)
            .expect("the match has a room")
    }

    pub fn system(&self) -> Actor {
        Actor::system()
    }
}

/// Waits up to 10 s for `check` to hold (the watcher applies frames in the background).
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for: {what}");
}
