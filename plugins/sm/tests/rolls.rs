//! Rolling Super Metroid seeds against the test kit's fakes — sm.samus.link (`total`), VARIA
//! (`varia`) and DASH (`dash`) — on SQLite and PostgreSQL: what each site gets (samus.link's
//! JSON strings, VARIA's four form posts, DASH's GET), the seed kept in the organization's
//! history, spoiler links shown only to those allowed, presets checked against the settings
//! schema (and their generator) when saved, and every failure of each site reported as an
//! upstream error with nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use sdk::{db::Backend, Actor, Error};
use serde_json::{json, Value};
use testkit::{
    both_backends, bundle_from_dir,
    fake_randomizers::{
        dash::{self, FakeDash},
        samus::{guid, FakeSamus, SM_HASH},
        varia::{self, parse_form, FakeVaria},
        Failure,
    },
    RandomizerWorld,
};

/// The slug of the fake samus.link's first seed (`guid(1)` in URL-safe base64, worked out by
/// hand with Python's base64 module).
const SLUG_1: &str = "Dx4tPEtaaXiHlqW0w9Lh8A";

/// SahasrahBot's `presets/sm/tournament_split.yaml`, capital T included.
const TOTAL: &str = r#"randomizer: "sm"
goal_name: beat the game
description: "Tournament logic and a major/minor item split."
settings:
    logic: Tournament
    goal: defeatmb
    placement: "split"
    seed: ""
    race: "true"
    gamemode: normal
    players: "1"
"#;

const VARIA: &str = "generator: varia
settings_preset: Season_Races
skills_preset: Season_Races
overrides:
  minorQty: 50
";

const DASH: &str = "generator: dash\npreset: chozo_bozo\n";

struct World {
    world: RandomizerWorld,
    samus: FakeSamus,
    varia: FakeVaria,
    dash: FakeDash,
}

impl std::ops::Deref for World {
    type Target = RandomizerWorld;
    fn deref(&self) -> &RandomizerWorld {
        &self.world
    }
}

/// Presets and Super Metroid on for "League", each generator's site at its fake (site
/// settings), a namespace `league` with the presets "total", "varia" and "dash".
async fn world(backend: Backend) -> World {
    let samus = FakeSamus::samus().await.unwrap();
    let varia = FakeVaria::varia().await.unwrap();
    let dash = FakeDash::dash().await.unwrap();
    let world = RandomizerWorld::new(
        backend,
        "sm",
        bundle_from_dir(sm::MANIFEST, env!("CARGO_MANIFEST_DIR"), sm::plugin()),
        json!({
            "total_url": samus.url(),
            "varia_url": varia.url(),
            "dash_url": dash.url(),
            "timeout_seconds": 2
        }),
    )
    .await;
    let w = World {
        world,
        samus,
        varia,
        dash,
    };
    for (name, yaml) in [("total", TOTAL), ("varia", VARIA), ("dash", DASH)] {
        w.save_preset(name, yaml).await.unwrap();
    }
    w
}

// The player, "ada", is a plain member: she rolls the organization's presets (`seed:roll`)
// but may not see spoilers (`seed:spoiler`).
impl World {
    /// What the site said besides the seed, as kept (the API does not show it).
    async fn metadata(&self, seed_id: i64) -> Value {
        let text: String = sqlx::query_scalar("SELECT metadata FROM seed_rolls WHERE id = $1")
            .bind(seed_id)
            .fetch_one(self.platform.db.pool())
            .await
            .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn requests_everywhere(&self) -> usize {
        self.samus.requests().len() + self.varia.requests().len() + self.dash.requests().len()
    }
}

/// GET `url` with the shared client: (status, body).
async fn fetch(url: &str) -> (u16, String) {
    let response = sdk::http::client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn check_total_rolls_on_sm_samus_link(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let boss = Actor::user(w.member("boss", &["Admin"]).await);
    let seed = w.roll(&ada, "total", false).await.unwrap();

    let sent = w.samus.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("POST", "/api/randomizers/sm/generate")
    );
    assert_eq!(
        sent[0].json(),
        json!({"logic": "tournament", "goal": "defeatmb", "placement": "split", "seed": "",
               "race": "true", "gamemode": "normal", "players": "1"}),
        "strings only, lowercase, no `generator`, no spoiler key"
    );
    assert_eq!(w.varia.requests().len() + w.dash.requests().len(), 0);

    assert_eq!(seed.url, format!("{}/seed/{SLUG_1}", w.samus.url()));
    assert_eq!(seed.hash.as_deref(), Some(SLUG_1));
    let code: Vec<&str> = SM_HASH.split(' ').collect();
    assert_eq!(seed.file_select_code.as_deref().unwrap(), code);
    assert_eq!(seed.preset, "league/total");
    assert!(!seed.has_spoiler);
    assert_eq!(
        w.history(&ada)
            .await
            .iter()
            .map(|s| s.id)
            .collect::<Vec<_>>(),
        [seed.id]
    );
    let metadata = w.metadata(seed.id).await;
    assert_eq!(metadata["generator"], "total");
    assert_eq!(metadata["guid"], guid(1));
    assert_eq!(metadata["game_id"], "sm");

    // With a spoiler: a secret key sent, the link that opens the race spoiler kept for those
    // allowed, the key kept out of the settings everyone sees.
    let seed = w.roll(&ada, "total", true).await.unwrap();
    let key = w.samus.requests()[1].json()["spoilerKey"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(key.len(), 20);
    assert_eq!(seed.spoiler_url, None, "hidden from a plain member");
    let seen = w.presets.seed(w.org, &boss, seed.id).await.unwrap();
    let link = seen.spoiler_url.unwrap();
    assert_eq!(
        link,
        format!(
            "{}/api/spoiler/{}?key={key}&yaml=true",
            w.samus.url(),
            guid(2)
        )
    );
    let settings = seen.settings.unwrap();
    assert!(settings.get("spoilerKey").is_none(), "{settings}");
    assert_eq!(settings["generator"], "total");
    let (status, text) = fetch(&link).await;
    assert_eq!((status, text.contains("Morph Ball")), (200, true), "{text}");
}
both_backends!(
    total_rolls_on_sm_samus_link,
    check_total_rolls_on_sm_samus_link
);

/// VARIA: the default settings preset, the named one, the skills preset, then one form with
/// all of it and the overrides — every call a form post.
async fn check_varia_merges_its_presets_into_one_form(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "varia", false).await.unwrap();

    let sent = w.varia.requests();
    let calls: Vec<(&str, &str)> = sent
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("POST", "/randoPresetWebService"),
            ("POST", "/randoPresetWebService"),
            ("POST", "/presetWebService"),
            ("POST", "/randomizerWebService"),
        ]
    );
    for request in &sent {
        assert_eq!(
            request.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
    }
    let form = |i: usize| parse_form(&sent[i].body);
    assert_eq!(
        form(0),
        HashMap::from([
            ("randoPreset".into(), "default".into()),
            ("origin".into(), "extStats".into())
        ])
    );
    assert_eq!(form(1)["randoPreset"], "Season_Races");
    assert_eq!(
        form(2),
        HashMap::from([("preset".into(), "Season_Races".into())])
    );
    let rolled = form(3);
    for (key, value) in [
        ("hud", "on"),            // the named preset over the default
        ("variaTweaks", "on"),    // the default
        ("majorsSplit", "Major"), // the named preset
        ("minorQty", "50"),       // the preset's override
        ("startLocationMultiSelect", "Landing Site,Gauntlet Top"),
        ("objective", "kill all G4"),
        ("preset", "Season_Races"), // the skills preset's name
        ("raceMode", "on"),
        ("seed", "0"),
        ("logic", "vanilla"),
        ("complexity", "advanced"),
    ] {
        assert_eq!(rolled.get(key).map(String::as_str), Some(value), "{key}");
    }
    let skills: Value = serde_json::from_str(&rolled["paramsFileTarget"]).unwrap();
    assert_eq!(skills["Knows"]["Mockball"], json!([false, 1]));
    assert!(w.samus.requests().is_empty() && w.dash.requests().is_empty());

    let key = varia::seed_key(1);
    assert_eq!(seed.url, format!("{}/customizer/{key}", w.varia.url()));
    assert_eq!(seed.hash.as_deref(), Some(key.as_str()));
    assert_eq!(seed.file_select_code, None);
    assert_eq!(w.history(&ada).await.len(), 1);
    let metadata = w.metadata(seed.id).await;
    assert_eq!(metadata["generator"], "varia");
    assert_eq!(metadata["warnings"], "Minors quantity changed");
    let boss = Actor::user(w.member("boss", &["Admin"]).await);
    let settings = w
        .presets
        .seed(w.org, &boss, seed.id)
        .await
        .unwrap()
        .settings
        .unwrap();
    assert!(
        settings.get("paramsFileTarget").is_none(),
        "too long to keep"
    );
    assert_eq!(settings["majorsSplit"], "Major");

    // The default settings preset is fetched once; no overrides, race off.
    w.save_preset("plain", "generator: varia\nrace: false\n")
        .await
        .unwrap();
    w.roll(&ada, "plain", false).await.unwrap();
    let sent = w.varia.requests();
    assert_eq!(sent.len(), 7);
    assert_eq!(parse_form(&sent[5].body)["preset"], "regular");
    let rolled = parse_form(&sent[6].body);
    assert_eq!(rolled["raceMode"], "off");
    assert_eq!(rolled["hud"], "off");

    // VARIA keeps no spoiler to link to.
    let err = w.roll(&ada, "varia", true).await.unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "spoiler"),
        "{err:?}"
    );
    assert_eq!(w.varia.requests().len(), 7, "nothing asked");
}
both_backends!(
    varia_merges_its_presets_into_one_form,
    check_varia_merges_its_presets_into_one_form
);

/// DASH: one GET, a 307 read and never followed.
async fn check_dash_is_one_get_whose_redirect_names_the_seed(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let boss = Actor::user(w.member("boss", &["Admin"]).await);
    let seed = w.roll(&ada, "dash", false).await.unwrap();
    let sent = w.dash.requests();
    assert_eq!(sent.len(), 1, "the redirect is not followed");
    assert_eq!(
        (
            sent[0].method.as_str(),
            sent[0].path.as_str(),
            sent[0].query.as_deref()
        ),
        ("GET", "/generate/chozo_bozo", Some("race=1"))
    );
    let key = dash::seed_key(1);
    assert_eq!(seed.url, format!("{}/seed/{key}", w.dash.url()));
    assert_eq!(seed.hash.as_deref(), Some(key.as_str()));
    assert!(!seed.has_spoiler);
    assert_eq!(w.metadata(seed.id).await["generator"], "dash");
    assert!(w.samus.requests().is_empty() && w.varia.requests().is_empty());

    let seed = w.roll(&ada, "dash", true).await.unwrap();
    assert_eq!(
        w.dash.requests()[1].query.as_deref(),
        Some("race=1&spoiler=1")
    );
    assert_eq!(seed.spoiler_url, None, "hidden from a plain member");
    let link = w
        .presets
        .seed(w.org, &boss, seed.id)
        .await
        .unwrap()
        .spoiler_url
        .unwrap();
    assert_eq!(
        link,
        format!("{}/seed/{}/spoiler", w.dash.url(), dash::seed_key(2))
    );
    assert_eq!(fetch(&link).await.0, 200);

    w.save_preset("casual", "generator: dash\npreset: classic\nrace: false\n")
        .await
        .unwrap();
    w.roll(&ada, "casual", false).await.unwrap();
    assert_eq!(w.dash.requests()[2].query, None, "no race, no spoiler");
    assert_eq!(w.history(&ada).await.len(), 3);
}
both_backends!(
    dash_is_one_get_whose_redirect_names_the_seed,
    check_dash_is_one_get_whose_redirect_names_the_seed
);

/// Rolls `preset` and expects an upstream error from `service` saying `expected`.
async fn expect_upstream(w: &World, ada: &Actor, preset: &str, service: &str, expected: &str) {
    match w.roll(ada, preset, false).await {
        Err(Error::Upstream {
            service: s,
            message,
        }) => {
            assert_eq!(s, service, "{message}");
            assert!(message.contains(expected), "{message:?} lacks {expected:?}");
        }
        other => panic!("{preset}: expected an upstream error with {expected:?}, got {other:?}"),
    }
}

fn stall() -> Failure {
    Failure::Stall(std::time::Duration::from_secs(5))
}

/// An answer with `status` and no body.
fn empty(status: u16) -> Failure {
    Failure::Status(status, "text/plain", String::new())
}

/// After a site's failures: none of them kept a seed, and the site rolls again.
async fn nothing_kept_and_rolls_again(w: &World, ada: &Actor, preset: &str) {
    assert!(
        w.history(ada).await.is_empty(),
        "a failed roll keeps nothing"
    );
    w.roll(ada, preset, false).await.unwrap();
    assert_eq!(w.history(ada).await.len(), 1);
}

/// Each failure of sm.samus.link is an upstream error naming it, and no seed is kept. (One test
/// per site: their stalls and retries took about 40 s as one, too near the 60 s hang limit.)
async fn check_every_samus_failure_is_reported_and_nothing_kept(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);

    for (failures, expected) in [
        (
            vec![Failure::server_error(); 3],
            "could not make the seed (HTTP 500) (3 attempts)",
        ),
        (
            vec![Failure::Garbage],
            "answered with something we cannot read",
        ),
        (vec![empty(400)], "sm.samus.link refused the seed: HTTP 400"),
        (vec![stall(); 3], "did not answer within 2 seconds"),
    ] {
        for failure in failures {
            w.samus.fail_next(failure);
        }
        expect_upstream(&w, &ada, "total", "sm.samus.link", expected).await;
    }
    w.samus.with_state(|s| s.failing = 3);
    expect_upstream(&w, &ada, "total", "sm.samus.link", "HTTP 500").await;

    nothing_kept_and_rolls_again(&w, &ada, "total").await;
}
both_backends!(
    every_samus_failure_is_reported_and_nothing_kept,
    check_every_samus_failure_is_reported_and_nothing_kept
);

/// Each failure of VARIA, and each of its refusals, is an upstream error naming it; no seed is
/// kept.
async fn check_every_varia_failure_is_reported_and_nothing_kept(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);

    for (failures, expected) in [
        (
            vec![Failure::server_error(); 3],
            "VARIA could not make the settings preset `default` (HTTP 500)",
        ),
        (
            vec![Failure::Garbage],
            "answered with something we cannot read",
        ),
        (vec![stall(); 3], "VARIA did not answer within 2 seconds"),
    ] {
        for failure in failures {
            w.varia.fail_next(failure);
        }
        expect_upstream(&w, &ada, "varia", "VARIA", expected).await;
    }
    // Its refusals: a preset it does not have, a setting it does not take (a JSON-quoted
    // reason), and a generation that failed (HTTP 200, status NOK).
    for (name, yaml, expected) in [
        (
            "nosettings",
            "generator: varia\nsettings_preset: Nope\n",
            "VARIA refused the settings preset `Nope`: Rando preset not found",
        ),
        (
            "noskills",
            "generator: varia\nskills_preset: Nope\n",
            "VARIA refused the skills preset `Nope`: Preset not found",
        ),
        (
            "badhud",
            "generator: varia\noverrides:\n  hud: sometimes\n",
            "VARIA refused the seed: Wrong value for hud, authorized values: on/off",
        ),
    ] {
        w.save_preset(name, yaml).await.unwrap();
        expect_upstream(&w, &ada, name, "VARIA", expected).await;
    }
    w.varia.with_state(|s| s.nok = 1);
    expect_upstream(
        &w,
        &ada,
        "varia",
        "VARIA",
        "VARIA could not generate the seed: Can't generate a seed; Too many items for the locations",
    )
    .await;

    nothing_kept_and_rolls_again(&w, &ada, "varia").await;
}
both_backends!(
    every_varia_failure_is_reported_and_nothing_kept,
    check_every_varia_failure_is_reported_and_nothing_kept
);

/// Each failure of dashrando.net, and its refusal of an unknown preset, is an upstream error
/// naming it; no seed is kept.
async fn check_every_dash_failure_is_reported_and_nothing_kept(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);

    w.dash.with_state(|s| s.failing = 3);
    expect_upstream(
        &w,
        &ada,
        "dash",
        "dashrando.net",
        "dashrando.net could not make the seed (HTTP 500): Failed to place items",
    )
    .await;
    for (failures, expected) in [
        (
            vec![Failure::Garbage],
            "answered without a seed link (HTTP 200)",
        ),
        (vec![empty(307)], "answered with a seed link we cannot read"),
        (
            vec![stall(); 3],
            "dashrando.net did not answer within 2 seconds",
        ),
    ] {
        for failure in failures {
            w.dash.fail_next(failure);
        }
        expect_upstream(&w, &ada, "dash", "dashrando.net", expected).await;
    }
    w.save_preset("unknown", "generator: dash\npreset: nope\n")
        .await
        .unwrap();
    expect_upstream(
        &w,
        &ada,
        "unknown",
        "dashrando.net",
        "dashrando.net refused the seed: Invalid preset. Valid presets are: classic, recall, chozo_bozo, mystery or mystery-ii",
    )
    .await;

    nothing_kept_and_rolls_again(&w, &ada, "dash").await;
}
both_backends!(
    every_dash_failure_is_reported_and_nothing_kept,
    check_every_dash_failure_is_reported_and_nothing_kept
);

async fn check_who_may_roll_and_where(backend: Backend) {
    let w = world(backend).await;
    let outsider = Actor::user(w.user("eve").await);
    let refused = w.roll(&outsider, "dash", false).await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    // The plugin off: not enabled, and no site is called.
    w.set_enabled("sm", false).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    for preset in ["total", "varia", "dash"] {
        let off = w.roll(&ada, preset, false).await.unwrap_err();
        assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
    }
    assert_eq!(w.requests_everywhere(), 0);
}
both_backends!(who_may_roll_and_where, check_who_may_roll_and_where);

async fn check_presets_are_checked_against_the_settings_when_saved(backend: Backend) {
    let w = world(backend).await;
    let err = w
        .save_preset("typo", "generater: dash\npreset: classic\n")
        .await
        .unwrap_err();
    match err {
        Error::Invalid { field, message } => {
            assert_eq!(field, "settings.generater");
            assert!(
                message.contains("`generater` is not a setting"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    let err = w
        .save_preset("mixed", "generator: varia\nplacement: full\n")
        .await
        .unwrap_err();
    match err {
        Error::Invalid { field, message } => {
            assert_eq!(field, "settings.placement");
            assert!(message.contains("`total` generator"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    for (yaml, field) in [
        ("generator: dash\n", "settings.preset"),
        ("generator: dash\npreset: ../admin\n", "settings.preset"),
        (
            "generator: varia\nsettings_preset: no spaces\n",
            "settings.settings_preset",
        ),
        (
            "generator: varia\noverrides:\n  raceMode: 'on'\n",
            "settings.overrides.raceMode",
        ),
        ("generator: super\n", "settings.generator"),
        ("logic: expert\n", "settings.logic"),
        (
            "randomizer: smz3\nsettings:\n  logic: casual\n",
            "randomizer",
        ),
        ("release: beta\nsettings:\n  logic: casual\n", "release"),
    ] {
        let err = w.save_preset("bad", yaml).await.unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field: f, .. } if f == field),
            "{yaml}: {err:?}"
        );
    }
    assert_eq!(w.requests_everywhere(), 0);
}
both_backends!(
    presets_are_checked_against_the_settings_when_saved,
    check_presets_are_checked_against_the_settings_when_saved
);

/// The presets plugin lists Super Metroid as rollable; an organization cannot point any of
/// its sites elsewhere.
async fn check_the_randomizer_is_listed_and_its_addresses_are_the_sites(backend: Backend) {
    let w = world(backend).await;
    let list = w.presets.randomizers().unwrap();
    let sm = list.iter().find(|r| r.id == "sm").unwrap();
    assert!(sm.can_roll);
    assert_eq!(sm.name, "Super Metroid Randomizer");
    let root = Actor::user(w.admin.clone());
    for key in ["varia_url", "dash_url", "total_url"] {
        let err = w
            .plugins()
            .set_config(w.org, "sm", json!({key: "http://169.254.169.254/"}), &root)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == key),
            "{err:?}"
        );
    }
    let config = w.plugins().effective_config(w.org, "sm").await.unwrap();
    assert_eq!(config["varia_url"], w.varia.url());
    assert_eq!(config["dash_url"], w.dash.url());
    assert_eq!(config["total_url"], w.samus.url());
}
both_backends!(
    the_randomizer_is_listed_and_its_addresses_are_the_sites,
    check_the_randomizer_is_listed_and_its_addresses_are_the_sites
);
