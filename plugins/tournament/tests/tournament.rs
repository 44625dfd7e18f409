//! Tournaments on SQLite and PostgreSQL, through the service functions the web and the
//! integration plugins call: the status flow (timestamps set and cleared exactly, refusals with
//! reasons, holds), results, onsite stations, crew rules, settings-form validation, times in a
//! viewer's zone, and tenant isolation. The calendar feeds are in `feeds.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sdk::{
    auth::CurrentUser, auth::GlobalLevel, context::Platform, db::Backend, time::rfc3339_utc, Actor,
};
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

async fn check_status_flow(backend: Backend) {
    let w = world(backend).await;
    let changes = w.record::<MatchStatusChanged>();
    let finished = w.record::<MatchFinished>();
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let t = w.tournament(cup("Cup")).await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    let org = w.org;
    let m = w.svc.get_match(org, id).await.unwrap();
    assert_eq!(m.status, MatchStatus::Scheduled);
    assert_eq!(
        m.scheduled_at.as_deref(),
        Some(rfc3339_utc(T0 + 60 * MIN).as_str())
    );

    // Forward: each step sets exactly its own timestamp to its `now`.
    let m = w
        .svc
        .advance(org, &w.admin(), id, &[], None, T0 + MIN)
        .await
        .unwrap();
    assert_eq!(m.status, MatchStatus::CheckedIn);
    assert_eq!(m.checked_in_at, Some(rfc3339_utc(T0 + MIN)));
    assert_eq!(m.started_at, None);
    let m = w
        .svc
        .advance(org, &w.admin(), id, &[], None, T0 + 2 * MIN)
        .await
        .unwrap();
    assert_eq!(
        (m.status, m.started_at.clone()),
        (MatchStatus::InProgress, Some(rfc3339_utc(T0 + 2 * MIN)))
    );
    let m = w
        .svc
        .advance(org, &w.admin(), id, &[], None, T0 + 3 * MIN)
        .await
        .unwrap();
    assert_eq!(
        (m.status, m.finished_at.clone()),
        (MatchStatus::Finished, Some(rfc3339_utc(T0 + 3 * MIN)))
    );

    // Recording needs the result.
    let refused = w
        .svc
        .advance(org, &w.admin(), id, &[], None, T0 + 4 * MIN)
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), "Conflict");
    assert!(refused.message().contains("finish rank"), "{refused}");
    let bad = w
        .svc
        .set_result(
            org,
            &w.admin(),
            id,
            &[RankInput {
                user_id: ada.id,
                rank: 1,
            }],
            None,
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("ranks"));
    let m = w
        .svc
        .set_result(
            org,
            &w.admin(),
            id,
            &[
                RankInput {
                    user_id: ada.id,
                    rank: 2,
                },
                RankInput {
                    user_id: bob.id,
                    rank: 1,
                },
            ],
            None,
            T0 + 4 * MIN,
        )
        .await
        .unwrap();
    assert_eq!(m.players[0].user_id, bob.id, "the winner first");
    assert_eq!(m.players[0].finish_rank, Some(1));
    assert_eq!(
        m.status,
        MatchStatus::Finished,
        "setting a result of a finished match keeps it finished"
    );
    let m = w
        .svc
        .advance(org, &w.admin(), id, &[], None, T0 + 5 * MIN)
        .await
        .unwrap();
    assert_eq!(
        (m.status, m.confirmed_at.clone()),
        (MatchStatus::Recorded, Some(rfc3339_utc(T0 + 5 * MIN)))
    );
    assert!(w
        .svc
        .advance(org, &w.admin(), id, &[], None, T0)
        .await
        .is_err());
    assert!(w
        .svc
        .set_result(
            org,
            &w.admin(),
            id,
            &[
                RankInput {
                    user_id: ada.id,
                    rank: 1
                },
                RankInput {
                    user_id: bob.id,
                    rank: 2
                }
            ],
            None,
            T0
        )
        .await
        .unwrap_err()
        .message()
        .contains("revert"));

    // Back: each step clears exactly the current timestamp, the others stay.
    let m = w
        .svc
        .revert(org, &w.admin(), id, None, T0 + 6 * MIN)
        .await
        .unwrap();
    assert_eq!(
        (m.status, m.confirmed_at.clone()),
        (MatchStatus::Finished, None)
    );
    assert_eq!(m.finished_at, Some(rfc3339_utc(T0 + 3 * MIN)));
    let m = w.svc.revert(org, &w.admin(), id, None, T0).await.unwrap();
    assert_eq!(
        (m.status, m.finished_at.clone()),
        (MatchStatus::InProgress, None)
    );
    let m = w.svc.revert(org, &w.admin(), id, None, T0).await.unwrap();
    assert_eq!(
        (m.status, m.started_at.clone()),
        (MatchStatus::CheckedIn, None)
    );
    let m = w.svc.revert(org, &w.admin(), id, None, T0).await.unwrap();
    assert_eq!(
        (m.status, m.checked_in_at.clone()),
        (MatchStatus::Scheduled, None)
    );
    assert_eq!(m.scheduled_at, Some(rfc3339_utc(T0 + 60 * MIN)));
    let refused = w
        .svc
        .revert(org, &w.admin(), id, None, T0)
        .await
        .unwrap_err();
    assert!(refused.message().contains("clear its time"), "{refused}");

    // A result recorded while in progress finishes the match (and says so once).
    w.svc
        .advance(org, &w.admin(), id, &[], None, T0)
        .await
        .unwrap();
    w.svc
        .advance(org, &w.admin(), id, &[], None, T0)
        .await
        .unwrap();
    let m = w
        .svc
        .set_result(
            org,
            &w.admin(),
            id,
            &[
                RankInput {
                    user_id: ada.id,
                    rank: 1,
                },
                RankInput {
                    user_id: bob.id,
                    rank: 2,
                },
            ],
            None,
            T0 + 9 * MIN,
        )
        .await
        .unwrap();
    assert_eq!(
        (m.status, m.finished_at.clone()),
        (MatchStatus::Finished, Some(rfc3339_utc(T0 + 9 * MIN)))
    );

    let finished = finished.wait_for(2).await;
    assert_eq!(finished.len(), 2, "{finished:?}");
    assert_eq!(
        finished[0].ranks,
        Vec::<(i64, i64)>::new(),
        "finished by a step before any result"
    );
    let mut ranks = finished[1].ranks.clone();
    ranks.sort_unstable();
    assert_eq!(ranks, vec![(ada.id, 1), (bob.id, 2)]);
    let changes = changes.wait_for(13).await;
    let steps: Vec<(String, String)> = changes
        .iter()
        .map(|c| (c.from.clone(), c.to.clone()))
        .collect();
    assert_eq!(steps[0], ("scheduled".into(), "checked_in".into()));
    assert_eq!(steps[4], ("recorded".into(), "finished".into()));
    assert_eq!(
        steps.last().unwrap(),
        &("in_progress".to_string(), "finished".to_string())
    );

    // A pending match (no time) cannot be checked in.
    let pending = w
        .svc
        .create_match(
            org,
            &w.admin(),
            t,
            &MatchInput {
                player_ids: vec![ada.id, bob.id],
                ..MatchInput::default()
            },
            T0,
        )
        .await
        .unwrap();
    assert_eq!(pending.status, MatchStatus::Pending);
    let refused = w
        .svc
        .advance(org, &w.admin(), pending.id, &[], None, T0)
        .await
        .unwrap_err();
    assert!(refused.message().contains("no scheduled time"), "{refused}");
}
both_backends!(status_flow, check_status_flow);

async fn check_holds(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let t = w.tournament(cup("Cup")).await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    let org = w.org;
    w.svc
        .hold(
            org,
            id,
            "RaceTime.gg",
            "race room alttpr/quick-fox-1234 is linked",
            T0,
        )
        .await
        .unwrap();
    let m = w.svc.get_match(org, id).await.unwrap();
    assert_eq!(m.holds.len(), 1);
    for refused in [
        w.svc
            .advance(org, &w.admin(), id, &[], None, T0)
            .await
            .unwrap_err(),
        w.svc
            .delete_match(org, &w.admin(), id, T0)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(refused.kind(), "Conflict");
        assert!(
            refused
                .message()
                .contains("RaceTime.gg controls this match"),
            "{refused}"
        );
        assert!(refused.message().contains("quick-fox-1234"), "{refused}");
    }
    // The holder itself moves the match (the room opened).
    let m = w
        .svc
        .advance(
            org,
            &sdk::Actor::default(),
            id,
            &[],
            Some("RaceTime.gg"),
            T0,
        )
        .await
        .unwrap();
    assert_eq!(m.status, MatchStatus::CheckedIn);
    assert!(w.svc.revert(org, &w.admin(), id, None, T0).await.is_err());
    assert!(w.svc.release(org, id, "RaceTime.gg", T0).await.unwrap());
    assert!(!w.svc.release(org, id, "RaceTime.gg", T0).await.unwrap());
    assert_eq!(
        w.svc
            .revert(org, &w.admin(), id, None, T0)
            .await
            .unwrap()
            .status,
        MatchStatus::Scheduled
    );
    w.svc.delete_match(org, &w.admin(), id, T0).await.unwrap();
    assert_eq!(
        w.svc.get_match(org, id).await.unwrap_err().kind(),
        "NotFound"
    );
}
both_backends!(holds, check_holds);

async fn check_onsite_and_edits(backend: Backend) {
    let w = world(backend).await;
    let scheduled = w.record::<MatchScheduled>();
    let (ada, bob, cy) = (
        w.member("ada").await,
        w.member("bob").await,
        w.member("cy").await,
    );
    let t = w
        .tournament(TournamentInput {
            onsite: true,
            ..cup("LAN")
        })
        .await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    let org = w.org;
    let refused = w
        .svc
        .advance(org, &w.admin(), id, &[], None, T0)
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("stations"));
    let stations = [
        StationInput {
            user_id: ada.id,
            station: "3".into(),
        },
        StationInput {
            user_id: bob.id,
            station: "4".into(),
        },
    ];
    let m = w
        .svc
        .advance(org, &w.admin(), id, &stations, None, T0)
        .await
        .unwrap();
    assert_eq!(m.status, MatchStatus::CheckedIn);
    let station_of = |m: &tournament::model::Match, u: i64| {
        m.players
            .iter()
            .find(|p| p.user_id == u)
            .unwrap()
            .station
            .clone()
    };
    assert_eq!(station_of(&m, ada.id).as_deref(), Some("3"));
    // Clearing the time of a checked-in match is refused; reverting clears the stations.
    let edit = MatchInput {
        title: "Round 1".into(),
        player_ids: vec![ada.id, bob.id],
        ..MatchInput::default()
    };
    assert_eq!(
        w.svc
            .update_match(org, &w.admin(), id, &edit, T0)
            .await
            .unwrap_err()
            .field(),
        Some("scheduled_at")
    );
    let m = w.svc.revert(org, &w.admin(), id, None, T0).await.unwrap();
    assert_eq!(station_of(&m, ada.id), None);

    // Rescheduling and changing players before the start; a stranger is refused.
    let edit = MatchInput {
        title: "Round 1 (moved)".into(),
        scheduled_at: Some(T0 + 120 * MIN),
        player_ids: vec![ada.id, cy.id],
        ..MatchInput::default()
    };
    let m = w
        .svc
        .update_match(org, &w.admin(), id, &edit, T0)
        .await
        .unwrap();
    assert_eq!(m.title, "Round 1 (moved)");
    assert_eq!(
        m.players
            .iter()
            .map(|p| p.user_id)
            .collect::<Vec<_>>()
            .len(),
        2
    );
    assert!(m.players.iter().any(|p| p.user_id == cy.id));
    let players = w
        .svc
        .players(org, t, &Default::default())
        .await
        .unwrap()
        .items;
    assert!(
        players.iter().any(|p| p.user_id == cy.id),
        "match players join the tournament"
    );
    let outsider = w.test.user("outsider", GlobalLevel::User).await;
    let refused = w
        .svc
        .update_match(
            org,
            &w.admin(),
            id,
            &MatchInput {
                player_ids: vec![ada.id, outsider.id],
                ..edit.clone()
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("player_ids"));
    assert!(refused.message().contains("not a member"), "{refused}");
    assert_eq!(
        w.svc
            .create_match(
                org,
                &w.admin(),
                t,
                &MatchInput {
                    player_ids: vec![ada.id],
                    ..MatchInput::default()
                },
                T0
            )
            .await
            .unwrap_err()
            .field(),
        Some("player_ids")
    );
    let events = scheduled.wait_for(2).await;
    assert_eq!(
        events.len(),
        2,
        "scheduled at creation, then moved: {events:?}"
    );
    assert_eq!(
        (events[1].scheduled_at, events[1].previous),
        (T0 + 120 * MIN, Some(T0 + 60 * MIN))
    );

    // Players of a started match are fixed.
    w.svc
        .advance(
            org,
            &w.admin(),
            id,
            &[
                StationInput {
                    user_id: ada.id,
                    station: "1".into(),
                },
                StationInput {
                    user_id: cy.id,
                    station: "2".into(),
                },
            ],
            None,
            T0,
        )
        .await
        .unwrap();
    w.svc
        .advance(org, &w.admin(), id, &[], None, T0)
        .await
        .unwrap();
    let refused = w
        .svc
        .update_match(
            org,
            &w.admin(),
            id,
            &MatchInput {
                player_ids: vec![ada.id, bob.id],
                ..edit
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("player_ids"));
}
both_backends!(onsite_and_edits, check_onsite_and_edits);

async fn check_crew(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob, cal, dee) = (
        w.member("ada").await,
        w.member("bob").await,
        w.member("cal").await,
        w.member("dee").await,
    );
    let t = w
        .tournament(TournamentInput {
            tracker_enabled: true,
            ..cup("Cup")
        })
        .await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    let org = w.org;
    assert!(w.svc.get_match(org, id).await.unwrap().trackers_wanted);
    let m = w
        .svc
        .crew_signup(org, &actor(&cal), id, CrewRole::Commentator, T0)
        .await
        .unwrap();
    assert_eq!(m.crew.len(), 1);
    assert!(!m.crew[0].approved, "sign-ups wait for approval");
    let again = w
        .svc
        .crew_signup(org, &actor(&cal), id, CrewRole::Commentator, T0)
        .await
        .unwrap_err();
    assert_eq!(again.kind(), "Conflict");
    w.svc
        .crew_signup(org, &actor(&cal), id, CrewRole::Tracker, T0)
        .await
        .unwrap();
    let own = w
        .svc
        .crew_signup(org, &actor(&ada), id, CrewRole::Commentator, T0)
        .await
        .unwrap_err();
    assert_eq!(own.kind(), "Forbidden");
    assert!(own.message().contains("play in this match"), "{own}");
    // Approve / unapprove.
    let crew_id = m.crew[0].id;
    let m = w
        .svc
        .set_crew_approved(org, &w.admin(), crew_id, true, T0)
        .await
        .unwrap();
    assert!(m.crew.iter().find(|c| c.id == crew_id).unwrap().approved);
    let m = w
        .svc
        .set_crew_approved(org, &w.admin(), crew_id, false, T0)
        .await
        .unwrap();
    assert!(!m.crew.iter().find(|c| c.id == crew_id).unwrap().approved);
    // Added by a manager: approved at once; not a player; members only.
    let m = w
        .svc
        .add_crew(org, &w.admin(), id, dee.id, CrewRole::Restreamer, T0)
        .await
        .unwrap();
    assert!(m
        .crew
        .iter()
        .any(|c| c.user_id == dee.id && c.role == CrewRole::Restreamer && c.approved));
    assert_eq!(
        w.svc
            .add_crew(org, &w.admin(), id, bob.id, CrewRole::Tracker, T0)
            .await
            .unwrap_err()
            .field(),
        Some("user_id")
    );
    let outsider = w.test.user("outsider", GlobalLevel::User).await;
    assert_eq!(
        w.svc
            .add_crew(org, &w.admin(), id, outsider.id, CrewRole::Tracker, T0)
            .await
            .unwrap_err()
            .field(),
        Some("user_id")
    );
    // Withdraw.
    let m = w
        .svc
        .crew_withdraw(org, &actor(&cal), id, CrewRole::Tracker, T0)
        .await
        .unwrap();
    assert!(!m
        .crew
        .iter()
        .any(|c| c.user_id == cal.id && c.role == CrewRole::Tracker));
    assert_eq!(
        w.svc
            .crew_withdraw(org, &actor(&cal), id, CrewRole::Tracker, T0)
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );
    // My matches: the crew member sees the match.
    let mine = w
        .svc
        .matches(
            org,
            &MatchQuery {
                involving: Some(cal.id),
                ..MatchQuery::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(mine.iter().map(|m| m.id).collect::<Vec<_>>(), vec![id]);
    // Over: sign-up closes.
    for _ in 0..3 {
        w.svc
            .advance(org, &w.admin(), id, &[], None, T0)
            .await
            .unwrap();
    }
    let closed = w
        .svc
        .crew_signup(org, &actor(&dee), id, CrewRole::Commentator, T0)
        .await
        .unwrap_err();
    assert!(closed.message().contains("over"), "{closed}");
    // A tournament without trackers takes commentators and restreamers, not trackers.
    let plain = w.tournament(cup("Plain Cup")).await;
    let plain_match = w.scheduled_match(plain, &[&ada, &bob]).await;
    let no_tracker = w
        .svc
        .crew_signup(org, &actor(&cal), plain_match, CrewRole::Tracker, T0)
        .await
        .unwrap_err();
    assert_eq!(no_tracker.field(), Some("role"));
    assert!(
        no_tracker.message().contains("does not use trackers"),
        "{no_tracker}"
    );
    let m = w
        .svc
        .crew_signup(org, &actor(&cal), plain_match, CrewRole::Restreamer, T0)
        .await
        .unwrap();
    assert!(!m.trackers_wanted);
    assert!(m
        .crew
        .iter()
        .any(|c| c.user_id == cal.id && c.role == CrewRole::Restreamer));
}
both_backends!(crew, check_crew);

async fn check_settings_forms(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob, cal) = (
        w.member("ada").await,
        w.member("bob").await,
        w.member("cal").await,
    );
    let org = w.org;
    // A broken form is refused when the tournament is saved.
    let broken = w
        .svc
        .create_tournament(
            org,
            &w.admin(),
            &TournamentInput {
                settings_form_schema: Some(
                    json!({"type": "object", "properties": {"mode": {"type": "sideways"}}}),
                ),
                ..cup("Broken")
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(broken.field(), Some("settings_form_schema"));
    let schema = json!({
        "type": "object",
        "properties": {
            "mode": {"type": "string", "enum": ["open", "standard", "inverted"]},
            "goal": {"type": "string", "enum": ["ganon", "fast_ganon"]}
        },
        "required": ["mode"]
    });
    let t = w
        .tournament(TournamentInput {
            settings_form_schema: Some(schema),
            ..cup("Settings Cup")
        })
        .await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    let wrong = w
        .svc
        .submit_settings(
            org,
            &actor(&ada),
            id,
            1,
            &json!({"mode": "sideways"}),
            "",
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.field(), Some("settings.mode"), "{wrong}");
    let missing = w
        .svc
        .submit_settings(org, &actor(&ada), id, 1, &json!({"goal": "ganon"}), "", T0)
        .await
        .unwrap_err();
    assert!(missing.message().contains("mode"), "{missing}");
    assert_eq!(
        w.svc
            .submit_settings(org, &actor(&ada), id, 0, &json!({"mode": "open"}), "", T0)
            .await
            .unwrap_err()
            .field(),
        Some("game_number")
    );
    let stranger = w
        .svc
        .submit_settings(org, &actor(&cal), id, 1, &json!({"mode": "open"}), "", T0)
        .await
        .unwrap_err();
    assert_eq!(stranger.kind(), "Forbidden");
    let first = w
        .svc
        .submit_settings(
            org,
            &actor(&ada),
            id,
            1,
            &json!({"mode": "open"}),
            "first",
            T0,
        )
        .await
        .unwrap();
    let again = w
        .svc
        .submit_settings(
            org,
            &actor(&ada),
            id,
            1,
            &json!({"mode": "inverted"}),
            "changed my mind",
            T0 + MIN,
        )
        .await
        .unwrap();
    assert_eq!(
        first.id, again.id,
        "a new submission for the same game replaces the old one"
    );
    w.svc
        .submit_settings(
            org,
            &actor(&bob),
            id,
            1,
            &json!({"mode": "standard"}),
            "",
            T0,
        )
        .await
        .unwrap();
    w.svc
        .submit_settings(
            org,
            &actor(&ada),
            id,
            2,
            &json!({"mode": "open", "goal": "fast_ganon"}),
            "",
            T0,
        )
        .await
        .unwrap();
    let all = w.svc.submissions(org, id, None).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(
        (all[0].game_number, all[0].settings["mode"].as_str()),
        (1, Some("inverted"))
    );
    let own = w.svc.submissions(org, id, Some(bob.id)).await.unwrap();
    assert_eq!(own.len(), 1);
    // Without a form there is nothing to submit.
    let plain = w.tournament(cup("Plain")).await;
    let id = w.scheduled_match(plain, &[&ada, &bob]).await;
    assert_eq!(
        w.svc
            .submit_settings(org, &actor(&ada), id, 1, &json!({}), "", T0)
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
}
both_backends!(settings_forms, check_settings_forms);

async fn check_tenant_isolation(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let t = w.tournament(cup("Cup")).await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    let channel = w
        .svc
        .save_stream_channel(
            w.org,
            &w.admin(),
            None,
            &stream("Main", "https://twitch.tv/a"),
            T0,
        )
        .await
        .unwrap();
    // The same names are free in another organization; nothing of the first is reachable there.
    let other = w.test.org(&w.admin, "Other League").await;
    let (cy, di) = (
        w.member_of(other, "cy").await,
        w.member_of(other, "di").await,
    );
    w.svc
        .save_stream_channel(
            other,
            &w.admin(),
            None,
            &stream("Main", "https://twitch.tv/b"),
            T0,
        )
        .await
        .unwrap();
    w.svc
        .create_tournament(other, &w.admin(), &cup("Cup"), T0)
        .await
        .unwrap();
    let a = w.admin();
    let not_found = |e: sdk::Error| assert_eq!(e.kind(), "NotFound", "{e}");
    not_found(w.svc.get_match(other, id).await.unwrap_err());
    not_found(
        w.svc
            .advance(other, &a, id, &[], None, T0)
            .await
            .unwrap_err(),
    );
    not_found(w.svc.revert(other, &a, id, None, T0).await.unwrap_err());
    not_found(w.svc.delete_match(other, &a, id, T0).await.unwrap_err());
    not_found(
        w.svc
            .set_seed(other, &a, id, "https://alttpr.com/h/x", "", T0)
            .await
            .unwrap_err(),
    );
    not_found(
        w.svc
            .crew_signup(other, &actor(&cy), id, CrewRole::Commentator, T0)
            .await
            .unwrap_err(),
    );
    not_found(
        w.svc
            .tournament(other, a.user_id().unwrap(), t)
            .await
            .unwrap_err(),
    );
    not_found(
        w.svc
            .players(other, t, &Default::default())
            .await
            .unwrap_err(),
    );
    not_found(w.svc.add_player(other, &a, t, cy.id, T0).await.unwrap_err());
    not_found(w.svc.submissions(other, id, None).await.unwrap_err());
    not_found(
        w.svc
            .update_match(
                other,
                &a,
                id,
                &MatchInput {
                    player_ids: vec![cy.id, di.id],
                    ..MatchInput::default()
                },
                T0,
            )
            .await
            .unwrap_err(),
    );
    not_found(
        w.svc
            .create_match(
                other,
                &a,
                t,
                &MatchInput {
                    player_ids: vec![cy.id, di.id],
                    ..MatchInput::default()
                },
                T0,
            )
            .await
            .unwrap_err(),
    );
    // Another organization's stream channel or members cannot be attached.
    let theirs = w
        .svc
        .tournaments(other, 0, false, &Default::default())
        .await
        .unwrap()
        .items[0]
        .id;
    let refused = w
        .svc
        .create_match(
            other,
            &a,
            theirs,
            &MatchInput {
                player_ids: vec![cy.id, di.id],
                stream_channel_id: Some(channel.id),
                ..MatchInput::default()
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("stream_channel_id"));
    let refused = w
        .svc
        .create_match(
            other,
            &a,
            theirs,
            &MatchInput {
                player_ids: vec![ada.id, di.id],
                ..MatchInput::default()
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("player_ids"));
    assert!(w
        .svc
        .matches(other, &MatchQuery::default(), None)
        .await
        .unwrap()
        .is_empty());
    // Duplicate names within one organization are conflicts.
    assert_eq!(
        w.svc
            .create_tournament(w.org, &a, &cup("Cup"), T0)
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
    assert_eq!(
        w.svc
            .save_stream_channel(w.org, &a, None, &stream("Main", "https://twitch.tv/c"), T0)
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
}
both_backends!(tenant_isolation, check_tenant_isolation);

async fn check_filters_and_archive(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let org = w.org;
    let t1 = w.tournament(cup("One")).await;
    let t2 = w
        .tournament(TournamentInput {
            self_registration: true,
            ..cup("Two")
        })
        .await;
    let early = w.scheduled_match(t1, &[&ada, &bob]).await;
    let late = w
        .svc
        .create_match(
            org,
            &w.admin(),
            t2,
            &MatchInput {
                scheduled_at: Some(T0 + 600 * MIN),
                player_ids: vec![ada.id, bob.id],
                ..MatchInput::default()
            },
            T0,
        )
        .await
        .unwrap()
        .id;
    w.svc
        .advance(org, &w.admin(), early, &[], None, T0)
        .await
        .unwrap();
    let ids = |ms: Vec<tournament::model::Match>| ms.into_iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(
        ids(w
            .svc
            .matches(org, &MatchQuery::default(), None)
            .await
            .unwrap()),
        vec![early, late],
        "by time"
    );
    assert_eq!(
        ids(w
            .svc
            .matches(
                org,
                &MatchQuery {
                    tournament_id: Some(t2),
                    ..MatchQuery::default()
                },
                None
            )
            .await
            .unwrap()),
        vec![late]
    );
    assert_eq!(
        ids(w
            .svc
            .matches(org, &MatchQuery::default(), Some(MatchStatus::CheckedIn))
            .await
            .unwrap()),
        vec![early]
    );
    assert_eq!(
        ids(w
            .svc
            .matches(
                org,
                &MatchQuery {
                    from: Some(T0 + 61 * MIN),
                    ..MatchQuery::default()
                },
                None
            )
            .await
            .unwrap()),
        vec![late]
    );
    assert_eq!(
        ids(w
            .svc
            .matches(
                org,
                &MatchQuery {
                    to: Some(T0 + 61 * MIN),
                    ..MatchQuery::default()
                },
                None
            )
            .await
            .unwrap()),
        vec![early]
    );
    // Self-registration only where allowed.
    let cal = w.member("cal").await;
    assert_eq!(
        w.svc
            .register(org, &actor(&cal), t1, T0)
            .await
            .unwrap_err()
            .kind(),
        "Forbidden"
    );
    let joined = w.svc.register(org, &actor(&cal), t2, T0).await.unwrap();
    assert!(joined.joined);
    assert_eq!(joined.player_count, 3);
    assert_eq!(
        w.svc
            .register(org, &actor(&cal), t2, T0)
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
    // Archived tournaments leave the list and take no new matches.
    w.svc
        .set_archived(org, &w.admin(), t1, true, T0)
        .await
        .unwrap();
    let listed: Vec<i64> = w
        .svc
        .tournaments(org, ada.id, false, &Default::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(listed, vec![t2]);
    assert_eq!(
        w.svc
            .tournaments(org, ada.id, true, &Default::default())
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    let refused = w
        .svc
        .create_match(
            org,
            &w.admin(),
            t1,
            &MatchInput {
                player_ids: vec![ada.id, bob.id],
                ..MatchInput::default()
            },
            T0,
        )
        .await
        .unwrap_err();
    assert!(refused.message().contains("archived"), "{refused}");
    // Players: add/remove.
    let dee = w.member("dee").await;
    let players = w
        .svc
        .add_player(org, &w.admin(), t2, dee.id, T0)
        .await
        .unwrap();
    assert!(players.items.iter().any(|p| p.user_id == dee.id));
    assert_eq!(
        w.svc
            .add_player(org, &w.admin(), t2, dee.id, T0)
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
    let players = w
        .svc
        .remove_player(org, &w.admin(), t2, dee.id)
        .await
        .unwrap();
    assert!(!players.items.iter().any(|p| p.user_id == dee.id));
    // Seeds: set, shown, cleared; a bad link is refused on its field.
    let m = w
        .svc
        .set_seed(
            org,
            &w.admin(),
            late,
            "https://alttpr.com/h/AbCd",
            "Open",
            T0,
        )
        .await
        .unwrap();
    assert_eq!(
        m.seed.as_ref().map(|s| s.url.as_str()),
        Some("https://alttpr.com/h/AbCd")
    );
    assert_eq!(
        w.svc
            .set_seed(org, &w.admin(), late, "alttpr.com", "", T0)
            .await
            .unwrap_err()
            .field(),
        Some("url")
    );
    assert_eq!(
        w.svc
            .set_seed(org, &w.admin(), late, "", "", T0)
            .await
            .unwrap()
            .seed,
        None
    );
}
both_backends!(filters_and_archive, check_filters_and_archive);

/// The schedule renders instants with `LocalTime`: a fixed instant in a viewer's profile zone.
#[test]
fn a_fixed_instant_in_the_viewers_zone() {
    use leptos::prelude::*;
    let owner = Owner::new();
    owner.set();
    let render = |zone: Option<&str>| {
        let zone = zone.map(str::to_string);
        view! { {sdk::ui::time::provide_viewer_zone(zone); } <sdk::ui::time::LocalTime epoch_ms=T0/> }
            .to_html()
    };
    let tokyo = render(Some("Asia/Tokyo"));
    assert!(tokyo.contains("2026-11-22 21:00"), "{tokyo}");
    assert!(
        tokyo.contains("datetime=\"2026-11-22T12:00:00Z\""),
        "{tokyo}"
    );
    let new_york = render(Some("America/New_York"));
    assert!(new_york.contains("2026-11-22 07:00"), "{new_york}");
    let unset = render(None);
    assert!(
        unset.contains("2026-11-22 12:00") && unset.contains("UTC"),
        "{unset}"
    );
}

/// Two managers press "Check in" at the same moment: the match moves one step, the second press
/// is refused with the reason (it does not push the match on to In progress).
async fn check_simultaneous_steps(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let t = w.tournament(cup("Cup")).await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    let request = tournament::service::StepRequest {
        forward: true,
        expected: Some(MatchStatus::Scheduled),
        ..Default::default()
    };
    let admin = w.admin();
    let (a, b) = tokio::join!(
        w.svc.step(w.org, &admin, id, &request, T0),
        w.svc.step(w.org, &admin, id, &request, T0 + 1),
    );
    let results = [a, b];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let refused = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert_eq!(refused.kind(), "Conflict");
    assert!(
        refused.message().contains("already checked in"),
        "{refused}"
    );
    assert_eq!(
        w.svc.get_match(w.org, id).await.unwrap().status,
        MatchStatus::CheckedIn
    );
}
both_backends!(simultaneous_steps, check_simultaneous_steps);
