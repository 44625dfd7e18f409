//! A match's room opens by itself on the rooms task's tick, with the goal, the info and the
//! seed; the players are invited; the race, played on the fake, checks the match in, starts it
//! and finishes it with the places as ranks. A websocket drop mid-race loses nothing.

use std::time::Instant;

use sdk::time::now_ms;
use testkit::both_backends;
use tournament::model::MatchStatus;

use super::*;

async fn check_the_room_opens_by_itself_and_the_race_finishes_the_match(backend: Backend) {
    let w = world(backend).await;
    let ada = w.racer("ada", "rtAda0000000000a").await;
    let bob = w.racer("bob", "rtBob0000000000b").await;
    let game = w.match_in("Round 1", 30, &[&ada, &bob]).await;
    // The task's slots come every 30 seconds; the room opens on the first one.
    let scheduler = w.scheduler();
    let t0 = now_ms();
    for slot in 0..3 {
        scheduler
            .tick_at(t0 + slot * 30_000)
            .await
            .unwrap()
            .finished()
            .await;
        if w.room_of(game.id).await.is_some_and(|r| r.slug.is_some()) {
            break;
        }
    }
    let room = w.room_of(game.id).await.expect("a room opened");
    let slug = room.slug.clone().unwrap();
    assert_eq!(
        w.racetime.rooms().len(),
        1,
        "exactly one room on racetime.gg"
    );
    let upstream = w.racetime.room(&slug).unwrap();
    assert_eq!(upstream.category, CATEGORY);
    assert_eq!(
        upstream.goal.as_deref(),
        Some("Beat the game"),
        "a listed goal, not a custom one"
    );
    assert_eq!(upstream.custom_goal, None);
    assert_eq!(upstream.status, "invitational");
    assert_eq!(upstream.opened_by_bot.as_deref(), Some(BOT_NAME));
    assert!(
        upstream.info_user.contains("Spring Cup"),
        "{}",
        upstream.info_user
    );
    assert!(
        upstream.info_user.contains("ada vs bob"),
        "{}",
        upstream.info_user
    );
    let seed_url = room.seed_url.clone().expect("the seed was rolled");
    assert!(seed_url.starts_with(w.alttpr.url()), "{seed_url}");
    assert!(
        upstream.info_bot.contains(&seed_url),
        "{}",
        upstream.info_bot
    );
    assert_eq!(
        upstream.form.get("streaming_required").map(String::as_str),
        Some("false")
    );
    assert!(
        !upstream.streaming_required,
        "every field sent: the site's default is not used"
    );
    // The seed is kept in the organization's history as rolled for this race.
    let history = w.history(&w.root()).await;
    assert!(history.iter().any(|s| s.url == seed_url), "{history:?}");
    // The match is checked in and held by the room; the match page links to its panel.
    let m = w.game(game.id).await;
    assert_eq!(m.status, MatchStatus::CheckedIn);
    assert_eq!(m.holds.len(), 1);
    assert_eq!(m.holds[0].holder, "RaceTime.gg");
    assert_eq!(
        m.holds[0].path.as_deref(),
        Some(format!("/org/{}/racetime/match/{}", w.org, game.id).as_str())
    );
    // The watcher greets the room: the seed in chat, both players invited.
    eventually("both players invited", || async {
        let r = w.racetime.room(&slug).unwrap();
        r.entrants.len() == 2 && r.entrants.iter().all(|e| e.status == "invited")
    })
    .await;
    eventually("the seed posted", || async {
        w.racetime
            .room(&slug)
            .unwrap()
            .bot_messages
            .iter()
            .any(|m| m.contains(&seed_url))
    })
    .await;
    // The race.
    w.racetime.accept_invite(&slug, "rtAda0000000000a").unwrap();
    w.racetime.accept_invite(&slug, "rtBob0000000000b").unwrap();
    w.racetime.ready(&slug, "rtAda0000000000a").unwrap();
    w.racetime.ready(&slug, "rtBob0000000000b").unwrap();
    eventually("the match started", || async {
        w.game(game.id).await.status == MatchStatus::InProgress
    })
    .await;
    w.racetime
        .finish(&slug, "rtBob0000000000b", 3_600_000)
        .unwrap();
    w.racetime
        .finish(&slug, "rtAda0000000000a", 3_700_000)
        .unwrap();
    eventually("the match finished", || async {
        w.game(game.id).await.status == MatchStatus::Finished
    })
    .await;
    let m = w.game(game.id).await;
    let rank = |id: i64| {
        m.players
            .iter()
            .find(|p| p.user_id == id)
            .and_then(|p| p.finish_rank)
    };
    assert_eq!(rank(bob.id), Some(1));
    assert_eq!(rank(ada.id), Some(2));
    // The panel shows the race.
    let room = w.room_of(game.id).await.unwrap();
    assert_eq!(room.race_status, "finished");
    assert_eq!(room.entrants.len(), 2);
    assert_eq!(room.entrants[0].place, Some(1));
    assert_eq!(room.entrants[0].user_id, Some(bob.id));
    assert!(
        room.entrants[0]
            .finish_time
            .as_deref()
            .is_some_and(|t| t.starts_with("1:00:00")),
        "{:?}",
        room.entrants[0]
    );
}
both_backends!(
    the_room_opens_by_itself_and_the_race_finishes_the_match,
    check_the_room_opens_by_itself_and_the_race_finishes_the_match
);

async fn check_a_forfeit_ranks_last_and_a_dropped_socket_loses_nothing(backend: Backend) {
    let w = world(backend).await;
    let ada = w.racer("ada", "rtAda0000000000a").await;
    let bob = w.racer("bob", "rtBob0000000000b").await;
    let game = w.match_in("Round 2", 20, &[&ada, &bob]).await;
    w.svc
        .open_match_room(w.org, &w.root(), game.id, now_ms())
        .await
        .unwrap();
    let slug = w.slug_of(game.id).await;
    eventually("invited", || async {
        w.racetime.room(&slug).unwrap().entrants.len() == 2
    })
    .await;
    eventually("watched", || async { w.racetime.socket_count(&slug) == 1 }).await;
    w.racetime.accept_invite(&slug, "rtAda0000000000a").unwrap();
    w.racetime.accept_invite(&slug, "rtBob0000000000b").unwrap();
    // The socket drops; the whole race happens before the watcher is back.
    w.racetime.drop_sockets(&slug);
    w.racetime.ready(&slug, "rtAda0000000000a").unwrap();
    w.racetime.ready(&slug, "rtBob0000000000b").unwrap();
    w.racetime.forfeit(&slug, "rtBob0000000000b").unwrap();
    w.racetime
        .finish(&slug, "rtAda0000000000a", 3_000_000)
        .unwrap();
    eventually("the match finished after the reconnect", || async {
        w.game(game.id).await.status == MatchStatus::Finished
    })
    .await;
    eventually("reconnected", || async {
        w.racetime.socket_count(&slug) == 1
    })
    .await;
    let m = w.game(game.id).await;
    let rank = |id: i64| {
        m.players
            .iter()
            .find(|p| p.user_id == id)
            .and_then(|p| p.finish_rank)
    };
    assert_eq!(rank(ada.id), Some(1));
    assert_eq!(rank(bob.id), Some(2), "a forfeit ranks after the finishers");
    // A finish undone within racetime.gg's ten minutes takes the match back.
    w.racetime.undo_finish(&slug, "rtAda0000000000a").unwrap();
    eventually("the match back in progress", || async {
        w.game(game.id).await.status == MatchStatus::InProgress
    })
    .await;
}
both_backends!(
    a_forfeit_ranks_last_and_a_dropped_socket_loses_nothing,
    check_a_forfeit_ranks_last_and_a_dropped_socket_loses_nothing
);

async fn check_a_cancelled_room_lets_the_match_go(backend: Backend) {
    let w = world(backend).await;
    let ada = w.racer("ada", "rtAda0000000000a").await;
    let bob = w.racer("bob", "rtBob0000000000b").await;
    let game = w.match_in("Round 3", 20, &[&ada, &bob]).await;
    w.svc
        .open_match_room(w.org, &w.root(), game.id, now_ms())
        .await
        .unwrap();
    let slug = w.slug_of(game.id).await;
    eventually("watched", || async { w.racetime.socket_count(&slug) == 1 }).await;
    w.racetime.cancel(&slug).unwrap();
    eventually("the hold released", || async {
        w.game(game.id).await.holds.is_empty()
    })
    .await;
    let room = w.room_of(game.id).await.unwrap();
    assert_eq!(room.race_status, "cancelled");
    assert!(room.closed_at.is_some());
    assert_eq!(
        room.last_error.as_deref(),
        Some("The room was cancelled on racetime.gg.")
    );
    // A manager can open a new one.
    w.svc
        .open_match_room(w.org, &w.root(), game.id, now_ms())
        .await
        .unwrap();
    assert_eq!(w.racetime.rooms().len(), 2);
}
both_backends!(
    a_cancelled_room_lets_the_match_go,
    check_a_cancelled_room_lets_the_match_go
);

/// How long after the rooms task's slot a due match's room exists on racetime.gg: each tick
/// opens one room; p50 and p99 of the wall time from the slot's start to the room stored (a
/// measurement for the notes, not an assertion).
async fn check_rooms_open_on_the_slot_they_are_due(backend: Backend) {
    let w = world(backend).await;
    let ada = w.racer("ada", "rtAda0000000000a").await;
    let bob = w.racer("bob", "rtBob0000000000b").await;
    let scheduler = w.scheduler();
    let t0 = now_ms();
    scheduler.tick_at(t0).await.unwrap().finished().await;
    let mut latencies = Vec::new();
    const N: i64 = 12;
    for i in 0..N {
        // Each match becomes due in the slot it is created for: 34 minutes after that slot.
        let slot = t0 + (i + 1) * 30_000;
        let game = w
            .tournaments
            .create_match(
                w.org,
                &w.root(),
                w.tournament_id,
                &MatchInput {
                    title: format!("Game {i}"),
                    comment: String::new(),
                    scheduled_at: Some(slot + 34 * MIN),
                    player_ids: vec![ada.id, bob.id],
                    stream_channel_id: None,
                },
                now_ms(),
            )
            .await
            .unwrap();
        let started = Instant::now();
        scheduler.tick_at(slot).await.unwrap().finished().await;
        latencies.push(started.elapsed().as_millis());
        assert!(
            w.room_of(game.id).await.and_then(|r| r.slug).is_some(),
            "game {i} got its room on its slot"
        );
    }
    assert_eq!(w.racetime.rooms().len(), N as usize);
    latencies.sort_unstable();
    let p50 = latencies[latencies.len() / 2];
    let p99 = latencies[latencies.len() - 1];
    eprintln!(
        "room opened after its slot ({backend:?}): p50 {p50} ms, p99 {p99} ms over {N} ticks"
    );
}
both_backends!(
    rooms_open_on_the_slot_they_are_due,
    check_rooms_open_on_the_slot_they_are_due
);
