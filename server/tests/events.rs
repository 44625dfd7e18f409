//! The event bus between running servers: system events reach listeners (both databases), and
//! on PostgreSQL an event emitted on one instance reaches the other instance's listeners once,
//! while its own listeners also get it exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use common::{test_config, TestApp};
use sdk::{
    auth::GlobalLevel, db::Backend, events::system::PluginDisabled, events::system::PluginEnabled,
    events::Event,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use testkit::{both_backends, TestDb};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Hello {
    text: String,
}

impl Event for Hello {
    const NAME: &'static str = "test.hello";
}

type Seen = Arc<Mutex<Vec<String>>>;

fn record<E: Event>(bus: &sdk::events::EventBus, owner: &str, seen: &Seen, show: fn(&E) -> String) {
    let seen = Arc::clone(seen);
    bus.listen::<E, _, _>(owner, move |env| {
        let seen = Arc::clone(&seen);
        async move {
            seen.lock()
                .unwrap()
                .push(format!("{:?} {}", env.org_id, show(&env.event)));
            Ok(())
        }
    });
}

/// Waits until `seen` holds `n` entries (listeners run in their own tasks), then a little more
/// to catch duplicates.
async fn settle(seen: &Seen, n: usize) -> Vec<String> {
    for _ in 0..200 {
        if seen.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut out = seen.lock().unwrap().clone();
    out.sort();
    out
}

async fn check_plugin_enablement_is_announced(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("owner", GlobalLevel::Superadmin).await;
    let org = app
        .ok(&owner, "create_organization", json!({"name": "Evented"}))
        .await["id"]
        .as_i64()
        .unwrap();
    let seen: Seen = Arc::default();
    let bus = &app.server.platform.events;
    record::<PluginEnabled>(bus, "test", &seen, |e| format!("on {}", e.plugin_id));
    record::<PluginDisabled>(bus, "test", &seen, |e| format!("off {}", e.plugin_id));
    app.ok(
        &owner,
        "set_plugin_enabled",
        json!({"org_id": org, "plugin_id": "notes", "enabled": true}),
    )
    .await;
    app.ok(
        &owner,
        "set_plugin_enabled",
        json!({"org_id": org, "plugin_id": "notes", "enabled": false}),
    )
    .await;
    assert_eq!(
        settle(&seen, 2).await,
        [
            format!("Some({org}) off notes"),
            format!("Some({org}) on notes")
        ]
    );
    let recent = bus.recent_events();
    assert!(recent
        .iter()
        .any(|e| e.name == "core.plugin_enabled" && e.actor == Some(owner.id)));
    assert!(recent.iter().any(|e| e.name == "core.app_started"));
    app.stop().await;
}
both_backends!(
    plugin_enablement_is_announced,
    check_plugin_enablement_is_announced
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_cross_instances_on_postgres_once_each() {
    let test_db = TestDb::new(Backend::Postgres).await;
    let first = server::start(test_config(&test_db.url)).await.unwrap();
    let second = server::start(test_config(&test_db.url)).await.unwrap();
    let seen_first: Seen = Arc::default();
    let seen_second: Seen = Arc::default();
    record::<Hello>(&first.platform.events, "test", &seen_first, |e| {
        e.text.clone()
    });
    record::<Hello>(&second.platform.events, "test", &seen_second, |e| {
        e.text.clone()
    });
    // The relay's LISTEN is in place once `start` returns; give the notification a moment.
    first.platform.events.emit(
        Some(7),
        Some(1),
        Hello {
            text: "from first".into(),
        },
    );
    second.platform.events.emit(
        None,
        None,
        Hello {
            text: "from second".into(),
        },
    );
    let expected = [
        "None from second".to_string(),
        "Some(7) from first".to_string(),
    ];
    assert_eq!(settle(&seen_first, 2).await, expected);
    assert_eq!(settle(&seen_second, 2).await, expected);
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

/// Two servers on one PostgreSQL database: switching a plugin on through one is seen by the other
/// at once (its cached answer is dropped by the relayed event, not after the cache's lifetime).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enablement_changes_reach_other_instances_at_once() {
    let test_db = TestDb::new(Backend::Postgres).await;
    let first = server::start(test_config(&test_db.url)).await.unwrap();
    let second = server::start(test_config(&test_db.url)).await.unwrap();
    let owner = platform::identity::users::create(&first.db, "owner", GlobalLevel::Superadmin)
        .await
        .unwrap();
    let owner = sdk::auth::CurrentUser {
        id: owner.id,
        username: owner.username,
        display_name: None,
        level: GlobalLevel::Superadmin,
        impersonated_by: None,
    };
    let org = platform::identity::orgs::create(&first.db, &owner, "Shared", "", None)
        .await
        .unwrap()
        .id;
    // The second instance caches "notes is off" for the organization.
    assert!(!second
        .platform
        .plugins
        .is_enabled(org, "notes")
        .await
        .unwrap());
    first
        .platform
        .plugins
        .set_enabled(org, "notes", true, false, &Default::default())
        .await
        .unwrap();
    let mut seen = false;
    for _ in 0..100 {
        if second
            .platform
            .plugins
            .is_enabled(org, "notes")
            .await
            .unwrap()
        {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seen, "the second instance still serves its cached answer");
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

/// A role given through one instance counts on the other at once, not after the authorizer's
/// 30-second cache lifetime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_changes_reach_other_instances_at_once() {
    let test_db = TestDb::new(Backend::Postgres).await;
    let first = server::start(test_config(&test_db.url)).await.unwrap();
    let second = server::start(test_config(&test_db.url)).await.unwrap();
    let user = |name: &'static str, level| {
        let db = first.db.clone();
        async move {
            let u = platform::identity::users::create(&db, name, level)
                .await
                .unwrap();
            sdk::auth::CurrentUser {
                id: u.id,
                username: u.username,
                display_name: None,
                level,
                impersonated_by: None,
            }
        }
    };
    let owner = user("owner", GlobalLevel::Superadmin).await;
    let member = user("member", GlobalLevel::User).await;
    let org = platform::identity::orgs::create(&first.db, &owner, "Shared", "", None)
        .await
        .unwrap()
        .id;
    platform::identity::orgs::add_member(
        &first.db,
        &first.platform.authorizer,
        &owner,
        org,
        member.id,
        None,
    )
    .await
    .unwrap();
    // The second instance caches the member's (empty) rights.
    assert!(!second
        .platform
        .authorizer
        .allowed(&member, org, "member:invite")
        .await
        .unwrap());
    platform::identity::roles::assign(
        &first.db,
        &first.platform.authorizer,
        &owner,
        org,
        member.id,
        "Admin",
        None,
    )
    .await
    .unwrap();
    let mut allowed = false;
    for _ in 0..100 {
        if second
            .platform
            .authorizer
            .allowed(&member, org, "member:invite")
            .await
            .unwrap()
        {
            allowed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        allowed,
        "the second instance still serves its cached decision"
    );
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}
