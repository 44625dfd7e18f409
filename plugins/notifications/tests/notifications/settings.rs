//! A user's own settings: opting out, checked inputs, the test message (with and without a
//! linked Discord account, and when Discord refuses), the logs, and isolation between
//! organizations.

use notifications::{api, model::SubscriptionInput};
use sdk::{db::Backend, time::now_ms, Error};
use testkit::both_backends;
use tournament::events::MatchScheduled;

use super::*;

async fn check_users_who_opted_out_get_nothing(backend: Backend) {
    let w = world(backend).await;
    let ada = w.player("ada", "1001").await;
    let bob = w.player("bob", "1002").await;
    w.subscribe(&ada, w.org, "match_scheduled", false).await;
    let settings = w.call(&ada, || api::get_settings(w.org)).await.unwrap();
    let enabled: Vec<(String, bool)> = settings
        .subscriptions
        .iter()
        .map(|s| (s.event_type.clone(), s.enabled))
        .collect();
    assert!(enabled.contains(&("match_scheduled".into(), false)));
    assert!(
        enabled.contains(&("match_rescheduled".into(), true)),
        "the default is on"
    );
    assert!(settings.discord_linked);

    let at = w.t0 + DAY;
    let m = w.match_at("Final", Some(at), &[&ada, &bob]).await;
    w.move_match(m, "Final", at + HOUR, &[&ada, &bob]).await;
    let rows: Vec<(i64, String)> = w
        .outbox(w.org)
        .await
        .into_iter()
        .map(|(u, k, _)| (u, k))
        .collect();
    assert_eq!(
        rows,
        vec![
            (bob.id, "match_scheduled".into()),
            (ada.id, "match_rescheduled".into()),
            (bob.id, "match_rescheduled".into()),
        ]
    );
    w.svc.deliver_due(now_ms()).await.unwrap();
    // bob's "scheduled" was for the old time: the move cancelled it before it went out.
    assert_eq!(w.dm_recipients(), ["1001", "1002"]);
}

both_backends!(
    users_who_opted_out_get_nothing,
    check_users_who_opted_out_get_nothing
);

async fn save(
    w: &World,
    user: &CurrentUser,
    kind: &str,
    channel: &str,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<notifications::model::MySettings, Error> {
    let choice = vec![SubscriptionInput {
        event_type: kind.into(),
        enabled: true,
        channel: channel.into(),
    }];
    let (start, end) = (start.map(str::to_string), end.map(str::to_string));
    w.call(user, || api::save_settings(w.org, choice, start, end))
        .await
}

async fn check_settings_are_checked_field_by_field(backend: Backend) {
    let w = world(backend).await;
    let ada = w.player("ada", "1001").await;
    let field = |e: Error| e.field().map(str::to_string);
    assert_eq!(
        field(
            save(&w, &ada, "nope", "discord_dm", None, None)
                .await
                .unwrap_err()
        )
        .as_deref(),
        Some("event_type")
    );
    assert_eq!(
        field(
            save(&w, &ada, "test", "discord_dm", None, None)
                .await
                .unwrap_err()
        )
        .as_deref(),
        Some("event_type")
    );
    assert_eq!(
        field(
            save(&w, &ada, "seed_ready", "carrier_pigeon", None, None)
                .await
                .unwrap_err()
        )
        .as_deref(),
        Some("channel")
    );
    assert_eq!(
        field(
            save(&w, &ada, "seed_ready", "discord_dm", Some("22:00"), None)
                .await
                .unwrap_err()
        )
        .as_deref(),
        Some("quiet_end")
    );
    assert_eq!(
        field(
            save(
                &w,
                &ada,
                "seed_ready",
                "discord_dm",
                Some("25:00"),
                Some("07:00")
            )
            .await
            .unwrap_err()
        )
        .as_deref(),
        Some("quiet_start")
    );
    let saved = save(
        &w,
        &ada,
        "seed_ready",
        "discord_dm",
        Some("22:00"),
        Some("7:00"),
    )
    .await
    .unwrap();
    assert_eq!(
        (saved.quiet_start.as_deref(), saved.quiet_end.as_deref()),
        (Some("22:00"), Some("07:00"))
    );
    assert_eq!(
        saved.time_zone, None,
        "quiet hours are read in UTC until a profile zone is set"
    );
}

both_backends!(
    settings_are_checked_field_by_field,
    check_settings_are_checked_field_by_field
);

async fn check_the_test_button_sends_at_once_even_in_quiet_hours(backend: Backend) {
    let w = world(backend).await;
    let ada = w.world.member("ada", &[]).await;
    let bob = w.player("bob", "1002").await;
    // Without a Discord account: a clear refusal, nothing queued.
    let refused = w.call(&ada, || api::send_test(w.org)).await.unwrap_err();
    assert_eq!(refused.field(), Some("discord"));
    assert!(
        refused.message().contains("no Discord account"),
        "{}",
        refused.message()
    );
    assert!(
        !w.call(&ada, || api::get_settings(w.org))
            .await
            .unwrap()
            .discord_linked
    );
    assert_eq!(w.outbox_count().await, 0);

    // Quiet around the clock but one minute: the test is sent anyway.
    let now = now_ms();
    let minute = now.rem_euclid(DAY) / MIN;
    let (start, end) = (
        notifications::rules::format_clock(minute + 2),
        notifications::rules::format_clock(minute + 1),
    );
    w.call(&bob, || {
        api::save_settings(w.org, vec![], Some(start.clone()), Some(end.clone()))
    })
    .await
    .unwrap();
    let sent = w.call(&bob, || api::send_test(w.org)).await.unwrap();
    assert_eq!(
        (sent.status.as_str(), sent.event_type.as_str()),
        ("sent", "test")
    );
    let dms = w.fake.dms();
    assert_eq!(dms.len(), 1);
    assert_eq!(dms[0].user_id, snowflake("1002"));
    assert_eq!(dms[0].embed.as_ref().unwrap().0, "Test notification");

    // Discord refuses: the answer says why, and the worker tries again later.
    w.fake.fail_next_dms(1, 403);
    let failed = w.call(&bob, || api::send_test(w.org)).await.unwrap();
    assert_eq!((failed.status.as_str(), failed.attempts), ("pending", 1));
    assert!(failed.last_error.is_some());

    // Bob's log has both; nobody else sees them.
    let mine = w
        .call(&bob, || api::my_deliveries(w.org, Default::default()))
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 2);
    assert_eq!(mine.items[0].id, failed.id, "newest first");
    let theirs = w
        .call(&ada, || api::my_deliveries(w.org, Default::default()))
        .await
        .unwrap();
    assert!(theirs.items.is_empty());
    // A plain member cannot read the organization's log.
    let forbidden = w
        .call(&bob, || {
            api::org_deliveries(w.org, None, Default::default())
        })
        .await
        .unwrap_err();
    assert!(
        matches!(forbidden, Error::Forbidden { .. }),
        "{forbidden:?}"
    );
    let rights = w.call(&bob, || api::my_rights(w.org)).await.unwrap();
    assert!(!rights.admin);

    // Each test is audited with its delivery.
    let filter = sdk::identity::model::AuditFilter {
        org_id: Some(w.org),
        action: Some("notifications.test".into()),
        ..Default::default()
    };
    let log = sdk::identity::audit_log::list(&w.test.db, &filter)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].user_id, Some(bob.id));
}

both_backends!(
    the_test_button_sends_at_once_even_in_quiet_hours,
    check_the_test_button_sends_at_once_even_in_quiet_hours
);

async fn check_organizations_stay_apart(backend: Backend) {
    let w = world(backend).await;
    let ava = w.member("ava", &["Admin"]).await;
    let other = w.other_org("Elsewhere").await;
    w.world
        .set_enabled_in(other, notifications::PLUGIN_ID, true)
        .await;
    let cal = w.player("cal", "1003").await;
    w.world.join(other, &cal, &[]).await;
    let dan = w.world.member_of(other, "dan", &[]).await;
    w.world.set_discord_id(&dan, &snowflake("1004")).await;
    // Cal wants match news in the league, not elsewhere.
    w.subscribe(&cal, w.org, "match_scheduled", true).await;
    w.subscribe(&cal, other, "match_scheduled", false).await;

    let cup = tournament_in(&w.world, &w.tournaments, other, "Other Cup").await;
    let input = tournament::service::MatchInput {
        title: "Away".into(),
        scheduled_at: Some(w.t0 + DAY),
        player_ids: vec![cal.id, dan.id],
        ..Default::default()
    };
    let away = w
        .tournaments
        .create_match(other, &w.admin(), cup, &input, now_ms())
        .await
        .unwrap()
        .id;
    assert!(w.outbox(w.org).await.is_empty());
    assert_eq!(
        w.outbox(other).await,
        vec![(dan.id, "match_scheduled".into(), "pending".into())],
        "cal's league subscription does not reach the other organization's matches"
    );
    // An event naming the league that points at the other organization's match finds no
    // match there: nothing is queued.
    let mut tx = w.test.db.begin().await.unwrap();
    let event = MatchScheduled {
        tournament_id: cup,
        match_id: away,
        scheduled_at: w.t0 + 2 * DAY,
        previous: None,
        player_ids: vec![cal.id, dan.id],
    };
    w.platform
        .events
        .stage(&mut tx, Some(w.org), None, event)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(w.outbox_count().await, 1);

    // The league's admin reads and retries only the league's deliveries.
    let refused = w
        .call(&ava, || {
            api::org_deliveries(other, None, Default::default())
        })
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    assert!(w
        .call(&ava, || api::org_deliveries(
            w.org,
            None,
            Default::default()
        ))
        .await
        .unwrap()
        .items
        .is_empty());
    w.fake
        .fail_next_dms(notifications::rules::MAX_ATTEMPTS as usize, 403);
    // Ahead of the real clock: each attempt is timed by this `now`.
    let mut now = now_ms() + MIN;
    for attempt in 1..=notifications::rules::MAX_ATTEMPTS {
        w.svc.deliver_due(now).await.unwrap();
        now += notifications::rules::retry_delay_ms(attempt);
    }
    let (dead_id,): (i64,) =
        sqlx::query_as("SELECT id FROM notifications_outbox WHERE status = 'dead'")
            .fetch_one(w.test.db.pool())
            .await
            .unwrap();
    let not_ours = w
        .call(&ava, || api::retry_delivery(w.org, dead_id))
        .await
        .unwrap_err();
    assert!(matches!(not_ours, Error::NotFound { .. }), "{not_ours:?}");
    // And a plugin switched off answers NotEnabled.
    w.world.set_enabled(notifications::PLUGIN_ID, false).await;
    let off = w.call(&cal, || api::get_settings(w.org)).await.unwrap_err();
    assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
}

both_backends!(organizations_stay_apart, check_organizations_stay_apart);
