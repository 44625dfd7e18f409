//! Commands typed in a room: answered by the watcher; a randomizer command rolls from the
//! organization's presets only when that randomizer's plugin is on.

use sdk::time::now_ms;
use testkit::both_backends;

use super::*;

async fn said(w: &World, slug: &str, line: &str, expect: &str) -> String {
    let before = w.racetime.room(slug).unwrap().bot_messages.len();
    w.racetime.say(slug, "rtAda0000000000a", line).unwrap();
    let mut answer = String::new();
    eventually(&format!("an answer to {line}"), || {
        let found = w
            .racetime
            .room(slug)
            .unwrap()
            .bot_messages
            .get(before..)
            .unwrap_or_default()
            .iter()
            .find(|m| m.contains(expect))
            .cloned();
        if let Some(found) = &found {
            answer = found.clone();
        }
        async move { found.is_some() }
    })
    .await;
    answer
}

async fn check_chat_commands_are_answered(backend: Backend) {
    let w = world(backend).await;
    let ada = w.racer("ada", "rtAda0000000000a").await;
    let bob = w.racer("bob", "rtBob0000000000b").await;
    let game = w.match_in("Round 1", 20, &[&ada, &bob]).await;
    w.svc
        .open_match_room(w.org, &w.root(), game.id, now_ms())
        .await
        .unwrap();
    let slug = w.slug_of(game.id).await;
    let seed_url = w.room_of(game.id).await.unwrap().seed_url.unwrap();
    eventually("watched", || async { w.racetime.socket_count(&slug) == 1 }).await;
    eventually("invited", || async {
        w.racetime.room(&slug).unwrap().entrants.len() == 2
    })
    .await;
    w.racetime.accept_invite(&slug, "rtAda0000000000a").unwrap();
    assert!(said(&w, &slug, "!seed", "Seed:").await.contains(&seed_url));
    assert!(said(&w, &slug, "!race", "Seed:").await.contains(&seed_url));
    said(&w, &slug, "!help", "Commands:").await;
    said(&w, &slug, "!status", "invitational").await;
    said(&w, &slug, "!time", "has not started").await;
    said(&w, &slug, "!entrants", "Entrants:").await;
    said(&w, &slug, "!nonsense", "try !help").await;
    // A preset that is not there: the presets plugin's own words (and no wait after it).
    said(&w, &slug, "!vt league/nope", "No seed").await;
    // ALTTPR is on: `!vt` rolls from the organization's preset; a second roll must wait.
    let rolled = said(&w, &slug, "!vt league/open", "alttpr seed").await;
    assert!(rolled.contains(w.alttpr.url()), "{rolled}");
    said(&w, &slug, "!vt league/open", "One roll every 30 seconds").await;
    // SMZ3's plugin is not loaded/on here: refused without calling anything.
    said(&w, &slug, "!smz3 open", "not switched on").await;
    // ALTTPR switched off: refused too.
    w.set_enabled("alttpr", false).await;
    said(&w, &slug, "!vt league/open", "not switched on").await;
}
both_backends!(chat_commands_are_answered, check_chat_commands_are_answered);
