//! Bots, grants, profiles and tournament settings: who may do what, bad input named, secrets
//! sealed and never shown, another organization's bot refused.

use racetime::model::{RoomSettings, RoundPreset};
use sdk::time::now_ms;
use testkit::both_backends;

use super::*;

async fn check_bots_are_the_site_admins_and_secrets_stay_sealed(backend: Backend) {
    let w = world(backend).await;
    let manager = Actor::user(w.member("manager", &["Admin"]).await);
    // An organization admin is no site admin.
    let e = w.svc.bots(&manager).await.unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    let e = w
        .svc
        .save_bot(&manager, None, &BotInput::default(), now_ms())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    // Bad input names the field.
    let bad = BotInput {
        category: "ALTTPR!".into(),
        name: "Bot".into(),
        client_id: "x".into(),
        client_secret: "y".into(),
        is_active: true,
    };
    assert_eq!(
        w.svc
            .save_bot(&w.root(), None, &bad, now_ms())
            .await
            .unwrap_err()
            .field(),
        Some("category")
    );
    let bad = BotInput {
        category: "smz3".into(),
        name: "a#b".into(),
        ..bad
    };
    assert_eq!(
        w.svc
            .save_bot(&w.root(), None, &bad, now_ms())
            .await
            .unwrap_err()
            .field(),
        Some("name")
    );
    // The secret is sealed in the database and never in the API's answer or the audit log.
    let stored: String =
        sqlx::query_scalar("SELECT client_secret_sealed FROM racetime_bots WHERE id = $1")
            .bind(w.bot_id)
            .fetch_one(w.platform.db.pool())
            .await
            .unwrap();
    assert!(!stored.contains(CLIENT_SECRET));
    let bots = w.svc.bots(&w.root()).await.unwrap();
    assert!(!serde_json::to_string(&bots)
        .unwrap()
        .contains(CLIENT_SECRET));
    assert_eq!(bots[0].organizations, vec![w.org]);
    let audit: Vec<String> = sqlx::query_scalar("SELECT details FROM audit_log")
        .fetch_all(w.platform.db.pool())
        .await
        .unwrap_or_default();
    assert!(audit.iter().all(|d| !d.contains(CLIENT_SECRET)));
    // The token works and the status says so; a changed secret (empty keeps it) …
    let checked = w
        .svc
        .check_bot(&w.root(), w.bot_id, now_ms())
        .await
        .unwrap();
    assert_eq!(checked.status, "connected");
    assert!(checked.token_expires_at.is_some());
    // … and credentials racetime.gg refuses mark the bot for an admin.
    let wrong = BotInput {
        category: CATEGORY.into(),
        name: BOT_NAME.into(),
        client_id: CLIENT_ID.into(),
        client_secret: "wrong".into(),
        is_active: true,
    };
    w.svc
        .save_bot(&w.root(), Some(w.bot_id), &wrong, now_ms())
        .await
        .unwrap();
    let checked = w
        .svc
        .check_bot(&w.root(), w.bot_id, now_ms())
        .await
        .unwrap();
    assert_eq!(checked.status, "auth_failed");
    assert!(
        checked
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("invalid_client")),
        "{checked:?}"
    );
}
both_backends!(
    bots_are_the_site_admins_and_secrets_stay_sealed,
    check_bots_are_the_site_admins_and_secrets_stay_sealed
);

async fn check_settings_take_only_the_organizations_own(backend: Backend) {
    let w = world(backend).await;
    let other = w.other_org("Other League").await;
    let root = w.root();
    // A bot granted only to another organization cannot be picked.
    let theirs = w
        .svc
        .save_bot(
            &root,
            None,
            &BotInput {
                category: "smz3".into(),
                name: "TheirBot".into(),
                client_id: "c2".into(),
                client_secret: "s2".into(),
                is_active: true,
            },
            now_ms(),
        )
        .await
        .unwrap();
    w.svc
        .grant_bot(&root, theirs.id, other, true, now_ms())
        .await
        .unwrap();
    let mut settings = TournamentRooms {
        tournament_id: w.tournament_id,
        bot_id: Some(theirs.id),
        profile_id: None,
        goal: String::new(),
        auto_open: true,
        open_minutes_before: 30,
        preset_rule: PresetRule::Tournament,
    };
    let e = w
        .svc
        .save_tournament_rooms(w.org, &root, &settings, now_ms())
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("bot_id"));
    // Out of range and unusable rules name the field.
    settings.bot_id = Some(w.bot_id);
    settings.open_minutes_before = 0;
    assert_eq!(
        w.svc
            .save_tournament_rooms(w.org, &root, &settings, now_ms())
            .await
            .unwrap_err()
            .field(),
        Some("open_minutes_before")
    );
    settings.open_minutes_before = 30;
    settings.preset_rule = PresetRule::PerRound {
        randomizer: "alttpr".into(),
        rounds: vec![RoundPreset {
            title_prefix: "".into(),
            preset: "x".into(),
        }],
        fallback: None,
    };
    assert_eq!(
        w.svc
            .save_tournament_rooms(w.org, &root, &settings, now_ms())
            .await
            .unwrap_err()
            .field(),
        Some("preset_rule.rounds[0].title_prefix")
    );
    // Another organization's tournament is not found.
    let e = w
        .svc
        .save_tournament_rooms(
            other,
            &root,
            &TournamentRooms {
                preset_rule: PresetRule::None,
                ..settings.clone()
            },
            now_ms(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e.kind(), "NotFound" | "NotEnabled"), "{e:?}");
    // A member without the right is refused; profiles check racetime.gg's ranges.
    let member = Actor::user(w.member("member", &[]).await);
    assert_eq!(
        w.svc.profiles(w.org, &member).await.unwrap_err().kind(),
        "Forbidden"
    );
    let bad = RoomSettings {
        start_delay_seconds: 5,
        ..RoomSettings::default()
    };
    assert_eq!(
        w.svc
            .save_profile(w.org, &root, None, "Fast", &bad, now_ms())
            .await
            .unwrap_err()
            .field(),
        Some("start_delay_seconds")
    );
    let profile = w
        .svc
        .save_profile(
            w.org,
            &root,
            None,
            "Streamed",
            &RoomSettings {
                streaming_required: true,
                ..RoomSettings::default()
            },
            now_ms(),
        )
        .await
        .unwrap();
    assert_eq!(
        w.svc
            .save_profile(
                w.org,
                &root,
                None,
                "Streamed",
                &RoomSettings::default(),
                now_ms()
            )
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
    // A per-round rule picks the match's preset; the profile's fields reach racetime.gg.
    w.save_preset("r1", "goal: ganon\nmode: open\n")
        .await
        .unwrap();
    settings.profile_id = Some(profile.id);
    settings.preset_rule = PresetRule::PerRound {
        randomizer: "alttpr".into(),
        rounds: vec![RoundPreset {
            title_prefix: "Round 1".into(),
            preset: "league/r1".into(),
        }],
        fallback: Some("league/open".into()),
    };
    w.svc
        .save_tournament_rooms(w.org, &root, &settings, now_ms())
        .await
        .unwrap();
    let ada = w.racer("ada", "rtAda0000000000a").await;
    let bob = w.racer("bob", "rtBob0000000000b").await;
    let game = w.match_in("Round 1 - ada", 20, &[&ada, &bob]).await;
    w.svc
        .open_match_room(w.org, &root, game.id, now_ms())
        .await
        .unwrap();
    let room = w.room_of(game.id).await.unwrap();
    assert_eq!(room.preset.as_deref(), Some("alttpr/league/r1"));
    let upstream = w.racetime.room(room.slug.as_deref().unwrap()).unwrap();
    assert!(upstream.streaming_required);
    // A member cannot open rooms; the API's guard and the service agree.
    assert_eq!(
        w.svc
            .open_match_room(w.org, &member, game.id, now_ms())
            .await
            .unwrap_err()
            .kind(),
        "Forbidden"
    );
}
both_backends!(
    settings_take_only_the_organizations_own,
    check_settings_take_only_the_organizations_own
);
