//! The sync against the fake SpeedGaming over real HTTP, on SQLite and PostgreSQL: the matching
//! ladder and placeholders (and their merge on Discord sign-in and clean-up), approved-only
//! crew, auto-finish, vanished and finished episodes, zero writes on an unchanged sync,
//! upstream failures, organization isolation, and the locked fields.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use sdk::{auth::CurrentUser, db::Backend, Actor, Error};
use serde_json::json;
use speedgaming::{model::Summary, repo::links::LinkRow, rules, service::SpeedGaming};
use testkit::platform::tasks::engine::Scheduler;
use testkit::{
    both_backends,
    fake_speedgaming::{Failure, FakeEpisode, FakePerson, FakeSpeedGaming},
    record, PluginWorld,
};
use tournament::{
    events::{CrewApproved, MatchScheduled},
    model::{Match, MatchStatus},
    service::{MatchInput, TournamentInput, Tournaments},
};

/// 2026-11-22 12:00:00 UTC.
const T0: i64 = 1_795_348_800_000;
const HOUR: i64 = 3600 * 1000;
const SLUG: &str = "league";

struct World {
    world: PluginWorld,
    fake: FakeSpeedGaming,
    sg: SpeedGaming,
    t: Tournaments,
    tournament: i64,
}

testkit::deref_world!(World);

async fn world(backend: Backend) -> World {
    let world = PluginWorld::builder(backend)
        .plugin(
            tournament::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../tournament"),
            tournament::plugin(),
        )
        .plugin(
            speedgaming::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            speedgaming::plugin(),
        )
        .build()
        .await;
    world.set_enabled("tournament", true).await;
    world.set_enabled(speedgaming::PLUGIN_ID, true).await;
    let fake = FakeSpeedGaming::start().await.unwrap();
    world
        .plugins()
        .set_install_config(
            speedgaming::PLUGIN_ID,
            json!({"base_url": fake.url()}),
            &Actor::user(world.admin.clone()),
        )
        .await
        .unwrap();
    let sg = SpeedGaming::from_platform(&world.platform);
    let t = Tournaments::from_platform(&world.platform);
    let tournament = tournament_in(&t, &world, world.org, "League S1").await;
    let w = World {
        world,
        fake,
        sg,
        t,
        tournament,
    };
    w.link(w.org, w.tournament, SLUG, true).await;
    w
}

async fn tournament_in(t: &Tournaments, world: &PluginWorld, org: i64, name: &str) -> i64 {
    let input = TournamentInput {
        name: name.into(),
        is_active: true,
        tracker_enabled: true,
        ..TournamentInput::default()
    };
    t.create_tournament(org, &Actor::user(world.admin.clone()), &input, T0)
        .await
        .unwrap()
        .id
}

impl World {
    fn admin(&self) -> Actor {
        Actor::user(self.admin.clone())
    }

    async fn link(&self, org: i64, tournament: i64, slug: &str, on: bool) {
        self.sg
            .save_link(org, &self.admin(), tournament, slug, on, T0)
            .await
            .unwrap();
    }

    async fn link_row(&self, org: i64, tournament: i64) -> LinkRow {
        let mut conn = self.test.db.pool().acquire().await.unwrap();
        speedgaming::repo::links::by_tournament(&mut conn, org, tournament)
            .await
            .unwrap()
            .unwrap()
    }

    /// One run of the league's tournament at `now`.
    async fn sync(&self, now: i64) -> Result<Summary, Error> {
        let link = self.link_row(self.org, self.tournament).await;
        self.sg.sync_link(&link, now).await
    }

    /// The match "Kept" ([`world_with_kept_match`]) is still there, and no sync deleted any.
    async fn assert_nothing_deleted(&self) {
        assert_eq!(self.only_match().await.title, "Kept", "nothing deleted");
        assert_eq!(self.audits("match.sync_delete").await, 0);
    }

    /// Episodes `ids` in the fake, each "Episode {id}", `id` hours after T0.
    fn put_numbered_episodes(&self, ids: std::ops::RangeInclusive<i64>) {
        for id in ids {
            self.fake.put_episode(
                SLUG,
                FakeEpisode::new(id, T0 + id * HOUR).title(&format!("Episode {id}")),
            );
        }
    }

    /// One run that must import every episode without an error.
    async fn sync_clean(&self, now: i64) -> Summary {
        let summary = self.sync(now).await.unwrap();
        assert!(summary.errors.is_empty(), "{summary:?}");
        summary
    }

    async fn matches(&self) -> Vec<Match> {
        self.t
            .matches(
                self.org,
                &tournament::repo::MatchQuery {
                    tournament_id: Some(self.tournament),
                    ..Default::default()
                },
                None,
            )
            .await
            .unwrap()
    }

    async fn only_match(&self) -> Match {
        let mut all = self.matches().await;
        assert_eq!(all.len(), 1, "{all:?}");
        all.pop().unwrap()
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(self.test.db.pool())
            .await
            .unwrap()
    }

    async fn audits(&self, action: &str) -> i64 {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_logs WHERE action = $1")
            .bind(action)
            .fetch_one(self.test.db.pool())
            .await
            .unwrap()
    }

    async fn is_placeholder(&self, user_id: i64) -> bool {
        sqlx::query_scalar::<_, sdk::db::Flag>("SELECT is_placeholder FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(self.test.db.pool())
            .await
            .unwrap()
            .0
    }

    async fn finish_by_hand(&self, match_id: i64, now: i64) {
        for _ in 0..3 {
            self.t
                .advance(self.org, &self.admin(), match_id, &[], None, now)
                .await
                .unwrap();
        }
    }
}

fn ids(m: &Match) -> Vec<i64> {
    let mut ids: Vec<i64> = m.players.iter().map(|p| p.user_id).collect();
    ids.sort_unstable();
    ids
}

async fn check_the_matching_ladder_finds_people_in_order(backend: Backend) {
    let w = world(backend).await;
    let by_id = w.user("ada").await;
    w.set_discord_id(&by_id, "1001").await;
    // A tag counts only for a member of the organization.
    let by_tag = w.member("bob", &[]).await;
    sqlx::query("UPDATE users SET discord_username = 'BobTheBuilder' WHERE id = $1")
        .bind(by_tag.id)
        .execute(w.test.db.pool())
        .await
        .unwrap();
    // Cid matches by Discord id the first time; then SpeedGaming forgets it and the remembered
    // SpeedGaming id still finds them.
    let by_sg = w.user("cid").await;
    w.set_discord_id(&by_sg, "1003").await;
    // Asked before the sync: "not a member" is what the rights cache remembers.
    assert!(!w
        .platform
        .authorizer
        .is_member(by_id.id, w.org)
        .await
        .unwrap());
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR)
            .player(
                FakePerson::new(11, "Ada")
                    .discord_id("1001")
                    .discord_tag("someoneelse#1"),
            )
            .player(FakePerson::new(12, "Bob").discord_tag("bobthebuilder#0"))
            .player(FakePerson::new(13, "Cid").discord_id("1003"))
            .player(FakePerson::new(14, "Dee").discord_id("1004")),
    );
    let summary = w.sync_clean(T0).await;
    assert_eq!(
        (summary.created, summary.placeholders),
        (1, 1),
        "{summary:?}"
    );
    let m = w.only_match().await;
    let placeholder = m
        .players
        .iter()
        .find(|p| ![by_id.id, by_tag.id, by_sg.id].contains(&p.user_id))
        .unwrap()
        .user_id;
    let mut want = vec![by_id.id, by_tag.id, by_sg.id, placeholder];
    want.sort_unstable();
    assert_eq!(ids(&m), want);
    assert!(w.is_placeholder(placeholder).await);
    assert!(!w.is_placeholder(by_id.id).await);
    // Everyone found is a member of the organization and a player of the tournament.
    for user in &want {
        assert!(w.platform.authorizer.is_member(*user, w.org).await.unwrap());
    }

    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR)
            .player(FakePerson::new(11, "Ada").discord_id("1001"))
            .player(FakePerson::new(12, "Bob").discord_tag("bobthebuilder#0"))
            .player(FakePerson::new(13, "Cid"))
            .player(FakePerson::new(14, "Dee").discord_id("1004")),
    );
    let summary = w.sync(T0 + 60_000).await.unwrap();
    assert_eq!(summary.placeholders, 0, "{summary:?}");
    assert_eq!(
        ids(&w.only_match().await),
        want,
        "Cid found by SpeedGaming id"
    );
    assert_eq!(summary.writes(), 0, "{summary:?}");
}

both_backends!(
    the_matching_ladder_finds_people_in_order,
    check_the_matching_ladder_finds_people_in_order
);

async fn check_a_stale_tag_never_maps_onto_the_wrong_user(backend: Backend) {
    let w = world(backend).await;
    let named = |user: i64, name: &'static str| {
        let db = w.test.db.clone();
        async move {
            sqlx::query("UPDATE users SET discord_username = $1 WHERE id = $2")
                .bind(name)
                .bind(user)
                .execute(db.pool())
                .await
                .unwrap();
        }
    };
    // Not a member: a tag never brings them into the organization.
    let stranger = w.user("stranger").await;
    named(stranger.id, "eve").await;
    // A member, but SpeedGaming gives a Discord id too (someone else's): the tag is not used.
    let member = w.member("member", &[]).await;
    named(member.id, "fay").await;
    // A member named by a legacy tag with a discriminator: ignored.
    let legacy = w.member("legacy", &[]).await;
    named(legacy.id, "gus").await;
    // A member named by a current tag: found, but not remembered site-wide.
    let current = w.member("current", &[]).await;
    named(current.id, "hal").await;
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR)
            .player(FakePerson::new(21, "Eve").discord_tag("eve"))
            .player(
                FakePerson::new(22, "Fay")
                    .discord_id("2222")
                    .discord_tag("fay"),
            )
            .player(FakePerson::new(23, "Gus").discord_tag("gus#1234"))
            .player(FakePerson::new(24, "Hal").discord_tag("hal#0")),
    );
    let summary = w.sync_clean(T0).await;
    assert_eq!(summary.placeholders, 3, "{summary:?}");
    let players = ids(&w.only_match().await);
    assert!(players.contains(&current.id));
    for wrong in [stranger.id, member.id, legacy.id] {
        assert!(!players.contains(&wrong), "{wrong} in {players:?}");
    }
    assert!(!w
        .platform
        .authorizer
        .is_member(stranger.id, w.org)
        .await
        .unwrap());
    assert_eq!(
        w.count("SELECT COUNT(*) FROM speedgaming_people WHERE speedgaming_id = 24")
            .await,
        0,
        "a tag match is not remembered"
    );
}

both_backends!(
    a_stale_tag_never_maps_onto_the_wrong_user,
    check_a_stale_tag_never_maps_onto_the_wrong_user
);

async fn check_a_placeholder_becomes_the_real_user_on_discord_sign_in(backend: Backend) {
    let w = world(backend).await;
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR).player(FakePerson::new(21, "Eve").discord_id("2001")),
    );
    w.sync_clean(T0).await;
    let placeholder = w.only_match().await.players[0].user_id;
    assert!(w.is_placeholder(placeholder).await);

    let profile = sdk::identity::model::DiscordProfile {
        id: "2001".into(),
        username: "eve".into(),
        global_name: Some("Eve E.".into()),
        avatar: None,
        email: None,
    };
    let tokens = sdk::identity::model::DiscordTokens {
        access_token: "token".into(),
        refresh_token: None,
        expires_at: None,
    };
    let (user, first) = testkit::platform::identity::users::upsert_discord(
        &w.test.db, &profile, &tokens, false, None,
    )
    .await
    .unwrap();
    assert_eq!(
        user.id, placeholder,
        "the placeholder row is the real user now"
    );
    assert!(first, "their first sign-in");
    assert!(!w.is_placeholder(user.id).await);
    assert_eq!(user.username, "eve");
    // The match, the tournament and the organization are theirs with nothing moved.
    assert_eq!(w.only_match().await.players[0].user_id, user.id);
    assert!(w
        .platform
        .authorizer
        .is_member(user.id, w.org)
        .await
        .unwrap());
    // The next sync finds them by Discord id and writes nothing.
    assert_eq!(w.sync(T0 + 60_000).await.unwrap().writes(), 0);
    // And the clean-up never removes a real user.
    sqlx::query("DELETE FROM tournament_match_players")
        .execute(w.test.db.pool())
        .await
        .unwrap();
    assert_eq!(
        w.sg.cleanup_placeholders(T0 + 100 * 24 * HOUR)
            .await
            .unwrap(),
        0
    );
}

both_backends!(
    a_placeholder_becomes_the_real_user_on_discord_sign_in,
    check_a_placeholder_becomes_the_real_user_on_discord_sign_in
);

async fn check_idle_unreferenced_placeholders_are_cleaned_up(backend: Backend) {
    let w = world(backend).await;
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR)
            .player(FakePerson::new(31, "Kept"))
            .player(FakePerson::new(32, "Gone")),
    );
    w.sync_clean(T0).await;
    let m = w.only_match().await;
    let by_name = |name: &str| {
        m.players
            .iter()
            .find(|p| p.display_name == name)
            .unwrap()
            .user_id
    };
    let (kept, gone) = (by_name("Kept"), by_name("Gone"));
    // Gone leaves the match (SpeedGaming swapped them out).
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR).player(FakePerson::new(31, "Kept")),
    );
    w.sync(T0 + 60_000).await.unwrap();
    let real = w.member("real", &[]).await;
    // 29 days: too early for anyone.
    assert_eq!(
        w.sg.cleanup_placeholders(T0 + 29 * 24 * HOUR)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        w.sg.cleanup_placeholders(T0 + 31 * 24 * HOUR)
            .await
            .unwrap(),
        1
    );
    let left: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE id IN ($1, $2, $3) ORDER BY id")
            .bind(kept)
            .bind(gone)
            .bind(real.id)
            .fetch_all(w.test.db.pool())
            .await
            .unwrap();
    let mut want = vec![kept, real.id];
    want.sort_unstable();
    assert_eq!(
        left, want,
        "the referenced placeholder and the real user stay"
    );
    assert_eq!(w.audits("speedgaming.placeholder_cleanup").await, 1);
}

both_backends!(
    idle_unreferenced_placeholders_are_cleaned_up,
    check_idle_unreferenced_placeholders_are_cleaned_up
);

async fn check_only_approved_commentators_and_trackers_are_crew(backend: Backend) {
    let w = world(backend).await;
    let com = w.user("com").await;
    w.set_discord_id(&com, "3001").await;
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR)
            .channel("SpeedGaming", "speedgaming")
            .commentator(FakePerson::new(41, "Com").discord_id("3001"))
            .commentator(FakePerson::new(42, "Pending").unapproved())
            .tracker(FakePerson::new(43, "Track"))
            .broadcaster(FakePerson::new(44, "Broad")),
    );
    w.sync_clean(T0).await;
    let m = w.only_match().await;
    let crew: Vec<(String, &str, bool)> = m
        .crew
        .iter()
        .map(|c| (c.display_name.clone(), c.role.key(), c.approved))
        .collect();
    assert_eq!(
        crew,
        [
            ("com".to_string(), "commentator", true),
            ("Track".to_string(), "tracker", true)
        ]
    );
    let channel = m.stream_channel.unwrap();
    assert_eq!(
        (channel.name.as_str(), channel.stream_url.as_str()),
        ("SpeedGaming", "https://www.twitch.tv/speedgaming")
    );

    // The commentator withdraws on SpeedGaming: gone here too.
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR)
            .channel("SpeedGaming", "speedgaming")
            .tracker(FakePerson::new(43, "Track")),
    );
    let summary = w.sync(T0 + 60_000).await.unwrap();
    assert_eq!(summary.updated, 1, "{summary:?}");
    assert_eq!(w.only_match().await.crew.len(), 1);

    // Someone signs up here as commentator: the sync leaves them, and writes nothing.
    let local = w.member("local", &[]).await;
    w.t.crew_signup(
        w.org,
        &Actor::user(local.clone()),
        m.id,
        tournament::model::CrewRole::Commentator,
        T0 + 90_000,
    )
    .await
    .unwrap();
    let summary = w.sync(T0 + 120_000).await.unwrap();
    assert_eq!(summary.writes(), 0, "{summary:?}");
    let crew = w.only_match().await.crew;
    assert_eq!(crew.len(), 2, "{crew:?}");
    let mine = crew.iter().find(|c| c.user_id == local.id).unwrap();
    assert!(!mine.approved, "a sign-up here waits for a manager");

    // SpeedGaming approves that same person as commentator: the sign-up here is approved by
    // the sync (one write, one audit entry, the event a manager's approval sends), not doubled.
    w.set_discord_id(&local, "3005").await;
    let approvals = record::<CrewApproved>(&w.platform.events);
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR)
            .channel("SpeedGaming", "speedgaming")
            .tracker(FakePerson::new(43, "Track"))
            .commentator(FakePerson::new(45, "Local").discord_id("3005")),
    );
    let audits_before = w.audits("match.sync_update").await;
    let summary = w.sync(T0 + 150_000).await.unwrap();
    assert_eq!(summary.updated, 1, "{summary:?}");
    assert_eq!(w.audits("match.sync_update").await, audits_before + 1);
    let crew = w.only_match().await.crew;
    assert_eq!(crew.len(), 2, "{crew:?}");
    let mine = crew.iter().find(|c| c.user_id == local.id).unwrap();
    assert!(mine.approved, "{crew:?}");
    let approved = approvals.wait_for(1).await;
    assert_eq!(
        (
            approved[0].user_id,
            approved[0].role.as_str(),
            approved[0].approved
        ),
        (local.id, "commentator", true)
    );
    let summary = w.sync(T0 + 180_000).await.unwrap();
    assert_eq!(summary.writes(), 0, "{summary:?}");
}

both_backends!(
    only_approved_commentators_and_trackers_are_crew,
    check_only_approved_commentators_and_trackers_are_crew
);

async fn check_matches_finish_four_hours_after_their_time(backend: Backend) {
    let w = world(backend).await;
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR)
            .title("Final")
            .player(FakePerson::new(51, "P")),
    );
    w.sync_clean(T0).await;
    let m = w.only_match().await;
    assert_eq!(
        (m.title.as_str(), m.status),
        ("Final", MatchStatus::Scheduled)
    );
    // 3 h 59 min after: still scheduled (and out of the window's start: not "vanished").
    let early = T0 + HOUR + 4 * HOUR - 60_000;
    let summary = w.sync(early).await.unwrap();
    assert_eq!((summary.finished, summary.deleted), (0, 0), "{summary:?}");
    assert_eq!(w.only_match().await.status, MatchStatus::Scheduled);
    let summary = w.sync(T0 + 5 * HOUR).await.unwrap();
    assert_eq!(summary.finished, 1, "{summary:?}");
    let m = w.only_match().await;
    assert_eq!(m.status, MatchStatus::Finished);
    assert_eq!(m.finished_at, Some(T0 + 5 * HOUR));
    assert_eq!(w.audits("match.sync_finish").await, 1);
    // Finished once: the next run leaves it.
    assert_eq!(w.sync(T0 + 6 * HOUR).await.unwrap().writes(), 0);
}

both_backends!(
    matches_finish_four_hours_after_their_time,
    check_matches_finish_four_hours_after_their_time
);

async fn check_vanished_episodes_are_deleted_and_finished_ones_untouched(backend: Backend) {
    let w = world(backend).await;
    w.put_numbered_episodes(1..=3);
    w.sync_clean(T0).await;
    let all = w.matches().await;
    assert_eq!(all.len(), 3);
    let finished = all[2].id;
    w.finish_by_hand(finished, T0).await;

    w.fake.remove_episode(SLUG, 1);
    w.fake.remove_episode(SLUG, 3);
    w.fake
        .put_episode(SLUG, FakeEpisode::new(2, T0 + 2 * HOUR).title("Renamed"));
    // Missing from one answer only: counted, nothing deleted yet.
    let summary = w.sync(T0 + 60_000).await.unwrap();
    assert_eq!((summary.deleted, summary.updated), (0, 1), "{summary:?}");
    assert_eq!(w.matches().await.len(), 3);
    let summary = w.sync(T0 + 90_000).await.unwrap();
    assert_eq!((summary.deleted, summary.updated), (1, 0), "{summary:?}");
    let left = w.matches().await;
    let titles: Vec<&str> = left.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Renamed", "Episode 3"],
        "the finished match stays as it was"
    );
    assert_eq!(left[1].status, MatchStatus::Finished);
    assert_eq!(w.audits("match.sync_delete").await, 1);

    // A finished match whose episode changes is not touched either.
    w.fake
        .put_episode(SLUG, FakeEpisode::new(3, T0 + 4 * HOUR).title("Changed"));
    w.sync(T0 + 120_000).await.unwrap();
    assert_eq!(w.matches().await[1].title, "Episode 3");
}

both_backends!(
    vanished_episodes_are_deleted_and_finished_ones_untouched,
    check_vanished_episodes_are_deleted_and_finished_ones_untouched
);

async fn check_an_empty_or_flickering_answer_deletes_nothing(backend: Backend) {
    let w = world(backend).await;
    w.put_numbered_episodes(1..=3);
    w.sync_clean(T0).await;
    // A good but empty answer (a typo in the slug, an outage): a warning, nothing deleted, no
    // matter how often.
    for id in 1..=3 {
        w.fake.remove_episode(SLUG, id);
    }
    for run in 1..=3 {
        let summary = w.sync(T0 + run * 60_000).await.unwrap();
        assert_eq!(summary.deleted, 0, "{summary:?}");
        assert!(
            summary.errors[0].contains("nothing was deleted"),
            "{summary:?}"
        );
    }
    let link = w.link_row(w.org, w.tournament).await;
    assert_eq!(link.last_status.as_deref(), Some("partial"));
    assert_eq!(w.matches().await.len(), 3);

    // Episode 1 flickers (missing once, back, missing once): never two runs in a row.
    w.put_numbered_episodes(2..=3);
    w.sync_clean(T0 + 300_000).await;
    w.fake
        .put_episode(SLUG, FakeEpisode::new(1, T0 + HOUR).title("Episode 1"));
    w.sync_clean(T0 + 360_000).await;
    w.fake.remove_episode(SLUG, 1);
    let summary = w.sync_clean(T0 + 420_000).await;
    assert_eq!(summary.deleted, 0, "{summary:?}");
    assert_eq!(w.matches().await.len(), 3);

    // Checked in (or under way): never deleted, however long it is missing.
    let first = w.matches().await[0].clone();
    w.t.advance(w.org, &w.admin(), first.id, &[], None, T0 + 430_000)
        .await
        .unwrap();
    assert_eq!(w.matches().await[0].status, MatchStatus::CheckedIn);
    w.sync_clean(T0 + 480_000).await;
    w.sync_clean(T0 + 540_000).await;
    assert_eq!(w.matches().await.len(), 3);

    // At the window's edge (within the margin): not counted as missing.
    w.fake.remove_episode(SLUG, 3);
    let edge = T0 + 3 * HOUR - rules::WINDOW_AFTER_MS + 60_000;
    w.sync_clean(edge).await;
    w.sync_clean(edge + 60_000).await;
    assert_eq!(w.matches().await.len(), 3);
}

both_backends!(
    an_empty_or_flickering_answer_deletes_nothing,
    check_an_empty_or_flickering_answer_deletes_nothing
);

async fn check_an_unchanged_sync_of_200_episodes_writes_nothing(backend: Backend) {
    let w = world(backend).await;
    for id in 1..=200 {
        w.fake.put_episode(
            SLUG,
            FakeEpisode::new(id, T0 + HOUR + id * 60_000)
                .channel("SpeedGaming", "speedgaming")
                .player(FakePerson::new(1000 + id, &format!("P{id}")).discord_id(&format!("9{id}")))
                .player(FakePerson::new(2000 + id, &format!("Q{id}")))
                .commentator(FakePerson::new(3000 + (id % 7), "Com")),
        );
    }
    let first = w.sync_clean(T0).await;
    assert_eq!((first.episodes, first.created), (200, 200), "{first:?}");
    assert!(first.errors.is_empty(), "{first:?}");
    let audits = w.count("SELECT COUNT(*) FROM audit_logs").await;
    let updated = w
        .count("SELECT CAST(COALESCE(SUM(updated_at), 0) AS BIGINT) FROM tournament_matches")
        .await;
    let users = w
        .count("SELECT CAST(COALESCE(SUM(updated_at), 0) AS BIGINT) FROM users")
        .await;
    let rows = w
        .count(
            "SELECT (SELECT COUNT(*) FROM tournament_matches) + (SELECT COUNT(*) FROM tournament_match_players)
             + (SELECT COUNT(*) FROM tournament_crew) + (SELECT COUNT(*) FROM users)
             + (SELECT COUNT(*) FROM organization_members) + (SELECT COUNT(*) FROM tournament_match_locks)
             + (SELECT COUNT(*) FROM tournament_stream_channels) + (SELECT COUNT(*) FROM speedgaming_people)",
        )
        .await;

    let seen = record::<MatchScheduled>(&w.platform.events);
    let second = w.sync(T0 + 60_000).await.unwrap();
    assert_eq!(
        (second.episodes, second.unchanged),
        (200, 200),
        "{second:?}"
    );
    assert_eq!(second.writes(), 0, "{second:?}");
    assert_eq!(w.count("SELECT COUNT(*) FROM audit_logs").await, audits);
    assert_eq!(
        w.count("SELECT CAST(COALESCE(SUM(updated_at), 0) AS BIGINT) FROM tournament_matches")
            .await,
        updated
    );
    assert_eq!(
        w.count("SELECT CAST(COALESCE(SUM(updated_at), 0) AS BIGINT) FROM users")
            .await,
        users
    );
    assert_eq!(
        w.count(
            "SELECT (SELECT COUNT(*) FROM tournament_matches) + (SELECT COUNT(*) FROM tournament_match_players)
             + (SELECT COUNT(*) FROM tournament_crew) + (SELECT COUNT(*) FROM users)
             + (SELECT COUNT(*) FROM organization_members) + (SELECT COUNT(*) FROM tournament_match_locks)
             + (SELECT COUNT(*) FROM tournament_stream_channels) + (SELECT COUNT(*) FROM speedgaming_people)",
        )
        .await,
        rows
    );
    assert!(seen.events().is_empty());

    // One episode moves: exactly one change, with the previous time in its event.
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(7, T0 + 3 * HOUR)
            .channel("SpeedGaming", "speedgaming")
            .player(FakePerson::new(1007, "P7").discord_id("97"))
            .player(FakePerson::new(2007, "Q7"))
            .commentator(FakePerson::new(3000, "Com")),
    );
    let third = w.sync(T0 + 120_000).await.unwrap();
    assert_eq!((third.updated, third.writes()), (1, 1), "{third:?}");
    let moved = seen.wait_for(1).await;
    assert_eq!(moved[0].scheduled_at, T0 + 3 * HOUR);
    assert_eq!(moved[0].previous, Some(T0 + HOUR + 7 * 60_000));
}

both_backends!(
    an_unchanged_sync_of_200_episodes_writes_nothing,
    check_an_unchanged_sync_of_200_episodes_writes_nothing
);

/// The world with one episode "Kept" synced into one match.
async fn world_with_kept_match(backend: Backend) -> World {
    let w = world(backend).await;
    w.fake
        .put_episode(SLUG, FakeEpisode::new(1, T0 + HOUR).title("Kept"));
    w.sync_clean(T0).await;
    w
}

async fn check_upstream_failures_are_recorded_and_delete_nothing(backend: Backend) {
    let w = world_with_kept_match(backend).await;
    let request = &w.fake.requests()[0];
    assert_eq!(request.path, "/api/schedule/");
    assert_eq!(request.query["event"], SLUG);
    assert_eq!(
        sdk::time::parse_rfc3339(&request.query["from"]).unwrap(),
        T0 - rules::WINDOW_BEFORE_MS
    );
    assert_eq!(
        sdk::time::parse_rfc3339(&request.query["to"]).unwrap(),
        T0 + rules::WINDOW_AFTER_MS
    );

    w.fake
        .fail_next(Failure::Status(502, "<html>Bad gateway</html>".into()));
    let err = w.sync(T0 + 60_000).await.unwrap_err();
    assert!(matches!(err, Error::Upstream { .. }), "{err:?}");
    let link = w.link_row(w.org, w.tournament).await;
    assert_eq!(link.last_status.as_deref(), Some("failed"));
    assert!(link.last_error.unwrap().contains("502"));

    w.fake
        .fail_next(Failure::Garbage("<html>maintenance</html>".into()));
    let err = w.sync(T0 + 120_000).await.unwrap_err();
    assert!(err.message().contains("not JSON"), "{}", err.message());

    w.fake
        .fail_next(Failure::Garbage(r#"{"error": "Event not found"}"#.into()));
    let err = w.sync(T0 + 150_000).await.unwrap_err();
    assert!(
        err.message().contains("Event not found"),
        "{}",
        err.message()
    );

    // An answer over the size budget is refused before it is all read.
    w.fake.fail_next(Failure::Garbage(format!(
        "[{}]",
        " ".repeat(speedgaming::service::upstream::MAX_BODY_BYTES)
    )));
    let err = w.sync(T0 + 160_000).await.unwrap_err();
    assert!(matches!(err, Error::Upstream { .. }), "{err:?}");
    assert!(err.message().contains("larger than"), "{}", err.message());
    // So is one with more episodes than a sync accepts.
    let many: Vec<serde_json::Value> = (0..=rules::MAX_EPISODES as i64)
        .map(|id| json!({"id": id, "when": "2026-11-22T13:00:00Z"}))
        .collect();
    w.fake
        .fail_next(Failure::Garbage(serde_json::Value::Array(many).to_string()));
    let err = w.sync(T0 + 170_000).await.unwrap_err();
    assert!(
        err.message().contains("more than the 1000"),
        "{}",
        err.message()
    );

    w.fake.go_down().await;
    let err = w.sync(T0 + 180_000).await.unwrap_err();
    assert!(
        err.message().contains("could not be reached"),
        "{}",
        err.message()
    );
    let link = w.link_row(w.org, w.tournament).await;
    assert_eq!(
        (link.last_status.as_deref(), link.last_run_at),
        (Some("failed"), Some(T0 + 180_000))
    );
    w.assert_nothing_deleted().await;
}

both_backends!(
    upstream_failures_are_recorded_and_delete_nothing,
    check_upstream_failures_are_recorded_and_delete_nothing
);

/// An upstream that accepts the request and then says nothing: the shared client's time limit
/// ends the run, which is recorded as failed and deletes nothing; the next run works again.
async fn check_a_stalled_upstream_times_out_and_deletes_nothing(backend: Backend) {
    let w = world_with_kept_match(backend).await;
    w.fake.remove_episode(SLUG, 1);
    w.fake.fail_next(Failure::Stall(
        sdk::http::TIMEOUT + std::time::Duration::from_secs(3),
    ));
    let err = w.sync(T0 + 60_000).await.unwrap_err();
    assert!(matches!(err, Error::Upstream { .. }), "{err:?}");
    assert!(err.message().contains("in time"), "{}", err.message());
    let link = w.link_row(w.org, w.tournament).await;
    assert_eq!(link.last_status.as_deref(), Some("failed"));
    w.assert_nothing_deleted().await;
    // The run let go of the link: the next one runs (and, one missing run being no proof,
    // still keeps the match).
    w.fake
        .put_episode(SLUG, FakeEpisode::new(1, T0 + HOUR).title("Kept, renamed"));
    w.sync_clean(T0 + 120_000).await;
    assert_eq!(w.only_match().await.title, "Kept, renamed");
}

both_backends!(
    a_stalled_upstream_times_out_and_deletes_nothing,
    check_a_stalled_upstream_times_out_and_deletes_nothing
);

async fn check_an_unreadable_episode_is_reported_and_deletes_nothing(backend: Backend) {
    let w = world_with_kept_match(backend).await;
    w.fake.remove_episode(SLUG, 1);
    w.fake
        .fail_next(Failure::Garbage(r#"[{"title": "no id or time"}]"#.into()));
    let summary = w.sync(T0 + 60_000).await.unwrap();
    assert_eq!(summary.deleted, 0);
    assert_eq!(summary.errors.len(), 1, "{summary:?}");
    let link = w.link_row(w.org, w.tournament).await;
    assert_eq!(link.last_status.as_deref(), Some("partial"));
    assert_eq!(w.only_match().await.title, "Kept");
}

both_backends!(
    an_unreadable_episode_is_reported_and_deletes_nothing,
    check_an_unreadable_episode_is_reported_and_deletes_nothing
);

async fn check_one_organization_s_link_never_touches_another_s(backend: Backend) {
    let w = world(backend).await;
    let other = w.other_org("Elsewhere").await;
    let theirs = tournament_in(&w.t, &w.world, other, "Their cup").await;
    let player = w.member_of(other, "them", &[]).await;
    let opponent = w.member_of(other, "opponent", &[]).await;
    let their_match =
        w.t.create_match(
            other,
            &w.admin(),
            theirs,
            &MatchInput {
                title: "Theirs".into(),
                scheduled_at: Some(T0 + HOUR),
                player_ids: vec![player.id, opponent.id],
                ..MatchInput::default()
            },
            T0,
        )
        .await
        .unwrap()
        .id;
    // Linking another organization's tournament is refused by field.
    let refused =
        w.sg.save_link(w.org, &w.admin(), theirs, SLUG, true, T0)
            .await
            .unwrap_err();
    assert_eq!(refused.field(), Some("tournament_id"));
    let refused =
        w.sg.sync_now(w.org, &w.admin(), theirs, T0)
            .await
            .unwrap_err();
    assert!(matches!(refused, Error::NotFound { .. }), "{refused:?}");

    // The other organization has the plugin off: the import task passes its link by.
    w.link(other, theirs, "theirs", true).await;
    w.world
        .set_enabled_in(other, speedgaming::PLUGIN_ID, false)
        .await;
    w.fake
        .put_episode(SLUG, FakeEpisode::new(1, T0 + 2 * HOUR).title("Ours"));
    w.fake.put_episode(
        "theirs",
        FakeEpisode::new(2, T0 + 2 * HOUR).title("Not imported"),
    );
    let pass = w.sg.import_all(T0).await.unwrap();
    assert_eq!((pass.synced, pass.failed.len()), (1, 0));
    assert_eq!(w.only_match().await.title, "Ours");
    let theirs_now = w.t.get_match(other, their_match).await.unwrap();
    assert_eq!(theirs_now.title, "Theirs");
    let their_count = w
        .count(&format!(
            "SELECT COUNT(*) FROM tournament_matches WHERE tournament_id = {theirs}"
        ))
        .await;
    assert_eq!(their_count, 1);
    assert!(w
        .fake
        .requests()
        .iter()
        .all(|r| r.query.get("event").map(String::as_str) == Some(SLUG)));
    // Outsiders see nothing of the league's links.
    let outsider = Actor::user(player.clone());
    let refused =
        w.sg.links(w.org, &outsider, &Default::default())
            .await
            .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
}

both_backends!(
    one_organization_s_link_never_touches_another_s,
    check_one_organization_s_link_never_touches_another_s
);

async fn check_synced_fields_are_locked_while_the_sync_is_on(backend: Backend) {
    let w = world(backend).await;
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR)
            .title("Final")
            .player(FakePerson::new(61, "P"))
            .player(FakePerson::new(62, "Q")),
    );
    w.sync_clean(T0).await;
    let m = w.only_match().await;
    let edit = |title: &str, comment: &str| MatchInput {
        title: title.into(),
        comment: comment.into(),
        scheduled_at: m.scheduled_at,
        player_ids: ids(&m),
        stream_channel_id: None,
    };
    let refused =
        w.t.update_match(w.org, &w.admin(), m.id, &edit("Mine", ""), T0)
            .await
            .unwrap_err();
    assert_eq!(refused.field(), Some("title"));
    assert!(
        refused.message().contains("SpeedGaming"),
        "{}",
        refused.message()
    );
    // The comment is the managers' own.
    w.t.update_match(w.org, &w.admin(), m.id, &edit("Final", "bring snacks"), T0)
        .await
        .unwrap();
    assert_eq!(
        w.t.field_lock(w.org, m.id).await.unwrap().unwrap().holder,
        "SpeedGaming"
    );

    // Sync off: the lock is lifted at once.
    w.link(w.org, w.tournament, SLUG, false).await;
    assert!(w.t.field_lock(w.org, m.id).await.unwrap().is_none());
    w.t.update_match(w.org, &w.admin(), m.id, &edit("Mine", ""), T0)
        .await
        .unwrap();
    let refused =
        w.sg.sync_now(w.org, &w.admin(), w.tournament, T0)
            .await
            .unwrap_err();
    assert!(matches!(refused, Error::Conflict { .. }), "{refused:?}");
    assert_eq!(w.audits("speedgaming.link").await, 2);
}

async fn check_locks_go_when_the_plugin_is_switched_off(backend: Backend) {
    let w = world(backend).await;
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + HOUR)
            .title("Final")
            .player(FakePerson::new(61, "P"))
            .player(FakePerson::new(62, "Q")),
    );
    w.sync_clean(T0).await;
    let m = w.only_match().await;
    assert!(w.t.field_lock(w.org, m.id).await.unwrap().is_some());
    // The plugin goes (its link and sync stay on): its locks must not outlive it.
    w.set_enabled(speedgaming::PLUGIN_ID, false).await;
    assert!(w.t.field_lock(w.org, m.id).await.unwrap().is_none());
    let input = MatchInput {
        title: "Mine".into(),
        comment: String::new(),
        scheduled_at: m.scheduled_at,
        player_ids: ids(&m),
        stream_channel_id: None,
    };
    w.t.update_match(w.org, &w.admin(), m.id, &input, T0)
        .await
        .unwrap();
}

both_backends!(
    locks_go_when_the_plugin_is_switched_off,
    check_locks_go_when_the_plugin_is_switched_off
);

async fn check_overlapping_runs_of_a_link_are_refused(backend: Backend) {
    let w = world(backend).await;
    w.fake
        .put_episode(SLUG, FakeEpisode::new(1, T0 + HOUR).title("Final"));
    let link = w.link_row(w.org, w.tournament).await;
    // A run holds the link (another instance, or the task while "sync now" is pressed).
    assert!(speedgaming::repo::links::claim_run(&w.test.db, link.id, T0)
        .await
        .unwrap());
    let refused = w.sync(T0 + 1_000).await.unwrap_err();
    assert!(matches!(refused, Error::Conflict { .. }), "{refused:?}");
    let refused =
        w.sg.sync_now(w.org, &w.admin(), w.tournament, T0 + 1_000)
            .await
            .unwrap_err();
    assert!(refused.message().contains("already running"), "{refused:?}");
    let pass = w.sg.import_all(T0 + 2_000).await.unwrap();
    assert_eq!((pass.synced, pass.failed.len()), (0, 0), "{pass:?}");
    assert!(w.matches().await.is_empty());
    // An abandoned claim (a crashed instance) is taken over after 10 minutes.
    w.sync_clean(T0 + 11 * 60_000).await;
    // Released at the end: the next run goes ahead, and the episode is one match.
    w.sync_clean(T0 + 11 * 60_000 + 1).await;
    assert_eq!(w.matches().await.len(), 1);
    assert_eq!(
        w.count("SELECT COUNT(*) FROM speedgaming_episodes").await,
        1
    );
    let link = w.link_row(w.org, w.tournament).await;
    assert_eq!(link.last_status.as_deref(), Some("ok"));
}

both_backends!(
    overlapping_runs_of_a_link_are_refused,
    check_overlapping_runs_of_a_link_are_refused
);

both_backends!(
    synced_fields_are_locked_while_the_sync_is_on,
    check_synced_fields_are_locked_while_the_sync_is_on
);

async fn check_managing_needs_tournament_update(backend: Backend) {
    let w = world(backend).await;
    let moderator: CurrentUser = w.member("mod", &["Moderator"]).await;
    let actor = Actor::user(moderator);
    let rights = w.sg.rights(w.org, &actor).await.unwrap();
    assert!(!rights.manage);
    let refused =
        w.sg.sync_now(w.org, &actor, w.tournament, T0)
            .await
            .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    let page =
        w.sg.links(w.org, &actor, &Default::default())
            .await
            .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].event_slug, SLUG);
    assert!(w.sg.rights(w.org, &w.admin()).await.unwrap().manage);
    let refused =
        w.sg.save_link(w.org, &w.admin(), w.tournament, "bad slug!", true, T0)
            .await
            .unwrap_err();
    assert_eq!(refused.field(), Some("event_slug"));
}

both_backends!(
    managing_needs_tournament_update,
    check_managing_needs_tournament_update
);

async fn check_the_import_task_runs_each_slot_once_across_instances(backend: Backend) {
    let w = world(backend).await;
    w.world.start().await;
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, T0 + 3 * HOUR).title("By the task"),
    );
    // Two instances tick the same slots; the engine's claim lets one of them run each.
    let a = Scheduler::with(w.test.db.clone(), Arc::clone(w.plugins()), "a".into());
    let b = Scheduler::with(w.test.db.clone(), Arc::clone(w.plugins()), "b".into());
    for slot in 0..4 {
        let now = T0 + slot * rules::SYNC_INTERVAL_SECONDS * 1000;
        a.tick_at(now).await.unwrap().finished().await;
        b.tick_at(now).await.unwrap().finished().await;
    }
    let runs: Vec<(i64, String)> = sqlx::query_as(
        "SELECT due_at, status FROM task_runs WHERE task_key = 'builtin:speedgaming.import'
         ORDER BY due_at",
    )
    .fetch_all(w.test.db.pool())
    .await
    .unwrap();
    assert!(!runs.is_empty(), "the import task never ran");
    let mut slots: Vec<i64> = runs.iter().map(|(due, _)| *due).collect();
    slots.dedup();
    assert_eq!(slots.len(), runs.len(), "a slot ran twice: {runs:?}");
    assert!(
        runs.iter().all(|(_, status)| status == "success"),
        "{runs:?}"
    );
    assert_eq!(w.fake.requests().len(), runs.len(), "one request per run");
    assert_eq!(w.only_match().await.title, "By the task");
}

both_backends!(
    the_import_task_runs_each_slot_once_across_instances,
    check_the_import_task_runs_each_slot_once_across_instances
);

async fn check_the_api_is_guarded_and_answers_the_page(backend: Backend) {
    let w = world(backend).await;
    let moderator = w.member("mod", &["Moderator"]).await;
    let links = w
        .call(&moderator, || {
            speedgaming::api::list_links(w.org, Default::default())
        })
        .await
        .unwrap();
    assert_eq!(links.items[0].tournament_id, w.tournament);
    let rights = w
        .call(&moderator, || speedgaming::api::my_rights(w.org))
        .await
        .unwrap();
    assert!(!rights.manage);
    let refused = w
        .call(&moderator, || {
            speedgaming::api::sync_now(w.org, w.tournament)
        })
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    // The admin syncs from the page (on the real clock): the answer is the link with the
    // run's result.
    w.fake.put_episode(
        SLUG,
        FakeEpisode::new(1, sdk::time::now_ms() + HOUR).title("From the page"),
    );
    let admin = w.admin.clone();
    let link = w
        .call(&admin, || speedgaming::api::sync_now(w.org, w.tournament))
        .await
        .unwrap();
    assert_eq!(link.last_status.as_deref(), Some("ok"));
    assert_eq!(link.last_summary.unwrap().created, 1);
    let choices = w
        .call(&admin, || {
            speedgaming::api::list_tournament_choices(w.org, Default::default())
        })
        .await
        .unwrap();
    assert_eq!(choices.items[0].name, "League S1");

    w.set_enabled(speedgaming::PLUGIN_ID, false).await;
    let off = w
        .call(&admin, || {
            speedgaming::api::list_links(w.org, Default::default())
        })
        .await
        .unwrap_err();
    assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
}

both_backends!(
    the_api_is_guarded_and_answers_the_page,
    check_the_api_is_guarded_and_answers_the_page
);

async fn check_a_match_is_created_only_with_its_episode_row(backend: Backend) {
    let w = world(backend).await;
    let want = tournament::service::SyncedMatch {
        title: "Final".into(),
        scheduled_at: T0 + HOUR,
        player_ids: Vec::new(),
        stream_channel_id: None,
        crew: Vec::new(),
    };
    let source = tournament::service::SyncSource {
        holder: rules::HOLDER,
        reason: "test",
    };
    // Remembering the episode fails: the match is not created either (one transaction).
    let failing: tournament::service::OnCreated<'_> =
        &|_conn, _id| Box::pin(async { Err(Error::internal("remember failed")) });
    w.t.sync_match(w.org, w.tournament, None, &want, source, failing, T0)
        .await
        .unwrap_err();
    assert!(w.matches().await.is_empty());
    assert_eq!(w.audits("match.sync_create").await, 0);
    // The import writes both together.
    w.fake
        .put_episode(SLUG, FakeEpisode::new(1, T0 + HOUR).title("Final"));
    w.sync_clean(T0).await;
    let m = w.only_match().await;
    assert_eq!(
        w.count(&format!(
            "SELECT COUNT(*) FROM speedgaming_episodes WHERE episode_id = 1 AND match_id = {}",
            m.id
        ))
        .await,
        1
    );
}

both_backends!(
    a_match_is_created_only_with_its_episode_row,
    check_a_match_is_created_only_with_its_episode_row
);
