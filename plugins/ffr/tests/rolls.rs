//! Rolling FFR seeds on SQLite and PostgreSQL: the generator link kept in the organization's
//! history (under the configured site, with the preset's flags and a seed from the roll's
//! random number), presets checked against FFR's flag alphabet when saved, and the plugin off.
//!
//! There is no fake site here, and no failure-mode tests against one: finalfantasyrandomizer.com
//! has no API, nothing is called (the page makes the ROM in the player's browser), so there is
//! no 500, refusal, stall or garbage answer to report. What can go wrong is the preset, checked
//! below.
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

/// A real flag string (SGL 2023's, FFR 4.7.2).
const FLAGS: &str = "m1-dPYu5-7ZlHqdPgC9BsTva4786C4mX5d0uZn85JzpVARtsVYb4TkKKyi4owT82MQwSww28yiLaHtMBNNzxMGjISw8IWcAfUS7AEkSp52Degtu4wErH3htXn4zENBWaNXWqXL6O-k8R3wZ8h55Gye21Spp4emwbbNwehPD";
/// The generator the site's administrators configured (never called).
const SITE: &str = "https://beta.ffr.example.test/4-7-2";

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

/// Presets and FFR on for "League", the generator at [`SITE`] (site setting), a namespace
/// `league` with the preset "standard".
async fn world(backend: Backend) -> World {
    let world = RandomizerWorld::new(
        backend,
        "ffr",
        bundle_from_dir(ffr::MANIFEST, env!("CARGO_MANIFEST_DIR"), ffr::plugin()),
        json!({ "base_url": SITE }),
    )
    .await;
    let w = World { world };
    w.save_preset("standard", &format!("flags: {FLAGS}\n"))
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

/// The 8 hexadecimal digits of `s=` in an FFR link.
fn seed_in(url: &str) -> String {
    let prefix = format!("{SITE}/Randomize?s=");
    let rest = url
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{url} is not under {prefix}"));
    let (seed, flags) = rest.split_once("&f=").unwrap();
    assert_eq!(flags, FLAGS, "the preset's flags, as written");
    assert_eq!(seed.len(), 8, "{seed}");
    assert!(
        seed.chars()
            .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)),
        "{seed}"
    );
    seed.to_string()
}

async fn check_a_preset_rolls_a_link_kept_in_the_history(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "standard", false).await.unwrap();

    let number = seed_in(&seed.url);
    assert_eq!(seed.hash.as_deref(), Some(number.as_str()));
    assert_eq!(
        seed.settings,
        Some(json!({"seed": number, "flags": FLAGS})),
        "what players need, kept as the seed's settings"
    );
    assert_eq!(seed.preset, "league/standard");
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
                randomizer: Some("ffr".into()),
                q: Some(number.clone()),
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
    assert_eq!(details["randomizer"], "ffr");

    // Another roll is another seed with the same flags.
    let again = w.roll(&ada, "standard", false).await.unwrap();
    assert_ne!(seed_in(&again.url), number);
    assert_eq!(w.history(&ada).await.len(), 2);
}
both_backends!(
    a_preset_rolls_a_link_kept_in_the_history,
    check_a_preset_rolls_a_link_kept_in_the_history
);

/// The link comes from the flags and the roll's random number only: the same number gives the
/// same link, and without a configured address it is finalfantasyrandomizer.com's.
#[tokio::test]
async fn the_same_random_number_gives_the_same_link() {
    let request = |rng_seed: u64, config: serde_json::Value| GenerateRequest {
        org_id: 1,
        settings: json!({ "flags": FLAGS }),
        mystery: false,
        options: RollOptions::default(),
        config,
        rng_seed,
    };
    let ffr = ffr::service::Ffr;
    let one = ffr.generate(request(0xC0FFEE, json!({}))).await.unwrap();
    assert_eq!(
        one.url,
        format!("https://finalfantasyrandomizer.com/Randomize?s=00C0FFEE&f={FLAGS}")
    );
    assert_eq!(
        ffr.generate(request(0xC0FFEE, json!({}))).await.unwrap(),
        one
    );
    let other = ffr.generate(request(0xC0FFEF, json!({}))).await.unwrap();
    assert_eq!(other.hash.as_deref(), Some("00C0FFEF"));
    let configured = ffr
        .generate(request(0xC0FFEE, json!({ "base_url": SITE })))
        .await
        .unwrap();
    assert_eq!(
        configured.url,
        format!("{SITE}/Randomize?s=00C0FFEE&f={FLAGS}")
    );
    // A broken address is reported as the setting to fix, not a link to nowhere.
    let err = ffr
        .generate(request(1, json!({"base_url": "ftp://ffr"})))
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
        .save_preset("bang", "flags: yGq4dTUZ!kw3MO9U\n")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("settings.flags: the character '!' is not a flag"),
        "{err}"
    );
    let cases = [
        ("empty", "flags: ''\n", "settings.flags", "is empty"),
        (
            "long",
            &format!("flags: {}\n", "A".repeat(1025)),
            "settings.flags",
            "1025 characters long",
        ),
        ("number", "flags: 1234\n", "settings.flags", "in quotes"),
        ("missing", "{}\n", "settings.flags", "missing"),
        ("other", "logic: x\n", "settings.logic", "not a setting"),
        (
            "typo",
            "flgs: AbC\n",
            "settings.flgs",
            "`flgs` is not a setting",
        ),
        (
            "link",
            &format!("flags: https://finalfantasyrandomizer.com/Randomize?s=0&f={FLAGS}\n"),
            "settings.flags",
            "not the whole link",
        ),
        (
            "mystery",
            "preset_type: mystery\nflags: AbC\n",
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
                randomizer: "ffr".into(),
                settings: Some(json!({"flags": "Ab!C"})),
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
    // SahasrahBot's wrapper is fine.
    w.save_preset(
        "wrapped",
        &format!("goal_name: SGL\ndescription: SGL 2023\nsettings:\n  flags: {FLAGS}\n"),
    )
    .await
    .unwrap();
    let seed = w.roll(&ada, "wrapped", false).await.unwrap();
    seed_in(&seed.url);
    assert_eq!(w.history(&ada).await.len(), 1);
}
both_backends!(
    presets_with_bad_flags_are_refused_when_saved,
    check_presets_with_bad_flags_are_refused_when_saved
);

/// FFR has no spoiler log to keep: asking for one is refused by name, and nothing is kept.
async fn check_a_spoiler_is_refused(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let err = w.roll(&ada, "standard", true).await.unwrap_err();
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
    let refused = w.roll(&outsider, "standard", false).await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    // An organization cannot point the links elsewhere: the address is the site's.
    let root = Actor::user(w.admin.clone());
    let err = w
        .plugins()
        .set_config(
            w.org,
            "ffr",
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
    w.set_enabled("ffr", false).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let off = w.roll(&ada, "standard", false).await.unwrap_err();
    assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
    w.set_enabled("ffr", true).await;
    assert!(w.history(&ada).await.is_empty());
    // Listed by the presets plugin as rollable, under its name.
    let list = w.presets.randomizers().unwrap();
    let ffr = list.iter().find(|r| r.id == "ffr").unwrap();
    assert!(ffr.can_roll);
    assert_eq!(ffr.name, "Final Fantasy Randomizer");
}
both_backends!(
    who_may_roll_and_the_plugin_off,
    check_who_may_roll_and_the_plugin_off
);
