//! A run from start to finish on SQLite and PostgreSQL, through the service: who may start one
//! and on which seed (pool balancing), reattempt limits, RaceTime.gg required, and the Discord
//! thread a run is linked to.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use async_qualifier::{
    rules::{self, RaceStatus},
    service::QualifierInput,
};
use common::{actor, input, world, World, MIN, T0};
use sdk::{auth::CurrentUser, db::Backend};
use testkit::both_backends;
use testkit::platform;

/// A qualifier with one pool of one seed, and six members.
async fn eligibility_world(backend: Backend) -> (World, i64, i64, Vec<i64>, Vec<CurrentUser>) {
    let w = world(backend).await;
    let q = w.qualifier("Eligible", 1, -1).await;
    let (pool, links) = w.pool(q, "P", 1).await;
    let runners = w.members("e", 6).await;
    (w, q, pool, links, runners)
}

/// A live run blocks a second one.
async fn check_a_live_run_blocks_a_second_one(backend: Backend) {
    let (w, q, pool, _, runners) = eligibility_world(backend).await;
    w.begin(&runners[0], q, pool, T0).await;
    let (other_pool, _) = w.pool(q, "Other", 2).await;
    let err = w
        .svc
        .start_run(w.org, &actor(&runners[0]), q, other_pool, T0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Conflict");
}
both_backends!(
    a_live_run_blocks_a_second_one,
    check_a_live_run_blocks_a_second_one
);

/// The pool is used up for a runner who ran it (runs_per_pool 1), and the pools say so.
async fn check_a_used_up_pool_is_refused(backend: Backend) {
    let (w, q, pool, _, runners) = eligibility_world(backend).await;
    let (live, _) = w.begin(&runners[0], q, pool, T0).await;
    let (other_pool, _) = w.pool(q, "Other", 2).await;
    w.svc
        .finish_run(w.org, &actor(&runners[0]), live, T0 + 60 * MIN)
        .await
        .unwrap();
    let err = w
        .svc
        .start_run(w.org, &actor(&runners[0]), q, pool, T0)
        .await
        .unwrap_err();
    assert!(err.message().contains("all 1"), "{}", err.message());
    let pools = w
        .svc
        .pools(w.org, q, Some(runners[0].id), &Default::default())
        .await
        .unwrap();
    assert_eq!(
        pools
            .items
            .iter()
            .map(|(p, _, left)| (p.id, *left))
            .collect::<Vec<_>>(),
        [(other_pool, 1), (pool, 0)]
    );
}
both_backends!(a_used_up_pool_is_refused, check_a_used_up_pool_is_refused);

/// Not a member: refused. A pool of another qualifier: refused with the field to fix.
async fn check_strangers_and_foreign_pools_are_refused(backend: Backend) {
    let (w, q, pool, _, runners) = eligibility_world(backend).await;
    let stranger = w.user("stranger").await;
    let err = w
        .svc
        .start_run(w.org, &actor(&stranger), q, pool, T0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    let q2 = w.qualifier("Second", 1, -1).await;
    let err = w
        .svc
        .start_run(w.org, &actor(&runners[1]), q2, pool, T0)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("pool_id"));
}
both_backends!(
    strangers_and_foreign_pools_are_refused,
    check_strangers_and_foreign_pools_are_refused
);

/// Four plays on the first seed, then a second seed appears: spread 4 > 3, so the next runner
/// gets the new seed. Returns runner 4's run there and the new seed.
async fn four_plays_then_a_fresh_seed(
    w: &World,
    q: i64,
    pool: i64,
    runners: &[CurrentUser],
) -> (async_qualifier::repo::RaceRow, i64) {
    for r in &runners[..4] {
        w.run(r, q, pool, T0, 3000.0).await;
    }
    let fresh = w.permalink(pool, "fresh").await;
    let race = w
        .svc
        .start_run(w.org, &actor(&runners[4]), q, pool, T0)
        .await
        .unwrap();
    (race, fresh)
}

async fn check_balancing_forces_the_least_played_seed(backend: Backend) {
    let (w, q, pool, links, runners) = eligibility_world(backend).await;
    let (race, fresh) = four_plays_then_a_fresh_seed(&w, q, pool, &runners).await;
    assert_eq!(race.permalink_id, fresh, "the least played seed is forced");
    assert_ne!(race.permalink_id, links[0]);
}
both_backends!(
    balancing_forces_the_least_played_seed,
    check_balancing_forces_the_least_played_seed
);

/// A reattempt never lands on the same permalink: runner 5 runs the fresh seed (runner 4's run
/// is live there, but counts 4 vs 1 still force it), reattempts, and gets the other.
async fn check_a_reattempt_never_lands_on_the_same_seed(backend: Backend) {
    let (w, q, pool, _, runners) = eligibility_world(backend).await;
    let (race, _) = four_plays_then_a_fresh_seed(&w, q, pool, &runners).await;
    w.svc
        .forfeit_run(w.org, &actor(&runners[4]), race.id, T0 + MIN)
        .await
        .unwrap();
    let first = w.run(&runners[5], q, pool, T0, 3000.0).await;
    let first_link = w.svc.race(w.org, first).await.unwrap().permalink_id;
    w.svc
        .reattempt_race(w.org, &actor(&runners[5]), first, T0 + 100 * MIN)
        .await
        .unwrap();
    let again = w
        .svc
        .start_run(w.org, &actor(&runners[5]), q, pool, T0 + 101 * MIN)
        .await
        .unwrap();
    assert_ne!(again.permalink_id, first_link);
}
both_backends!(
    a_reattempt_never_lands_on_the_same_seed,
    check_a_reattempt_never_lands_on_the_same_seed
);

/// A closed qualifier starts nothing.
async fn check_a_closed_qualifier_starts_nothing(backend: Backend) {
    let (w, q, _, _, runners) = eligibility_world(backend).await;
    let (other_pool, _) = w.pool(q, "Other", 2).await;
    let mut closed = input("Eligible", 1, -1);
    closed.is_active = false;
    w.svc
        .update_qualifier(w.org, &w.admin(), q, &closed, T0)
        .await
        .unwrap();
    let err = w
        .svc
        .start_run(w.org, &actor(&runners[2]), q, other_pool, T0)
        .await
        .unwrap_err();
    assert!(err.message().contains("closed"));
}
both_backends!(
    a_closed_qualifier_starts_nothing,
    check_a_closed_qualifier_starts_nothing
);

async fn check_reattempt_limits(backend: Backend) {
    let w = world(backend).await;
    for (max, allowed) in [(0i64, 0usize), (1, 1), (-1, 4)] {
        let q = w.qualifier(&format!("Re{max}"), 1, max).await;
        let (pool, _) = w.pool(q, "P", 5).await;
        let r = w.member(&format!("re{max}"), &[]).await;
        let mut done = 0;
        for i in 0..4 {
            let race = w.run(&r, q, pool, T0 + i * 100 * MIN, 3000.0).await;
            match w
                .svc
                .reattempt_race(w.org, &actor(&r), race, T0 + i * 100 * MIN + 90 * MIN)
                .await
            {
                Ok(got) => {
                    assert!(got.reattempted);
                    done += 1;
                }
                Err(e) => {
                    assert_eq!(e.kind(), "Conflict", "{}", e.message());
                    break;
                }
            }
        }
        assert_eq!(done, allowed, "max_reattempts {max}");
    }
}
both_backends!(reattempt_limits, check_reattempt_limits);

async fn check_reattempts_of_others_runs_or_twice_are_refused(backend: Backend) {
    let w = world(backend).await;
    // Someone else's run, and a run twice: refused.
    let q = w.qualifier("Others", 1, -1).await;
    let (pool, _) = w.pool(q, "P", 2).await;
    let a = w.member("owner", &[]).await;
    let b = w.member("thief", &[]).await;
    let race = w.run(&a, q, pool, T0, 3000.0).await;
    let err = w
        .svc
        .reattempt_race(w.org, &actor(&b), race, T0 + 200 * MIN)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    w.svc
        .reattempt_race(w.org, &actor(&a), race, T0 + 200 * MIN)
        .await
        .unwrap();
    assert!(w
        .svc
        .reattempt_race(w.org, &actor(&a), race, T0 + 201 * MIN)
        .await
        .is_err());
}
both_backends!(
    reattempts_of_others_runs_or_twice_are_refused,
    check_reattempts_of_others_runs_or_twice_are_refused
);

/// A qualifier that requires RaceTime.gg refuses players without a linked account and lets
/// them start once they link one (through the same SDK call the account page's link uses).
async fn check_racetime_required(backend: Backend) {
    let w = world(backend).await;
    let q = w
        .svc
        .create_qualifier(
            w.org,
            &w.admin(),
            &QualifierInput {
                require_racetime: true,
                ..input("Linked only", 1, -1)
            },
            T0,
        )
        .await
        .unwrap()
        .id;
    let (pool, _) = w.pool(q, "P", 2).await;
    let runner = w.member("runner", &[]).await;
    let err = w
        .svc
        .start_run(w.org, &actor(&runner), q, pool, T0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Invalid", "{err:?}");
    assert_eq!(err.message(), rules::RACETIME_REQUIRED);
    // Nothing was opened.
    assert!(w
        .svc
        .start_run(w.org, &actor(&runner), q, pool, T0)
        .await
        .is_err());
    platform::identity::users::link_racetime(
        &w.test.db,
        runner.id,
        &sdk::identity::model::RacetimeProfile {
            id: "rt-runner".into(),
            name: "runner".into(),
            discriminator: Some("0042".into()),
            full_name: None,
        },
        &sdk::identity::model::RacetimeTokens {
            access_token: "a".into(),
            refresh_token: None,
            expires_at: None,
        },
        None,
    )
    .await
    .unwrap();
    let race = w
        .svc
        .start_run(w.org, &actor(&runner), q, pool, T0)
        .await
        .unwrap();
    assert_eq!(race.status, RaceStatus::Pending);
    // After unlinking, the link is what stands in the way again (checked before the live run).
    platform::identity::users::unlink_racetime(&w.test.db, runner.id, None)
        .await
        .unwrap();
    let err = w
        .svc
        .start_run(w.org, &actor(&runner), q, pool, T0)
        .await
        .unwrap_err();
    assert_eq!(err.message(), rules::RACETIME_REQUIRED);
}
both_backends!(racetime_required_refuses_unlinked, check_racetime_required);

/// Linking a run to its Discord thread is a write like the others: in one transaction with its
/// audit entry, by whoever acted; a run of another organization is not touched.
async fn check_thread_link_is_audited(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Threads", 1, -1).await;
    let (pool, _) = w.pool(q, "P", 1).await;
    let runner = w.member("runner", &[]).await;
    let actor = actor(&runner);
    let race = w.svc.start_run(w.org, &actor, q, pool, T0).await.unwrap();
    w.svc
        .set_discord_thread(w.org, &actor, race.id, "777777777", T0)
        .await
        .unwrap();
    let threads = |log: Vec<sdk::identity::model::AuditRecord>| -> Vec<_> {
        log.into_iter()
            .filter(|e| e.action == "async_qualifier.race_thread")
            .collect()
    };
    let entries = threads(
        w.svc
            .audit_log(w.org, q, sdk::page::PageRequest::default())
            .await
            .unwrap()
            .items,
    );
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].user_id, Some(runner.id));
    let details: serde_json::Value = serde_json::from_str(&entries[0].details).unwrap();
    assert_eq!(details["race_id"], race.id);
    assert_eq!(details["thread_id"], "777777777");

    let other = w.other_org("Other League").await;
    let err = w
        .svc
        .set_discord_thread(other, &w.admin(), race.id, "888888888", T0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "NotFound");
    assert_eq!(
        threads(
            w.svc
                .audit_log(w.org, q, sdk::page::PageRequest::default())
                .await
                .unwrap()
                .items,
        )
        .len(),
        1
    );
    assert_eq!(
        w.svc.race_by_thread(w.org, "777777777").await.unwrap().id,
        race.id
    );
}
both_backends!(thread_link_is_audited, check_thread_link_is_audited);
