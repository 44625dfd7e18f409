//! Timeouts on a chosen clock, on SQLite and PostgreSQL: the 60-second task warns a pending
//! run once and forfeits it, forfeits a run in progress after 12 hours, and posts the warning in
//! the qualifier's Discord channel once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use testkit::platform;

use async_qualifier::{
    repo::RaceFilter,
    rules::{self, RaceStatus},
};
use common::{actor, fake_discord, input, world, MIN, T0};
use platform::tasks::engine::Scheduler;
use sdk::db::Backend;
use testkit::both_backends;

async fn check_timeouts(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Clock", 1, -1).await;
    let (pool, _) = w.pool(q, "P", 2).await;
    let slow = w.member("slow", &[]).await;
    let pending = w
        .svc
        .start_run(w.org, &actor(&slow), q, pool, T0)
        .await
        .unwrap();

    // The scheduler ticks every minute from T0 to T0 + 21 min: warning once at +10, forfeit at +20.
    let scheduler = Scheduler::with(w.test.db.clone(), Arc::clone(w.plugins()), "a".into());
    let mut warned_at = None;
    for minute in 0..=21 {
        let now = T0 + minute * MIN;
        scheduler.tick_at(now).await.unwrap().finished().await;
        let race = w.svc.race(w.org, pending.id).await.unwrap();
        if warned_at.is_none() && race.warned_at.is_some() {
            warned_at = Some(minute);
        }
        if minute < 20 {
            assert_eq!(race.status, RaceStatus::Pending, "minute {minute}");
        }
    }
    assert_eq!(warned_at, Some(10), "warned at open + 10 min");
    let race = w.svc.race(w.org, pending.id).await.unwrap();
    assert_eq!(race.status, RaceStatus::Forfeit);
    let count = |action: &'static str| {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_logs WHERE action = $1")
            .bind(action)
            .fetch_one(w.test.db.pool())
    };
    let n = count("async_qualifier.timeout_warning").await.unwrap();
    assert_eq!(n, 1, "the warning is sent once");
    assert_eq!(count("async_qualifier.race_timeout").await.unwrap(), 1);
}
both_backends!(timeouts_on_a_chosen_clock, check_timeouts);

async fn check_a_run_in_progress_times_out_after_12_hours(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Clock", 1, -1).await;
    let (pool, _) = w.pool(q, "P", 2).await;
    let runner = w.member("runner", &[]).await;
    let (running, start) = w.begin(&runner, q, pool, T0).await;
    // The run in progress survives until start + 12 h.
    let (w1, f1) = w
        .svc
        .run_timeouts(start + rules::IN_PROGRESS_TIMEOUT_MS - 1, None)
        .await
        .unwrap();
    assert_eq!((w1, f1), (0, 0));
    assert_eq!(
        w.svc.race(w.org, running).await.unwrap().status,
        RaceStatus::InProgress
    );
    let (_, f2) = w
        .svc
        .run_timeouts(start + rules::IN_PROGRESS_TIMEOUT_MS, None)
        .await
        .unwrap();
    assert_eq!(f2, 1);
    assert_eq!(
        w.svc.race(w.org, running).await.unwrap().status,
        RaceStatus::Forfeit
    );
}
both_backends!(
    a_run_in_progress_times_out_after_12_hours,
    check_a_run_in_progress_times_out_after_12_hours
);

async fn check_a_timed_out_run_uses_the_pool(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Clock", 1, -1).await;
    let (pool, _) = w.pool(q, "P", 2).await;
    let slow = w.member("slow", &[]).await;
    w.svc
        .start_run(w.org, &actor(&slow), q, pool, T0)
        .await
        .unwrap();
    assert_eq!(
        w.svc.run_timeouts(T0 + 20 * MIN, None).await.unwrap(),
        (0, 1)
    );
    // A timed-out run used the runner's only run in the pool.
    let late = w
        .svc
        .start_run(w.org, &actor(&slow), q, pool, T0 + 100 * MIN)
        .await;
    assert!(late.is_err());
}
both_backends!(
    a_timed_out_run_uses_the_pool,
    check_a_timed_out_run_uses_the_pool
);

async fn check_warning_posted_once(backend: Backend) {
    let w = world(backend).await;
    let (url, seen) = fake_discord().await;
    w.plugins()
        .bot()
        .set_rest(Some(sdk::bot::DiscordRest::new(url, "token")));
    // The channel is in the organization's linked server (the stand-in says so).
    w.link_guild("130000000000000001", w.org).await;
    let mut with_channel = input("Posted", 1, -1);
    with_channel.discord_channel_id = "123456789012".into();
    let q = w
        .svc
        .create_qualifier(w.org, &w.admin(), &with_channel, T0)
        .await
        .unwrap()
        .id;
    let (pool, _) = w.pool(q, "P", 1).await;
    let r = w.member("waiter", &[]).await;
    w.svc
        .start_run(w.org, &actor(&r), q, pool, T0)
        .await
        .unwrap();
    for minute in [10, 11, 12, 15] {
        let (warned, _) = w
            .svc
            .run_timeouts(T0 + minute * MIN, Some(&w.plugins().bot()))
            .await
            .unwrap();
        assert_eq!(warned, usize::from(minute == 10), "minute {minute}");
    }
    // The Discord adapters find qualifiers by channel and runs by thread.
    assert_eq!(
        w.svc
            .qualifier_by_channel(w.org, "123456789012")
            .await
            .unwrap()
            .id,
        q
    );
    let race = w.svc.races(w.org, q, RaceFilter::default()).await.unwrap()[0].id;
    w.svc
        .set_discord_thread(w.org, &w.admin(), race, "777777777", T0)
        .await
        .unwrap();
    assert_eq!(
        w.svc.race_by_thread(w.org, "777777777").await.unwrap().id,
        race
    );
    assert_eq!(
        w.svc.race_by_thread(w.org, "1").await.unwrap_err().kind(),
        "NotFound"
    );
    // (The channel lookups are GETs.)
    let posts: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|p| p.starts_with("POST "))
        .cloned()
        .collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert!(
        posts[0].starts_with("POST /api/v10/channels/123456789012/messages"),
        "{}",
        posts[0]
    );
    assert!(posts[0].contains("10 minutes"), "{}", posts[0]);
}
both_backends!(
    timeout_warning_posted_once_in_the_channel,
    check_warning_posted_once
);
