//! Events follow their matches through the listeners: created with a time, moved with it,
//! deleted with the match or when it finishes; the stream-only filter; a 429 from Discord
//! waited out.

use std::time::Duration;

use discord_events::model::MatchFilter;
use sdk::{db::Backend, time::now_ms};
use testkit::{both_backends, fake_discord::BOT_USER_ID};

use super::{world, GUILD, MIN};

async fn check_events_follow_match_changes(backend: Backend) {
    let w = world(backend).await;
    w.configure(MatchFilter::All).await;
    let m = w.new_match("Round 1", Some(120), false).await;
    w.wait_for_events(1).await;
    let event = w.discord.scheduled_events(GUILD).remove(0);
    assert_eq!(event.name, "Round 1");
    assert_eq!(event.location, "Spring Cup");
    assert_eq!((event.privacy_level, event.entity_type), (2, 3));
    assert_eq!(event.creator_id, BOT_USER_ID);
    let start = m.scheduled_at.unwrap();
    assert_eq!(
        sdk::time::parse_rfc3339(&event.scheduled_start_time).unwrap(),
        start / 1000 * 1000
    );
    assert_eq!(
        sdk::time::parse_rfc3339(&event.scheduled_end_time).unwrap(),
        (start + 90 * MIN) / 1000 * 1000
    );
    let status = w.status().await;
    assert_eq!(status.events.len(), 1);
    assert_eq!(status.events[0].discord_event_id, event.id);
    assert_eq!(status.events[0].match_id, m.id);

    // Moved: the same event, changed in place.
    let moved = w.move_match(&m, 240, false).await;
    let new_start = sdk::time::rfc3339_utc(moved.scheduled_at.unwrap());
    let changed = w
        .discord
        .wait_until(Duration::from_secs(10), |f| {
            f.scheduled_events(GUILD)
                .first()
                .is_some_and(|e| e.scheduled_start_time == new_start)
        })
        .await;
    assert!(changed, "{:?}", w.discord.scheduled_events(GUILD));
    assert_eq!(w.discord.scheduled_events(GUILD)[0].id, event.id);
    let patches = w.discord.requests_to("PATCH", "/api/v10/guilds").len();
    assert_eq!(patches, 1);

    // Nothing changed: nothing is sent again.
    w.svc.sync_match(w.org, m.id, now_ms()).await.unwrap();
    assert_eq!(w.discord.requests_to("PATCH", "/api/v10/guilds").len(), 1);
    assert_eq!(w.discord.requests_to("POST", "/api/v10/guilds").len(), 1);

    // Deleted with the match.
    w.tournaments
        .delete_match(w.org, &w.admin_actor(), m.id, now_ms())
        .await
        .unwrap();
    w.wait_for_events(0).await;
    assert!(w.status().await.events.is_empty());
    assert_eq!(w.status().await.last_error, None);
}
both_backends!(
    events_follow_match_changes,
    check_events_follow_match_changes
);

async fn check_a_match_without_time_gets_no_event_until_it_has_one(backend: Backend) {
    let w = world(backend).await;
    w.configure(MatchFilter::All).await;
    let m = w.new_match("Later", None, false).await;
    w.svc.sync_match(w.org, m.id, now_ms()).await.unwrap();
    assert!(w.discord.scheduled_events(GUILD).is_empty());
    w.move_match(&m, 60, false).await;
    w.wait_for_events(1).await;
}
both_backends!(
    a_match_without_time_gets_no_event_until_it_has_one,
    check_a_match_without_time_gets_no_event_until_it_has_one
);

async fn check_stream_only_skips_matches_without_a_stream(backend: Backend) {
    let w = world(backend).await;
    w.configure(MatchFilter::StreamOnly).await;
    let plain = w.new_match("Off stream", Some(120), false).await;
    let streamed = w.new_match("On stream", Some(180), true).await;
    // Synced here too, so the answer does not depend on the listeners' timing.
    w.svc.sync_match(w.org, plain.id, now_ms()).await.unwrap();
    w.svc
        .sync_match(w.org, streamed.id, now_ms())
        .await
        .unwrap();
    w.wait_for_events(1).await;
    let events = w.discord.scheduled_events(GUILD);
    assert_eq!(events[0].name, "On stream");
    assert_eq!(events[0].location, "https://twitch.tv/league");
    assert!(events[0].description.contains("https://twitch.tv/league"));
    // The other match gets a stream: it gets its event.
    w.move_match(&plain, 120, true).await;
    w.wait_for_events(2).await;
}
both_backends!(
    stream_only_skips_matches_without_a_stream,
    check_stream_only_skips_matches_without_a_stream
);

async fn check_a_429_is_waited_out_and_the_event_lands(backend: Backend) {
    let w = world(backend).await;
    w.configure(MatchFilter::All).await;
    // No time yet: no event, no call. Then the move makes the listener create it, through
    // the 429 (the listener alone: no direct sync races it).
    let m = w.new_match("Round 1", None, false).await;
    w.discord
        .rate_limit_next("POST", &format!("/guilds/{GUILD}/scheduled-events"), 1, 0.5);
    w.move_match(&m, 60, false).await;
    w.wait_for_events(1).await;
    assert_eq!(w.discord.rate_limited_count(), 1);
    assert_eq!(w.status().await.last_error, None);
    assert_eq!(w.status().await.events.len(), 1);
}
both_backends!(
    a_429_is_waited_out_and_the_event_lands,
    check_a_429_is_waited_out_and_the_event_lands
);
