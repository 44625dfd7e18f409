//! Oversized inputs and lists, on SQLite and PostgreSQL: a match's player list and a settings
//! submission have a maximum, and going past it is a clear Invalid error naming the field — not a
//! database error from a statement with tens of thousands of parameters, nor a stored document of
//! hundreds of kilobytes per game; and the match list comes a page at a time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sdk::{auth::CurrentUser, db::Backend, Error};

use serde_json::json;
use testkit::{both_backends, PluginWorld};
use tournament::{api, rules};

/// A league with a tournament (with a settings form) and a match between `ada` and `bob`.
struct League {
    w: PluginWorld,
    ada: CurrentUser,
    bob: CurrentUser,
    tournament_id: i64,
    match_id: i64,
}

async fn league(backend: Backend) -> League {
    let w = testkit::plugin_world!(tournament, backend).await;
    let (org, admin) = (w.org, &w.admin);
    let ada = w.member("ada", &[]).await;
    let bob = w.member("bob", &[]).await;
    let schema = json!({"type": "object", "properties": {"mode": {"type": "string", "enum": ["open", "standard"]}}, "required": ["mode"]});
    let t = w
        .call(admin, || {
            api::create_tournament(
                org,
                "Cup".into(),
                String::new(),
                None,
                false,
                true,
                true,
                Some(schema),
                String::new(),
                String::new(),
                false,
            )
        })
        .await
        .unwrap();
    let (a, b) = (ada.id, bob.id);
    let m = w
        .call(admin, || {
            api::create_match(
                org,
                t.id,
                "Round 1".into(),
                None,
                vec![a, b],
                None,
                String::new(),
            )
        })
        .await
        .unwrap();
    League {
        w,
        ada,
        bob,
        tournament_id: t.id,
        match_id: m.id,
    }
}

fn assert_invalid(result: Result<impl std::fmt::Debug, Error>, field: &str, says: &str) {
    match result {
        Err(Error::Invalid { field: f, message }) => {
            assert_eq!(f, field, "{message}");
            assert!(message.contains(says), "{message}");
        }
        other => panic!("expected Invalid on {field}, got {other:?}"),
    }
}

/// A match listing 70 000 player ids reached the database as one statement with a parameter per
/// id: past the database's parameter limit that was an internal error, below it a long query.
async fn check_oversized_player_ids_refused(backend: Backend) {
    let League {
        w,
        tournament_id,
        match_id,
        ..
    } = league(backend).await;
    let (org, admin) = (w.org, &w.admin);
    let huge: Vec<i64> = (1..=70_000).collect();
    let ids = huge.clone();
    let created = w
        .call(admin, || {
            api::create_match(
                org,
                tournament_id,
                "Everyone".into(),
                None,
                ids,
                None,
                String::new(),
            )
        })
        .await;
    assert_invalid(created, "player_ids", "at most 64 players");
    let updated = w
        .call(admin, || {
            api::update_match(
                org,
                match_id,
                "Round 1".into(),
                None,
                huge,
                None,
                String::new(),
            )
        })
        .await;
    assert_invalid(updated, "player_ids", "at most 64 players");
    // Just past the maximum is refused the same way, with the count.
    let one_too_many: Vec<i64> = (1..=(rules::PLAYERS_MAX as i64 + 1)).collect();
    let created = w
        .call(admin, || {
            api::create_match(
                org,
                tournament_id,
                "Big".into(),
                None,
                one_too_many,
                None,
                String::new(),
            )
        })
        .await;
    assert_invalid(created, "player_ids", "(this lists 65)");
}
both_backends!(
    oversized_player_ids_refused,
    check_oversized_player_ids_refused
);

/// A player could store a 200 KB document as their settings for each of 50 games of a match.
async fn check_oversized_settings_submission_refused(backend: Backend) {
    let League {
        w, ada, match_id, ..
    } = league(backend).await;
    let org = w.org;
    let bulky = json!({"mode": "open", "extra": "x".repeat(200 * 1024)});
    let submitted = w
        .call(&ada, || {
            api::submit_match_settings(org, match_id, 1, bulky, String::new())
        })
        .await;
    assert_invalid(submitted, "settings", "at most 16 KB");
    // An ordinary submission still goes through.
    let fine = w
        .call(&ada, || {
            api::submit_match_settings(org, match_id, 1, json!({"mode": "open"}), String::new())
        })
        .await;
    assert!(fine.is_ok(), "{fine:?}");
}
both_backends!(
    oversized_settings_submission_refused,
    check_oversized_settings_submission_refused
);

/// The schedule answered every match of the organization at once; it now comes a page at a
/// time, each page in schedule order.
async fn check_match_list_pages_with_a_maximum(backend: Backend) {
    let League {
        w,
        ada,
        bob,
        tournament_id,
        ..
    } = league(backend).await;
    let (org, admin, bob) = (w.org, &w.admin, bob.id);
    let extra = sdk::page::MAX_LIMIT as usize + 5;
    for i in 0..extra {
        let players = vec![ada.id, bob];
        let at = format!("2027-01-01T{:02}:{:02}:00Z", (i / 60) % 24, i % 60);
        w.call(admin, || {
            api::create_match(
                org,
                tournament_id,
                format!("Match {i}"),
                Some(at.into()),
                players,
                None,
                String::new(),
            )
        })
        .await
        .unwrap();
    }
    let huge = sdk::page::PageRequest {
        limit: Some(u32::MAX),
        before_id: None,
    };
    let first = w
        .call(admin, || {
            api::list_matches(org, None, None, None, None, None, false, huge)
        })
        .await
        .unwrap();
    assert_eq!(first.items.len(), sdk::page::MAX_LIMIT as usize);
    let times: Vec<_> = first.items.iter().map(|m| m.scheduled_at).collect();
    let mut sorted = times.clone();
    sorted.sort_by_key(|t| (t.is_none(), *t));
    assert_eq!(times, sorted, "a page is in schedule order");
    let mut seen: std::collections::BTreeSet<i64> = first.items.iter().map(|m| m.id).collect();
    let mut next = first.next_before_id;
    assert!(next.is_some());
    while let Some(before) = next {
        let page = w
            .call(admin, || {
                api::list_matches(
                    org,
                    None,
                    None,
                    None,
                    None,
                    None,
                    false,
                    sdk::page::PageRequest::after(Some(before)),
                )
            })
            .await
            .unwrap();
        for m in &page.items {
            assert!(seen.insert(m.id), "match {} twice", m.id);
        }
        next = page.next_before_id;
    }
    // The league's first match and every one made here.
    assert_eq!(seen.len(), extra + 1);
}
both_backends!(
    match_list_pages_with_a_maximum,
    check_match_list_pages_with_a_maximum
);
