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

/// `user`'s quiet hours: from an hour before to an hour after `minute` of their local day.
async fn quiet_around(w: &World, user: &CurrentUser, minute: i64) {
    let start = rules::format_clock(minute - 60);
    let end = rules::format_clock(minute + 60);
    w.world
        .call(user, || {
            api::save_settings(w.org, vec![], Some(start.clone()), Some(end.clone()))
        })
        .await
        .unwrap();
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
    let (ada, zed) = w.ada_and_quiet_zed().await;
    let at = w.t0 + 2 * DAY;
    let m = w.match_at("Final", Some(at), &[&ada, &zed]).await;
    // The same event heard twice (a replay of its envelope): one row.
    let envelope = sdk::events::Envelope {
        org_id: Some(w.org),
        actor: None,
        at: w.t0 - 1,
        event: MatchScheduled {
            tournament_id: w.tournament_id,
            match_id: m,
            scheduled_at: at,
            previous: None,
            player_ids: vec![ada.id],
        },
    };
    for expected in [1, 0] {
        let mut tx = w.test.db.begin().await.unwrap();
        let queued = notifications::service::queue::match_scheduled(&mut tx, &envelope)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(queued, expected);
    }
    // The match's creation queued its own row (another cause); the replay nothing.
    assert_eq!(w.outbox_count().await, 2);
    // Saving the match without moving it is no news; moving it is, once, and what was queued
    // for the old time is cancelled.
    w.move_match(m, "Final", at, &[&ada, &zed]).await;
    assert_eq!(w.outbox_count().await, 2);
    w.move_match(m, "Final", at + HOUR, &[&ada, &zed]).await;
    w.move_match(m, "Final renamed", at + HOUR, &[&ada, &zed])
        .await;
    assert_eq!(
        w.outbox(w.org).await,
        vec![
            (ada.id, s("match_scheduled"), s("cancelled")),
            (ada.id, s("match_scheduled"), s("cancelled")),
            (ada.id, s("match_rescheduled"), s("pending"))
        ]
    );
    w.svc.deliver_due(now_ms()).await.unwrap();
    w.svc.deliver_due(now_ms()).await.unwrap();
    assert_eq!(w.dm_recipients(), ["1001"]);
}

/// A match moved back and forth: each move is news (keys name their cause), and each move
/// cancels what was still queued for the time it left, reminders included; a row a worker
/// holds right now is left alone.
async fn check_a_match_moved_back_and_forth_tells_each_move(backend: Backend) {
    let w = world(backend).await;
    let (ada, zed) = w.ada_and_quiet_zed().await;
    let (eight, nine) = (w.t0 + DAY, w.t0 + DAY + HOUR);
    let m = w.match_at("Final", Some(eight), &[&ada, &zed]).await;
    // The reminder for 20:00 is queued (its moment came), then the match moves.
    let reminded = w.svc.queue_reminders(eight - 10 * MIN).await.unwrap();
    assert_eq!(reminded.queued, 1);
    for to in [nine, eight, nine] {
        // Each move its own instant (the keys tell causes apart by it).
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        w.move_match(m, "Final", to, &[&ada, &zed]).await;
    }
    let rows = w.outbox(w.org).await;
    let kinds: Vec<(&str, &str)> = rows
        .iter()
        .map(|(_, k, st)| (k.as_str(), st.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("match_scheduled", "cancelled"),
            ("match_starting_soon", "cancelled"),
            ("match_rescheduled", "cancelled"),
            ("match_rescheduled", "cancelled"),
            ("match_rescheduled", "pending"),
        ]
    );
    // The last move (20:00 → 21:00) is what ada hears.
    assert_eq!(w.svc.deliver_due(now_ms()).await.unwrap().sent, 1);
    // A row held by a worker is not cancelled under it.
    w.move_match(m, "Final", eight, &[&ada, &zed]).await;
    let db = &w.test.db;
    let id = repo::outbox::due(db, now_ms(), 10).await.unwrap()[0];
    let now = now_ms();
    assert!(repo::outbox::claim(db, id, "a", now + rules::LEASE_MS, now)
        .await
        .unwrap());
    w.move_match(m, "Final", nine, &[&ada, &zed]).await;
    let statuses: Vec<String> = w.outbox(w.org).await.into_iter().map(|r| r.2).collect();
    assert_eq!(statuses[5..], [s("pending"), s("pending")]);
}

both_backends!(
    a_match_moved_back_and_forth_tells_each_move,
    check_a_match_moved_back_and_forth_tells_each_move
);

both_backends!(the_same_cause_queues_once, check_the_same_cause_queues_once);

async fn check_crew_and_seeds_reach_the_right_people(backend: Backend) {
    let w = world(backend).await;
    let (ada, zed) = w.ada_and_quiet_zed().await;
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
    let (ada, zed) = w.ada_and_quiet_zed().await;
    w.match_at("Final", Some(w.t0 + 2 * DAY), &[&ada, &zed])
        .await;
    let dead = record::<DeliveryDeadLettered>(&w.platform.events);
    w.fake.fail_next_dms(MAX_ATTEMPTS as usize, 500);
    // Ahead of the real clock, so each attempt is timed by this `now` (the worker takes the
    // later of the two).
    let mut now = now_ms() + MIN;
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
    let (ada, zed) = w.ada_and_quiet_zed().await;
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
    let (ada, zed) = w.ada_and_quiet_zed().await;
    w.set_time_zone(&ada, "Asia/Tokyo").await;
    // Quiet from an hour ago until an hour from now, in Tokyo (UTC+9, no daylight saving).
    let now = now_ms();
    let local = now + 9 * HOUR;
    quiet_around(&w, &ada, local.rem_euclid(DAY) / MIN).await;
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

/// A pass that starts late (the task's due time is old, after downtime) times each row by the
/// real clock: the rows queued since are due, and their leases and sent times are real ones.
async fn check_a_late_pass_uses_the_real_clock(backend: Backend) {
    let w = world(backend).await;
    let (ada, zed) = w.ada_and_quiet_zed().await;
    w.match_at("Final", Some(w.t0 + DAY), &[&ada, &zed]).await;
    let before = now_ms();
    let stale = w.t0 - HOUR;
    let pass = w.svc.deliver_due(stale).await.unwrap();
    assert_eq!(pass.sent, 1, "{pass:?}");
    let (sent_at,): (Option<i64>,) =
        sqlx::query_as("SELECT sent_at FROM notifications_outbox WHERE organization_id = $1")
            .bind(w.org)
            .fetch_one(w.test.db.pool())
            .await
            .unwrap();
    assert!(
        sent_at.unwrap() >= before,
        "sent at the real time, not the stale one"
    );
    // A row claimed now holds its lease counted from now: another instance cannot take it.
    w.match_at("Semi", Some(w.t0 + DAY), &[&ada, &zed]).await;
    let db = &w.test.db;
    let id = repo::outbox::due(db, now_ms(), 10).await.unwrap()[0];
    let a = Notifications::with_instance(&w.platform, "a");
    let stale_lease = stale + rules::LEASE_MS;
    assert!(
        repo::outbox::claim(db, id, "a", now_ms() + rules::LEASE_MS, now_ms())
            .await
            .unwrap()
    );
    assert!(stale_lease < now_ms());
    assert_eq!(a.deliver_due(stale).await.unwrap().sent, 0);
    let b = Notifications::with_instance(&w.platform, "b");
    assert_eq!(
        b.deliver_due(stale).await.unwrap().sent,
        0,
        "a's lease holds"
    );
}

both_backends!(
    a_late_pass_uses_the_real_clock,
    check_a_late_pass_uses_the_real_clock
);

/// The listeners read the organization's choice on the cause's own connection (not through
/// the platform's cache, whose miss would need a second pooled connection while the cause holds
/// one): a switch-off in the same transaction is seen, and nothing is queued.
async fn check_enablement_is_read_on_the_causes_connection(backend: Backend) {
    let w = world(backend).await;
    let (ada, zed) = w.ada_and_quiet_zed().await;
    let m = w.match_at("Final", None, &[&ada, &zed]).await;
    for on in [false, true] {
        let mut tx = w.test.db.begin().await.unwrap();
        sqlx::query(
            "UPDATE organization_plugins SET enabled = $1
             WHERE organization_id = $2 AND plugin_id = $3",
        )
        .bind(on)
        .bind(w.org)
        .bind(notifications::PLUGIN_ID)
        .execute(&mut *tx)
        .await
        .unwrap();
        let event = MatchScheduled {
            tournament_id: w.tournament_id,
            match_id: m,
            scheduled_at: w.t0 + DAY,
            previous: None,
            player_ids: vec![ada.id, zed.id],
        };
        w.platform
            .events
            .stage(&mut tx, Some(w.org), None, event)
            .await
            .unwrap();
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM notifications_outbox")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(n, i64::from(on), "plugin on: {on}");
        tx.rollback().await.unwrap();
    }
}

both_backends!(
    enablement_is_read_on_the_causes_connection,
    check_enablement_is_read_on_the_causes_connection
);

/// A profile time zone the site does not know: quiet hours are read in UTC, and the held row
/// says so (rather than silently).
async fn check_an_unknown_time_zone_is_said_on_the_row(backend: Backend) {
    let w = world(backend).await;
    let (ada, zed) = w.ada_and_quiet_zed().await;
    w.set_time_zone(&ada, "Mars/Olympus_Mons").await;
    // Quiet from an hour ago until an hour from now, in UTC.
    quiet_around(&w, &ada, now_ms().rem_euclid(DAY) / MIN).await;
    w.match_at("Final", Some(w.t0 + 2 * DAY), &[&ada, &zed])
        .await;
    let pass = w.svc.deliver_due(now_ms()).await.unwrap();
    assert_eq!(pass.deferred, 1, "{pass:?}");
    let row = w
        .call(&ada, || api::my_deliveries(w.org, Default::default()))
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(row.status, "pending");
    let note = row.last_error.unwrap_or_default();
    assert!(
        note.contains("Mars/Olympus_Mons") && note.contains("UTC"),
        "{note}"
    );
}

both_backends!(
    an_unknown_time_zone_is_said_on_the_row,
    check_an_unknown_time_zone_is_said_on_the_row
);
