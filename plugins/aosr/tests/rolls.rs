//! Rolling AOSR seeds on SQLite and PostgreSQL: the generator link kept in the organization's
//! history (under the configured site, with the preset's flags and a seed from the roll's
//! random number), presets' flags checked when saved, and the plugin off.
//!
//! There is no fake site here, and no failure-mode tests against one: aosrando.surge.sh has no
//! API, nothing is called (the page makes the ROM in the player's browser), so there is no 500,
//! refusal, stall or garbage answer to report. What can go wrong is the preset, checked below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use presets::{
    model::SeedRoll,
    service::{RollRequest, SeedFilter},
};
use sdk::{
    db::Backend,
    page::PageRequest,
    randomizer::{GenerateRequest, Randomizer, RollOptions},
    time::now_ms,
    Actor, Error,
};
use serde_json::json;
use testkit::{both_backends, bundle_from_dir, RandomizerWorld};

/// SGL 2022's flags, as SahasrahBot sent them.
const SGL22: &str = "logic=AreaTechTiers&nodupes=false&panther=FirstAlways&area=AreaRandom&boss=Dead-endShuffle&enemy=Vanilla&itempool=Standard&weight=2.5&grahm=BookSouls&kicker=false&startshop=Unlocked30k&shopprice=RandHV&shopSouls=Half&levelexp=Vanilla&telestart=false&mapassist=false&doublechaos=false";
/// The generator the site's administrators configured (never called).
const SITE: &str = "https://aosr.example.test/mirror";

struct World {
    world: RandomizerWorld,
}

impl std::ops::Deref for World {
    type Target = RandomizerWorld;
    fn deref(&self) -> &RandomizerWorld {
        &self.world
    }
}

// Rollers are plain members: every member holds `seed:roll`, and the organization's own
// presets, private ones included, are there for its members to roll.

/// Presets and AOSR on for "League", the generator at [`SITE`] (site setting), a namespace
/// `league` with the preset "sgl22" (the flags as text, in SahasrahBot's order).
async fn world(backend: Backend) -> World {
    let world = RandomizerWorld::new(
        backend,
        "aosr",
        bundle_from_dir(aosr::MANIFEST, env!("CARGO_MANIFEST_DIR"), aosr::plugin()),
        json!({ "base_url": SITE }),
    )
    .await;
    let w = World { world };
    w.save_preset("sgl22", &format!("flags: {SGL22}\n"))
        .await
        .unwrap();
    w
}

impl World {
    async fn roll(&self, actor: &Actor, preset: &str, spoiler: bool) -> Result<SeedRoll, Error> {
        self.world
            .roll_request(
                actor,
                RollRequest {
                    spoiler,
                    tournament: false,
                    ..self.world.request(preset)
                },
            )
            .await
    }
}

/// The seed of an AOSR link under [`SITE`] whose flags are `flags`.
fn seed_in(url: &str, flags: &str) -> i32 {
    let prefix = format!("{SITE}/?seed=");
    let rest = url
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{url} is not under {prefix}"));
    let (seed, rest) = rest.split_once('&').unwrap();
    assert_eq!(rest, flags);
    seed.parse().unwrap()
}

async fn check_a_preset_rolls_a_link_kept_in_the_history(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "sgl22", false).await.unwrap();

    // The flags in SahasrahBot's order, after a seed of its range.
    let number = seed_in(&seed.url, SGL22);
    assert_eq!(seed.hash, Some(number.to_string()));
    let settings = seed.settings.clone().unwrap();
    assert_eq!(settings["seed"], number);
    assert_eq!(settings["flags"][0], json!(["logic", "AreaTechTiers"]));
    assert_eq!(settings["flags"].as_array().unwrap().len(), 17);
    assert_eq!(seed.preset, "league/sgl22");
    assert_eq!(seed.rolled_by.as_deref(), Some("ada"));
    assert!(!seed.has_spoiler && seed.spoiler_url.is_none());

    // Kept, listed, searchable by the seed, audited.
    let history = w.history(&ada).await;
    assert_eq!(history.iter().map(|s| s.id).collect::<Vec<_>>(), [seed.id]);
    assert_eq!(history[0].url, seed.url);
    let found = w
        .presets
        .list_seeds(
            w.org,
            &ada,
            SeedFilter {
                randomizer: Some("aosr".into()),
                q: Some(number.to_string()),
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
    let details: serde_json::Value = serde_json::from_str(&audited[0]).unwrap();
    assert_eq!(details["url"], seed.url.as_str());
    assert_eq!(details["randomizer"], "aosr");

    // Flags written as a mapping: text, numbers and switches, values encoded, in name order.
    w.save_preset(
        "mapped",
        "flags:\n  logic: AreaTechTiers\n  weight: 2.5\n  nodupes: false\n  note: a b&c\n",
    )
    .await
    .unwrap();
    let mapped = w.roll(&ada, "mapped", false).await.unwrap();
    seed_in(
        &mapped.url,
        "logic=AreaTechTiers&nodupes=false&note=a%20b%26c&weight=2.5",
    );
    assert_eq!(w.history(&ada).await.len(), 2);
}
both_backends!(
    a_preset_rolls_a_link_kept_in_the_history,
    check_a_preset_rolls_a_link_kept_in_the_history
);

/// The link comes from the flags and the roll's random number only: the same number gives the
/// same link, and without a configured address it is aosrando.surge.sh's.
#[tokio::test]
async fn the_same_random_number_gives_the_same_link() {
    let request = |rng_seed: u64, config: serde_json::Value| GenerateRequest {
        org_id: 1,
        settings: json!({ "flags": SGL22 }),
        mystery: false,
        options: RollOptions::default(),
        config,
        rng_seed,
    };
    let aosr = aosr::service::Aosr;
    let one = aosr
        .generate(request(0xFFFF_FFFF, json!({})))
        .await
        .unwrap();
    assert_eq!(
        one.url,
        format!("https://aosrando.surge.sh/?seed=-1&{SGL22}")
    );
    assert_eq!(
        aosr.generate(request(0xFFFF_FFFF, json!({})))
            .await
            .unwrap(),
        one
    );
    let other = aosr.generate(request(12345, json!({}))).await.unwrap();
    assert_eq!(other.hash.as_deref(), Some("12345"));
    let configured = aosr
        .generate(request(12345, json!({ "base_url": SITE })))
        .await
        .unwrap();
    assert_eq!(configured.url, format!("{SITE}/?seed=12345&{SGL22}"));
    // A broken address is reported as the setting to fix, not a link to nowhere.
    let err = aosr
        .generate(request(1, json!({"base_url": "aosrando.surge.sh"})))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "base_url"),
        "{err:?}"
    );
}

async fn check_presets_with_bad_flags_are_refused_when_saved(backend: Backend) {
    let w = world(backend).await;
    let err = w
        .save_preset("bang", "flags: logic!=AreaTechTiers\n")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("settings.flags: the character '!' is not a flag"),
        "{err}"
    );
    let many: Vec<String> = (0..65).map(|i| format!("f{i}=1")).collect();
    let cases = [
        ("empty", "flags: ''\n", "settings.flags", "flags are empty"),
        ("none", "flags: {}\n", "settings.flags", "flags are empty"),
        (
            "many",
            &format!("flags: {}\n", many.join("&")),
            "settings.flags",
            "65 flags",
        ),
        (
            "long",
            &format!("flags:\n  logic: {}\n", "x".repeat(101)),
            "settings.flags.logic",
            "101 characters long",
        ),
        (
            "space",
            "flags: logic=Area Tech\n",
            "settings.flags",
            "' ' is not a flag character",
        ),
        (
            "twice",
            "flags: boss=Vanilla&boss=Vanilla\n",
            "settings.flags",
            "given twice",
        ),
        (
            "seed",
            "flags: seed=5&boss=Vanilla\n",
            "settings.flags",
            "`seed` is not a flag",
        ),
        (
            "nested",
            "flags:\n  logic: [a]\n",
            "settings.flags.logic",
            "must be text",
        ),
        ("missing", "{}\n", "settings.flags", "missing"),
        (
            "typo",
            "flgs: logic=AreaTechTiers\n",
            "settings.flgs",
            "`flgs` is not a setting",
        ),
        (
            "mystery",
            "preset_type: mystery\nflags: logic=AreaTechTiers\n",
            "yaml",
            "does not take mystery",
        ),
    ];
    for (name, yaml, field, says) in cases {
        match w.save_preset(name, yaml).await.unwrap_err() {
            Error::Invalid { field: f, message } => {
                assert_eq!(f, field, "{name}: {message}");
                assert!(message.contains(says), "{name}: {message}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    // Nothing was saved: none of them can be rolled.
    let ada = Actor::user(w.member("ada", &[]).await);
    let err = w.roll(&ada, "bang", false).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    // Settings given with a roll are checked the same way, and nothing is kept.
    let err = w
        .presets
        .roll_seed(
            w.org,
            &ada,
            RollRequest {
                randomizer: "aosr".into(),
                settings: Some(json!({"flags": {"bo ss": "Vanilla"}})),
                source: "api".into(),
                ..RollRequest::default()
            },
            now_ms(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "settings.flags"),
        "{err:?}"
    );
    assert!(w.history(&ada).await.is_empty());
}
both_backends!(
    presets_with_bad_flags_are_refused_when_saved,
    check_presets_with_bad_flags_are_refused_when_saved
);

/// AOSR has no spoiler log to keep: asking for one is refused by name, and nothing is kept.
async fn check_a_spoiler_is_refused(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let err = w.roll(&ada, "sgl22", true).await.unwrap_err();
    match err {
        Error::Invalid { field, message } => {
            assert_eq!(field, "spoiler");
            assert!(message.contains("no spoiler log"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(w.history(&ada).await.is_empty());
}
both_backends!(a_spoiler_is_refused, check_a_spoiler_is_refused);

async fn check_who_may_roll_and_the_plugin_off(backend: Backend) {
    let w = world(backend).await;
    let outsider = Actor::user(w.user("eve").await);
    let refused = w.roll(&outsider, "sgl22", false).await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    // An organization cannot point the links elsewhere: the address is the site's.
    let root = Actor::user(w.admin.clone());
    let err = w
        .plugins()
        .set_config(
            w.org,
            "aosr",
            json!({"base_url": "https://evil.example/"}),
            &root,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "base_url"),
        "{err:?}"
    );
    // The plugin off: not enabled, nothing kept.
    w.set_enabled("aosr", false).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let off = w.roll(&ada, "sgl22", false).await.unwrap_err();
    assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
    w.set_enabled("aosr", true).await;
    assert!(w.history(&ada).await.is_empty());
    // Listed by the presets plugin as rollable, under its name.
    let list = w.presets.randomizers().unwrap();
    let aosr = list.iter().find(|r| r.id == "aosr").unwrap();
    assert!(aosr.can_roll);
    assert_eq!(aosr.name, "Aria of Sorrow Randomizer");
}
both_backends!(
    who_may_roll_and_the_plugin_off,
    check_who_may_roll_and_the_plugin_off
);
