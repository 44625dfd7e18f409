//! The outbox: rows commit with their cause (and vanish with it), the same cause queues once,
//! failed DMs back off and are dead-lettered with their error, two instances send each row
//! once, and quiet hours hold a row back to the end of the window.

use notifications::{
    api,
    events::DeliveryDeadLettered,
    repo,
    rules::{self, MAX_ATTEMPTS},
    service::{DeliveryPass, Notifications},
};
use sdk::{db::Backend, time::now_ms};
use testkit::{both_backends, record};
use tournament::{events::MatchScheduled, model::CrewRole};

use super::*;

fn s(v: &str) -> String {
    v.to_string()
}

async fn check_a_row_commits_with_its_cause_and_never_without(backend: Backend) {
    let w = world(backend).await;
    let ada = w.player("ada", "1001").await;
    let bob = w.player("bob", "1002").await;
    let at = w.t0 + 2 * DAY;
    let m = w.match_at("Final", Some(at), &[&ada, &bob]).await;
    // The tournament staged MatchScheduled in its transaction: one row per player.
    assert_eq!(
        w.outbox(w.org).await,
        vec![
            (ada.id, s("match_scheduled"), s("pending")),
            (bob.id, s("match_scheduled"), s("pending"))
        ]
    );

    // A cause that rolls back takes its rows with it.
    let mut tx = w.test.db.begin().await.unwrap();
    w.platform
        .events
        .stage(
            &mut tx,
            Some(w.org),
            Some(w.admin.id),
            MatchScheduled {
                tournament_id: w.tournament_id,
                match_id: m,
                scheduled_at: at + HOUR,
                previous: Some(at),
                player_ids: vec![ada.id, bob.id],
            },
        )
        .await
        .unwrap();
    let (inside,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM notifications_outbox")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(inside, 4, "the listener wrote on the cause's connection");
    tx.rollback().await.unwrap();
    assert_eq!(w.outbox_count().await, 2);
    let pass = w.svc.deliver_due(now_ms()).await.unwrap();
    let log = w
        .call(&w.admin, || {
            api::org_deliveries(w.org, None, Default::default())
        })
        .await
        .unwrap();
    assert_eq!(pass.sent, 2, "{pass:?} {log:?}");
    assert_eq!(
        w.dm_recipients().len(),
        2,
        "nothing of the rolled-back move was sent"
    );
}

both_backends!(
    a_row_commits_with_its_cause_and_never_without,
    check_a_row_commits_with_its_cause_and_never_without
);

async fn check_the_same_cause_queues_once(backend: Backend) {
    let w = world(backend).await;
    let ada = w.player("ada", "1001").await;
    let zed = w.quiet_partner().await;
    let at = w.t0 + 2 * DAY;
    let m = w.match_at("Final", Some(at), &[&ada, &zed]).await;
    // The same event staged again (a retried request, a replay): no second row.
    for _ in 0..2 {
        let mut tx = w.test.db.begin().await.unwrap();
        let event = MatchScheduled {
            tournament_id: w.tournament_id,
            match_id: m,
            scheduled_at: at,
            previous: None,
            player_ids: vec![ada.id],
        };
        w.platform
            .events
            .stage(&mut tx, Some(w.org), None, event)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(w.outbox_count().await, 1);
    // Saving the match without moving it is no news; moving it is, once.
    w.move_match(m, "Final", at, &[&ada, &zed]).await;
    assert_eq!(w.outbox_count().await, 1);
    w.move_match(m, "Final", at + HOUR, &[&ada, &zed]).await;
    w.move_match(m, "Final renamed", at + HOUR, &[&ada, &zed])
        .await;
    assert_eq!(
        w.outbox(w.org).await,
        vec![
            (ada.id, s("match_scheduled"), s("pending")),
            (ada.id, s("match_rescheduled"), s("pending"))
        ]
    );
    w.svc.deliver_due(now_ms()).await.unwrap();
    w.svc.deliver_due(now_ms()).await.unwrap();
    assert_eq!(w.dm_recipients(), ["1001", "1001"]);
}

both_backends!(the_same_cause_queues_once, check_the_same_cause_queues_once);

async fn check_crew_and_seeds_reach_the_right_people(backend: Backend) {
    let w = world(backend).await;
    let ada = w.player("ada", "1001").await;
    let zed = w.quiet_partner().await;
    let cal = w.player("cal", "1003").await;
    let m = w.match_at("Final", None, &[&ada, &zed]).await;
    assert_eq!(w.outbox_count().await, 0, "an unscheduled match is no news");
    w.tournaments
        .add_crew(
            w.org,
            &w.admin(),
            m,
            cal.id,
            CrewRole::Commentator,
            now_ms(),
        )
        .await
        .unwrap();
    w.tournaments
        .set_seed(
            w.org,
            &w.admin(),
            m,
            "https://alttpr.com/h/abc",
            "",
            now_ms(),
        )
        .await
        .unwrap();
    // Approved crew hear of the match's time too.
    let at = w.t0 + DAY;
    w.move_match(m, "Final", at, &[&ada, &zed]).await;
    assert_eq!(
        w.outbox(w.org).await,
        vec![
            (cal.id, s("crew_approved"), s("pending")),
            (ada.id, s("seed_ready"), s("pending")),
            (ada.id, s("match_scheduled"), s("pending")),
            (cal.id, s("match_scheduled"), s("pending")),
        ]
    );
    w.svc.deliver_due(now_ms()).await.unwrap();
    let dms = w.fake.dms();
    assert_eq!(dms.len(), 4);
    let (title, body) = dms[0].embed.clone().unwrap();
    assert_eq!(title, "You are commentator for Final (Spring Cup)");
    assert!(body.contains("not scheduled yet"), "{body}");
    let (_, seed) = dms[1].embed.clone().unwrap();
    assert!(seed.contains("https://alttpr.com/h/abc"), "{seed}");
}

both_backends!(
    crew_and_seeds_reach_the_right_people,
    check_crew_and_seeds_reach_the_right_people
);

async fn check_a_failing_dm_is_retried_then_dead_lettered_with_its_error(backend: Backend) {
    let w = world(backend).await;
    let ava = w.member("ava", &["Admin"]).await;
    let ada = w.player("ada", "1001").await;
    let zed = w.quiet_partner().await;
    w.match_at("Final", Some(w.t0 + 2 * DAY), &[&ada, &zed])
        .await;
    let dead = record::<DeliveryDeadLettered>(&w.platform.events);
    w.fake.fail_next_dms(MAX_ATTEMPTS as usize, 500);
    let mut now = now_ms();
    for attempt in 1..=MAX_ATTEMPTS {
        let pass = w.svc.deliver_due(now).await.unwrap();
        let row = w
            .call(&ava, || {
                api::org_deliveries(w.org, None, Default::default())
            })
            .await
            .unwrap()
            .items
            .remove(0);
        assert_eq!(row.attempts, attempt);
        assert!(row.last_error.as_deref().is_some_and(|e| !e.is_empty()));
        if attempt < MAX_ATTEMPTS {
            assert_eq!(pass.retried, 1, "attempt {attempt}: {pass:?}");
            assert_eq!(row.status, "pending");
            let next = now + rules::retry_delay_ms(attempt);
            assert_eq!(row.next_attempt_at, next);
            // Not due before its back-off ends.
            assert_eq!(
                w.svc.deliver_due(next - 1).await.unwrap(),
                DeliveryPass::default()
            );
            now = next;
        } else {
            assert_eq!(pass.dead, 1, "{pass:?}");
            assert_eq!(row.status, "dead");
        }
    }
    assert!(w.fake.dms().is_empty());
    let events = dead.wait_for(1).await;
    assert_eq!(events[0].user_id, ada.id);
    // A dead letter stays dead until an admin retries it.
    assert_eq!(
        w.svc.deliver_due(now + DAY).await.unwrap(),
        DeliveryPass::default()
    );
    let id = events[0].delivery_id;
    let dead_only = w
        .call(&ava, || {
            api::org_deliveries(w.org, Some("dead".into()), Default::default())
        })
        .await
        .unwrap();
    assert_eq!(
        dead_only.items.iter().map(|d| d.id).collect::<Vec<_>>(),
        [id]
    );
    let bogus = w
        .call(&ava, || {
            api::org_deliveries(w.org, Some("lost".into()), Default::default())
        })
        .await
        .unwrap_err();
    assert_eq!(bogus.field(), Some("status"));
    let retried = w
        .call(&ava, || api::retry_delivery(w.org, id))
        .await
        .unwrap();
    assert_eq!(retried.status, "sent");
    assert_eq!(retried.attempts, 1);
    assert_eq!(w.dm_recipients(), ["1001"]);
    // Only dead letters are retried.
    let again = w
        .call(&ava, || api::retry_delivery(w.org, id))
        .await
        .unwrap_err();
    assert!(matches!(again, sdk::Error::NotFound { .. }), "{again:?}");
}

both_backends!(
    a_failing_dm_is_retried_then_dead_lettered_with_its_error,
    check_a_failing_dm_is_retried_then_dead_lettered_with_its_error
);

async fn check_a_user_without_discord_is_dead_lettered_at_once(backend: Backend) {
    let w = world(backend).await;
    let ada = w.world.member("ada", &[]).await;
    let zed = w.quiet_partner().await;
    w.match_at("Final", Some(w.t0 + DAY), &[&ada, &zed]).await;
    let pass = w.svc.deliver_due(now_ms()).await.unwrap();
    assert_eq!(pass.dead, 1);
    let mine = w
        .call(&ada, || api::my_deliveries(w.org, Default::default()))
        .await
        .unwrap();
    assert_eq!(mine.items[0].status, "dead");
    assert!(
        mine.items[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("no Discord account")),
        "{:?}",
        mine.items[0].last_error
    );
}

both_backends!(
    a_user_without_discord_is_dead_lettered_at_once,
    check_a_user_without_discord_is_dead_lettered_at_once
);

async fn check_two_instances_send_each_row_once(backend: Backend) {
    let w = world(backend).await;
    let mut players = Vec::new();
    for i in 0..6 {
        players.push(w.player(&format!("p{i}"), &format!("200{i}")).await);
    }
    let everyone: Vec<&CurrentUser> = players.iter().collect();
    for game in 0..4 {
        w.match_at(
            &format!("Game {game}"),
            Some(w.t0 + DAY + game * HOUR),
            &everyone,
        )
        .await;
    }
    assert_eq!(w.outbox_count().await, 24);
    let a = Notifications::with_instance(&w.platform, "instance-a");
    let b = Notifications::with_instance(&w.platform, "instance-b");
    let now = now_ms();
    let mut sent = 0;
    for _ in 0..3 {
        let (ra, rb) = (a.clone(), b.clone());
        let ta = tokio::spawn(async move { ra.deliver_due(now).await.unwrap() });
        let tb = tokio::spawn(async move { rb.deliver_due(now).await.unwrap() });
        let (pa, pb) = (ta.await.unwrap(), tb.await.unwrap());
        sent += pa.sent + pb.sent;
    }
    assert_eq!(sent, 24);
    let mut recipients = w.dm_recipients();
    assert_eq!(recipients.len(), 24, "each row was sent exactly once");
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 6);
    assert!(w
        .outbox(w.org)
        .await
        .iter()
        .all(|(_, _, status)| status == "sent"));
}

both_backends!(
    two_instances_send_each_row_once,
    check_two_instances_send_each_row_once
);

async fn check_a_lease_keeps_others_off_until_it_runs_out(backend: Backend) {
    let w = world(backend).await;
    let ada = w.player("ada", "1001").await;
    let zed = w.quiet_partner().await;
    w.match_at("Final", Some(w.t0 + DAY), &[&ada, &zed]).await;
    let db = &w.test.db;
    let now = now_ms();
    let id = repo::outbox::due(db, now, 10).await.unwrap()[0];
    let lease = now + rules::LEASE_MS;
    assert!(repo::outbox::claim(db, id, "a", lease, now).await.unwrap());
    assert!(!repo::outbox::claim(db, id, "b", lease, now).await.unwrap());
    assert!(repo::outbox::due(db, now, 10).await.unwrap().is_empty());
    // Instance a died mid-send: once its lease ran out, b takes the row and sends it.
    let b = Notifications::with_instance(&w.platform, "b");
    assert_eq!(b.deliver_due(now + rules::LEASE_MS).await.unwrap().sent, 0);
    assert_eq!(b.deliver_due(lease + 1).await.unwrap().sent, 1);
    // a's late answer does not overwrite b's.
    let late = repo::outbox::Outcome {
        status: "dead",
        attempts: 9,
        next_attempt_at: now,
        last_error: Some("late".into()),
        sent_at: None,
    };
    assert!(!repo::outbox::finish(db, id, "a", &late, now).await.unwrap());
    assert_eq!(w.outbox(w.org).await[0].2, "sent");
}

both_backends!(
    a_lease_keeps_others_off_until_it_runs_out,
    check_a_lease_keeps_others_off_until_it_runs_out
);

async fn check_quiet_hours_hold_a_message_until_they_end(backend: Backend) {
    let w = world(backend).await;
    let ada = w.player("ada", "1001").await;
    let zed = w.quiet_partner().await;
    w.set_time_zone(&ada, "Asia/Tokyo").await;
    // Quiet from an hour ago until an hour from now, in Tokyo (UTC+9, no daylight saving).
    let now = now_ms();
    let local = now + 9 * HOUR;
    let minute = local.rem_euclid(DAY) / MIN;
    let start = rules::format_clock(minute - 60);
    let end = rules::format_clock(minute + 60);
    w.world
        .call(&ada, || {
            api::save_settings(w.org, vec![], Some(start.clone()), Some(end.clone()))
        })
        .await
        .unwrap();
    w.match_at("Final", Some(w.t0 + 2 * DAY), &[&ada, &zed])
        .await;
    // Queued at the real clock, just after `now`: due now, inside the window.
    let pass = w.svc.deliver_due(now_ms()).await.unwrap();
    assert_eq!(pass.deferred, 1, "{pass:?}");
    assert!(w.fake.dms().is_empty());
    let until = now - local.rem_euclid(MIN) + 60 * MIN;
    let row = w
        .call(&ada, || api::my_deliveries(w.org, Default::default()))
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 0));
    assert_eq!(row.next_attempt_at, until);
    assert_eq!(
        w.svc.deliver_due(until - 1).await.unwrap(),
        DeliveryPass::default()
    );
    assert_eq!(w.svc.deliver_due(until).await.unwrap().sent, 1);
    assert_eq!(w.dm_recipients(), ["1001"]);
}

both_backends!(
    quiet_hours_hold_a_message_until_they_end,
    check_quiet_hours_hold_a_message_until_they_end
);
