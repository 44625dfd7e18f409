//! Reconciliation: events deleted by hand in Discord are created anew, events whose match is
//! gone are deleted, events the bot made that no match owns are deleted — people's own events
//! are left alone; by the page's "Reconcile now" and by the periodic task, which also withdraws
//! the events of an organization that switched the plugin off.

use discord_events::{api, model::MatchFilter, rules};
use sdk::{db::Backend, time::now_ms};
use testkit::{both_backends, fake_discord::BOT_USER_ID, platform::tasks::engine::Scheduler};

use super::{world, World, GUILD, MIN};

/// Two matches with events, then Discord drifts: one event deleted by hand, a stale event the
/// bot made (its row lost), an event of a match that no longer exists (its row kept), and a
/// person's own event. Returns the matches' ids.
async fn drift(w: &World) -> (i64, i64, String) {
    w.configure(MatchFilter::All).await;
    let a = w.new_match("Round 1", Some(120), false).await;
    let b = w.new_match("Round 2", Some(180), false).await;
    w.wait_for_events(2).await;
    let status = w.status().await;
    let lost = status
        .events
        .iter()
        .find(|e| e.match_id == a.id)
        .unwrap()
        .discord_event_id
        .clone();
    assert!(w.discord.delete_scheduled_event(GUILD, &lost));
    // The bot made it for this tournament (its footer says so), but its row was lost.
    w.discord.add_scheduled_event_described(
        GUILD,
        "Stale",
        BOT_USER_ID,
        &format!("Old{}", rules::marker(w.org, w.tournament_id, 888_888)),
    );
    // The bot is the whole site's: another plugin's event, and one this plugin made for a
    // tournament of another organization, are not ours to delete.
    w.discord
        .add_scheduled_event(GUILD, "Another plugin's", BOT_USER_ID);
    w.discord.add_scheduled_event_described(
        GUILD,
        "Previous owner's",
        BOT_USER_ID,
        &rules::marker(w.org + 1000, 77, 1),
    );
    let gone = w
        .discord
        .add_scheduled_event(GUILD, "Gone match", BOT_USER_ID);
    // not audited: a test fixture, a row left by a match deleted while the plugin was away.
    sqlx::query(
        "INSERT INTO discord_events_events (organization_id, tournament_id, match_id, guild_id,
            discord_event_id, fingerprint, claimed_at, synced_at)
         VALUES ($1, $2, 999999, $3, $4, 'x', 0, 0)",
    )
    .bind(w.org)
    .bind(w.tournament_id)
    .bind(GUILD)
    .bind(&gone)
    .execute(w.test.db.pool())
    .await
    .unwrap();
    w.discord
        .add_scheduled_event(GUILD, "Movie night", "420000000000000001");
    (a.id, b.id, lost)
}

/// The names of the events in [`GUILD`], sorted.
fn names_in_guild(w: &World) -> Vec<String> {
    let mut names: Vec<String> = w
        .discord
        .scheduled_events(GUILD)
        .into_iter()
        .map(|e| e.name)
        .collect();
    names.sort();
    names
}

/// After reconciling: the two matches' events, the person's and the bot's events that are not
/// this tournament's, nothing else.
async fn assert_reconciled(w: &World, a: i64, b: i64, lost: &str) {
    assert_eq!(
        names_in_guild(w),
        [
            "Another plugin's",
            "Movie night",
            "Previous owner's",
            "Round 1",
            "Round 2"
        ]
    );
    let status = w.status().await;
    let mut matches: Vec<i64> = status.events.iter().map(|e| e.match_id).collect();
    matches.sort();
    assert_eq!(matches, [a, b]);
    let recreated = status.events.iter().find(|e| e.match_id == a).unwrap();
    assert_ne!(recreated.discord_event_id, lost);
    assert!(w
        .discord
        .scheduled_events(GUILD)
        .iter()
        .any(|e| e.id == recreated.discord_event_id));
    assert_eq!(status.last_error, None);
    assert!(status.last_sync_at.is_some());
}

async fn check_reconcile_now_removes_orphans_and_recreates_lost_events(backend: Backend) {
    let w = world(backend).await;
    let (a, b, lost) = drift(&w).await;
    let manager = w.member("manager", &["Tournament Manager"]).await;
    let outcome = w
        .call(&manager, || api::reconcile(w.org, w.tournament_id))
        .await
        .unwrap();
    assert_eq!((outcome.created, outcome.deleted), (1, 1), "{outcome:?}");
    assert_eq!(outcome.unchanged, 1);
    assert_reconciled(&w, a, b, &lost).await;
    // A moderator sees the status but may not reconcile.
    let moderator = w.member("moderator", &["Moderator"]).await;
    let e = w
        .call(&moderator, || api::reconcile(w.org, w.tournament_id))
        .await
        .unwrap_err();
    assert!(matches!(e, sdk::Error::Forbidden { .. }), "{e:?}");
    w.call(&moderator, || {
        api::get_tournament_events(w.org, w.tournament_id)
    })
    .await
    .unwrap();
}
both_backends!(
    reconcile_now_removes_orphans_and_recreates_lost_events,
    check_reconcile_now_removes_orphans_and_recreates_lost_events
);

async fn check_the_task_reconciles_every_tournament(backend: Backend) {
    let w = world(backend).await;
    let (a, b, lost) = drift(&w).await;
    let scheduler = Scheduler::new(&w.host);
    // The first tick sets the task's first slot (an interval from now); the next one runs it.
    let now = now_ms();
    scheduler.tick_at(now).await.unwrap().finished().await;
    let ran = scheduler
        .tick_at(now + 16 * MIN)
        .await
        .unwrap()
        .finished()
        .await;
    assert!(ran.iter().any(|k| k.contains("discord_events")), "{ran:?}");
    assert_reconciled(&w, a, b, &lost).await;
}
both_backends!(
    the_task_reconciles_every_tournament,
    check_the_task_reconciles_every_tournament
);

/// Switched off: the next pass deletes the tournament's events in Discord (a person's own event
/// stays) and keeps the settings; switched on again, the next pass makes them anew.
async fn check_switching_off_withdraws_the_events_and_on_brings_them_back(backend: Backend) {
    let w = world(backend).await;
    w.configure(MatchFilter::All).await;
    w.new_match("Round 1", Some(120), false).await;
    w.new_match("Round 2", Some(180), false).await;
    w.wait_for_events(2).await;
    w.discord
        .add_scheduled_event(GUILD, "Movie night", "420000000000000001");
    let rows = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM discord_events_events")
            .fetch_one(w.test.db.pool())
            .await
            .unwrap()
    };

    w.world.set_enabled(discord_events::PLUGIN_ID, false).await;
    let failures = w.svc.reconcile_all(now_ms()).await.unwrap();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(names_in_guild(&w), ["Movie night"]);
    assert_eq!(rows().await, 0);
    // Nothing left to withdraw: the next pass sends nothing.
    let calls = w.discord.requests().len();
    w.svc.reconcile_all(now_ms()).await.unwrap();
    assert_eq!(w.discord.requests().len(), calls);

    w.world.set_enabled(discord_events::PLUGIN_ID, true).await;
    let failures = w.svc.reconcile_all(now_ms()).await.unwrap();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(names_in_guild(&w), ["Movie night", "Round 1", "Round 2"]);
    assert_eq!(rows().await, 2);
}

both_backends!(
    switching_off_withdraws_the_events_and_on_brings_them_back,
    check_switching_off_withdraws_the_events_and_on_brings_them_back
);
