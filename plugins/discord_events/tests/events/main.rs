//! Discord events against the test kit's fake Discord (real HTTP), on SQLite and PostgreSQL:
//! the world every test starts from and its helpers. The tests, by feature: `follow` (events
//! follow match changes through the listeners; the filter; a 429 waited out), `claims` (the
//! creation claim is its owner's token; a creation cut off is adopted, not made twice),
//! `reconcile` (orphans removed, lost events recreated, by the page's button and the task;
//! events withdrawn while the plugin is off), `guard` (servers not linked to the organization
//! refused at save and at post time; templates checked; organizations kept apart).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod claims;
mod follow;
mod guard;
mod reconcile;

use std::time::Duration;

use discord_events::{model::EventSettings, model::MatchFilter, rules, service::DiscordEvents};
use sdk::{db::Backend, time::now_ms, Actor};
use testkit::{bundle_from_dir, fake_discord::FakeDiscord, PluginWorld};
use tournament::{
    model::Match,
    service::{MatchInput, StreamChannelInput, TournamentInput, Tournaments},
};

pub const GUILD: &str = "710000000000000001";
pub const OTHER_GUILD: &str = "710000000000000002";
pub const MIN: i64 = 60_000;

pub struct World {
    pub world: PluginWorld,
    pub discord: FakeDiscord,
    pub svc: DiscordEvents,
    pub tournaments: Tournaments,
    pub tournament_id: i64,
    pub stream_id: i64,
    /// Two members who play the matches.
    pub players: Vec<i64>,
}

testkit::deref_world!(World);

/// Tournaments, the bot and Discord events on for "League"; the server [`GUILD`] linked to it
/// (and known to the fake Discord, as is [`OTHER_GUILD`], linked to nobody); a tournament
/// "Spring Cup" and a stream channel.
pub async fn world(backend: Backend) -> World {
    let world = PluginWorld::builder(backend)
        .bundle(bundle_from_dir(
            tournament::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../tournament"),
            tournament::plugin(),
        ))
        .bundle(bundle_from_dir(
            discordbot::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../discordbot"),
            discordbot::plugin(),
        ))
        .bundle(bundle_from_dir(
            discord_events::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            discord_events::plugin(),
        ))
        .build()
        .await;
    world.set_enabled(discord_events::PLUGIN_ID, true).await;
    world.start().await;
    let discord = world.fake_discord().await;
    discord.add_guild(GUILD);
    discord.add_guild(OTHER_GUILD);
    world.link_guild(GUILD, world.org).await;
    let svc = DiscordEvents::from_platform(&world.platform);
    let tournaments = Tournaments::from_platform(&world.platform);
    let admin = world.actor(&world.admin);
    let cup = tournaments
        .create_tournament(
            world.org,
            &admin,
            &TournamentInput {
                name: "Spring Cup".into(),
                description: String::new(),
                is_active: true,
                onsite: false,
                tracker_enabled: false,
                self_registration: false,
                settings_form_schema: None,
                randomizer: String::new(),
                preset: String::new(),
                public_feed: false,
            },
            now_ms(),
        )
        .await
        .unwrap();
    let stream = tournaments
        .save_stream_channel(
            world.org,
            &admin,
            None,
            &StreamChannelInput {
                name: "Main".into(),
                stream_url: "https://twitch.tv/league".into(),
                is_active: true,
            },
            now_ms(),
        )
        .await
        .unwrap();
    let ada = world.member("ada", &[]).await;
    let bob = world.member("bob", &[]).await;
    World {
        players: vec![ada.id, bob.id],
        world,
        discord,
        svc,
        tournaments,
        tournament_id: cup.id,
        stream_id: stream.id,
    }
}

impl World {
    pub fn admin_actor(&self) -> Actor {
        self.actor(&self.admin)
    }

    /// The Spring Cup's settings: [`GUILD`], `filter`, 90 minutes, the default templates.
    pub fn settings(&self, filter: MatchFilter) -> EventSettings {
        EventSettings {
            guild_id: GUILD.into(),
            filter,
            duration_minutes: 90,
            ..rules::default_settings(self.tournament_id)
        }
    }

    pub async fn configure(&self, filter: MatchFilter) {
        self.svc
            .save_settings(
                self.org,
                &self.admin_actor(),
                &self.settings(filter),
                now_ms(),
            )
            .await
            .unwrap();
    }

    fn input(&self, title: &str, at: Option<i64>, stream: bool) -> MatchInput {
        MatchInput {
            title: title.into(),
            comment: String::new(),
            scheduled_at: at,
            player_ids: self.players.clone(),
            stream_channel_id: stream.then_some(self.stream_id),
        }
    }

    /// A Spring Cup match `minutes` from now (None: no time).
    pub async fn new_match(&self, title: &str, minutes: Option<i64>, stream: bool) -> Match {
        let at = minutes.map(|m| now_ms() + m * MIN);
        self.tournaments
            .create_match(
                self.org,
                &self.admin_actor(),
                self.tournament_id,
                &self.input(title, at, stream),
                now_ms(),
            )
            .await
            .unwrap()
    }

    /// Moves a match to `minutes` from now.
    pub async fn move_match(&self, m: &Match, minutes: i64, stream: bool) -> Match {
        self.tournaments
            .update_match(
                self.org,
                &self.admin_actor(),
                m.id,
                &self.input(&m.title, Some(now_ms() + minutes * MIN), stream),
                now_ms(),
            )
            .await
            .unwrap()
    }

    /// Waits (up to 10 s) until the fake server [`GUILD`] holds `n` events.
    pub async fn wait_for_events(&self, n: usize) {
        let reached = self
            .discord
            .wait_until(Duration::from_secs(10), |f| {
                f.scheduled_events(GUILD).len() == n
            })
            .await;
        assert!(
            reached,
            "expected {n} events in the server, found {:?}; last error: {:?}",
            self.discord.scheduled_events(GUILD),
            self.status().await.last_error
        );
    }

    pub async fn status(&self) -> discord_events::model::TournamentEvents {
        self.svc
            .tournament_events(self.org, &self.admin_actor(), self.tournament_id)
            .await
            .unwrap()
    }

    /// Waits (up to 10 s) until the tournament's recorded last error satisfies `check`.
    pub async fn wait_for_error(&self, check: impl Fn(Option<&str>) -> bool) -> Option<String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let error = self.status().await.last_error;
            if check(error.as_deref()) || tokio::time::Instant::now() >= deadline {
                return error;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
