//! Rolling SMB3R seeds on SQLite and PostgreSQL: the seed kept in the organization's history
//! (the program's home page as its link, as configured, with a seed number from the roll's
//! random number and the preset's flags — what players type into the program), presets checked
//! against the flag alphabet when saved, and the plugin off.
//!
//! There is no fake site here, and no failure-mode tests against one: SMB3R is a Windows
//! program and nothing is called, so there is no 500, refusal, stall or garbage answer to
//! report. What can go wrong is the preset, checked below.
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

const FLAGS: &str = "17BAS2LNJ4!x";
/// The home page the site's administrators configured (never called).
const HOME: &str = "https://smb3r.example.test/download/";

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

/// Presets and SMB3R on for "League", the home page at [`HOME`] (site setting), a namespace
/// `league` with the preset "standard".
async fn world(backend: Backend) -> World {
    let world = RandomizerWorld::new(
        backend,
        "smb3r",
        bundle_from_dir(smb3r::MANIFEST, env!("CARGO_MANIFEST_DIR"), smb3r::plugin()),
        json!({ "base_url": HOME }),
    )
    .await;
    let w = World { world };
    w.save_preset("standard", &format!("flags: \"{FLAGS}\"\n"))
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

async fn check_a_preset_rolls_a_seed_kept_in_the_history(backend: Backend) {
    let w = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "standard", false).await.unwrap();

    assert_eq!(seed.url, HOME, "the program's home page, as configured");
    let number = seed.hash.clone().unwrap();
    let parsed: u64 = number.parse().unwrap();
    assert!(parsed < smb3r::rules::SEED_LIMIT, "{parsed}");
    assert_eq!(
        seed.settings,
        Some(json!({"seed": number, "flags": FLAGS})),
        "what players type into the program"
    );
    assert_eq!(seed.preset, "league/standard");
    assert_eq!(seed.rolled_by.as_deref(), Some("ada"));
    assert!(!seed.has_spoiler && seed.spoiler_url.is_none());
    assert!(smb3r::commands::seed_message(&seed)
        .contains(&format!("Seed: `{number}` - Flags: `{FLAGS}`")));

    // Kept, listed, searchable by the number, audited.
    let history = w.history(&ada).await;
    assert_eq!(history.iter().map(|s| s.id).collect::<Vec<_>>(), [seed.id]);
    assert_eq!(history[0].url, HOME);
    assert_eq!(history[0].hash.as_deref(), Some(number.as_str()));
    let found = w
        .presets
        .list_seeds(
            w.org,
            &ada,
            SeedFilter {
                randomizer: Some("smb3r".into()),
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
    assert_eq!(details["randomizer"], "smb3r");

    // Another roll is another number with the same flags.
    let again = w.roll(&ada, "standard", false).await.unwrap();
    assert_ne!(again.hash.as_deref(), Some(number.as_str()));
    assert_eq!(again.settings.unwrap()["flags"], FLAGS);
    assert_eq!(w.history(&ada).await.len(), 2);
}
both_backends!(
    a_preset_rolls_a_seed_kept_in_the_history,
    check_a_preset_rolls_a_seed_kept_in_the_history
);

/// The seed comes from the flags and the roll's random number only: the same number gives the
/// same seed, and without a configured address the link is SMB3R's home page.
#[tokio::test]
async fn the_same_random_number_gives_the_same_seed() {
    let request = |rng_seed: u64, config: serde_json::Value| GenerateRequest {
        org_id: 1,
        settings: json!({ "flags": FLAGS }),
        mystery: false,
        options: RollOptions::default(),
        config,
        rng_seed,
    };
    let smb3r = smb3r::service::Smb3r;
    let one = smb3r
        .generate(request(1_000_000_000_041, json!({})))
        .await
        .unwrap();
    assert_eq!(one.url, "https://sites.google.com/site/smb3randomizer/");
    assert_eq!(
        one.hash.as_deref(),
        Some("42"),
        "1,000,000,000,041 mod 999,999,999,999"
    );
    assert_eq!(one.metadata["flags"], FLAGS);
    assert_eq!(
        smb3r
            .generate(request(1_000_000_000_041, json!({})))
            .await
            .unwrap(),
        one
    );
    let configured = smb3r
        .generate(request(7, json!({ "base_url": HOME })))
        .await
        .unwrap();
    assert_eq!(configured.url, HOME);
    assert_eq!(configured.hash.as_deref(), Some("7"));
    let err = smb3r
        .generate(request(1, json!({"base_url": "not a url"})))
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
        .save_preset("hash", "flags: '17BAS#2LNJ4'\n")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("settings.flags: the character '#' is not a flag"),
        "{err}"
    );
    let cases = [
        ("empty", "flags: ''\n", "settings.flags", "is empty"),
        (
            "long",
            &format!("flags: {}\n", "A".repeat(65)),
            "settings.flags",
            "65 characters long",
        ),
        (
            "dash",
            "flags: AB-CD\n",
            "settings.flags",
            "the character '-' is not a flag",
        ),
        ("number", "flags: 1234\n", "settings.flags", "in quotes"),
        ("missing", "{}\n", "settings.flags", "missing"),
        (
            "seed",
            "flags: AB\nseed: 5\n",
            "settings.seed",
            "chosen at each roll",
        ),
        (
            "mystery",
            "preset_type: mystery\nflags: AB\n",
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
    let err = w.roll(&ada, "hash", false).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    // Settings given with a roll are checked the same way, and nothing is kept.
    let err = w
        .presets
        .roll_seed(
            w.org,
            &ada,
            RollRequest {
                randomizer: "smb3r".into(),
                settings: Some(json!({"flags": "AB CD"})),
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

/// SMB3R has no spoiler log to keep: asking for one is refused by name, and nothing is kept.
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
            "smb3r",
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
    w.set_enabled("smb3r", false).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let off = w.roll(&ada, "standard", false).await.unwrap_err();
    assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
    w.set_enabled("smb3r", true).await;
    assert!(w.history(&ada).await.is_empty());
    // Listed by the presets plugin as rollable, under its name.
    let list = w.presets.randomizers().unwrap();
    let smb3r = list.iter().find(|r| r.id == "smb3r").unwrap();
    assert!(smb3r.can_roll);
    assert_eq!(smb3r.name, "Super Mario Bros. 3 Randomizer");
}
both_backends!(
    who_may_roll_and_the_plugin_off,
    check_who_may_roll_and_the_plugin_off
);
