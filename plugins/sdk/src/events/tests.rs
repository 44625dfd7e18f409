//! The bus's tests: delivery and isolation of listeners, in-transaction listeners, relaying.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
struct Ping(u32);
impl Event for Ping {
    const NAME: &'static str = "test.ping";
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
struct Other;
impl Event for Other {
    const NAME: &'static str = "test.other";
}

#[tokio::test]
async fn listeners_get_their_events_and_failures_are_isolated() {
    let bus = EventBus::default();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    bus.listen::<Ping, _, _>("good", move |env| {
        let counter = Arc::clone(&counter);
        async move {
            assert_eq!(env.org_id, Some(7));
            counter.fetch_add(env.event.0 as usize, Ordering::SeqCst);
            Ok(())
        }
    });
    bus.listen::<Ping, _, _>("panics", |_env| async move {
        if true {
            panic!("listener bug");
        }
        Ok(())
    });
    bus.listen::<Ping, _, _>("fails", |_env| async move { Err(Error::conflict("nope")) });
    let also = Arc::clone(&seen);
    bus.listen::<Other, _, _>("other", move |_env| {
        let also = Arc::clone(&also);
        async move {
            also.fetch_add(100, Ordering::SeqCst);
            Ok(())
        }
    });

    for task in bus.emit(Some(7), Some(1), Ping(2)) {
        task.await.unwrap();
    }
    assert_eq!(
        seen.load(Ordering::SeqCst),
        2,
        "only Ping listeners ran, the good one once"
    );
    let failures = bus.recent_failures();
    let mut who: Vec<(&str, &str)> = failures
        .iter()
        .map(|f| (f.listener.as_str(), f.error.as_str()))
        .collect();
    who.sort();
    assert_eq!(who, [("fails", "nope"), ("panics", "panicked")]);
    assert_eq!(bus.recent_events()[0].name, "test.ping");
    assert_eq!(bus.recent_events()[0].listeners, 3);

    bus.remove_owner("good");
    for task in bus.emit(None, None, Ping(5)) {
        task.await.unwrap();
    }
    assert_eq!(
        seen.load(Ordering::SeqCst),
        2,
        "removed listener no longer runs"
    );
}

/// In-transaction listeners write with the cause: committed together, rolled back together,
/// and a listener's error reaches the caller so it can roll back. `publish` then delivers.
#[tokio::test]
async fn in_transaction_listeners_commit_and_roll_back_with_their_cause() {
    let dir = std::env::temp_dir().join(format!("sdk-events-{}", rand::random::<u64>()));
    let db = crate::db::Db::connect(&format!("sqlite://{}", dir.join("x.db").display()))
        .await
        .unwrap();
    sqlx::query("CREATE TABLE outbox (n INTEGER NOT NULL)")
        .execute(db.pool())
        .await
        .unwrap();
    let bus = EventBus::default();
    bus.listen_in_tx::<Ping, _>("outbox", |conn, env| {
        Box::pin(async move {
            if env.event.0 == 13 {
                return Err(Error::conflict("unlucky"));
            }
            sqlx::query("INSERT INTO outbox (n) VALUES ($1)")
                .bind(i64::from(env.event.0))
                .execute(&mut *conn)
                .await?;
            Ok(())
        })
    });
    let delivered = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&delivered);
    bus.listen::<Ping, _, _>("after", move |_env| {
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    let count = |db: crate::db::Db| async move {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox")
            .fetch_one(db.pool())
            .await
            .unwrap()
    };

    // Committed: the row stays, and publishing reaches the ordinary listener.
    let mut tx = db.begin().await.unwrap();
    let staged = bus.stage(&mut tx, Some(1), None, Ping(1)).await.unwrap();
    tx.commit().await.unwrap();
    for task in bus.publish(staged) {
        task.await.unwrap();
    }
    assert_eq!(count(db.clone()).await, 1);
    assert_eq!(delivered.load(Ordering::SeqCst), 1);

    // Rolled back after staging: the listener's row goes with the cause.
    let mut tx = db.begin().await.unwrap();
    bus.stage(&mut tx, Some(1), None, Ping(2)).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(count(db.clone()).await, 1);

    // A failing listener's error comes back to the emitter.
    let mut tx = db.begin().await.unwrap();
    let err = bus
        .stage(&mut tx, Some(1), None, Ping(13))
        .await
        .unwrap_err();
    assert!(err.message().contains("unlucky"));
    tx.rollback().await.unwrap();
    assert_eq!(count(db.clone()).await, 1);

    // Removed with its owner.
    bus.remove_owner("outbox");
    let mut tx = db.begin().await.unwrap();
    bus.stage(&mut tx, Some(1), None, Ping(3)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(db).await, 1);
    std::fs::remove_dir_all(dir).ok();
}
