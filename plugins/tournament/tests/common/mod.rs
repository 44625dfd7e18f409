//! What the tournament tests start from: the test kit's world (database, platform, admin,
//! "League") with the tournament service, and helpers that go through the service.
// Each test binary uses some of the helpers.
#![allow(dead_code, clippy::unwrap_used)]

use sdk::{auth::CurrentUser, db::Backend, Actor};
use testkit::PluginWorld;
use tournament::service::{MatchInput, TournamentInput, Tournaments};

/// 2026-11-22 12:00:00 UTC.
pub const T0: i64 = 1_795_348_800_000;

pub struct World {
    pub world: PluginWorld,
    pub svc: Tournaments,
}

testkit::deref_world!(World);

pub async fn world(backend: Backend) -> World {
    let world = testkit::plugin_world!(tournament, backend).await;
    let svc = Tournaments::from_platform(&world.platform);
    World { world, svc }
}

/// `user` as the actor of a service call.
pub fn actor(user: &CurrentUser) -> Actor {
    Actor::user(user.clone())
}

impl World {
    /// The site admin as the actor of a service call.
    pub fn admin(&self) -> Actor {
        actor(&self.admin)
    }

    /// A new plain member of the league.
    pub async fn member(&self, name: &str) -> CurrentUser {
        self.world.member(name, &[]).await
    }

    /// A tournament of the league, made by the admin.
    pub async fn tournament(&self, input: TournamentInput) -> i64 {
        self.svc
            .create_tournament(self.org, &self.admin(), &input, T0)
            .await
            .unwrap()
            .id
    }

    /// A match `title` of `tournament` between `players`, scheduled at `at`, made by the admin.
    pub async fn match_at(
        &self,
        tournament: i64,
        title: &str,
        at: i64,
        players: &[&CurrentUser],
    ) -> i64 {
        let input = MatchInput {
            title: title.into(),
            scheduled_at: Some(at),
            player_ids: players.iter().map(|p| p.id).collect(),
            ..MatchInput::default()
        };
        self.svc
            .create_match(self.org, &self.admin(), tournament, &input, T0)
            .await
            .unwrap()
            .id
    }
}
