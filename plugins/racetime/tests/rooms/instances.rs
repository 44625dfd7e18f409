//! Exactly one room per match: two instances on one PostgreSQL database ticking the rooms task
//! and opening rooms by hand at the same time, and attempts that die after racetime.gg created
//! the room (its answer lost) or before.

use std::{collections::BTreeMap, sync::Arc};

use racetime::service::OpenOutcome;
use sdk::time::now_ms;
use testkit::{both_backends, platform};

use super::*;

/// A second instance on the same database: its own plugins, runtime and instance id.
async fn second_instance(w: &World) -> (platform::Host, Racetime) {
    let mut all = bundles();
    all.push(bundle_from_dir(
        presets::MANIFEST,
        concat!(env!("CARGO_MANIFEST_DIR"), "/../presets"),
        presets::plugin(),
    ));
    all.push(bundle_from_dir(
        alttpr::MANIFEST,
        concat!(env!("CARGO_MANIFEST_DIR"), "/../alttpr"),
        alttpr::plugin(),
    ));
    let settings: BTreeMap<String, String> = [
        ("RACETIME_URL", w.racetime.url().to_string()),
        (
            "SECRET_KEY",
            "test-secret-key-test-secret-key-0123456789".to_string(),
        ),
        ("BASE_URL", "http://sahabot.test".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let plugins = platform::PluginHost::load(
        &w.platform.db,
        all,
        platform::LoadOptions {
            settings,
            ..platform::LoadOptions::default()
        },
    )
    .await
    .unwrap();
    let host = platform::Host::new(
        w.platform.db.clone(),
        Arc::new(plugins),
        "http://sahabot.test",
    );
    let contract = host.contract();
    host.plugins.start(&contract).await;
    let svc = Racetime::from_platform(&contract).unwrap();
    (host, svc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_open_one_room_per_match() {
    let w = world(Backend::Postgres).await;
    let (other, other_svc) = second_instance(&w).await;
    let ada = w.racer("ada", "rtAda0000000000a").await;
    let bob = w.racer("bob", "rtBob0000000000b").await;
    let games = [
        w.match_in("A", 10, &[&ada, &bob]).await,
        w.match_in("B", 20, &[&ada, &bob]).await,
        w.match_in("C", 30, &[&ada, &bob]).await,
    ];
    let (a, b) = (w.scheduler(), Scheduler::new(&other));
    let t0 = now_ms();
    // Twenty slots, each ticked by both instances at once, and every other slot a second
    // time by the other (a late clock).
    for slot in 0..20 {
        let at = t0 + slot * 30_000;
        let (ta, tb) = tokio::join!(a.tick_at(at), b.tick_at(at));
        ta.unwrap().finished().await;
        tb.unwrap().finished().await;
        if slot % 2 == 1 {
            b.tick_at(at + 1).await.unwrap().finished().await;
        }
    }
    assert_eq!(
        w.racetime.rooms().len(),
        3,
        "{:?}",
        w.racetime
            .rooms()
            .iter()
            .map(|r| &r.slug)
            .collect::<Vec<_>>()
    );
    for game in &games {
        assert!(w.room_of(game.id).await.and_then(|r| r.slug).is_some());
    }
    // Opening by hand on both at once: one room, the other attempt sees it.
    let d = w.match_in("D", 100, &[&ada, &bob]).await;
    let root = w.root();
    let (one, two) = tokio::join!(
        w.svc.open_match_room(w.org, &root, d.id, now_ms()),
        other_svc.open_match_room(w.org, &root, d.id, now_ms()),
    );
    let outcomes = [one.unwrap(), two.unwrap()];
    let opened = outcomes
        .iter()
        .filter(|o| matches!(o, OpenOutcome::Opened { .. }))
        .count();
    assert_eq!(opened, 1, "{outcomes:?}");
    assert_eq!(w.racetime.rooms().len(), 4);
    // Each live room is watched by one instance.
    for game in &games {
        let slug = w.slug_of(game.id).await;
        eventually("one watcher per room", || async {
            w.racetime.socket_count(&slug) == 1
        })
        .await;
    }
    other.plugins.stop().await;
}

async fn check_a_lost_answer_is_adopted_not_repeated(backend: Backend) {
    let w = world(backend).await;
    let ada = w.racer("ada", "rtAda0000000000a").await;
    let bob = w.racer("bob", "rtBob0000000000b").await;
    let game = w.match_in("Final", 25, &[&ada, &bob]).await;
    let now = now_ms();
    // racetime.gg creates the room but the answer is lost (a crash between "created" and
    // "slug stored" looks the same from here).
    w.racetime.fail_next_startrace_after_create();
    let err = w
        .svc
        .open_match_room(w.org, &w.system(), game.id, now)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Upstream", "{err:?}");
    assert_eq!(w.racetime.rooms().len(), 1);
    let pending = w.room_of(game.id).await.unwrap();
    assert_eq!(pending.slug, None);
    assert_eq!(pending.race_status, "opening");
    // While the attempt's lease runs, nobody tries again.
    let busy = w
        .svc
        .open_match_room(w.org, &w.system(), game.id, now + 30_000)
        .await
        .unwrap();
    assert!(matches!(busy, OpenOutcome::Busy { .. }), "{busy:?}");
    // After it, the next attempt finds the room by its info and adopts it.
    let later = now + 3 * MIN;
    let adopted = w
        .svc
        .open_match_room(w.org, &w.system(), game.id, later)
        .await
        .unwrap();
    let upstream = w.racetime.rooms();
    assert_eq!(upstream.len(), 1, "no second room");
    assert_eq!(
        adopted,
        OpenOutcome::Opened {
            room_id: pending.id,
            slug: upstream[0].slug.clone()
        }
    );
    assert_eq!(
        w.game(game.id).await.status,
        tournament::model::MatchStatus::CheckedIn
    );
    // The seed was rolled once.
    let history = w.history(&w.root()).await;
    assert_eq!(history.len(), 1, "{history:?}");
}
both_backends!(
    a_lost_answer_is_adopted_not_repeated,
    check_a_lost_answer_is_adopted_not_repeated
);

async fn check_a_refused_attempt_is_retried_once_its_lease_ends(backend: Backend) {
    let w = world(backend).await;
    let ada = w.racer("ada", "rtAda0000000000a").await;
    let bob = w.racer("bob", "rtBob0000000000b").await;
    let game = w.match_in("Semi", 25, &[&ada, &bob]).await;
    let now = now_ms();
    w.racetime.fail_next_startrace(503);
    assert!(w
        .svc
        .open_match_room(w.org, &w.system(), game.id, now)
        .await
        .is_err());
    assert_eq!(w.racetime.rooms().len(), 0);
    let room = w.room_of(game.id).await.unwrap();
    assert!(
        room.last_error
            .as_deref()
            .is_some_and(|e| e.contains("503")),
        "{room:?}"
    );
    // The rooms task retries on a later slot.
    let pass = w.svc.open_due_rooms(now + 3 * MIN).await.unwrap();
    assert_eq!(pass.opened.len(), 1, "{pass:?}");
    assert_eq!(w.racetime.rooms().len(), 1);
}
both_backends!(
    a_refused_attempt_is_retried_once_its_lease_ends,
    check_a_refused_attempt_is_retried_once_its_lease_ends
);

async fn check_a_form_racetime_refuses_is_built_again_with_the_same_seed(backend: Backend) {
    let w = world(backend).await;
    let ada = w.racer("ada", "rtAda0000000000a").await;
    let bob = w.racer("bob", "rtBob0000000000b").await;
    let game = w.match_in("Quarter", 25, &[&ada, &bob]).await;
    let now = now_ms();
    w.racetime.fail_next_startrace(422);
    let err = w
        .svc
        .open_match_room(w.org, &w.system(), game.id, now)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Invalid", "{err:?}");
    assert_eq!(w.racetime.rooms().len(), 0);
    let pending = w.room_of(game.id).await.unwrap();
    assert!(pending.last_error.is_some());
    // After the lease: a new form from the settings as they are now, the seed kept.
    let pass = w.svc.open_due_rooms(now + 3 * MIN).await.unwrap();
    assert_eq!(pass.opened.len(), 1, "{pass:?}");
    let room = w.room_of(game.id).await.unwrap();
    assert_eq!(room.seed_url, pending.seed_url);
    assert_eq!(w.history(&w.root()).await.len(), 1, "rolled once");
}
both_backends!(
    a_form_racetime_refuses_is_built_again_with_the_same_seed,
    check_a_form_racetime_refuses_is_built_again_with_the_same_seed
);
