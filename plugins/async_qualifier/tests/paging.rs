//! The qualifier's run lists come a page at a time, on SQLite and PostgreSQL: every run of a
//! busy qualifier was read and sent in one answer before.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use async_qualifier::{api, repo};
use sdk::{
    auth::GlobalLevel,
    both_backends,
    db::Backend,
    page::{PageRequest, MAX_LIMIT},
    plugin::host::Actor,
    testing::TestDb,
};

async fn check_run_lists_page_with_a_maximum(backend: Backend) {
    let test = TestDb::new(backend).await;
    test.migrate_core().await;
    let platform = test
        .platform_with_plugin(
            async_qualifier::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            async_qualifier::plugin(),
        )
        .await;
    let admin = test.user("admin", GlobalLevel::Superadmin).await;
    let org = test.org(&admin, "League").await;
    platform
        .plugins
        .set_enabled(
            org,
            async_qualifier::PLUGIN_ID,
            true,
            false,
            &Actor {
                user_id: Some(admin.id),
                ip: None,
            },
        )
        .await
        .unwrap();
    let q = sdk::testing::as_caller(&platform, &admin, || {
        api::create_qualifier(
            org,
            "Busy".into(),
            String::new(),
            1,
            -1,
            false,
            true,
            None,
            false,
        )
    })
    .await
    .unwrap();
    let pool = sdk::testing::as_caller(&platform, &admin, || {
        api::create_pool(org, q.id, "Open".into(), String::new())
    })
    .await
    .unwrap();
    let link = sdk::testing::as_caller(&platform, &admin, || {
        api::create_permalink(org, pool.id, "https://alttpr.com/h/a".into(), String::new())
    })
    .await
    .unwrap();
    let runs = MAX_LIMIT as usize + 5;
    let mut conn = test.db.pool().acquire().await.unwrap();
    for i in 0..runs {
        repo::insert_race(
            &mut conn,
            &repo::NewRace {
                qualifier_id: q.id,
                permalink_id: link.id,
                user_id: admin.id,
                opened_at: i64::try_from(i).unwrap(),
                timeout_at: i64::MAX / 2,
            },
        )
        .await
        .unwrap();
    }
    drop(conn);

    let huge = PageRequest {
        limit: Some(u32::MAX),
        before_id: None,
    };
    let first = sdk::testing::as_caller(&platform, &admin, || {
        api::list_races(org, q.id, None, Some(link.id), huge)
    })
    .await
    .unwrap();
    assert_eq!(first.items.len(), MAX_LIMIT as usize);
    let mut seen: BTreeSet<i64> = first.items.iter().map(|r| r.id).collect();
    let mut next = first.next_before_id;
    assert!(next.is_some());
    while let Some(before) = next {
        let page = sdk::testing::as_caller(&platform, &admin, || {
            api::list_races(
                org,
                q.id,
                None,
                Some(link.id),
                PageRequest::after(Some(before)),
            )
        })
        .await
        .unwrap();
        for race in &page.items {
            assert!(seen.insert(race.id), "race {} twice", race.id);
        }
        next = page.next_before_id;
    }
    assert_eq!(seen.len(), runs);
}
both_backends!(
    run_lists_page_with_a_maximum,
    check_run_lists_page_with_a_maximum
);
