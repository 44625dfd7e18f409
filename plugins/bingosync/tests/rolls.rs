//! Making Bingosync rooms against the test kit's fake bingosync.com, on SQLite and PostgreSQL:
//! the CSRF dance (the form's token and the cookie sent back, with Referer and Origin), the room
//! form Bingosync gets, the room kept in the organization's history with its password, presets
//! checked against the settings schema when saved, and every failure of the site reported as an
//! upstream error with nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use presets::{model::SeedRoll, service::RollRequest};
use sdk::{db::Backend, Actor, Error};
use serde_json::json;
use testkit::{
    both_backends, bundle_from_dir,
    fake_randomizers::{
        bingosync::{form_fields, FakeBingosync, TOKEN},
        Failure,
    },
    RandomizerWorld,
};

struct World {
    world: RandomizerWorld,
    site: FakeBingosync,
}

impl std::ops::Deref for World {
    type Target = RandomizerWorld;
    fn deref(&self) -> &RandomizerWorld {
        &self.world
    }
}

/// Presets and Bingosync on for "League", bingosync.com at the fake (site setting), a public
/// namespace `league` with the public preset "sm" (Super Metroid, lockout, a room name; no
/// password or seed).
async fn world(backend: Backend) -> World {
    let site = FakeBingosync::bingosync().await.unwrap();
    let world = RandomizerWorld::new(
        backend,
        "bingosync",
        bundle_from_dir(
            bingosync::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            bingosync::plugin(),
        ),
        json!({"base_url": site.url(), "timeout_seconds": 2}),
    )
    .await;
    let w = World { world, site };
    w.save_preset(
        "sm",
        "game_type: 4\nlockout_mode: lockout\nroom_name: League night\n",
    )
    .await
    .unwrap();
    w
}

impl World {
    async fn roll(&self, actor: &Actor, preset: &str) -> Result<SeedRoll, Error> {
        self.world
            .roll_request(
                actor,
                RollRequest {
                    spoiler: false,
                    tournament: false,
                    ..self.world.request(preset)
                },
            )
            .await
    }

    /// The roll fails with an upstream error from bingosync.com whose message has `expected`.
    async fn roll_fails(&self, actor: &Actor, preset: &str, expected: &str) {
        match self.roll(actor, preset).await {
            Err(Error::Upstream { service, message }) => {
                assert_eq!(service, "bingosync.com");
                assert!(message.contains(expected), "{message:?} lacks {expected:?}");
            }
            other => panic!("expected an upstream error with {expected:?}, got {other:?}"),
        }
    }
}

async fn check_a_preset_makes_a_room_through_the_csrf_dance(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "sm").await.unwrap();

    // First the room page, then the form posted back with its token and cookie.
    let sent = w.site.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("GET", "/")
    );
    assert_eq!(
        (sent[1].method.as_str(), sent[1].path.as_str()),
        ("POST", "/")
    );
    assert_eq!(
        sent[1].header("cookie"),
        Some(format!("csrftoken={TOKEN}").as_str())
    );
    assert_eq!(
        sent[1].header("referer"),
        Some(format!("{}/", w.site.url()).as_str())
    );
    assert_eq!(sent[1].header("origin"), Some(w.site.url()));
    assert_eq!(
        sent[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = form_fields(&sent[1].body);
    assert_eq!(form["csrfmiddlewaretoken"], TOKEN);
    assert_eq!(form["room_name"], "League night");
    assert_eq!(form["game_type"], "4");
    assert_eq!(form["lockout_mode"], "2");
    assert_eq!(form["nickname"], "SahaBot");
    assert_eq!(form["is_spectator"], "on");
    assert_eq!(form["hide_card"], "on");
    assert_eq!(form["custom_json"], "");
    assert!(!form.contains_key("variant_type"));
    // A password and a card seed were drawn for the room.
    let passphrase = form["passphrase"].clone();
    assert_eq!(passphrase.len(), 12, "{passphrase}");
    let card_seed: u64 = form["seed"].parse().unwrap();
    assert!((1..=1_000_000).contains(&card_seed));

    // The room the site made is the one kept.
    let room = w.site.with_state(|s| s.rooms.clone());
    assert_eq!(room.len(), 1);
    assert_eq!(room[0].passphrase, passphrase);
    assert!(room[0].hide_card && room[0].is_spectator);
    assert_eq!(seed.url, format!("{}/room/{}", w.site.url(), room[0].id));
    assert_eq!(seed.hash.as_deref(), Some(room[0].id.as_str()));
    assert_eq!(seed.preset, "league/sm");
    assert_eq!(seed.rolled_by.as_deref(), Some("ada"));
    assert!(!seed.has_spoiler);
    let settings = seed.settings.clone().unwrap();
    assert_eq!(
        settings["passphrase"],
        passphrase.as_str(),
        "players see the password"
    );
    assert_eq!(settings["lockout_mode"], "lockout");
    assert_eq!(settings["seed"], card_seed);
    let metadata: String = sqlx::query_scalar("SELECT metadata FROM seed_rolls WHERE id = $1")
        .bind(seed.id)
        .fetch_one(w.platform.db.pool())
        .await
        .unwrap();
    let metadata: serde_json::Value = serde_json::from_str(&metadata).unwrap();
    assert_eq!(metadata["password"], passphrase.as_str());
    assert_eq!(metadata["room_id"], room[0].id.as_str());

    // Kept, listed, audited.
    let history = w.history(&ada).await;
    assert_eq!(history.iter().map(|s| s.id).collect::<Vec<_>>(), [seed.id]);
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_logs WHERE action = 'seed.roll'")
            .fetch_one(w.platform.db.pool())
            .await
            .unwrap();
    assert_eq!(audited, 1);
}
both_backends!(
    a_preset_makes_a_room_through_the_csrf_dance,
    check_a_preset_makes_a_room_through_the_csrf_dance
);

async fn check_the_presets_password_seed_and_checkboxes_are_sent(backend: Backend) {
    let w = world(backend).await;
    w.save_preset(
        "custom",
        "description: A custom board\nsettings:\n  game_type: 18\n  variant_type: 172\n  passphrase: hunter2\n  seed: 77\n  hide_card: false\n  is_spectator: false\n  custom_json:\n    - name: Collect 3 Fire Flowers\n",
    )
    .await
    .unwrap();
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "custom").await.unwrap();
    let form = form_fields(&w.site.requests()[1].body);
    assert_eq!(form["passphrase"], "hunter2");
    assert_eq!(form["seed"], "77");
    assert_eq!(form["variant_type"], "172");
    assert_eq!(
        form["lockout_mode"], "1",
        "non-lockout unless the preset says"
    );
    assert_eq!(form["room_name"], "SahaBot Bingo");
    assert_eq!(
        form["custom_json"],
        r#"[{"name":"Collect 3 Fire Flowers"}]"#
    );
    // Off is not sent at all: Django reads any value but `false` as on.
    assert!(!form.contains_key("hide_card"));
    assert!(!form.contains_key("is_spectator"));
    let room = w.site.with_state(|s| s.rooms[0].clone());
    assert_eq!((room.game_type, room.seed.as_str()), (172, "77"));
    assert!(!room.hide_card && !room.is_spectator);
    assert_eq!(seed.settings.unwrap()["passphrase"], "hunter2");
}
both_backends!(
    the_presets_password_seed_and_checkboxes_are_sent,
    check_the_presets_password_seed_and_checkboxes_are_sent
);

/// The site cannot answer (5xx, no answer in time): tried three times, then reported.
async fn check_a_site_that_cannot_answer_is_reported_and_nothing_kept(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    for _ in 0..3 {
        w.site.fail_next(Failure::server_error());
    }
    w.roll_fails(
        &ada,
        "sm",
        "bingosync.com could not make the room (HTTP 500) (3 attempts)",
    )
    .await;
    for _ in 0..3 {
        w.site
            .fail_next(Failure::Stall(std::time::Duration::from_secs(5)));
    }
    w.roll_fails(&ada, "sm", "did not answer within 2 seconds")
        .await;
    // The POST failing too: the same token is sent again.
    w.site.with_state(|s| {
        for _ in 0..3 {
            s.post_answers
                .push_back((500, "text/html", "<h1>Server Error (500)</h1>".into()));
        }
    });
    let before = w.site.requests().len();
    w.roll_fails(&ada, "sm", "could not make the room (HTTP 500)")
        .await;
    assert_eq!(w.site.requests().len() - before, 4, "one GET, three POSTs");
    assert!(
        w.history(&ada).await.is_empty(),
        "a failed roll keeps nothing"
    );
    assert!(w.site.with_state(|s| s.rooms.is_empty()));

    // Two failures, then the third attempt makes the room.
    w.site.fail_next(Failure::server_error());
    w.site.fail_next(Failure::server_error());
    w.roll(&ada, "sm").await.unwrap();
    assert_eq!(w.history(&ada).await.len(), 1);
}
both_backends!(
    a_site_that_cannot_answer_is_reported_and_nothing_kept,
    check_a_site_that_cannot_answer_is_reported_and_nothing_kept
);

/// A page without a token, the form back instead of a room (with and without its errors), the
/// CSRF check failing, a redirect elsewhere, garbage: each a clear upstream error, nothing kept.
async fn check_every_refusal_of_the_site_is_reported_and_nothing_kept(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);

    // No token in the page: no room form is posted at all.
    w.site.with_state(|s| s.without_token = true);
    w.roll_fails(&ada, "sm", "room page has no CSRF token")
        .await;
    assert_eq!(w.site.requests().len(), 1);
    assert_eq!(w.site.requests()[0].method, "GET");
    w.site.with_state(|s| s.without_token = false);
    w.site.fail_next(Failure::Garbage);
    w.roll_fails(&ada, "sm", "room page has no CSRF token")
        .await;

    // The site's own refusal: the form again, saying what is wrong.
    w.save_preset("unknown_game", "game_type: 999\n")
        .await
        .unwrap();
    w.roll_fails(
        &ada,
        "unknown_game",
        "bingosync.com did not make the room: game_type: Select a valid choice. 999 is not one of the available choices.",
    )
    .await;
    let cases: Vec<((u16, &'static str, String), &str)> = vec![
        (
            (
                200,
                "text/html",
                "<html><body><form>Make Room</form></body></html>".into(),
            ),
            "answered with its room form again (HTTP 200) without saying why",
        ),
        (
            (
                403,
                "text/html",
                "<h1>Forbidden (403)</h1><p>CSRF verification failed.</p>".into(),
            ),
            "bingosync.com refused the room: its CSRF check failed (HTTP 403)",
        ),
        ((302, "text/html", String::new()), "which is not a room"),
    ];
    for (answer, expected) in cases {
        w.site.with_state(|s| s.post_answers.push_back(answer));
        w.roll_fails(&ada, "sm", expected).await;
    }
    assert!(
        w.history(&ada).await.is_empty(),
        "a failed roll keeps nothing"
    );
    assert!(w.site.with_state(|s| s.rooms.is_empty()));
}
both_backends!(
    every_refusal_of_the_site_is_reported_and_nothing_kept,
    check_every_refusal_of_the_site_is_reported_and_nothing_kept
);

async fn check_the_plugin_off_makes_no_request(backend: Backend) {
    let w = world(backend).await;
    let outsider = Actor::user(w.user("eve").await);
    let refused = w.roll(&outsider, "sm").await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    w.set_enabled("bingosync", false).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let off = w.roll(&ada, "sm").await.unwrap_err();
    assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
    assert!(w.site.requests().is_empty());
}
both_backends!(
    the_plugin_off_makes_no_request,
    check_the_plugin_off_makes_no_request
);

async fn check_presets_are_checked_against_the_settings_when_saved(backend: Backend) {
    let w = world(backend).await;
    let err = w
        .save_preset("typo", "game_type: 4\npasword: secret\n")
        .await
        .unwrap_err();
    match err {
        Error::Invalid { field, message } => {
            assert_eq!(field, "settings.pasword");
            assert!(message.contains("`pasword` is not a setting"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    for (yaml, field) in [
        ("lockout_mode: lockout\n", "settings.game_type"),
        (
            "game_type: 4\nlockout_mode: blackout\n",
            "settings.lockout_mode",
        ),
        ("game_type: 4\nseed: 3000000000\n", "settings.seed"),
        ("game_type: 4\nnickname: ''\n", "settings.nickname"),
        ("settings:\n  game_type: 4\nflags: x\n", "flags"),
    ] {
        let err = w.save_preset("bad", yaml).await.unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field: f, .. } if f == field),
            "{yaml}: {err:?}"
        );
    }
    assert!(
        w.site.requests().is_empty(),
        "checked here, not by the site"
    );
}
both_backends!(
    presets_are_checked_against_the_settings_when_saved,
    check_presets_are_checked_against_the_settings_when_saved
);

async fn check_the_randomizer_is_listed_and_its_address_is_the_sites(backend: Backend) {
    let w = world(backend).await;
    let list = w.presets.randomizers().unwrap();
    let bingosync = list.iter().find(|r| r.id == "bingosync").unwrap();
    assert!(bingosync.can_roll);
    assert_eq!(bingosync.name, "Bingosync");
    assert_eq!(list.iter().filter(|r| r.id == "bingosync").count(), 1);
    let root = Actor::user(w.admin.clone());
    let err = w
        .plugins()
        .set_config(
            w.org,
            "bingosync",
            json!({"base_url": "http://169.254.169.254/"}),
            &root,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "base_url"),
        "{err:?}"
    );
    let config = w
        .plugins()
        .effective_config(w.org, "bingosync")
        .await
        .unwrap();
    assert_eq!(config["base_url"], w.site.url());
}
both_backends!(
    the_randomizer_is_listed_and_its_address_is_the_sites,
    check_the_randomizer_is_listed_and_its_address_is_the_sites
);
