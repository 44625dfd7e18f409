//! Rolling CTJets seeds against the test kit's fake ctjot.com, on SQLite and PostgreSQL: the
//! CSRF dance (the form's token and the cookie sent back, with Referer and Origin), the complete
//! form the web generator gets (SahasrahBot's preset file read into it), the seed kept in the
//! organization's history, the spoiler log only outside races, presets checked against the
//! settings schema when saved, and every failure of the site reported as an upstream error with
//! nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use presets::{model::SeedRoll, service::RollRequest};
use sdk::{db::Backend, Actor, Error};
use serde_json::json;
use testkit::{
    both_backends, bundle_from_dir,
    fake_randomizers::{
        bingosync::form_fields,
        ctjets::{FakeCtjets, REQUIRED_CHOICES, REQUIRED_NUMBERS, TOKEN},
        Failure,
    },
    RandomizerWorld,
};

/// SahasrahBot's `presets/ctjets/race.yaml`, written for the older 3.1.0 generator.
const RACE: &str = "randomizer: ctjets
version: 3.1.0
description: Race
settings:
  difficulty: normal
  disable_glitches: \"on\"
  early_pendant: \"on\"
  zeal: \"on\"
  duplicate_char_assignments: 7f7f7f7f7f7f7f
  shop_prices: Normal
  tech_rando: Fully Random
";

struct World {
    world: RandomizerWorld,
    site: FakeCtjets,
}

impl std::ops::Deref for World {
    type Target = RandomizerWorld;
    fn deref(&self) -> &RandomizerWorld {
        &self.world
    }
}

/// Presets and CTJets on for "League", ctjot.com at the fake (site setting), a public namespace
/// `league` with the public preset "race": SahasrahBot's `presets/ctjets/race.yaml` as it is.
async fn world(backend: Backend) -> World {
    let site = FakeCtjets::ctjets().await.unwrap();
    let world = RandomizerWorld::new(
        backend,
        "ctjets",
        bundle_from_dir(
            ctjets::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            ctjets::plugin(),
        ),
        json!({"base_url": site.url(), "timeout_seconds": 2}),
    )
    .await;
    let w = World { world, site };
    w.save_preset("race", RACE).await.unwrap();
    w
}

impl World {
    async fn roll(&self, actor: &Actor, preset: &str) -> Result<SeedRoll, Error> {
        self.roll_with(actor, preset, false, false).await
    }

    async fn roll_with(
        &self,
        actor: &Actor,
        preset: &str,
        spoiler: bool,
        tournament: bool,
    ) -> Result<SeedRoll, Error> {
        self.world
            .roll_request(
                actor,
                RollRequest {
                    spoiler,
                    tournament,
                    ..self.world.request(preset)
                },
            )
            .await
    }

    /// The roll fails with an upstream error from ctjot.com whose message has `expected`.
    async fn roll_fails(&self, actor: &Actor, preset: &str, expected: &str) {
        match self.roll(actor, preset).await {
            Err(Error::Upstream { service, message }) => {
                assert_eq!(service, "ctjot.com");
                assert!(message.contains(expected), "{message:?} lacks {expected:?}");
            }
            other => panic!("expected an upstream error with {expected:?}, got {other:?}"),
        }
    }
}

async fn check_a_preset_rolls_a_seed_through_the_csrf_dance(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "race").await.unwrap();

    // First the options page, then the form posted back with its token and cookie.
    let sent = w.site.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("GET", "/options/")
    );
    assert_eq!(
        (sent[1].method.as_str(), sent[1].path.as_str()),
        ("POST", "/generate-rom/")
    );
    assert_eq!(
        sent[1].header("cookie"),
        Some(format!("csrftoken={TOKEN}").as_str())
    );
    assert_eq!(
        sent[1].header("referer"),
        Some(format!("{}/options/", w.site.url()).as_str())
    );
    assert_eq!(sent[1].header("origin"), Some(w.site.url()));
    let form = form_fields(&sent[1].body);
    assert_eq!(form["csrfmiddlewaretoken"], TOKEN);
    // The complete set the generator requires, SahasrahBot's file read into it.
    for (name, _) in REQUIRED_CHOICES {
        assert!(form.contains_key(*name), "{name}");
    }
    for name in REQUIRED_NUMBERS {
        assert!(form[*name].parse::<i64>().is_ok(), "{name}");
    }
    assert_eq!(form["item_difficulty"], "normal");
    assert_eq!(form["enemy_difficulty"], "normal");
    assert_eq!(form["tech_rando"], "fully_random");
    assert_eq!(form["shop_prices"], "normal");
    assert_eq!(form["game_mode"], "standard");
    assert_eq!(form["zeal"], "on");
    assert_eq!(form["early_pendant"], "on");
    assert_eq!(form["disable_glitches"], "on");
    assert_eq!(form["power_tab_min"], "2");
    assert_eq!(form["mystery_game_mode_standard"], "75");
    assert_eq!(form["duplicate_char_assignments"], "7f7f7f7f7f7f7f");
    assert_eq!(form["seed"], "");
    assert!(
        !form.contains_key("boss_rando"),
        "unset checkboxes are not sent"
    );
    assert!(!form.contains_key("spoiler_log"), "a race seed");

    // The seed the site made is the one kept.
    let games = w.site.with_state(|s| s.games.clone());
    assert_eq!(games.len(), 1);
    assert!(games[0].race_seed);
    let id = games[0].share_id.clone();
    assert_eq!(seed.url, format!("{}/share/{id}/", w.site.url()));
    assert_eq!(seed.hash.as_deref(), Some(id.as_str()));
    assert_eq!(seed.preset, "league/race");
    assert_eq!(seed.rolled_by.as_deref(), Some("ada"));
    assert!(!seed.has_spoiler);
    let settings = seed.settings.clone().unwrap();
    assert_eq!(settings["tech_rando"], "fully_random");
    assert_eq!(settings["zeal"], true);
    assert_eq!(settings["spoiler_log"], false);

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
    a_preset_rolls_a_seed_through_the_csrf_dance,
    check_a_preset_rolls_a_seed_through_the_csrf_dance
);

/// A spoiler asked for is the site's spoiler log, shown here to those allowed; a race seed
/// never has one (ctjot.com shows it on the share page).
async fn check_a_spoiler_is_the_sites_log_and_a_race_has_none(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let boss = Actor::user(w.member("boss", &["Admin"]).await);
    let seed = w.roll_with(&ada, "race", true, false).await.unwrap();
    assert_eq!(form_fields(&w.site.requests()[1].body)["spoiler_log"], "on");
    let game = w.site.with_state(|s| s.games[0].clone());
    assert!(!game.race_seed);
    assert!(seed.has_spoiler);
    assert_eq!(seed.spoiler_url, None, "a plain member does not see it");
    let seen = w.presets.seed(w.org, &boss, seed.id).await.unwrap();
    assert_eq!(
        seen.spoiler_url,
        Some(format!(
            "{}/spoiler_log/{}.txt",
            w.site.url(),
            game.share_id
        ))
    );

    let race = w.roll_with(&ada, "race", true, true).await.unwrap();
    assert!(!form_fields(&w.site.requests()[3].body).contains_key("spoiler_log"));
    assert!(w.site.with_state(|s| s.games[1].race_seed));
    assert!(!race.has_spoiler);
}
both_backends!(
    a_spoiler_is_the_sites_log_and_a_race_has_none,
    check_a_spoiler_is_the_sites_log_and_a_race_has_none
);

/// The seed page itself (SahasrahBot's flow got it by following the redirect) is read too.
async fn check_the_seed_page_answer_is_read_from_its_share_link(backend: Backend) {
    let w = world(backend).await;
    w.site.with_state(|s| s.share_page = true);
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "race").await.unwrap();
    let id = w.site.with_state(|s| s.games[0].share_id.clone());
    assert_eq!(seed.url, format!("{}/share/{id}/", w.site.url()));
    assert_eq!(seed.hash.as_deref(), Some(id.as_str()));
}
both_backends!(
    the_seed_page_answer_is_read_from_its_share_link,
    check_the_seed_page_answer_is_read_from_its_share_link
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
        "race",
        "ctjot.com could not make the seed (HTTP 500) (3 attempts)",
    )
    .await;
    for _ in 0..3 {
        w.site
            .fail_next(Failure::Stall(std::time::Duration::from_secs(5)));
    }
    w.roll_fails(&ada, "race", "did not answer within 2 seconds")
        .await;
    assert!(
        w.history(&ada).await.is_empty(),
        "a failed roll keeps nothing"
    );
    assert!(w.site.with_state(|s| s.games.is_empty()));

    // Two failures, then the third attempt rolls.
    w.site.fail_next(Failure::server_error());
    w.site.fail_next(Failure::server_error());
    w.roll(&ada, "race").await.unwrap();
    assert_eq!(w.history(&ada).await.len(), 1);
}
both_backends!(
    a_site_that_cannot_answer_is_reported_and_nothing_kept,
    check_a_site_that_cannot_answer_is_reported_and_nothing_kept
);

/// A page without a token, the generator's error page (fields it wants that were not sent),
/// the CSRF check failing, an answer without a share link, a redirect elsewhere, garbage: each
/// a clear upstream error, nothing kept.
async fn check_every_refusal_of_the_site_is_reported_and_nothing_kept(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);

    // No token in the page: no form is posted at all.
    w.site.with_state(|s| s.without_token = true);
    w.roll_fails(&ada, "race", "options page has no CSRF token")
        .await;
    assert_eq!(w.site.requests().len(), 1);
    assert_eq!(w.site.requests()[0].method, "GET");
    w.site.with_state(|s| s.without_token = false);
    w.site.fail_next(Failure::Garbage);
    w.roll_fails(&ada, "race", "options page has no CSRF token")
        .await;

    // The generator's own refusal: its error page, naming the fields (a newer version).
    w.site
        .with_state(|s| s.also_required = vec!["bucket_num_objs", "bucket_num_objs_req"]);
    w.roll_fails(
        &ada,
        "race",
        "ctjot.com refused the seed: Errors in the following form fields: bucket_num_objs bucket_num_objs_req",
    )
    .await;
    w.site.with_state(|s| s.also_required.clear());
    let cases: Vec<((u16, &'static str, String), &str)> = vec![
        (
            (
                403,
                "text/html",
                "<h1>Forbidden (403)</h1><p>CSRF verification failed.</p>".into(),
            ),
            "ctjot.com refused the seed: its CSRF check failed (HTTP 403)",
        ),
        (
            (
                200,
                "text/html",
                "<html><body>Generating…</body></html>".into(),
            ),
            "ctjot.com did not roll the seed: its answer (HTTP 200) has no seed share link",
        ),
        (
            (404, "text/html", "<h1>Not Found</h1>".into()),
            "its generator page was not found (HTTP 404)",
        ),
        (
            (302, "text/html", String::new()),
            "which is not a seed's share page",
        ),
    ];
    for (answer, expected) in cases {
        w.site.with_state(|s| s.post_answers.push_back(answer));
        w.roll_fails(&ada, "race", expected).await;
    }
    assert!(
        w.history(&ada).await.is_empty(),
        "a failed roll keeps nothing"
    );
    assert!(w.site.with_state(|s| s.games.is_empty()));
}
both_backends!(
    every_refusal_of_the_site_is_reported_and_nothing_kept,
    check_every_refusal_of_the_site_is_reported_and_nothing_kept
);

async fn check_the_plugin_off_makes_no_request(backend: Backend) {
    let w = world(backend).await;
    let outsider = Actor::user(w.user("eve").await);
    let refused = w.roll(&outsider, "race").await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    w.set_enabled("ctjets", false).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let off = w.roll(&ada, "race").await.unwrap_err();
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
        .save_preset("typo", "zeal: true\nzeel: true\n")
        .await
        .unwrap_err();
    match err {
        Error::Invalid { field, message } => {
            assert_eq!(field, "settings.zeel");
            assert!(message.contains("`zeel` is not a setting"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    for (yaml, field) in [
        ("game_mode: ice age 2\n", "settings.game_mode"),
        ("difficulty: nightmare\n", "settings.difficulty"),
        ("power_tab_max: 12\n", "settings.power_tab_max"),
        (
            "power_tab_min: 5\npower_tab_max: 3\n",
            "settings.power_tab_min",
        ),
        (
            "duplicate_char_assignments: 7f7f\n",
            "settings.duplicate_char_assignments",
        ),
        ("settings:\n  zeal: true\nflags: x\n", "flags"),
        ("preset_type: mystery\nweights: {}\n", "yaml"),
    ] {
        let err = w.save_preset("bad", yaml).await.unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field: f, .. } if f == field),
            "{yaml}: {err:?}"
        );
    }
    // The current fields, plainly, are fine.
    w.save_preset(
        "lost_worlds",
        "game_mode: lost_worlds\nzeal: true\ntech_rando: fully_random\nmystery_seed: false\n",
    )
    .await
    .unwrap();
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
    let ctjets = list.iter().find(|r| r.id == "ctjets").unwrap();
    assert!(ctjets.can_roll);
    assert_eq!(ctjets.name, "Chrono Trigger: Jets of Time");
    assert_eq!(list.iter().filter(|r| r.id == "ctjets").count(), 1);
    let root = Actor::user(w.admin.clone());
    let err = w
        .plugins()
        .set_config(
            w.org,
            "ctjets",
            json!({"base_url": "http://169.254.169.254/"}),
            &root,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "base_url"),
        "{err:?}"
    );
    let config = w.plugins().effective_config(w.org, "ctjets").await.unwrap();
    assert_eq!(config["base_url"], w.site.url());
}
both_backends!(
    the_randomizer_is_listed_and_its_address_is_the_sites,
    check_the_randomizer_is_listed_and_its_address_is_the_sites
);
