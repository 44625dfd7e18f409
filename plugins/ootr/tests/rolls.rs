//! Rolling OoTR seeds against the test kit's fake ootrandomizer.com, on SQLite and PostgreSQL:
//! the create, status polls and details the site gets (the API key on each), the seed kept in
//! the organization's history with its hash icons, encrypted and locked seeds, spoilers,
//! presets checked against the settings schema when saved, no roll without an API key, and
//! every failure of the site reported as an upstream error with nothing written — a create
//! that timed out is never sent again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use presets::{
    model::SeedRoll,
    service::{RollRequest, SeedFilter},
};
use sdk::{db::Backend, page::PageRequest, time::now_ms, Actor, Error};
use serde_json::{json, Value};
use testkit::{
    both_backends, bundle_from_dir,
    fake_randomizers::{
        ootr::{FakeOotr, OotrState, FILE_HASH, KEY},
        Failure, Recorded,
    },
    RandomizerWorld,
};

struct World {
    world: RandomizerWorld,
    site: FakeOotr,
}

impl std::ops::Deref for World {
    type Target = RandomizerWorld;
    fn deref(&self) -> &RandomizerWorld {
        &self.world
    }
}

const PRESET: &str = "settings:
  world_count: 1
  create_spoiler: true
  bridge: stones
  bridge_stones: 3
  shuffle_smallkeys: dungeon
version: 8.1.0
";

/// The site settings the tests run with: the fake, no wait between polls, at most 4 polls, the
/// fake's key.
fn install_config(site: &FakeOotr) -> Value {
    json!({
        "base_url": site.url(),
        "timeout_seconds": 2,
        "poll_seconds": 0,
        "poll_attempts": 4,
        "api_key": KEY,
    })
}

/// Presets and OoTR on for "League", ootrandomizer.com at the fake, a namespace `league` with
/// the preset "s7".
async fn world(backend: Backend) -> World {
    let site = FakeOotr::ootr().await.unwrap();
    let world = RandomizerWorld::new(
        backend,
        "ootr",
        bundle_from_dir(ootr::MANIFEST, env!("CARGO_MANIFEST_DIR"), ootr::plugin()),
        install_config(&site),
    )
    .await;
    let w = World { world, site };
    w.save_preset("s7", PRESET).await.unwrap();
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
            .filter(|r| r.path == "/api/v2/seed/create")
            .collect()
    }
}

/// The query's parameters, in order.
fn params(request: &Recorded) -> Vec<(String, String)> {
    request
        .query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key.to_string(), value.to_string())
        })
        .collect()
}

fn param(request: &Recorded, name: &str) -> Option<String> {
    params(request)
        .into_iter()
        .find_map(|(k, v)| (k == name).then_some(v))
}

async fn check_a_preset_rolls_an_encrypted_seed_kept_in_the_history(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "s7").await.unwrap();

    // What ootrandomizer.com was sent: the create, three status polls (a 204, a "generating",
    // then done), the details — each with the key.
    let sent = w.site.requests();
    let calls: Vec<(&str, &str)> = sent
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("POST", "/api/v2/seed/create"),
            ("GET", "/api/v2/seed/status"),
            ("GET", "/api/v2/seed/status"),
            ("GET", "/api/v2/seed/status"),
            ("GET", "/api/v2/seed/details"),
        ]
    );
    let create = &sent[0];
    assert_eq!(
        params(create),
        [
            ("key".to_string(), KEY.to_string()),
            ("version".to_string(), "8.1.0".to_string()),
            ("encrypt".to_string(), "true".to_string()),
        ],
        "an encrypted race seed; never locked=false"
    );
    assert_eq!(create.header("content-type"), Some("application/json"));
    assert_eq!(
        create.json(),
        json!({"world_count": 1, "create_spoiler": true, "bridge": "stones", "bridge_stones": 3, "shuffle_smallkeys": "dungeon"}),
        "the settings map is the body"
    );
    for call in &sent[1..] {
        assert_eq!(param(call, "key").as_deref(), Some(KEY));
        assert_eq!(param(call, "id").as_deref(), Some("123456"));
    }

    // What came back.
    assert_eq!(seed.url, format!("{}/seed/get?id=123456", w.site.url()));
    assert_eq!(seed.hash.as_deref(), Some("123456"));
    assert_eq!(seed.file_select_code.as_deref().unwrap(), FILE_HASH);
    assert_eq!(seed.preset, "league/s7");
    assert_eq!(seed.rolled_by.as_deref(), Some("ada"));
    assert!(
        !seed.has_spoiler,
        "an encrypted seed's spoiler never leaves the site"
    );
    let settings = seed.settings.clone().unwrap();
    assert_eq!(settings["version"], "8.1.0");
    assert_eq!(settings["encrypt"], true);
    assert_eq!(settings["settings"]["bridge"], "stones");
    // The key is the site's secret: nothing kept shows it.
    let kept = serde_json::to_string(&w.history(&ada).await).unwrap();
    assert!(!kept.contains(KEY), "{kept}");

    // Kept, listed, searchable, audited.
    let history = w.history(&ada).await;
    assert_eq!(history.iter().map(|s| s.id).collect::<Vec<_>>(), [seed.id]);
    let found = w
        .presets
        .list_seeds(
            w.org,
            &ada,
            SeedFilter {
                randomizer: Some("ootr".into()),
                q: Some("123456".into()),
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

    // What the seed was rolled with rolls again as given settings (it has the preset's shape).
    let again = w
        .presets
        .roll_seed(
            w.org,
            &ada,
            RollRequest {
                randomizer: "ootr".into(),
                settings: Some(settings),
                source: "api".into(),
                ..RollRequest::default()
            },
            now_ms(),
        )
        .await
        .unwrap();
    assert_eq!(again.hash.as_deref(), Some("123457"));
    let creates = w.creates();
    assert_eq!(creates[1].json(), creates[0].json());
    assert_eq!(creates[1].query, creates[0].query);
}
both_backends!(
    a_preset_rolls_an_encrypted_seed_kept_in_the_history,
    check_a_preset_rolls_an_encrypted_seed_kept_in_the_history
);

/// A development branch cannot encrypt: its race seeds are locked. A casual preset is neither,
/// unless the caller races. A spoiler asked for is a locked seed whose log is kept here.
async fn check_dev_branches_casual_seeds_and_spoilers(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let boss = Actor::user(w.member("boss", &["Admin"]).await);
    // Done at the first poll: fewer requests, under the client's pace.
    w.site.with_state(|s| s.pending_polls = 0);
    w.save_preset("dev", "settings: {bridge: open}\nversion: dev_8.2.50\n")
        .await
        .unwrap();
    w.roll(&ada, "dev").await.unwrap();
    let create = &w.creates()[0];
    assert_eq!(param(create, "locked").as_deref(), Some("true"));
    assert_eq!(param(create, "encrypt"), None);
    assert_eq!(param(create, "version").as_deref(), Some("dev_8.2.50"));

    w.save_preset("casual", "settings: {bridge: open}\nencrypt: false\n")
        .await
        .unwrap();
    w.roll(&ada, "casual").await.unwrap();
    let create = &w.creates()[1];
    assert_eq!(
        params(create),
        [("key".to_string(), KEY.to_string())],
        "no version (the current release), neither encrypted nor locked"
    );
    w.roll_with(&ada, "casual", false, true).await.unwrap();
    assert_eq!(
        param(&w.creates()[2], "encrypt").as_deref(),
        Some("true"),
        "the caller's race flag wins"
    );

    // A spoiler: locked, not encrypted, made with a spoiler log, which is kept.
    let seed = w.roll_with(&ada, "s7", true, false).await.unwrap();
    let create = &w.creates()[3];
    assert_eq!(param(create, "locked").as_deref(), Some("true"));
    assert_eq!(param(create, "encrypt"), None);
    assert_eq!(create.json()["create_spoiler"], true);
    assert!(seed.has_spoiler && seed.has_spoiler_log);
    let log = w.presets.spoiler_log(w.org, &boss, seed.id).await.unwrap();
    assert_eq!(log["locations"]["KF Midos Top Left Chest"], "Bow");
    let refused = w
        .presets
        .spoiler_log(w.org, &ada, seed.id)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");

    // A key that may not read locked logs: the seed is kept, without one.
    w.site.with_state(|s| s.locked_spoiler_access = false);
    let seed = w.roll_with(&ada, "s7", true, false).await.unwrap();
    assert!(!seed.has_spoiler);
    assert_eq!(w.history(&ada).await.len(), 5);
}
both_backends!(
    dev_branches_casual_seeds_and_spoilers,
    check_dev_branches_casual_seeds_and_spoilers
);

/// Without an API key nothing is sent, and the error says who must set it.
async fn check_no_api_key_no_roll(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let root = Actor::user(w.admin.clone());
    let mut config = install_config(&w.site);
    config.as_object_mut().unwrap().remove("api_key");
    w.plugins()
        .set_install_config("ootr", config, &root)
        .await
        .unwrap();
    match w.roll(&ada, "s7").await {
        Err(Error::Upstream { service, message }) => {
            assert_eq!(service, "ootrandomizer.com");
            assert!(message.contains("`api_key`"), "{message}");
            assert!(message.contains("site administrator"), "{message}");
        }
        other => panic!("expected an upstream error, got {other:?}"),
    }
    assert!(w.site.requests().is_empty());
    assert!(w.history(&ada).await.is_empty());
}
both_backends!(no_api_key_no_roll, check_no_api_key_no_roll);

type Setup = fn(&mut OotrState);

/// Each case: the failures scripted, the site's state, what the error must say, and how many
/// creates were sent for it. Every one is an upstream error naming ootrandomizer.com (never
/// showing the key), and no seed is kept.
async fn failures_are_reported(w: &World, cases: Vec<(Vec<Failure>, Setup, &str, usize)>) {
    let ada = Actor::user(w.member("ada", &[]).await);
    for (failures, setup, expected, creates) in cases {
        let before = w.creates().len();
        w.site.with_state(|s| {
            s.reset();
            setup(s);
        });
        for failure in failures {
            w.site.fail_next(failure);
        }
        match w.roll(&ada, "s7").await {
            Err(Error::Upstream { service, message }) => {
                assert_eq!(service, "ootrandomizer.com");
                assert!(message.contains(expected), "{message:?} lacks {expected:?}");
                assert!(!message.contains(KEY), "the key stays secret: {message}");
            }
            other => panic!("expected an upstream error with {expected:?}, got {other:?}"),
        }
        assert_eq!(
            w.creates().len() - before,
            creates,
            "creates sent for {expected:?}"
        );
    }
    assert!(
        w.history(&ada).await.is_empty(),
        "a failed roll keeps nothing"
    );
}

async fn check_every_failed_create_is_reported_and_nothing_kept(backend: Backend) {
    let w = world(backend).await;
    let cases: Vec<(Vec<Failure>, Setup, &str, usize)> = vec![
        (
            vec![Failure::server_error(); 3],
            |_| {},
            "could not make the seed (HTTP 500) (3 attempts)",
            3,
        ),
        (
            vec![Failure::Garbage],
            |_| {},
            "answered with something we cannot read",
            1,
        ),
        (
            vec![Failure::Status(
                400,
                "text/plain",
                "Invalid settings: bridge_stones".into(),
            )],
            |_| {},
            "refused the seed: Invalid settings: bridge_stones (the settings are not valid",
            1,
        ),
        // A wrong key, and a key without the scope for encrypted seeds.
        (
            vec![],
            |s| s.api_key = "another".into(),
            "refused the seed: Invalid API key (the API key was refused",
            1,
        ),
        (
            vec![],
            |s| s.encrypt_scope = false,
            "refused the seed: Insufficient API scope",
            1,
        ),
        (vec![], |s| s.queue_full = true, "its seed queue is full", 1),
        (
            vec![],
            |s| s.versions = vec!["8.2.0".into()],
            "the version asked for is ambiguous or not available",
            1,
        ),
        // Flood protection on the create: not sent again.
        (
            vec![Failure::Status(
                429,
                "text/plain",
                "Too many requests".into(),
            )],
            |_| {},
            "too many requests",
            1,
        ),
        // A proxy's 502: the seed may exist, so it is not asked for again.
        (
            vec![Failure::Status(
                502,
                "text/html",
                "<html>Bad Gateway</html>".into(),
            )],
            |_| {},
            "could not make the seed (HTTP 502). It was not asked again",
            1,
        ),
        // A create that times out is never sent again (the seed may have been made).
        (
            vec![Failure::Stall(std::time::Duration::from_secs(5))],
            |_| {},
            "did not answer within 2 seconds",
            1,
        ),
    ];
    failures_are_reported(&w, cases).await;
}
both_backends!(
    every_failed_create_is_reported_and_nothing_kept,
    check_every_failed_create_is_reported_and_nothing_kept
);

async fn check_every_failed_generation_is_reported_and_nothing_kept(backend: Backend) {
    let w = world(backend).await;
    let cases: Vec<(Vec<Failure>, Setup, &str, usize)> = vec![
        // Generation fails each time: created again twice, then reported.
        (
            vec![],
            |s| {
                s.pending_polls = 0;
                s.failing_generations = 3;
            },
            "could not generate a seed from these settings (3 attempts)",
            3,
        ),
        (
            vec![],
            |s| s.never_finish = true,
            "had not finished seed 123459 after 4 checks",
            1,
        ),
        (
            vec![],
            |s| {
                s.pending_polls = 0;
                s.garbled_settings_log = true;
            },
            "but its hash icons cannot be read: its `settingsLog` is not JSON",
            1,
        ),
    ];
    failures_are_reported(&w, cases).await;
    // The seed's page is named where it may still appear.
    w.site.with_state(|s| {
        s.reset();
        s.never_finish = true;
    });
    let ada = Actor::user(w.member("bea", &[]).await);
    let err = w.roll(&ada, "s7").await.unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("{}/seed/get?id=123461", w.site.url())),
        "{err}"
    );
}
both_backends!(
    every_failed_generation_is_reported_and_nothing_kept,
    check_every_failed_generation_is_reported_and_nothing_kept
);

/// What the site gets over with: a create answered 500 is sent again, a failed generation is
/// created again, a 429 while polling is waited out, and the seed arrives.
async fn check_passing_failures_are_waited_out(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    // Done at the first poll: fewer requests, under the client's pace.
    w.site.with_state(|s| s.pending_polls = 0);
    w.site.fail_next(Failure::server_error());
    w.site.fail_next(Failure::server_error());
    let seed = w.roll(&ada, "s7").await.unwrap();
    assert_eq!(w.creates().len(), 3);
    assert_eq!(seed.hash.as_deref(), Some("123456"));

    w.site.with_state(|s| s.failing_generations = 2);
    let seed = w.roll(&ada, "s7").await.unwrap();
    assert_eq!(w.creates().len(), 6, "two failed generations, then one");
    assert_eq!(seed.hash.as_deref(), Some("123459"));

    w.site.with_state(|s| s.throttled_polls = 2);
    w.roll(&ada, "s7").await.unwrap();
    assert_eq!(w.creates().len(), 7);
    assert_eq!(w.history(&ada).await.len(), 3);
    assert_eq!(
        w.site.with_state(|s| s.rate_limited),
        0,
        "the client kept under 20 requests in 10 s"
    );
}
both_backends!(
    passing_failures_are_waited_out,
    check_passing_failures_are_waited_out
);

async fn check_the_plugin_off_rolls_nothing(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    w.set_enabled("ootr", false).await;
    let off = w.roll(&ada, "s7").await.unwrap_err();
    assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
    assert!(w.site.requests().is_empty());
    w.set_enabled("ootr", true).await;
    let outsider = Actor::user(w.user("eve").await);
    let refused = w.roll(&outsider, "s7").await.unwrap_err();
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
        ("settings: {}\nvesion: 8.1.0\n", "settings.vesion"),
        ("settings: {}\nversion: latest\n", "settings.version"),
        ("settings: {}\nencrypt: sometimes\n", "settings.encrypt"),
        ("world_count: 1\nbridge: open\n", "settings.settings"),
        ("settings: bSettingsStringAAA\n", "settings.settings"),
    ] {
        match w.save_preset("bad", yaml).await {
            Err(Error::Invalid { field: f, message }) => {
                assert_eq!(f, field, "{yaml}: {message}")
            }
            other => panic!("{yaml}: expected Invalid {field}, got {other:?}"),
        }
    }
    let err = w
        .save_preset("typo", "settings: {}\nvesion: 8.1.0\n")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("`vesion` is not a setting"),
        "{err}"
    );
    // SahasrahBot's wrapper keys are fine.
    w.save_preset(
        "sgl",
        "goal_name: sgl\ndescription: SGL 2024\nsettings:\n  world_count: 1\nversion: devSGLive22_8.1.49-40\nencrypt: true\n",
    )
    .await
    .unwrap();
    assert!(w.site.requests().is_empty(), "checked here, not sent");
}
both_backends!(
    presets_are_checked_against_the_settings_when_saved,
    check_presets_are_checked_against_the_settings_when_saved
);

/// The randomizer is listed, and its settings are the site's: an organization cannot point it
/// elsewhere or set the key.
async fn check_the_site_settings_are_the_sites(backend: Backend) {
    let w = world(backend).await;
    let list = w.presets.randomizers().unwrap();
    let ootr = list.iter().find(|r| r.id == "ootr").unwrap();
    assert!(ootr.can_roll);
    assert_eq!(ootr.name, "Ocarina of Time Randomizer");
    assert_eq!(
        list.iter().filter(|r| r.id == "ootr").count(),
        1,
        "listed once"
    );
    let root = Actor::user(w.admin.clone());
    for (key, value) in [
        ("base_url", json!("http://169.254.169.254/")),
        ("api_key", json!("mine")),
        ("poll_seconds", json!(30)),
    ] {
        let err = w
            .plugins()
            .set_config(w.org, "ootr", json!({ key: value }), &root)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == key),
            "{key}: {err:?}"
        );
    }
}
both_backends!(
    the_site_settings_are_the_sites,
    check_the_site_settings_are_the_sites
);
