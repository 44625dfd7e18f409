//! Tournaments on SQLite and PostgreSQL, through the service functions the web and the
//! integration plugins call: the status flow (timestamps set and cleared exactly, refusals with
//! reasons, holds), results, onsite stations, crew rules, settings-form validation, times in a
//! viewer's zone, and tenant isolation. The calendar feeds are in `feeds.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod crew;
mod display;
mod flow;
mod holds;
mod matches;
mod settings;
mod tenancy;

use common::{actor, world, World, T0};
use sdk::{auth::CurrentUser, db::Backend, Actor};

use serde_json::json;
use testkit::{both_backends, Recorded};
use tournament::{
    events::{MatchFinished, MatchScheduled, MatchStatusChanged},
    model::{CrewRole, MatchStatus, RankInput, StationInput},
    repo::MatchQuery,
    service::{MatchInput, StreamChannelInput, TournamentInput},
};

const MIN: i64 = 60_000;

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
    async fn scheduled_match(&self, tournament: i64, players: &[&CurrentUser]) -> i64 {
        self.match_at(tournament, "Round 1", T0 + 60 * MIN, players)
            .await
    }

    /// Collects the events of type `E` this world's plugins emit.
    fn record<E: sdk::events::Event + Clone>(&self) -> Recorded<E> {
        testkit::record(&self.platform.events)
    }
}
