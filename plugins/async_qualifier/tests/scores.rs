//! Scores, par and the leaderboard on SQLite and PostgreSQL, through the service: the reference
//! score table, par rules (forfeits, zero times, disqualifications, reattempts), the leaderboard's
//! padding and ties, the hourly recalculation, and simultaneous finishes on one permalink.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use testkit::platform;

use async_qualifier::rules;
use common::{actor, close, world, World, MIN, T0};
use platform::tasks::engine::Scheduler;
use sdk::db::Backend;
use testkit::both_backends;

async fn score_table_world(backend: Backend) -> (World, i64, Vec<sdk::auth::CurrentUser>) {
    let w = world(backend).await;
    let q = w.qualifier("Scores", 1, -1).await;
    let runners = w.members("r", 9).await;
    (w, q, runners)
}

/// Par 3600: five runs of exactly 3600 s, then slower ones that stay out of the top five.
async fn check_reference_score_table(backend: Backend) {
    let (w, q, runners) = score_table_world(backend).await;
    let (pool_a, links_a) = w.pool(q, "A", 1).await;
    let mut at = T0;
    for r in &runners[..5] {
        w.run(r, q, pool_a, at, 3600.0).await;
        at += MIN;
    }
    let mut table = Vec::new();
    for (r, elapsed) in runners[5..].iter().zip([5400.0, 4500.0, 7200.0, 10800.0]) {
        table.push((w.run(r, q, pool_a, at, elapsed).await, elapsed));
        at += MIN;
    }
    assert!(close(w.par(links_a[0]).await, 3600.0));
    for ((race, elapsed), want) in table.iter().zip([50.0, 75.0, 0.0, 0.0]) {
        assert!(close(w.score(*race).await, want), "{elapsed}");
    }
}
both_backends!(reference_score_table, check_reference_score_table);

/// Par 3600 again, this time with a 1800 in the top five: 1800 → 105 (raw 150).
async fn check_score_is_capped_at_105_within_the_par(backend: Backend) {
    let (w, q, runners) = score_table_world(backend).await;
    let (pool_b, links_b) = w.pool(q, "B", 1).await;
    let fast = w.run(&runners[0], q, pool_b, T0, 1800.0).await;
    let mut others = Vec::new();
    for r in &runners[1..5] {
        others.push(w.run(r, q, pool_b, T0, 4050.0).await);
    }
    assert!(close(w.par(links_b[0]).await, 3600.0));
    assert!(close(w.score(fast).await, 105.0));
    assert!(close(w.score(others[0]).await, 87.5));
}
both_backends!(
    score_is_capped_at_105_within_the_par,
    check_score_is_capped_at_105_within_the_par
);

/// Par 2000: 1800 → 105 (raw 110).
async fn check_score_is_capped_at_105_near_the_par(backend: Backend) {
    let (w, q, runners) = score_table_world(backend).await;
    let (pool_c, links_c) = w.pool(q, "C", 1).await;
    let fast = w.run(&runners[0], q, pool_c, T0, 1800.0).await;
    for r in &runners[1..5] {
        w.run(r, q, pool_c, T0, 2050.0).await;
    }
    assert!(close(w.par(links_c[0]).await, 2000.0));
    assert!(close(w.score(fast).await, 105.0));
}
both_backends!(
    score_is_capped_at_105_near_the_par,
    check_score_is_capped_at_105_near_the_par
);

async fn check_par_rules(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Par", 1, -1).await;
    let runners = w.members("p", 8).await;
    let (pool, links) = w.pool(q, "Only", 1).await;
    let link = links[0];

    // A forfeit on an unplayed permalink: no par, nothing scored — par and scores unchanged.
    let (forfeit, _) = w.begin(&runners[0], q, pool, T0).await;
    w.svc
        .forfeit_run(w.org, &actor(&runners[0]), forfeit, T0 + 5 * MIN)
        .await
        .unwrap();
    assert_eq!(w.par(link).await, None);
    assert_eq!(w.score(forfeit).await, None);
    // Manual recalculation with nothing finished changes nothing either.
    w.svc
        .recalculate(w.org, &w.admin(), q, T0, "manual")
        .await
        .unwrap();
    assert_eq!(w.par(link).await, None);

    // Six finishes: par is the mean of the five fastest; the forfeit is scored 0 now.
    let mut races = Vec::new();
    for (i, elapsed) in [1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 9000.0]
        .iter()
        .enumerate()
    {
        races.push(w.run(&runners[i + 1], q, pool, T0 + MIN, *elapsed).await);
    }
    assert!(close(w.par(link).await, 3000.0));
    assert!(close(w.score(forfeit).await, 0.0));
    assert!(close(w.score(races[0]).await, 105.0));
    assert!(close(w.score(races[2]).await, 100.0));

    // A zero elapsed time takes a place in the five and is dropped: (2000+3000+4000+5000)/4.
    w.sql(&format!(
        "UPDATE async_qualifier_races SET start_time = end_time WHERE id = {}",
        races[0]
    ))
    .await;
    w.svc
        .recalculate(w.org, &w.admin(), q, T0, "manual")
        .await
        .unwrap();
    assert!(close(w.par(link).await, 3500.0));
    assert!(close(w.score(races[0]).await, 0.0), "zero time scores 0");

    // Disqualified: 0, and out of the par.
    w.sql(&format!(
        "UPDATE async_qualifier_races SET status = 'disqualified' WHERE id = {}",
        races[1]
    ))
    .await;
    w.svc
        .recalculate(w.org, &w.admin(), q, T0, "manual")
        .await
        .unwrap();
    // Finished now: 0 (zero), 3000, 4000, 5000, 9000 → drop zero → 5250.
    assert!(close(w.par(link).await, 5250.0));
    assert!(close(w.score(races[1]).await, 0.0));

    // A reattempted run leaves par and the board.
    let before = w.score(races[5]).await;
    w.svc
        .reattempt_race(w.org, &actor(&runners[6]), races[5], T0 + 300 * MIN)
        .await
        .unwrap();
    // Finished non-reattempted: 0, 3000, 4000, 5000 → 4000.
    assert!(close(w.par(link).await, 4000.0));
    assert_eq!(
        w.score(races[5]).await,
        before,
        "a reattempted run is not rescored"
    );
    let board = w.svc.leaderboard(w.org, q).await.unwrap();
    let six = board
        .iter()
        .find(|(s, _)| s.user_id == runners[6].id)
        .unwrap();
    assert_eq!((six.0.finished, six.0.unattempted), (0, 1));
}
both_backends!(par_rules, check_par_rules);

async fn check_leaderboard(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Board", 2, -1).await;
    let (a, _) = w.pool(q, "A", 3).await;
    let (b, _) = w.pool(q, "B", 3).await;
    let [x, y, z, v] = [
        w.member("xena", &[]).await,
        w.member("yuri", &[]).await,
        w.member("zoe", &[]).await,
        w.member("vic", &[]).await,
    ];
    // Every run in a pool with one seed per runner: pars come from these same runs.
    // Pool A: x 3000, y 3000 → par 3000 both 100. Then z 4500 → par 3500.
    let mut at = T0;
    w.run(&x, q, a, at, 3000.0).await;
    at += MIN;
    w.run(&y, q, a, at, 3000.0).await;
    at += MIN;
    // x: second run in A is a forfeit.
    let (xf, _) = w.begin(&x, q, a, at).await;
    w.svc
        .forfeit_run(w.org, &actor(&x), xf, at + MIN)
        .await
        .unwrap();
    at += 2 * MIN;
    // x in B: one run; y nothing in B; z one run in B only; v only a live run.
    w.run(&x, q, b, at, 2000.0).await;
    w.run(&z, q, b, at, 2000.0).await;
    w.svc.start_run(w.org, &actor(&v), q, b, at).await.unwrap();

    let board = w.svc.leaderboard(w.org, q).await.unwrap();
    let names: Vec<&str> = board.iter().map(|(_, n)| n.as_str()).collect();
    // x: A [100, 0 forfeit], B [100, empty] → 200/4 = 50; y: A [100, empty], B [empty, empty]
    // → 25; z: B [100, empty] → 25 — tie with y broken by estimate (100 both), then finished
    // count (1 both), then user id (y was created first); v: only a live run → 0.
    assert_eq!(names, ["xena", "yuri", "zoe", "vic"]);
    let xs = &board[0].0;
    assert!(close(Some(xs.score), 50.0));
    assert!(close(Some(xs.estimate), 100.0));
    assert_eq!((xs.finished, xs.forfeited, xs.unattempted), (2, 1, 1));
    assert_eq!(board[1].0.unattempted, 3);
    assert!(close(Some(board[1].0.score), 25.0));
    assert!(close(Some(board[2].0.score), 25.0));
    let vs = &board[3].0;
    assert_eq!((vs.score, vs.finished, vs.unattempted), (0.0, 0, 4));
    assert_eq!(
        board.iter().map(|(s, _)| s.rank).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );

    // y's fast run in B puts y clearly ahead of z.
    w.run(&y, q, b, at, 1000.0).await;
    let board = w.svc.leaderboard(w.org, q).await.unwrap();
    let pos = |id: i64| board.iter().position(|(s, _)| s.user_id == id).unwrap();
    assert!(pos(y.id) < pos(z.id));
    assert!(board[pos(x.id)].0.score > 0.0);
}
both_backends!(leaderboard_with_pools_padding_and_ties, check_leaderboard);

/// The leaderboard is kept in memory between requests (service::standings::board_cache); every
/// change that moves it shows on the next read: a finish, a new pool, more runs per pool, a
/// reattempt, a new runner.
async fn check_cached_leaderboard_follows_every_change(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Cached", 1, -1).await;
    let (a, _) = w.pool(q, "A", 2).await;
    let [x, y] = [w.member("xena", &[]).await, w.member("yuri", &[]).await];
    let score_of = |board: &[(rules::Standing, String)], id: i64| {
        board
            .iter()
            .find(|(s, _)| s.user_id == id)
            .map(|(s, _)| s.score)
    };

    let race = w.run(&x, q, a, T0, 3000.0).await;
    let board = w.svc.leaderboard(w.org, q).await.unwrap();
    assert!(close(score_of(&board, x.id), 100.0), "{board:?}");
    // Read twice without a change: the same answer (from memory).
    assert_eq!(w.svc.leaderboard(w.org, q).await.unwrap(), board);

    // A second pool doubles the slots: x's mean halves.
    w.pool(q, "B", 1).await;
    let board = w.svc.leaderboard(w.org, q).await.unwrap();
    assert!(close(score_of(&board, x.id), 50.0), "{board:?}");

    // Two runs per pool: four slots.
    let input = common::input("Cached", 2, -1);
    w.svc
        .update_qualifier(w.org, &w.admin(), q, &input, T0 + MIN)
        .await
        .unwrap();
    let board = w.svc.leaderboard(w.org, q).await.unwrap();
    assert!(close(score_of(&board, x.id), 25.0), "{board:?}");

    // A new runner appears; par moves to the mean of both finishes, and so does x's score.
    w.run(&y, q, a, T0 + 2 * MIN, 5000.0).await;
    let board = w.svc.leaderboard(w.org, q).await.unwrap();
    assert_eq!(board.len(), 2);
    assert!(score_of(&board, y.id).is_some());
    assert_eq!(board[0].0.user_id, x.id);

    // x's run reattempted: it no longer counts.
    w.svc
        .reattempt_race(w.org, &actor(&x), race, T0 + 3 * MIN)
        .await
        .unwrap();
    let board = w.svc.leaderboard(w.org, q).await.unwrap();
    let xs = board.iter().find(|(s, _)| s.user_id == x.id).unwrap();
    assert_eq!((xs.0.finished, xs.0.unattempted), (0, 4));
    assert_eq!(board[0].0.user_id, y.id);
}
both_backends!(
    cached_leaderboard_follows_every_change,
    check_cached_leaderboard_follows_every_change
);

/// The leaderboard answers a range of ranks and how many are ranked in all; out-of-range asks
/// are brought into range.
async fn check_leaderboard_pages(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Paged", 1, -1).await;
    let (pool, _) = w.pool(q, "A", 5).await;
    let runners = w.members("p", 5).await;
    for (i, r) in runners.iter().enumerate() {
        w.run(r, q, pool, T0 + i as i64 * MIN, 3000.0 + 100.0 * i as f64)
            .await;
    }
    let view = |from: Option<u32>, limit: Option<u32>| {
        let w = &w;
        async move {
            w.svc
                .leaderboard_view(
                    w.platform.authorizer.as_ref(),
                    w.org,
                    &w.admin(),
                    q,
                    async_qualifier::service::RankRange::new(from, limit),
                )
                .await
                .unwrap()
        }
    };
    let page = view(Some(2), Some(2)).await;
    assert_eq!(page.total, 5);
    assert_eq!(
        page.entries.iter().map(|e| e.rank).collect::<Vec<_>>(),
        [2, 3]
    );
    // Unset: from the first rank, the default page (all five here); the range is a slice of it.
    let all = view(None, None).await;
    assert_eq!(all.entries.len(), 5);
    assert_eq!(page.entries, all.entries[1..3]);
    // Past the end: nothing, and still the total.
    let past = view(Some(9), None).await;
    assert!(past.entries.is_empty());
    assert_eq!(past.total, 5);
    // Rank 0 and limit 0 mean the first rank and one entry.
    let least = view(Some(0), Some(0)).await;
    assert_eq!(
        least.entries.iter().map(|e| e.rank).collect::<Vec<_>>(),
        [1]
    );
}
both_backends!(leaderboard_pages, check_leaderboard_pages);

async fn check_hourly_recalculation(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Hourly", 1, -1).await;
    let (pool, links) = w.pool(q, "P", 1).await;
    let r = w.member("hourly", &[]).await;
    let race = w.run(&r, q, pool, T0, 3000.0).await;
    // Scores are wiped by hand; the hourly built-in puts them back.
    w.sql("UPDATE async_qualifier_races SET score = NULL").await;
    w.sql("UPDATE async_qualifier_permalinks SET par_time = NULL")
        .await;
    let scheduler = Scheduler::with(w.test.db.clone(), Arc::clone(w.plugins()), "a".into());
    scheduler.tick_at(T0).await.unwrap().finished().await;
    let started = scheduler
        .tick_at(T0 + 3600 * 1000)
        .await
        .unwrap()
        .finished()
        .await;
    assert!(
        started.iter().any(|k| k.contains("recalculate_scores")),
        "{started:?}"
    );
    assert!(close(w.par(links[0]).await, 3000.0));
    assert!(close(w.score(race).await, 100.0));
}
both_backends!(hourly_recalculation_runs, check_hourly_recalculation);

async fn check_simultaneous_finishes(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Race", 1, -1).await;
    let (pool, links) = w.pool(q, "P", 1).await;
    let runners = w.members("c", 8).await;
    // Three finished runs first, then the rest in progress at once.
    for (i, r) in runners[..3].iter().enumerate() {
        w.run(r, q, pool, T0, 3000.0 + i as f64 * 100.0).await;
    }
    let mut live = Vec::new();
    for r in &runners[3..] {
        let (race, start) = w.begin(r, q, pool, T0).await;
        live.push((r.clone(), race, start));
    }
    // All five finish at the same moment from parallel tasks.
    let mut handles = Vec::new();
    for (i, (user, race, start)) in live.iter().cloned().enumerate() {
        let svc = w.svc.clone();
        let org = w.org;
        handles.push(tokio::spawn(async move {
            svc.finish_run(
                org,
                &actor(&user),
                race,
                start + 2_000_000 + i as i64 * 1000,
            )
            .await
        }));
    }
    for h in handles {
        h.await.unwrap().unwrap();
    }
    // Consistent: stored par and every stored score equal what the rules give for the final
    // set of runs.
    let mut conn = w.test.db.pool().acquire().await.unwrap();
    let timings = async_qualifier::repo::timings(&mut conn, links[0])
        .await
        .unwrap();
    let expected = rules::score_permalink(&timings).unwrap();
    assert!(close(w.par(links[0]).await, expected.par));
    // Five fastest: the five 2000-ish runs.
    assert!(close(Some(expected.par), 2002.0));
    for (race, score) in expected.scores {
        assert!(close(w.score(race).await, score), "race {race}");
    }
}
both_backends!(
    simultaneous_finishes_stay_consistent,
    check_simultaneous_finishes
);
