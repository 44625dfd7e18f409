//! The async qualifier's news: a reviewed run and a timeout warning reach the runner once,
//! unless they opted out, and only for runs of the event's own organization.

use async_qualifier::events::{RaceReviewed, TimeoutWarning};
use sdk::{db::Backend, time::now_ms};
use testkit::both_backends;

use super::*;

/// A qualifier "Qualifier" of `org` with one pending run of `user`; the run's id.
async fn run_of(w: &World, org: i64, user: &CurrentUser) -> i64 {
    // not audited: a test fixture, as if the runner had opened the run.
    let db = w.test.db.pool();
    let (q,): (i64,) = sqlx::query_as(
        "INSERT INTO async_qualifiers (organization_id, name, created_at, updated_at)
         VALUES ($1, 'Qualifier', 0, 0) RETURNING id",
    )
    .bind(org)
    .fetch_one(db)
    .await
    .unwrap();
    let (pool,): (i64,) = sqlx::query_as(
        "INSERT INTO async_qualifier_pools (qualifier_id, name, created_at) VALUES ($1, 'P', 0)
         RETURNING id",
    )
    .bind(q)
    .fetch_one(db)
    .await
    .unwrap();
    let (link,): (i64,) = sqlx::query_as(
        "INSERT INTO async_qualifier_permalinks (pool_id, url, created_at)
         VALUES ($1, 'https://example.test/seed', 0) RETURNING id",
    )
    .bind(pool)
    .fetch_one(db)
    .await
    .unwrap();
    let (race,): (i64,) = sqlx::query_as(
        "INSERT INTO async_qualifier_races (qualifier_id, permalink_id, user_id, thread_open_time,
            thread_timeout_time, status, created_at, updated_at)
         VALUES ($1, $2, $3, 0, 0, 'pending', 0, 0) RETURNING id",
    )
    .bind(q)
    .bind(link)
    .bind(user.id)
    .fetch_one(db)
    .await
    .unwrap();
    race
}

/// As the qualifier does (its review, its timeout warning): staged inside its own transaction,
/// published after the commit.
async fn stage<E: sdk::events::Event>(w: &World, org: i64, event: E) {
    let mut tx = w.platform.db.begin().await.unwrap();
    let staged = w
        .platform
        .events
        .stage(&mut tx, Some(org), None, event)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for task in w.platform.events.publish(staged) {
        task.await.unwrap();
    }
}

fn reviewed(race_id: i64, status: &str) -> RaceReviewed {
    RaceReviewed {
        qualifier_id: 0,
        race_id,
        reviewer_id: 0,
        review_status: status.into(),
        elapsed_override_seconds: None,
    }
}

async fn check_runners_hear_reviews_and_timeouts_once(backend: Backend) {
    let w = world(backend).await;
    let ada = w.player("ada", "1001").await;
    let bob = w.player("bob", "1002").await;
    w.subscribe(&bob, w.org, "async_timeout_warning", false)
        .await;
    let (ada_run, bob_run) = (run_of(&w, w.org, &ada).await, run_of(&w, w.org, &bob).await);

    // A verdict changed and changed back: each review is news (keys name their cause).
    for verdict in ["accepted", "rejected", "accepted"] {
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        stage(&w, w.org, reviewed(ada_run, verdict)).await;
    }
    let deadline = now_ms() + HOUR;
    for race_id in [ada_run, bob_run] {
        let user_id = if race_id == ada_run { ada.id } else { bob.id };
        let warning = TimeoutWarning {
            qualifier_id: 0,
            race_id,
            user_id,
            timeout_at: deadline,
        };
        stage(&w, w.org, warning).await;
    }
    // Another organization's event naming the league's run finds nothing.
    let other = w.other_org("Elsewhere").await;
    w.world
        .set_enabled_in(other, notifications::PLUGIN_ID, true)
        .await;
    stage(&w, other, reviewed(bob_run, "rejected")).await;

    assert_eq!(
        w.outbox(w.org).await,
        vec![
            (ada.id, "async_race_reviewed".into(), "pending".into()),
            (ada.id, "async_race_reviewed".into(), "pending".into()),
            (ada.id, "async_race_reviewed".into(), "pending".into()),
            (ada.id, "async_timeout_warning".into(), "pending".into()),
        ]
    );
    assert!(w.outbox(other).await.is_empty());
    w.svc.deliver_due(now_ms()).await.unwrap();
    let dms = w.fake.dms();
    assert_eq!(w.dm_recipients(), ["1001", "1001", "1001", "1001"]);
    assert_eq!(
        dms[0].embed.clone().unwrap().0,
        "Your Qualifier run was reviewed"
    );
    assert!(dms[3].embed.clone().unwrap().1.contains("forfeited"));
}

both_backends!(
    runners_hear_reviews_and_timeouts_once,
    check_runners_hear_reviews_and_timeouts_once
);

/// The qualifier's own 60-second pass warns a pending run: the runner's message is in the outbox
/// as soon as the run is marked warned (queued in that transaction), and a second pass queues
/// nothing more.
async fn check_the_qualifiers_warning_is_queued_with_its_mark(backend: Backend) {
    let w = world(backend).await;
    w.world.set_enabled(async_qualifier::PLUGIN_ID, true).await;
    let ada = w.player("ada", "1001").await;
    let run = run_of(&w, w.org, &ada).await;
    let now = now_ms();
    // not audited: a test fixture, the run's deadline five minutes away.
    sqlx::query("UPDATE async_qualifier_races SET thread_timeout_time = $1 WHERE id = $2")
        .bind(now + 5 * MIN)
        .bind(run)
        .execute(w.test.db.pool())
        .await
        .unwrap();
    let qualifiers = async_qualifier::service::Qualifiers::from_platform(&w.platform);
    let (warned, forfeited) = qualifiers.run_timeouts(now, None).await.unwrap();
    assert_eq!((warned, forfeited), (1, 0));
    assert_eq!(
        w.outbox(w.org).await,
        vec![(ada.id, "async_timeout_warning".into(), "pending".into())]
    );
    let (warned, _) = qualifiers.run_timeouts(now + MIN, None).await.unwrap();
    assert_eq!(warned, 0);
    assert_eq!(w.outbox_count().await, 1);
}

both_backends!(
    the_qualifiers_warning_is_queued_with_its_mark,
    check_the_qualifiers_warning_is_queued_with_its_mark
);
