//! The server functions themselves, on SQLite and PostgreSQL: called as the server calls them
//! (a Platform and the request's caller in the reactive context), so the guard, the actions,
//! the DTOs (RFC 3339 instants, unrounded scores) and the error kinds are what a client gets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_qualifier::{api, model::RaceStatus};
use sdk::db::Backend;
use testkit::{both_backends, PluginWorld};

async fn world(backend: Backend) -> PluginWorld {
    testkit::plugin_world!(async_qualifier, backend).await
}

async fn check_end_to_end_through_the_api(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let admin = w.admin.clone();
    let ada = w.member("ada", &[]).await;
    let bob = w.member("bob", &[]).await;

    // Off for the organization: NotEnabled (HTTP 404) with the plugin's name.
    let err = w
        .call(&ada, || api::list_qualifiers(org, Default::default()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "NotEnabled");
    assert!(
        err.message().contains("Async Qualifiers"),
        "{}",
        err.message()
    );
    w.set_enabled(async_qualifier::PLUGIN_ID, true).await;

    // Plain members run but do not create; bad input names the field.
    let err = w
        .call(&ada, || {
            api::create_qualifier(
                org,
                "Q".into(),
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
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    let err = w
        .call(&admin, || {
            api::create_qualifier(
                org,
                "Q".into(),
                String::new(),
                0,
                -1,
                false,
                true,
                None,
                false,
            )
        })
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("runs_per_pool"));
    let q = w
        .call(&admin, || {
            api::create_qualifier(
                org,
                "Spring".into(),
                "Two pools".into(),
                1,
                -1,
                true,
                true,
                None,
                false,
            )
        })
        .await
        .unwrap();
    assert!(q.can_manage);
    // Instants are RFC 3339 UTC on the wire.
    let wire = serde_json::to_value(&q).unwrap();
    assert!(
        wire["created_at"].as_str().unwrap().ends_with('Z'),
        "{wire}"
    );
    let pool = w
        .call(&admin, || {
            api::create_pool(org, q.id, "Open".into(), String::new())
        })
        .await
        .unwrap();
    let dup = w
        .call(&admin, || {
            api::create_pool(org, q.id, "Open".into(), String::new())
        })
        .await
        .unwrap_err();
    assert_eq!(dup.kind(), "Conflict");
    let bad = w
        .call(&admin, || {
            api::create_permalink(org, pool.id, "not a link".into(), String::new())
        })
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("url"));
    for seed in ["a", "b"] {
        w.call(&admin, || {
            api::create_permalink(
                org,
                pool.id,
                format!("https://alttpr.com/h/{seed}"),
                String::new(),
            )
        })
        .await
        .unwrap();
    }

    // Members see the pools without the seeds, with their runs left.
    let pools = w
        .call(&ada, || api::list_pools(org, q.id, Default::default()))
        .await
        .unwrap()
        .items;
    assert_eq!(pools[0].remaining_runs, 1);
    assert!(pools[0].permalinks.iter().all(|l| l.url.is_empty()));

    // Ada runs: start → ready (start time 10 s later, RFC 3339) → finish.
    let started = w
        .call(&ada, || api::start_run(org, q.id, pool.id))
        .await
        .unwrap();
    assert_eq!(started.status, RaceStatus::Pending);
    assert!(started.permalink_url.starts_with("https://alttpr.com/h/"));
    let ready = w
        .call(&ada, || api::ready_run(org, started.race_id))
        .await
        .unwrap();
    let (start, server_now) = (ready.start_time, ready.server_now);
    assert!(
        (start - server_now - 10_000).abs() < 1_000,
        "countdown of 10 s"
    );
    // Finishing during the countdown is refused.
    let early = w
        .call(&ada, || api::finish_run(org, started.race_id))
        .await
        .unwrap_err();
    assert_eq!(early.kind(), "Conflict");
    // Bob cannot touch Ada's run, and does not see her seed.
    let err = w
        .call(&bob, || api::forfeit_run(org, started.race_id))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    let seen = w
        .call(&bob, || api::get_race(org, started.race_id))
        .await
        .unwrap();
    assert_eq!(seen.permalink_url, None);
    // Move the start back so the run can finish now (the clock is the server's).
    sqlx::query("UPDATE async_qualifier_races SET start_time = start_time - 3600000 WHERE id = $1")
        .bind(started.race_id)
        .execute(w.test.db.pool())
        .await
        .unwrap();
    let done = w
        .call(&ada, || api::finish_run(org, started.race_id))
        .await
        .unwrap();
    assert_eq!(done.status, RaceStatus::Finished);
    assert!(done.elapsed_seconds.unwrap() > 3500.0);
    assert!(
        (done.score.unwrap() - 100.0).abs() < 1e-9,
        "alone on the seed: par"
    );
    let long_notes = "x".repeat(4001);
    let err = w
        .call(&ada, || {
            api::submit_vod(org, started.race_id, String::new(), long_notes)
        })
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("notes"));

    // hide_results on an active qualifier: members see an empty, hidden board; managers see it.
    let hidden = w
        .call(&bob, || api::leaderboard(org, q.id, None, None))
        .await
        .unwrap();
    assert!(hidden.hidden && hidden.entries.is_empty());
    let board = w
        .call(&admin, || api::leaderboard(org, q.id, None, None))
        .await
        .unwrap();
    assert!(!board.hidden);
    assert_eq!(board.entries.len(), 1);
    assert_eq!(board.entries[0].display_name, "ada");
    assert_eq!(board.entries[0].rank, 1);
    // Others' results are hidden in run lists too; one's own are not.
    let races = w
        .call(&bob, || {
            api::list_races(org, q.id, None, None, Default::default())
        })
        .await
        .unwrap()
        .items;
    assert_eq!(races[0].score, None);
    let mine = w
        .call(&ada, || {
            api::list_races(org, q.id, Some(ada.id), None, Default::default())
        })
        .await
        .unwrap()
        .items;
    assert!(mine[0].score.is_some());

    // Review: members may not; the queue and recalculation are for their roles.
    let err = w
        .call(&bob, || api::review_queue(org, q.id, Default::default()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    assert_eq!(
        w.call(&admin, || api::review_queue(org, q.id, Default::default()))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert_eq!(
        w.call(&admin, || api::recalculate(org, q.id))
            .await
            .unwrap(),
        1
    );
    let log = w
        .call(&admin, || {
            api::audit_log(org, q.id, sdk::page::PageRequest::default())
        })
        .await
        .unwrap();
    assert!(log
        .items
        .iter()
        .any(|e| e.action == "async_qualifier.race_finish"));
    let rights = w.call(&ada, || api::my_rights(org)).await.unwrap();
    assert!(!rights.create && !rights.manage && !rights.review);

    // The dashboard: Ada has used the pool; Bob may start.
    let dash = w.call(&ada, || api::dashboard(org, q.id)).await.unwrap();
    assert_eq!(dash.pools[0].remaining_runs, 0);
    assert_eq!(dash.my_races.len(), 1);
    let dash = w.call(&bob, || api::dashboard(org, q.id)).await.unwrap();
    assert_eq!(dash.can_start, Ok(()));
}
both_backends!(end_to_end_through_the_api, check_end_to_end_through_the_api);
