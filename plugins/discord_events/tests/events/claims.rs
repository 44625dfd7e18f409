//! The creation claim: only its owner records or drops it; a claim left behind by a creation
//! that was cut off is taken over and its event adopted instead of made a second time; syncs
//! racing on one match end with one event.

use discord_events::{
    model::MatchFilter,
    repo::events::{self as rows, Claim},
    rules::{self, Plan},
    service::DiscordEvents,
};
use sdk::{db::Backend, time::now_ms};
use testkit::both_backends;

use crate::{world, GUILD, MIN};

async fn check_a_claim_is_its_owners_token(backend: Backend) {
    let w = world(backend).await;
    let m = w.new_match("Round 1", None, false).await;
    let (org, tid) = (w.org, w.tournament_id);
    let mut conn = w.platform.db.pool().acquire().await.unwrap();
    let stale = 10 * MIN;
    let a = 1_000_000_000;
    let claim = rows::claim(&mut conn, org, tid, m.id, GUILD, a, a - stale);
    assert_eq!(claim.await.unwrap(), Claim::New);
    // Held while fresh.
    let b = a + MIN;
    let claim = rows::claim(&mut conn, org, tid, m.id, GUILD, b, b - stale);
    assert_eq!(claim.await.unwrap(), Claim::Held);
    // Taken over once stale.
    let b = a + 11 * MIN;
    let claim = rows::claim(&mut conn, org, tid, m.id, GUILD, b, b - stale);
    assert_eq!(claim.await.unwrap(), Claim::TakenOver);
    // The first owner, late: it may neither record its event nor drop the claim.
    let late = rows::set_created(&mut conn, org, m.id, GUILD, "111", "fp", a, b);
    assert!(!late.await.unwrap());
    rows::forget(&mut conn, org, m.id, "", a).await.unwrap();
    let row = rows::for_match(&mut conn, org, m.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.discord_event_id.as_str(), row.claimed_at), ("", b));
    // The owner records its event; a stale read of the claim no longer deletes it.
    let mine = rows::set_created(&mut conn, org, m.id, GUILD, "222", "fp", b, b);
    assert!(mine.await.unwrap());
    rows::forget(&mut conn, org, m.id, "", b).await.unwrap();
    let row = rows::for_match(&mut conn, org, m.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.discord_event_id, "222");
    // A change recorded for another event than the row holds is not written.
    rows::set_event(&mut conn, org, m.id, "111", "other", b)
        .await
        .unwrap();
    let row = rows::for_match(&mut conn, org, m.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.fingerprint, "fp");
    rows::forget(&mut conn, org, m.id, "222", b).await.unwrap();
    assert!(rows::for_match(&mut conn, org, m.id)
        .await
        .unwrap()
        .is_none());
}
both_backends!(
    a_claim_is_its_owners_token,
    check_a_claim_is_its_owners_token
);

async fn check_a_creation_cut_off_is_adopted_not_made_twice(backend: Backend) {
    let w = world(backend).await;
    w.configure(MatchFilter::All).await;
    let m = w.new_match("Round 1", None, false).await;
    // A creation under way (a fresh claim): the listener of the move leaves it alone.
    let mut conn = w.platform.db.pool().acquire().await.unwrap();
    let claimed = rows::claim(&mut conn, w.org, w.tournament_id, m.id, GUILD, now_ms(), 0);
    assert_eq!(claimed.await.unwrap(), Claim::New);
    let m = w.move_match(&m, 120, false).await;
    // Its owner made the event in Discord, then was cut off before recording it.
    let Plan::Want(spec) = rules::plan(&m, &w.settings(MatchFilter::All), now_ms()) else {
        panic!("the match should want an event");
    };
    let rest = w.platform.plugins.bot().rest().unwrap();
    let made = rest
        .post(&format!("/guilds/{GUILD}/scheduled-events"), &spec.body())
        .await
        .unwrap();
    let made = made["id"].as_str().unwrap().to_string();
    // The claim goes stale; the next sync takes it over and finds the event.
    sqlx::query(
        "UPDATE discord_events_events SET claimed_at = $1
         WHERE organization_id = $2 AND match_id = $3",
    )
    .bind(now_ms() - 11 * MIN)
    .bind(w.org)
    .bind(m.id)
    .execute(&mut *conn)
    .await
    .unwrap();
    w.svc.sync_match(w.org, m.id, now_ms()).await.unwrap();
    let events = w.discord.scheduled_events(GUILD);
    assert_eq!(events.len(), 1, "{events:?}");
    let row = rows::for_match(&mut conn, w.org, m.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.discord_event_id, made);
    assert_eq!(w.status().await.last_error, None);
}
both_backends!(
    a_creation_cut_off_is_adopted_not_made_twice,
    check_a_creation_cut_off_is_adopted_not_made_twice
);

async fn check_two_services_racing_one_match_make_one_event(backend: Backend) {
    let w = world(backend).await;
    w.configure(MatchFilter::All).await;
    let m = w.new_match("Round 1", None, false).await;
    // Discord slow to create: the racers overlap while the first waits out a 429.
    w.discord
        .rate_limit_next("POST", &format!("/guilds/{GUILD}/scheduled-events"), 1, 0.3);
    w.move_match(&m, 60, false).await;
    let (one, two) = (
        DiscordEvents::from_platform(&w.platform),
        DiscordEvents::from_platform(&w.platform),
    );
    let admin = w.admin_actor();
    let (a, b, c) = tokio::join!(
        one.sync_match(w.org, m.id, now_ms()),
        two.sync_match(w.org, m.id, now_ms()),
        two.reconcile_now(w.org, &admin, w.tournament_id, now_ms()),
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    w.wait_for_events(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(w.discord.scheduled_events(GUILD).len(), 1);
    let status = w.status().await;
    assert_eq!(status.events.len(), 1);
    assert_eq!(
        status.events[0].discord_event_id,
        w.discord.scheduled_events(GUILD)[0].id
    );
}
both_backends!(
    two_services_racing_one_match_make_one_event,
    check_two_services_racing_one_match_make_one_event
);
