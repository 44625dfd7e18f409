//! Oversized inputs and lists, on SQLite and PostgreSQL: a match's player list and a settings
//! submission have a maximum, and going past it is a clear Invalid error naming the field — not a
//! database error from a statement with tens of thousands of parameters, nor a stored document of
//! hundreds of kilobytes per game; and the match list comes a page at a time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sdk::{auth::GlobalLevel, db::Backend, Error};
use testkit::platform;

use serde_json::json;
use testkit::{both_backends, TestDb};
use tournament::{api, rules};

/// A league with a tournament (with a settings form) and a match between `ada` and `bob`; the
/// test database, platform, the users and the ids.
async fn league(
    backend: Backend,
) -> (
    TestDb,
    sdk::context::Platform,
    sdk::auth::CurrentUser,
    sdk::auth::CurrentUser,
    i64,
    i64,
    i64,
) {
    let test = TestDb::new(backend).await;
    test.migrate_core().await;
    let platform = test
        .platform_with_plugin(
            tournament::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            tournament::plugin(),
        )
        .await;
    let admin = test.user("admin", GlobalLevel::Superadmin).await;
    let org = test.org(&admin, "League").await;
    let ada = test.user("ada", GlobalLevel::User).await;
    let bob = test.user("bob", GlobalLevel::User).await;
    for user in [&ada, &bob] {
        platform::identity::orgs::add_member(
            &test.db,
            testkit::authorizer(&platform),
            &admin,
            org,
            user.id,
            None,
        )
        .await
        .unwrap();
    }
    let schema = json!({"type": "object", "properties": {"mode": {"type": "string", "enum": ["open", "standard"]}}, "required": ["mode"]});
    let t = testkit::as_caller(&platform, &admin, || {
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
    let m = testkit::as_caller(&platform, &admin, || {
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
    (test, platform, admin, ada, org, t.id, m.id)
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
    let (_test, platform, admin, _ada, org, tournament_id, match_id) = league(backend).await;
    let huge: Vec<i64> = (1..=70_000).collect();
    let ids = huge.clone();
    let created = testkit::as_caller(&platform, &admin, || {
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
    let updated = testkit::as_caller(&platform, &admin, || {
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
    let created = testkit::as_caller(&platform, &admin, || {
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
    let (_test, platform, _admin, ada, org, _tournament_id, match_id) = league(backend).await;
    let bulky = json!({"mode": "open", "extra": "x".repeat(200 * 1024)});
    let submitted = testkit::as_caller(&platform, &ada, || {
        api::submit_match_settings(org, match_id, 1, bulky, String::new())
    })
    .await;
    assert_invalid(submitted, "settings", "at most 16 KB");
    // An ordinary submission still goes through.
    let fine = testkit::as_caller(&platform, &ada, || {
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
    let (test, platform, admin, ada, org, tournament_id, _match_id) = league(backend).await;
    let bob = platform::identity::users::find_by_username(&test.db, "bob")
        .await
        .unwrap()
        .unwrap()
        .id;
    let extra = sdk::page::MAX_LIMIT as usize + 5;
    for i in 0..extra {
        let players = vec![ada.id, bob];
        let at = format!("2027-01-01T{:02}:{:02}:00Z", (i / 60) % 24, i % 60);
        testkit::as_caller(&platform, &admin, || {
            api::create_match(
                org,
                tournament_id,
                format!("Match {i}"),
                Some(at),
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
    let first = testkit::as_caller(&platform, &admin, || {
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
        let page = testkit::as_caller(&platform, &admin, || {
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
