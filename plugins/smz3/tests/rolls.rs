//! Rolling SMZ3 seeds against the test kit's fake samus.link, on SQLite and PostgreSQL: the
//! request samus.link gets (a JSON object of strings, `seed` always there), the seed kept in the
//! organization's history (permalink from the guid, code from the hash), the spoiler link and
//! its key shown only to those allowed, presets checked against the settings schema when saved,
//! and every failure of the site reported as an upstream error with nothing written.
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
        samus::{guid, FakeSamus, SMZ3_HASH},
        Failure,
    },
    RandomizerWorld,
};

/// The slugs of the fake's first seeds (`guid(1)`, `guid(2)` in URL-safe base64, worked out
/// by hand with Python's base64 module).
const SLUG_1: &str = "Dx4tPEtaaXiHlqW0w9Lh8A";
const SLUG_2: &str = "Dx4tPEtaaXiHlqW0w9Lh8Q";

/// SahasrahBot's `presets/smz3/normal.yaml`.
const NORMAL: &str = r#"randomizer: "smz3"
goal_name: beat the games
description: "Normal logic, sword and morph are fully randomized."
settings:
    smlogic: normal
    goal: defeatboth
    ganonvulnerable: sevencrystals
    opentower: sevencrystals
    opentourian: fourbosses
    swordlocation: randomized
    morphlocation: randomized
    keyshuffle: none
    seed: ""
    race: "true"
    gamemode: normal
    players: "1"
"#;

struct World {
    world: RandomizerWorld,
    site: FakeSamus,
}

impl std::ops::Deref for World {
    type Target = RandomizerWorld;
    fn deref(&self) -> &RandomizerWorld {
        &self.world
    }
}

/// Presets and SMZ3 on for "League", samus.link at the fake (site setting), a namespace
/// `league` with the preset "normal" (SahasrahBot's file as it is).
async fn world(backend: Backend) -> World {
    let site = FakeSamus::samus().await.unwrap();
    let world = RandomizerWorld::new(
        backend,
        "smz3",
        bundle_from_dir(smz3::MANIFEST, env!("CARGO_MANIFEST_DIR"), smz3::plugin()),
        json!({"base_url": site.url(), "timeout_seconds": 2}),
    )
    .await;
    let w = World { world, site };
    w.save_preset("normal", NORMAL).await.unwrap();
    w
}

// The player, "ada", is a plain member: she rolls the organization's presets (`seed:roll`)
// but may not see spoilers (`seed:spoiler`).
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

    async fn roll(&self, actor: &Actor, preset: &str, spoiler: bool) -> Result<SeedRoll, Error> {
        self.roll_with(actor, preset, spoiler, false).await
    }
}

/// GET `url` with the shared client: (status, body).
async fn fetch(url: &str) -> (u16, String) {
    let response = sdk::http::client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn check_a_preset_rolls_a_seed_kept_in_the_history(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "normal", false).await.unwrap();

    // What samus.link was sent: one JSON object of strings, `seed` there, race on.
    let sent = w.site.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("POST", "/api/randomizers/smz3/generate")
    );
    assert_eq!(sent[0].header("content-type"), Some("application/json"));
    assert_eq!(
        sent[0].json(),
        json!({
            "smlogic": "normal", "goal": "defeatboth", "ganonvulnerable": "sevencrystals",
            "opentower": "sevencrystals", "opentourian": "fourbosses",
            "swordlocation": "randomized", "morphlocation": "randomized", "keyshuffle": "none",
            "seed": "", "race": "true", "gamemode": "normal", "players": "1"
        }),
        "the settings only (no wrapper keys), every value a string, no spoiler key"
    );

    // What came back: the permalink from the guid, the code from the hash.
    assert_eq!(seed.url, format!("{}/seed/{SLUG_1}", w.site.url()));
    assert_eq!(seed.hash.as_deref(), Some(SLUG_1));
    assert_eq!(
        seed.file_select_code.as_deref().unwrap(),
        ["GEEMER", "RIPPER", "ATOMIC", "POWAMP"]
    );
    assert_eq!(seed.preset, "league/normal");
    assert_eq!(seed.rolled_by.as_deref(), Some("ada"));
    assert!(!seed.has_spoiler);
    assert_eq!(seed.spoiler_url, None);
    assert_eq!(w.site.with_state(|s| s.seeds[0].guid.clone()), guid(1));

    // Kept, listed, searchable, audited.
    let history = w.history(&ada).await;
    assert_eq!(history.iter().map(|s| s.id).collect::<Vec<_>>(), [seed.id]);
    let found = w
        .presets
        .list_seeds(
            w.org,
            &ada,
            SeedFilter {
                randomizer: Some("smz3".into()),
                q: Some(SLUG_1.to_lowercase()),
                ..Default::default()
            },
            PageRequest::first(),
        )
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT details FROM audit_logs WHERE action = 'seed.roll'")
            .fetch_all(w.platform.db.pool())
            .await
            .unwrap();
    assert_eq!(audited.len(), 1);
    let details: Value = serde_json::from_str(&audited[0]).unwrap();
    assert_eq!(details["randomizer"], "smz3");
    assert_eq!(details["url"], seed.url.as_str());
}
both_backends!(
    a_preset_rolls_a_seed_kept_in_the_history,
    check_a_preset_rolls_a_seed_kept_in_the_history
);

/// A spoiler asked for sends a fresh secret `spoilerKey`; the link that opens the race seed's
/// spoiler carries it and is shown only to those allowed; the key is not in the settings.
async fn check_the_spoiler_link_opens_the_race_spoiler_and_is_shown_only_to_those_allowed(
    backend: Backend,
) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let boss = Actor::user(w.member("boss", &["Admin"]).await);
    let seed = w.roll(&ada, "normal", true).await.unwrap();
    let body = w.site.requests()[0].json();
    let key = body["spoilerKey"].as_str().unwrap().to_string();
    assert_eq!(key.len(), 20);
    assert!(key.chars().all(|c| c.is_ascii_alphanumeric()), "{key}");
    assert_eq!(body["race"], "true");
    assert!(seed.has_spoiler && !seed.has_spoiler_log);
    assert_eq!(seed.spoiler_url, None, "a plain member does not see it");

    let seen_by_boss = w.presets.seed(w.org, &boss, seed.id).await.unwrap();
    let link = seen_by_boss.spoiler_url.unwrap();
    assert_eq!(
        link,
        format!(
            "{}/api/spoiler/{}?key={key}&yaml=true",
            w.site.url(),
            guid(1)
        )
    );
    let settings = seen_by_boss.settings.unwrap();
    assert!(settings.get("spoilerKey").is_none(), "{settings}");
    assert_eq!(settings["smlogic"], "normal");
    // The link opens the race seed's spoiler; without the key the site refuses it.
    let (status, text) = fetch(&link).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("Morph Ball"), "{text}");
    let (status, _) = fetch(&format!(
        "{}/api/spoiler/{}?yaml=true",
        w.site.url(),
        guid(1)
    ))
    .await;
    assert_eq!(status, 400);

    w.presets
        .release_spoiler(w.org, &boss, seed.id, true)
        .await
        .unwrap();
    let released = w.presets.seed(w.org, &ada, seed.id).await.unwrap();
    assert_eq!(released.spoiler_url.as_deref(), Some(link.as_str()));

    // Two keys are never the same.
    w.roll(&ada, "normal", true).await.unwrap();
    let second = w.site.requests()[1].json();
    assert_ne!(second["spoilerKey"], body["spoilerKey"]);
}
both_backends!(
    the_spoiler_link_opens_the_race_spoiler_and_is_shown_only_to_those_allowed,
    check_the_spoiler_link_opens_the_race_spoiler_and_is_shown_only_to_those_allowed
);

/// Bare YAML values and any case are sent as the lowercase text the site compares; a preset
/// may turn race off, the caller's race flag turns it back on; a multiworld seed's link.
async fn check_settings_are_sent_as_lowercase_text_and_race_follows_the_preset(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    w.save_preset(
        "casual",
        "smlogic: Hard\ngoal: FastGanonDefeatMotherBrain\nrace: false\nseed: 42\nplayers: 1\n",
    )
    .await
    .unwrap();
    let seed = w.roll(&ada, "casual", false).await.unwrap();
    assert_eq!(
        w.site.requests()[0].json(),
        json!({"smlogic": "hard", "goal": "fastganondefeatmotherbrain", "race": "false",
               "seed": "42", "players": "1"})
    );
    assert_eq!(seed.url, format!("{}/seed/{SLUG_1}", w.site.url()));
    let boss = Actor::user(w.member("boss", &["Admin"]).await);
    let kept: Value = w
        .presets
        .seed(w.org, &boss, seed.id)
        .await
        .unwrap()
        .settings
        .unwrap();
    assert_eq!(kept["race"], "false", "the settings sent are kept");

    w.roll_with(&ada, "casual", false, true).await.unwrap();
    assert_eq!(
        w.site.requests()[1].json()["race"],
        "true",
        "the race flag wins"
    );
    assert!(
        w.site.with_state(|s| s.seeds[1].race),
        "kept as a race seed"
    );

    w.save_preset(
        "multi",
        "settings:\n  gamemode: multiworld\n  players: 2\n  player-0: Ada\n  player-1: Bob\n",
    )
    .await
    .unwrap();
    let multi = w.roll(&ada, "multi", false).await.unwrap();
    assert_eq!(
        multi.url,
        format!("{}/multiworld/Dx4tPEtaaXiHlqW0w9Lh8g", w.site.url())
    );
    assert_eq!(w.site.requests()[2].json()["player-1"], "Bob");
}
both_backends!(
    settings_are_sent_as_lowercase_text_and_race_follows_the_preset,
    check_settings_are_sent_as_lowercase_text_and_race_follows_the_preset
);

/// Each failure of the site is an upstream error naming samus.link, and no seed is kept.
async fn check_every_failure_of_the_site_is_reported_and_nothing_kept(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let empty = |status| Failure::Status(status, "text/plain", String::new());
    let cases: Vec<(Vec<Failure>, &str)> = vec![
        (
            vec![Failure::server_error(); 3],
            "samus.link could not make the seed (HTTP 500) (3 attempts)",
        ),
        (
            vec![Failure::Garbage],
            "answered with something we cannot read",
        ),
        // The site's refusal: an empty 400.
        (vec![empty(400)], "samus.link refused the seed: HTTP 400"),
        // An answer without a usable guid: no permalink can be made from it.
        (
            vec![Failure::Status(
                200,
                "application/json",
                format!(r#"{{"guid":"not-a-guid","hash":"{SMZ3_HASH}"}}"#),
            )],
            "answered with a seed id we cannot read",
        ),
        (
            vec![Failure::Stall(std::time::Duration::from_secs(5)); 3],
            "did not answer within 2 seconds",
        ),
    ];
    for (failures, expected) in cases {
        for failure in failures {
            w.site.fail_next(failure);
        }
        match w.roll(&ada, "normal", false).await {
            Err(Error::Upstream { service, message }) => {
                assert_eq!(service, "samus.link");
                assert!(message.contains(expected), "{message:?} lacks {expected:?}");
            }
            other => panic!("expected an upstream error with {expected:?}, got {other:?}"),
        }
    }
    // The site's own failure: generation throws (a logic failure), an empty 500 each time.
    w.site.with_state(|s| s.failing = 3);
    match w.roll(&ada, "normal", false).await {
        Err(Error::Upstream { message, .. }) => {
            assert!(message.contains("HTTP 500"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        w.history(&ada).await.is_empty(),
        "a failed roll keeps nothing"
    );
    // A 5xx is tried again: after two failures the third attempt rolls.
    w.site.with_state(|s| s.failing = 2);
    let seed = w.roll(&ada, "normal", false).await.unwrap();
    assert_eq!(w.history(&ada).await.len(), 1);
    assert_eq!(seed.hash.as_deref(), Some(SLUG_1));
    // The first seed the fake kept, so the next slug follows.
    w.roll(&ada, "normal", false).await.unwrap();
    assert_eq!(w.history(&ada).await[0].hash.as_deref(), Some(SLUG_2));
}
both_backends!(
    every_failure_of_the_site_is_reported_and_nothing_kept,
    check_every_failure_of_the_site_is_reported_and_nothing_kept
);

async fn check_who_may_roll_and_where(backend: Backend) {
    let w = world(backend).await;
    let outsider = Actor::user(w.user("eve").await);
    let refused = w.roll(&outsider, "normal", false).await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    // The plugin off: not enabled, and samus.link is never called.
    w.set_enabled("smz3", false).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let off = w.roll(&ada, "normal", false).await.unwrap_err();
    assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
    assert!(w.site.requests().is_empty());
}
both_backends!(who_may_roll_and_where, check_who_may_roll_and_where);

async fn check_presets_are_checked_against_the_settings_when_saved(backend: Backend) {
    let w = world(backend).await;
    let field_of = |err: Error| match err {
        Error::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    };
    let err = w
        .save_preset("typo", "smlogic: normal\nsmlogc: hard\n")
        .await
        .unwrap_err();
    match err {
        Error::Invalid { field, message } => {
            assert_eq!(field, "settings.smlogc");
            assert!(message.contains("`smlogc` is not a setting"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    for (yaml, field) in [
        ("opentower: eightcrystals\n", "settings.opentower"),
        ("settings:\n  spoilerKey: mine\n", "settings.spoilerKey"),
        ("seed: 2147483648\n", "settings.seed"),
        (
            "gamemode: multiworld\nplayers: 2\nplayer-0: Ada\n",
            "settings.player-1",
        ),
        ("randomizer: sm\nsettings:\n  logic: casual\n", "randomizer"),
        ("release: beta\nsettings:\n  smlogic: hard\n", "release"),
        ("preset_type: mystery\nweights: {}\n", "yaml"),
    ] {
        let err = w.save_preset("bad", yaml).await.unwrap_err();
        assert_eq!(field_of(err), field, "{yaml}");
    }
    // Settings given with a roll are checked the same way, before samus.link is called.
    let ada = Actor::user(w.member("ada", &[]).await);
    let err = w
        .presets
        .roll_seed(
            w.org,
            &ada,
            RollRequest {
                randomizer: "smz3".into(),
                settings: Some(json!({"keyshuffle": "everything"})),
                source: "api".into(),
                ..RollRequest::default()
            },
            now_ms(),
        )
        .await
        .unwrap_err();
    assert_eq!(field_of(err), "settings.keyshuffle");
    assert!(w.site.requests().is_empty());
}
both_backends!(
    presets_are_checked_against_the_settings_when_saved,
    check_presets_are_checked_against_the_settings_when_saved
);

/// The presets plugin lists SMZ3 as rollable; an organization cannot point samus.link
/// elsewhere.
async fn check_the_randomizer_is_listed_and_its_address_is_the_sites(backend: Backend) {
    let w = world(backend).await;
    let list = w.presets.randomizers().unwrap();
    let smz3 = list.iter().find(|r| r.id == "smz3").unwrap();
    assert!(smz3.can_roll);
    assert_eq!(smz3.name, "SMZ3 (Super Metroid + A Link to the Past)");
    assert_eq!(list.iter().filter(|r| r.id == "smz3").count(), 1);
    let root = Actor::user(w.admin.clone());
    let err = w
        .plugins()
        .set_config(
            w.org,
            "smz3",
            json!({"base_url": "http://169.254.169.254/"}),
            &root,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "base_url"),
        "{err:?}"
    );
    let config = w.plugins().effective_config(w.org, "smz3").await.unwrap();
    assert_eq!(config["base_url"], w.site.url());
}
both_backends!(
    the_randomizer_is_listed_and_its_address_is_the_sites,
    check_the_randomizer_is_listed_and_its_address_is_the_sites
);
