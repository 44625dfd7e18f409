//! Rolling Avianart seeds against the test kit's fake avianart.games, on SQLite and
//! PostgreSQL: the create and the polls the site gets, the seed kept in the organization's
//! history with its code in ALTTPR's names, presets checked against the settings schema when
//! saved, and every failure of the site reported as an upstream error with nothing written —
//! a create that timed out is never sent again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use presets::{
    model::SeedRoll,
    service::{RollRequest, SeedFilter},
};
use sdk::{db::Backend, page::PageRequest, time::now_ms, Actor, Error};
use serde_json::json;
use testkit::{
    both_backends, bundle_from_dir,
    fake_randomizers::{
        avianart::{AvianartOutcome, FakeAvianart},
        Failure, Recorded,
    },
    RandomizerWorld,
};

struct World {
    world: RandomizerWorld,
    site: FakeAvianart,
}

impl std::ops::Deref for World {
    type Target = RandomizerWorld;
    fn deref(&self) -> &RandomizerWorld {
        &self.world
    }
}

/// Presets and Avianart on for "League", avianart.games at the fake (site settings: no wait
/// between polls, at most 5 polls, an API key), a namespace `league` with the preset
/// "crosshunt".
async fn world(backend: Backend) -> World {
    let site = FakeAvianart::avianart().await.unwrap();
    let world = RandomizerWorld::new(
        backend,
        "avianart",
        bundle_from_dir(
            avianart::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            avianart::plugin(),
        ),
        json!({
            "base_url": site.url(),
            "timeout_seconds": 2,
            "poll_seconds": 0,
            "poll_attempts": 5,
            "api_key": "avian-key",
        }),
    )
    .await;
    let w = World { world, site };
    w.save_preset("crosshunt", "preset: crosshunt\n")
        .await
        .unwrap();
    w
}

impl World {
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

    async fn roll(&self, actor: &Actor, preset: &str) -> Result<SeedRoll, Error> {
        self.roll_with(actor, preset, false, false).await
    }

    fn creates(&self) -> Vec<Recorded> {
        self.site
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect()
    }
}

fn param(request: &Recorded, name: &str) -> Option<String> {
    request.query.as_deref()?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.replace("%2F", "/"))
    })
}

async fn check_a_preset_rolls_a_seed_kept_in_the_history(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "crosshunt").await.unwrap();

    // What avianart.games was sent: one create, then polls until done (two "still
    // generating", then the seed).
    let sent = w.site.requests();
    assert_eq!(sent.len(), 4, "{sent:#?}");
    let create = &sent[0];
    assert_eq!(
        (create.method.as_str(), create.path.as_str()),
        ("POST", "/api.php")
    );
    assert_eq!(param(create, "action").as_deref(), Some("generate"));
    assert_eq!(param(create, "preset").as_deref(), Some("crosshunt"));
    assert_eq!(create.json(), json!([{"args": {"race": true}}]));
    assert_eq!(create.header("authorization"), Some("avian-key"));
    for poll in &sent[1..] {
        assert_eq!(
            (poll.method.as_str(), poll.path.as_str()),
            ("GET", "/api.php")
        );
        assert_eq!(param(poll, "action").as_deref(), Some("permlink"));
        assert_eq!(param(poll, "hash").as_deref(), Some("fake0001"));
        assert_eq!(poll.header("authorization"), Some("avian-key"));
    }

    // What came back.
    assert_eq!(seed.url, format!("{}/perm/fake0001", w.site.url()));
    assert_eq!(seed.hash.as_deref(), Some("fake0001"));
    assert_eq!(
        seed.file_select_code.as_deref().unwrap(),
        ["Bombs", "Magic Powder", "Ice Rod", "Flute", "Bugnet"]
    );
    assert_eq!(seed.preset, "league/crosshunt");
    assert_eq!(seed.rolled_by.as_deref(), Some("ada"));
    assert!(!seed.has_spoiler, "a race seed has no spoiler");
    assert_eq!(
        seed.settings,
        Some(json!({"preset": "crosshunt", "race": true}))
    );

    // Kept, listed, searchable, audited.
    let history = w.history(&ada).await;
    assert_eq!(history.iter().map(|s| s.id).collect::<Vec<_>>(), [seed.id]);
    let found = w
        .presets
        .list_seeds(
            w.org,
            &ada,
            SeedFilter {
                randomizer: Some("avianart".into()),
                q: Some("fake0001".into()),
                ..Default::default()
            },
            PageRequest::first(),
        )
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_logs WHERE action = 'seed.roll'")
            .fetch_one(w.platform.db.pool())
            .await
            .unwrap();
    assert_eq!(audited, 1);

    // What the seed was rolled with rolls again as given settings.
    let again = w
        .presets
        .roll_seed(
            w.org,
            &ada,
            RollRequest {
                randomizer: "avianart".into(),
                settings: seed.settings.clone(),
                source: "api".into(),
                ..RollRequest::default()
            },
            now_ms(),
        )
        .await
        .unwrap();
    assert_eq!(again.hash.as_deref(), Some("fake0002"));
    assert_eq!(w.creates()[1].query, w.creates()[0].query);
}
both_backends!(
    a_preset_rolls_a_seed_kept_in_the_history,
    check_a_preset_rolls_a_seed_kept_in_the_history
);

/// SahasrahBot's preset files (`avianart: true`, the Avianart preset under `settings`) roll as
/// they are; `race: false` rolls a non-race seed whose spoiler can be kept; the caller's race
/// flag forces a race seed; a spoiler of a race seed is refused before anything is sent.
async fn check_sahasrahbots_presets_race_and_spoilers(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let boss = Actor::user(w.member("boss", &["Admin"]).await);
    w.save_preset(
        "cabookey",
        "goal_name: cabookey\navianart: true\ndescription: \"AVIANART Cabookey\"\nsettings:\n  preset: kaesden/cabookey\n",
    )
    .await
    .unwrap();
    let seed = w.roll(&ada, "cabookey").await.unwrap();
    assert_eq!(
        param(&w.creates()[0], "preset").as_deref(),
        Some("kaesden/cabookey")
    );
    assert_eq!(seed.hash.as_deref(), Some("fake0001"));

    // A spoiler of a race seed: refused, nothing sent.
    let before = w.site.requests().len();
    let err = w
        .roll_with(&ada, "crosshunt", true, false)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "spoiler"),
        "{err:?}"
    );
    assert_eq!(w.site.requests().len(), before);

    // A non-race seed with its spoiler kept, shown to those allowed.
    w.save_preset("casual", "preset: crosshunt\nrace: false\n")
        .await
        .unwrap();
    let seed = w.roll_with(&ada, "casual", true, false).await.unwrap();
    assert_eq!(w.creates()[1].json(), json!([{"args": {"race": false}}]));
    assert!(seed.has_spoiler && seed.has_spoiler_log);
    let log = w.presets.spoiler_log(w.org, &boss, seed.id).await.unwrap();
    assert_eq!(log["Hyrule Castle"]["Sanctuary"], "Moon Pearl");
    assert_eq!(log["meta"]["version"], "1.4.1");
    let refused = w
        .presets
        .spoiler_log(w.org, &ada, seed.id)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");

    // The caller's race flag (a race room, `/avianart race:true`) wins over the preset.
    let seed = w.roll_with(&ada, "casual", false, true).await.unwrap();
    assert_eq!(w.creates()[2].json(), json!([{"args": {"race": true}}]));
    assert!(!seed.has_spoiler);
}
both_backends!(
    sahasrahbots_presets_race_and_spoilers,
    check_sahasrahbots_presets_race_and_spoilers
);

/// A seed made elsewhere has no code in its spoiler: it is read from `fshash`.
async fn check_the_code_falls_back_to_fshash(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    w.site
        .with_state(|s| s.outcome = AvianartOutcome::FshashOnly);
    let seed = w.roll(&ada, "crosshunt").await.unwrap();
    assert_eq!(
        seed.file_select_code.as_deref().unwrap(),
        ["Bombs", "Magic Powder", "Ice Rod", "Flute", "Bugnet"]
    );
}
both_backends!(
    the_code_falls_back_to_fshash,
    check_the_code_falls_back_to_fshash
);

/// Each failure of the site is an upstream error naming avianart.games, and no seed is kept.
/// `creates` is how many times the create was sent for it.
async fn check_every_failure_of_the_site_is_reported_and_nothing_kept(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let not_found = r#"{"status":404,"response":{"message":"Preset not found"}}"#;
    let cases: Vec<(Vec<Failure>, Option<AvianartOutcome>, &str, usize)> = vec![
        (
            vec![Failure::server_error(); 3],
            None,
            "could not make the seed (HTTP 500) (3 attempts)",
            3,
        ),
        (
            vec![Failure::Garbage],
            None,
            "answered with something we cannot read",
            1,
        ),
        // The site's refusal, as an HTTP 404 carrying the envelope.
        (
            vec![Failure::Status(404, "application/json", not_found.into())],
            None,
            "avianart.games refused the seed: Preset not found",
            1,
        ),
        // A proxy's 502: the seed may exist, so it is not asked for again.
        (
            vec![Failure::Status(
                502,
                "text/html",
                "<html>Bad Gateway</html>".into(),
            )],
            None,
            "could not make the seed (HTTP 502). It was not asked again",
            1,
        ),
        // A create that times out is never sent again (the seed may have been made).
        (
            vec![Failure::Stall(std::time::Duration::from_secs(5))],
            None,
            "did not answer within 2 seconds",
            1,
        ),
        (
            vec![],
            Some(AvianartOutcome::Failure),
            "avianart.games could not generate the seed: Generation failed",
            1,
        ),
        (
            vec![],
            Some(AvianartOutcome::Never),
            "had not finished the seed after 5 checks",
            1,
        ),
        (
            vec![],
            Some(AvianartOutcome::FourNames),
            "has 4 names instead of five",
            1,
        ),
    ];
    for (failures, outcome, expected, creates) in cases {
        let before = w.creates().len();
        for failure in failures {
            w.site.fail_next(failure);
        }
        w.site
            .with_state(|s| s.outcome = outcome.unwrap_or(AvianartOutcome::Finished));
        match w.roll(&ada, "crosshunt").await {
            Err(Error::Upstream { service, message }) => {
                assert_eq!(service, "avianart.games");
                assert!(message.contains(expected), "{message:?} lacks {expected:?}");
            }
            other => panic!("expected an upstream error with {expected:?}, got {other:?}"),
        }
        assert_eq!(
            w.creates().len() - before,
            creates,
            "creates sent for {expected:?}"
        );
    }
    w.site.with_state(|s| s.outcome = AvianartOutcome::Finished);

    // The site's refusal in a 200's envelope: an unknown preset.
    w.save_preset("gone", "preset: no-such-preset\n")
        .await
        .unwrap();
    let err = w.roll(&ada, "gone").await.unwrap_err();
    assert!(
        err.to_string()
            .contains("refused the seed: Preset not found"),
        "{err}"
    );
    assert!(
        w.history(&ada).await.is_empty(),
        "a failed roll keeps nothing"
    );

    // A create answered 500 (the site made nothing) is sent again: the third one rolls.
    w.site.fail_next(Failure::server_error());
    w.site.fail_next(Failure::server_error());
    let before = w.creates().len();
    let seed = w.roll(&ada, "crosshunt").await.unwrap();
    assert!(seed.hash.is_some());
    assert_eq!(w.creates().len() - before, 3);
    // A poll answered 500 is asked again (asking changes nothing): the seed still arrives.
    w.site.with_state(|s| s.poll_errors = 2);
    let before = w.creates().len();
    w.roll(&ada, "crosshunt").await.unwrap();
    assert_eq!(w.creates().len() - before, 1, "one seed asked for");
    assert_eq!(w.site.with_state(|s| s.poll_errors), 0);
    assert_eq!(w.history(&ada).await.len(), 2);
}
both_backends!(
    every_failure_of_the_site_is_reported_and_nothing_kept,
    check_every_failure_of_the_site_is_reported_and_nothing_kept
);

async fn check_the_plugin_off_rolls_nothing(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    w.set_enabled("avianart", false).await;
    let off = w.roll(&ada, "crosshunt").await.unwrap_err();
    assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
    assert!(w.site.requests().is_empty());
    // Someone outside the organization may not roll either.
    w.set_enabled("avianart", true).await;
    let outsider = Actor::user(w.user("eve").await);
    let refused = w.roll(&outsider, "crosshunt").await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    assert!(w.site.requests().is_empty());
}
both_backends!(
    the_plugin_off_rolls_nothing,
    check_the_plugin_off_rolls_nothing
);

async fn check_presets_are_checked_against_the_settings_when_saved(backend: Backend) {
    let w = world(backend).await;
    for (yaml, field) in [
        ("preset: crosshunt\nrase: false\n", "settings.rase"),
        ("preset: crosshunt\nrace: maybe\n", "settings.race"),
        ("race: true\n", "settings.preset"),
        ("preset: ''\n", "settings.preset"),
        ("doors: true\nsettings:\n  preset: crosshunt\n", "doors"),
        (
            "avianart: false\nsettings:\n  preset: crosshunt\n",
            "avianart",
        ),
    ] {
        match w.save_preset("bad", yaml).await {
            Err(Error::Invalid { field: f, message }) => {
                assert_eq!(f, field, "{yaml}: {message}")
            }
            other => panic!("{yaml}: expected Invalid {field}, got {other:?}"),
        }
    }
    let err = w
        .save_preset("typo", "preset: crosshunt\nrase: false\n")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`rase` is not a setting"), "{err}");
    // No mystery weightsets.
    let err = w
        .save_preset("mystery", "preset_type: mystery\nweights: {}\n")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not take mystery"), "{err}");
    assert!(w.site.requests().is_empty(), "checked here, not sent");
}
both_backends!(
    presets_are_checked_against_the_settings_when_saved,
    check_presets_are_checked_against_the_settings_when_saved
);

/// The randomizer is listed, and its settings are the site's: an organization cannot point it
/// elsewhere or change its key.
async fn check_the_site_settings_are_the_sites(backend: Backend) {
    let w = world(backend).await;
    let list = w.presets.randomizers().unwrap();
    let avianart = list.iter().find(|r| r.id == "avianart").unwrap();
    assert!(avianart.can_roll);
    let root = Actor::user(w.admin.clone());
    for (key, value) in [
        ("base_url", json!("http://169.254.169.254/")),
        ("api_key", json!("mine")),
        ("poll_attempts", json!(1000)),
    ] {
        let err = w
            .plugins()
            .set_config(w.org, "avianart", json!({ key: value }), &root)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == key),
            "{key}: {err:?}"
        );
    }
    let config = w
        .plugins()
        .effective_config(w.org, "avianart")
        .await
        .unwrap();
    assert_eq!(config["base_url"], w.site.url());
}
both_backends!(
    the_site_settings_are_the_sites,
    check_the_site_settings_are_the_sites
);
