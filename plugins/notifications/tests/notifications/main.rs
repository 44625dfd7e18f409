//! Notifications on SQLite and PostgreSQL, with the tournament plugin and a fake Discord over
//! real HTTP: the world every test starts from and its helpers. The tests, by feature:
//! `outbox` (rows commit with their cause, idempotency, retries and dead letters, two
//! instances, quiet hours), `settings` (opting out, the test message, the logs, isolation
//! between organizations), `reminders` ("starting soon"), `asyncs` (the async qualifier's
//! reviews and timeout warnings).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod asyncs;
mod outbox;
mod reminders;
mod settings;

use notifications::{model::SubscriptionInput, service::Notifications};
use sdk::{auth::CurrentUser, db::Backend, time::now_ms, Actor};
use testkit::{fake_discord::FakeDiscord, PluginWorld};
use tournament::service::{MatchInput, TournamentInput, Tournaments};

pub const MIN: i64 = 60_000;
pub const HOUR: i64 = 60 * MIN;
pub const DAY: i64 = 24 * HOUR;

/// A Discord id (18 digits, as Discord's are) made from a short number: `1001` →
/// `900000000000001001`.
pub fn snowflake(short: &str) -> String {
    format!("9{short:0>17}")
}

pub struct World {
    pub world: PluginWorld,
    pub fake: FakeDiscord,
    pub svc: Notifications,
    pub tournaments: Tournaments,
    pub tournament_id: i64,
    /// When the world was made (real time: staged events carry the real clock).
    pub t0: i64,
}

testkit::deref_world!(World);

/// Tournaments and notifications on for "League" (the async qualifier loaded, off), the site's
/// bot pointed at a fake Discord, and a tournament "Spring Cup".
pub async fn world(backend: Backend) -> World {
    let world = PluginWorld::builder(backend)
        .plugin(
            tournament::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../tournament"),
            tournament::plugin(),
        )
        .plugin(
            async_qualifier::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../async_qualifier"),
            async_qualifier::plugin(),
        )
        .plugin(
            notifications::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            notifications::plugin(),
        )
        .build()
        .await;
    world.start().await;
    world.set_enabled(notifications::PLUGIN_ID, true).await;
    let fake = world.fake_discord().await;
    let svc = Notifications::from_platform(&world.platform);
    let tournaments = Tournaments::from_platform(&world.platform);
    let tournament_id = tournament_in(&world, &tournaments, world.org, "Spring Cup").await;
    World {
        world,
        fake,
        svc,
        tournaments,
        tournament_id,
        t0: now_ms(),
    }
}

/// A tournament of `org`, made by the site admin.
pub async fn tournament_in(world: &PluginWorld, svc: &Tournaments, org: i64, name: &str) -> i64 {
    let input = TournamentInput {
        name: name.into(),
        is_active: true,
        ..TournamentInput::default()
    };
    svc.create_tournament(org, &Actor::user(world.admin.clone()), &input, now_ms())
        .await
        .unwrap()
        .id
}

impl World {
    pub fn admin(&self) -> Actor {
        Actor::user(self.world.admin.clone())
    }

    /// A member of the league with a Discord account (`snowflake(discord)`).
    pub async fn player(&self, name: &str, discord: &str) -> CurrentUser {
        let user = self.world.member(name, &[]).await;
        self.world.set_discord_id(&user, &snowflake(discord)).await;
        user
    }

    /// The second player a match needs, who opted out of every notification.
    pub async fn quiet_partner(&self) -> CurrentUser {
        let zed = self.player("zed", "1999").await;
        let choices = notifications::rules::EventType::ALL
            .into_iter()
            .filter(|t| t.subscribable())
            .map(|t| SubscriptionInput {
                event_type: t.key().into(),
                enabled: false,
                channel: "discord_dm".into(),
            })
            .collect::<Vec<_>>();
        self.world
            .call(&zed, || {
                notifications::api::save_settings(self.org, choices, None, None)
            })
            .await
            .unwrap();
        zed
    }

    /// The usual pair of a match: ada (Discord `1001`), who hears everything, and the quiet
    /// partner zed ([`World::quiet_partner`]).
    pub async fn ada_and_quiet_zed(&self) -> (CurrentUser, CurrentUser) {
        let ada = self.player("ada", "1001").await;
        (ada, self.quiet_partner().await)
    }

    /// A match of the Spring Cup between `players` at `at` (None: unscheduled), made by the
    /// admin through the tournament service (which stages `MatchScheduled`).
    pub async fn match_at(&self, title: &str, at: Option<i64>, players: &[&CurrentUser]) -> i64 {
        let input = MatchInput {
            title: title.into(),
            scheduled_at: at,
            player_ids: players.iter().map(|p| p.id).collect(),
            ..MatchInput::default()
        };
        self.tournaments
            .create_match(
                self.org,
                &self.admin(),
                self.tournament_id,
                &input,
                now_ms(),
            )
            .await
            .unwrap()
            .id
    }

    /// Moves a match to `at` through the tournament service.
    pub async fn move_match(&self, match_id: i64, title: &str, at: i64, players: &[&CurrentUser]) {
        let input = MatchInput {
            title: title.into(),
            scheduled_at: Some(at),
            player_ids: players.iter().map(|p| p.id).collect(),
            ..MatchInput::default()
        };
        self.tournaments
            .update_match(self.org, &self.admin(), match_id, &input, now_ms())
            .await
            .unwrap();
    }

    /// Every outbox row of the organization as (user, kind, status), oldest first.
    pub async fn outbox(&self, org: i64) -> Vec<(i64, String, String)> {
        sqlx::query_as(
            "SELECT user_id, event_type, status FROM notifications_outbox
             WHERE organization_id = $1 ORDER BY id",
        )
        .bind(org)
        .fetch_all(self.test.db.pool())
        .await
        .unwrap()
    }

    /// The number of outbox rows on the whole site.
    pub async fn outbox_count(&self) -> i64 {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM notifications_outbox")
            .fetch_one(self.test.db.pool())
            .await
            .unwrap();
        n
    }

    /// Gives `user` a profile time zone, as the profile page would.
    pub async fn set_time_zone(&self, user: &CurrentUser, zone: &str) {
        // not audited: a test fixture, as if the user had saved their profile.
        sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
            .bind(zone)
            .bind(user.id)
            .execute(self.test.db.pool())
            .await
            .unwrap();
    }

    /// Saves `user`'s choice for one kind (DM), through the API.
    pub async fn subscribe(&self, user: &CurrentUser, org: i64, kind: &str, enabled: bool) {
        let choice = vec![SubscriptionInput {
            event_type: kind.into(),
            enabled,
            channel: "discord_dm".into(),
        }];
        self.world
            .call(user, || {
                notifications::api::save_settings(org, choice, None, None)
            })
            .await
            .unwrap();
    }

    /// The Discord ids direct messages went to, in order, as the short numbers given to
    /// [`snowflake`].
    pub fn dm_recipients(&self) -> Vec<String> {
        self.fake
            .dms()
            .into_iter()
            .map(|d| {
                d.user_id
                    .trim_start_matches('9')
                    .trim_start_matches('0')
                    .to_string()
            })
            .collect()
    }
}
