//! The qualifier's run lists come a page at a time, on SQLite and PostgreSQL: every run of a
//! busy qualifier was read and sent in one answer before.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use async_qualifier::{api, repo};
use sdk::{db::Backend, page::PageRequest, page::MAX_LIMIT};
use testkit::{both_backends, PluginWorld};

/// The plugin's world with the plugin on in its organization.
async fn world(backend: Backend) -> PluginWorld {
    let w = testkit::plugin_world!(async_qualifier, backend).await;
    w.set_enabled(async_qualifier::PLUGIN_ID, true).await;
    w
}

async fn check_run_lists_page_with_a_maximum(backend: Backend) {
    let w = world(backend).await;
    let (test, admin, org) = (&w.test, &w.admin, w.org);
    let q = w
        .call(admin, || {
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
    let pool = w
        .call(admin, || {
            api::create_pool(org, q.id, "Open".into(), String::new())
        })
        .await
        .unwrap();
    let link = w
        .call(admin, || {
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
    let first = w
        .call(admin, || {
            api::list_races(org, q.id, None, Some(link.id), huge)
        })
        .await
        .unwrap();
    assert_eq!(first.items.len(), MAX_LIMIT as usize);
    let mut seen: BTreeSet<i64> = first.items.iter().map(|r| r.id).collect();
    let mut next = first.next_before_id;
    assert!(next.is_some());
    while let Some(before) = next {
        let page = w
            .call(admin, || {
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

/// The qualifier's log pages through the organization's whole history: entries naming the
/// qualifier come newest first, each once, however many other entries lie between them (more
/// than one page's scan).
async fn check_the_qualifier_log_pages_through_all_history(backend: Backend) {
    let w = world(backend).await;
    let (test, admin, org) = (&w.test, &w.admin, w.org);
    let q = w
        .call(admin, || {
            api::create_qualifier(
                org,
                "Logged".into(),
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
        .unwrap()
        .id;
    // What creating it logged: the oldest entries naming it.
    let created: Vec<i64> = w
        .call(admin, || api::audit_log(org, q, PageRequest::default()))
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.id)
        .collect();
    // 300 entries naming this qualifier, the oldest 100 of them behind 2 500 naming another.
    let mut expected = Vec::new();
    let mut tx = test.db.begin().await.unwrap();
    for n in 0..2_800_i64 {
        let qualifier = if !(100..2_600).contains(&n) { q } else { q + 1 };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO audit_logs (user_id, organization_id, action, details, created_at)
             VALUES (NULL, $1, 'async_qualifier.race_finish', $2, $3) RETURNING id",
        )
        .bind(org)
        .bind(serde_json::json!({"qualifier_id": qualifier, "n": n}).to_string())
        .bind(n)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        if qualifier == q {
            expected.push(id);
        }
    }
    tx.commit().await.unwrap();
    expected.reverse();
    expected.extend(created);
    let mut seen = Vec::new();
    let mut request = PageRequest::default();
    for _ in 0..50 {
        let page = w
            .call(admin, || api::audit_log(org, q, request))
            .await
            .unwrap();
        assert!(page.items.len() <= request.limit() as usize);
        seen.extend(page.items.iter().map(|e| e.id));
        match page.next_before_id {
            Some(next) => request = PageRequest::after(Some(next)),
            None => break,
        }
    }
    assert_eq!(
        seen, expected,
        "every entry naming the qualifier, newest first, once"
    );
}
both_backends!(
    the_qualifier_log_pages_through_all_history,
    check_the_qualifier_log_pages_through_all_history
);
