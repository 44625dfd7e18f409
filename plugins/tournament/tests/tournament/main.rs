//! Tournaments on SQLite and PostgreSQL, through the service functions the web and the
//! integration plugins call: the status flow (timestamps set and cleared exactly, refusals with
//! reasons, holds), results, onsite stations, crew rules, settings-form validation, times in a
//! viewer's zone, and tenant isolation. The calendar feeds are in `feeds.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod crew;
mod display;
mod flow;
mod holds;
mod matches;
mod settings;
mod tenancy;

use sdk::{auth::CurrentUser, auth::GlobalLevel, context::Platform, db::Backend, Actor};
use testkit::platform;

use serde_json::json;
use testkit::{both_backends, Recorded, TestDb};
use tournament::{
    events::{MatchFinished, MatchScheduled, MatchStatusChanged},
    model::{CrewRole, MatchStatus, RankInput, StationInput},
    repo::MatchQuery,
    service::{MatchInput, StreamChannelInput, TournamentInput, Tournaments},
};

/// 2026-11-22 12:00:00 UTC.
const T0: i64 = 1_795_348_800_000;
const MIN: i64 = 60_000;

struct World {
    test: TestDb,
    platform: Platform,
    svc: Tournaments,
    admin: CurrentUser,
    org: i64,
}

async fn world(backend: Backend) -> World {
    let test = TestDb::new(backend).await;
    test.migrate_core().await;
    let platform = test
        .platform_with_plugin(
            tournament::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            tournament::plugin(),
        )
        .await;
    let svc = Tournaments::from_platform(&platform);
    let admin = test.user("admin", GlobalLevel::Superadmin).await;
    let org = test.org(&admin, "League").await;
    World {
        test,
        platform,
        svc,
        admin,
        org,
    }
}

fn actor(user: &CurrentUser) -> Actor {
    Actor::user(user.clone())
}

fn stream(name: &str, url: &str) -> StreamChannelInput {
    StreamChannelInput {
        name: name.into(),
        stream_url: url.into(),
        is_active: true,
    }
}

fn cup(name: &str) -> TournamentInput {
    TournamentInput {
        name: name.into(),
        is_active: true,
        ..TournamentInput::default()
    }
}

impl World {
    fn admin(&self) -> Actor {
        actor(&self.admin)
    }

    async fn member(&self, name: &str) -> CurrentUser {
        self.member_of(self.org, name).await
    }

    async fn member_of(&self, org: i64, name: &str) -> CurrentUser {
        let user = self.test.user(name, GlobalLevel::User).await;
        platform::identity::orgs::add_member(
            &self.test.db,
            testkit::authorizer(&self.platform),
            &self.admin,
            org,
            user.id,
            None,
        )
        .await
        .unwrap();
        user
    }

    async fn tournament(&self, input: TournamentInput) -> i64 {
        self.svc
            .create_tournament(self.org, &self.admin(), &input, T0)
            .await
            .unwrap()
            .id
    }

    async fn scheduled_match(&self, tournament: i64, players: &[&CurrentUser]) -> i64 {
        let input = MatchInput {
            title: "Round 1".into(),
            scheduled_at: Some(T0 + 60 * MIN),
            player_ids: players.iter().map(|p| p.id).collect(),
            ..MatchInput::default()
        };
        self.svc
            .create_match(self.org, &self.admin(), tournament, &input, T0)
            .await
            .unwrap()
            .id
    }

    /// Collects the events of type `E` this world's plugins emit.
    fn record<E: sdk::events::Event + Clone>(&self) -> Recorded<E> {
        testkit::record(&self.platform.events)
    }
}
