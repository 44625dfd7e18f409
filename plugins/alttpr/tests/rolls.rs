//! Rolling ALTTPR seeds against the test kit's fake alttpr.com, on SQLite and PostgreSQL: the
//! request alttpr.com gets, the seed kept in the organization's history, spoilers shown only to
//! those allowed, presets checked against the settings schema when saved, and every failure of
//! the site reported as an upstream error with nothing written. A tournament match's "Roll seed"
//! is tested here too, with the link between the match and its entry in the seed history.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use presets::{model::SeedUse, service::SeedFilter};
use sdk::{db::Backend, page::PageRequest, plugin::Bundle, time::now_ms, Actor, Error};
use serde_json::json;
use testkit::{
    both_backends, bundle_from_dir,
    fake_randomizers::{alttpr::FakeAlttpr, Failure},
    RandomizerWorld,
};
use tournament::{
    model::Match,
    service::{MatchInput, TournamentInput, Tournaments},
};

/// Presets and ALTTPR on for "League", alttpr.com at the fake (site settings, 2 s time limit),
/// the organization's namespace `league` with the preset "open".
async fn world(backend: Backend) -> (RandomizerWorld, FakeAlttpr) {
    world_with(backend, Vec::new()).await
}

async fn world_with(backend: Backend, more: Vec<Bundle>) -> (RandomizerWorld, FakeAlttpr) {
    let site = FakeAlttpr::alttpr().await.unwrap();
    let w = RandomizerWorld::with_plugins(
        backend,
        "alttpr",
        bundle_from_dir(
            alttpr::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            alttpr::plugin(),
        ),
        json!({"base_url": site.url(), "timeout_seconds": 2}),
        more,
    )
    .await;
    w.save_preset("open", "goal: fast_ganon\nmode: open\n")
        .await
        .unwrap();
    (w, site)
}

async fn check_a_preset_rolls_a_seed_kept_in_the_history(backend: Backend) {
    let (w, site) = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let seed = w.roll(&ada, "open", false).await.unwrap();

    // What alttpr.com was sent.
    let sent = site.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("POST", "/api/randomizer")
    );
    assert_eq!(sent[0].header("accept"), Some("application/json"));
    let body = sent[0].json();
    assert_eq!(body["goal"], "fast_ganon");
    assert_eq!(body["mode"], "open");
    assert_eq!(body["tournament"], true);
    assert_eq!(body["spoilers"], "off");
    assert_eq!(body["allow_quickswap"], false);

    // What came back.
    assert_eq!(seed.url, format!("{}/h/Fake000001", site.url()));
    assert_eq!(seed.hash.as_deref(), Some("Fake000001"));
    assert_eq!(
        seed.file_select_code.as_deref().unwrap(),
        ["Bombs", "Empty Bottle", "Bombos", "Boots", "Compass"]
    );
    assert_eq!(seed.preset, "league/open");
    assert_eq!(seed.rolled_by.as_deref(), Some("ada"));
    assert!(!seed.has_spoiler);

    // Kept, listed, searchable, audited.
    let history = w.history(&ada).await;
    assert_eq!(history.iter().map(|s| s.id).collect::<Vec<_>>(), [seed.id]);
    let found = w
        .presets
        .list_seeds(
            w.org,
            &ada,
            SeedFilter {
                randomizer: Some("alttpr".into()),
                q: Some("fake000001".into()),
                ..Default::default()
            },
            PageRequest::first(),
        )
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(w.audited("seed.roll").await, 1);
}
both_backends!(
    a_preset_rolls_a_seed_kept_in_the_history,
    check_a_preset_rolls_a_seed_kept_in_the_history
);

async fn check_the_spoiler_is_shown_only_to_those_allowed_until_released(backend: Backend) {
    let (w, site) = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let boss = Actor::user(w.member("boss", &["Admin"]).await);
    let seed = w.roll(&ada, "open", true).await.unwrap();
    assert_eq!(site.requests()[0].json()["spoilers"], "generate");
    assert!(seed.has_spoiler && seed.has_spoiler_log);
    assert!(!seed.can_release, "a plain member may not see spoilers");
    let refused = w
        .presets
        .spoiler_log(w.org, &ada, seed.id)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");

    let log = w.presets.spoiler_log(w.org, &boss, seed.id).await.unwrap();
    assert_eq!(log["Light World"]["Link's House"], "Bow");
    let refused = w
        .presets
        .release_spoiler(w.org, &ada, seed.id, true)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    let released = w
        .presets
        .release_spoiler(w.org, &boss, seed.id, true)
        .await
        .unwrap();
    assert!(released.spoiler_released);
    let log = w.presets.spoiler_log(w.org, &ada, seed.id).await.unwrap();
    assert_eq!(log["Dark World"]["Pyramid"], "Moon Pearl");
}
both_backends!(
    the_spoiler_is_shown_only_to_those_allowed_until_released,
    check_the_spoiler_is_shown_only_to_those_allowed_until_released
);

/// Each failure of the site is an upstream error naming alttpr.com, and no seed is kept.
async fn check_every_failure_of_the_site_is_reported_and_nothing_kept(backend: Backend) {
    let (w, site) = world(backend).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let cases: Vec<(Vec<Failure>, &str)> = vec![
        (vec![Failure::server_error(); 3], "could not make the seed (HTTP 500)"),
        (vec![Failure::Garbage], "answered with something we cannot read"),
        (
            vec![Failure::Status(
                422,
                "application/json",
                r#"{"message":"The given data was invalid.","errors":{"goal":["The selected goal is invalid."]}}"#.into(),
            )],
            "alttpr.com refused the seed: The given data was invalid.",
        ),
        (
            vec![Failure::Status(409, "text/plain", "Game Unwinnable".into())],
            "could not make a winnable seed from these settings (Game Unwinnable)",
        ),
        (
            vec![Failure::Stall(std::time::Duration::from_secs(5)); 3],
            "did not answer within 2 seconds",
        ),
    ];
    for (failures, expected) in cases {
        for failure in failures {
            site.fail_next(failure);
        }
        match w.roll(&ada, "open", false).await {
            Err(Error::Upstream { service, message }) => {
                assert_eq!(service, "alttpr.com");
                assert!(message.contains(expected), "{message:?} lacks {expected:?}");
            }
            other => panic!("expected an upstream error with {expected:?}, got {other:?}"),
        }
    }
    assert!(
        w.history(&ada).await.is_empty(),
        "a failed roll keeps nothing"
    );
    // A 5xx is tried again: after two failures the third attempt rolls.
    site.fail_next(Failure::server_error());
    site.fail_next(Failure::server_error());
    let seed = w.roll(&ada, "open", false).await.unwrap();
    assert_eq!(w.history(&ada).await.len(), 1);
    assert!(seed.hash.is_some());
}
both_backends!(
    every_failure_of_the_site_is_reported_and_nothing_kept,
    check_every_failure_of_the_site_is_reported_and_nothing_kept
);

async fn check_who_may_roll_and_where(backend: Backend) {
    let (w, site) = world(backend).await;
    let outsider = Actor::user(w.user("eve").await);
    let refused = w.roll(&outsider, "open", false).await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    // Another organization's preset is not in reach from here, nor the other way round.
    let other = w.other_org("Other").await;
    let carol = Actor::user(w.member_of(other, "carol", &[]).await);
    w.set_enabled_in(other, "alttpr", true).await;
    let refused = w
        .presets
        .roll_seed(other, &carol, w.request("open"), now_ms())
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::NotFound { .. }), "{refused:?}");
    let listed = w
        .presets
        .list_seeds(w.org, &carol, SeedFilter::default(), PageRequest::first())
        .await
        .unwrap_err();
    assert!(matches!(listed, Error::Forbidden { .. }), "{listed:?}");
    // The plugin off: not enabled, and alttpr.com is never called.
    w.set_enabled("alttpr", false).await;
    let ada = Actor::user(w.member("ada", &[]).await);
    let off = w.roll(&ada, "open", false).await.unwrap_err();
    assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
    assert!(site.requests().is_empty());
}
both_backends!(who_may_roll_and_where, check_who_may_roll_and_where);

async fn check_presets_are_checked_against_the_settings_when_saved(backend: Backend) {
    let (w, site) = world(backend).await;
    let err = w
        .save_preset("typo", "goal: fast_ganon\ngaol: ganon\n")
        .await
        .unwrap_err();
    match err {
        Error::Invalid { field, message } => {
            assert_eq!(field, "settings.gaol");
            assert!(message.contains("`gaol` is not a setting"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let err = w
        .save_preset("bad", "settings:\n  crystals:\n    tower: 9\n")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "settings.crystals.tower"),
        "{err:?}"
    );
    let err = w
        .save_preset("doors", "doors: true\nsettings: {}\n")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "doors"),
        "{err:?}"
    );
    // SahasrahBot's format with the customizer is fine.
    w.save_preset(
        "custom",
        "goal_name: custom\ncustomizer: true\nsettings:\n  goal: ganon\n  eq: [PegasusBoots]\n  custom:\n    rom.timerMode: countdown-ohko\n",
    )
    .await
    .unwrap();
    let ada = Actor::user(w.member("ada", &[]).await);
    w.roll(&ada, "custom", false).await.unwrap();
    let sent = site.requests();
    assert_eq!(sent[0].path, "/api/customizer");
    assert_eq!(sent[0].json()["eq"], json!(["PegasusBoots"]));
}
both_backends!(
    presets_are_checked_against_the_settings_when_saved,
    check_presets_are_checked_against_the_settings_when_saved
);

const WEIGHTSET: &str = "preset_type: mystery
description: A small weightset
glitches_required: none
item_placement: advanced
dungeon_items: {standard: 50, mcs: 50}
accessibility: items
goals: {ganon: 1, fast_ganon: 1}
tower_open: {'7': 1, '5': 1}
ganon_open: '7'
world_state: {open: 1, inverted: 1}
entrance_shuffle: none
boss_shuffle: none
enemy_shuffle: none
hints: 'off'
weapons: randomized
item_pool: normal
item_functionality: normal
enemy_damage: default
enemy_health: default
";

/// A mystery weightset is rolled into concrete settings here, then on alttpr.com; what it
/// rolled is a spoiler, hidden from players until released.
async fn check_a_mystery_weightset_rolls_concrete_settings(backend: Backend) {
    let (w, site) = world(backend).await;
    w.save_preset("mystery", WEIGHTSET).await.unwrap();
    let ada = Actor::user(w.member("ada", &[]).await);
    let boss = Actor::user(w.member("boss", &["Admin"]).await);
    let seed = w.roll(&ada, "mystery", false).await.unwrap();
    assert!(seed.mystery);
    let body = site.requests()[0].json();
    assert!(
        ["ganon", "fast_ganon"].contains(&body["goal"].as_str().unwrap()),
        "{body}"
    );
    assert!(
        ["open", "inverted"].contains(&body["mode"].as_str().unwrap()),
        "{body}"
    );
    assert!(
        body["crystals"]["tower"].is_i64(),
        "a rolled \"7\" arrives as a number: {body}"
    );
    assert_eq!(
        body["spoilers"], "mystery",
        "the site hides the settings too"
    );
    assert_eq!(seed.settings, None, "hidden from a player");
    let seen_by_boss = w.presets.seed(w.org, &boss, seed.id).await.unwrap();
    assert_eq!(seen_by_boss.settings.unwrap()["goal"], body["goal"]);
    w.presets
        .release_spoiler(w.org, &boss, seed.id, true)
        .await
        .unwrap();
    assert!(w
        .presets
        .seed(w.org, &ada, seed.id)
        .await
        .unwrap()
        .settings
        .is_some());

    // Unwinnable rolls are rolled again with other choices, up to five times.
    site.with_state(|s| s.unwinnable = 4);
    w.roll(&ada, "mystery", false).await.unwrap();
    site.with_state(|s| s.unwinnable = 5);
    let err = w.roll(&ada, "mystery", false).await.unwrap_err();
    assert!(
        err.to_string().contains("from 5 rolls of this weightset"),
        "{err}"
    );

    // A malformed weightset is refused when saved, naming the weight.
    let err = w
        .save_preset(
            "broken",
            &WEIGHTSET.replace("goals: {ganon: 1", "goals: {ganon: -1"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field.starts_with("weights.goals")),
        "{err:?}"
    );
    // A weightset saved without `preset_type: mystery` gets a hint.
    let err = w
        .save_preset("unmarked", &WEIGHTSET.replace("preset_type: mystery\n", ""))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("preset_type: mystery"), "{err}");
}
both_backends!(
    a_mystery_weightset_rolls_concrete_settings,
    check_a_mystery_weightset_rolls_concrete_settings
);

/// The presets plugin lists the randomizers plugins provide (they roll) and the names it keeps
/// presets for until their plugin exists (they do not).
async fn check_the_randomizer_list_comes_from_the_plugins(backend: Backend) {
    let (w, site) = world(backend).await;
    let list = w.presets.randomizers().unwrap();
    let alttpr = list.iter().find(|r| r.id == "alttpr").unwrap();
    assert!(alttpr.can_roll);
    assert_eq!(alttpr.name, "A Link to the Past Randomizer");
    assert_eq!(
        list.iter().filter(|r| r.id == "alttpr").count(),
        1,
        "listed once"
    );
    let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "by id");
    // An organization cannot point alttpr.com elsewhere: the address is the site's.
    let root = Actor::user(w.admin.clone());
    let err = w
        .plugins()
        .set_config(
            w.org,
            "alttpr",
            json!({"base_url": "http://169.254.169.254/"}),
            &root,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "base_url"),
        "{err:?}"
    );
    let config = w.plugins().effective_config(w.org, "alttpr").await.unwrap();
    assert_eq!(config["base_url"], site.url());
}
both_backends!(
    the_randomizer_list_comes_from_the_plugins,
    check_the_randomizer_list_comes_from_the_plugins
);

/// ALTTPR with the tournament plugin loaded and on.
async fn tournament_world(backend: Backend) -> (RandomizerWorld, FakeAlttpr, Tournaments) {
    let (w, site) = world_with(
        backend,
        vec![bundle_from_dir(
            tournament::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../tournament"),
            tournament::plugin(),
        )],
    )
    .await;
    w.set_enabled("tournament", true).await;
    let tournaments = Tournaments::from_platform(&w.platform);
    (w, site, tournaments)
}

/// The match `title` between `players`, in a tournament of its own ("Cup <title>") that rolls
/// ALTTPR seeds from `preset` (empty: none named).
async fn match_in_cup(
    w: &RandomizerWorld,
    tournaments: &Tournaments,
    preset: &str,
    title: &str,
    players: &[i64],
) -> Match {
    let root = w.root();
    let cup = tournaments
        .create_tournament(
            w.org,
            &root,
            &TournamentInput {
                name: format!("Cup {title}"),
                description: String::new(),
                is_active: true,
                onsite: false,
                tracker_enabled: false,
                self_registration: false,
                settings_form_schema: None,
                randomizer: "alttpr".into(),
                preset: preset.into(),
                public_feed: false,
            },
            now_ms(),
        )
        .await
        .unwrap();
    for player in players {
        tournaments
            .add_player(w.org, &root, cup.id, *player, now_ms())
            .await
            .unwrap();
    }
    tournaments
        .create_match(
            w.org,
            &root,
            cup.id,
            &MatchInput {
                title: title.into(),
                comment: String::new(),
                scheduled_at: None,
                player_ids: players.to_vec(),
                stream_channel_id: None,
            },
            now_ms(),
        )
        .await
        .unwrap()
}

/// A match's "Roll seed" rolls from the tournament's randomizer and preset through the seed
/// service and sets the match's seed; without a preset named, it says what to set.
async fn check_a_matchs_roll_seed_uses_the_tournaments_preset(backend: Backend) {
    let (w, site, tournaments) = tournament_world(backend).await;
    let root = w.root();
    let (pia, pete) = (w.member("pia", &[]).await, w.member("pete", &[]).await);
    let game = match_in_cup(&w, &tournaments, "league/open", "Final", &[pia.id, pete.id]).await;
    let rolled = tournaments
        .roll_seed(&w.platform, w.org, &root, game.id, now_ms())
        .await
        .unwrap();
    let seed = rolled.seed.unwrap();
    assert_eq!(seed.url, format!("{}/h/Fake000001", site.url()));
    assert!(
        seed.description.contains("league/open"),
        "{}",
        seed.description
    );
    assert!(
        seed.description.contains("Bombs / Empty Bottle"),
        "{}",
        seed.description
    );
    assert_eq!(site.requests()[0].json()["tournament"], true, "a race seed");
    let history = w.history(&root).await;
    assert_eq!(history[0].source, "tournament");

    // No preset named: the error says what to set, and nothing is rolled.
    let game = match_in_cup(&w, &tournaments, "", "Semi", &[pia.id, pete.id]).await;
    let err = tournaments
        .roll_seed(&w.platform, w.org, &root, game.id, now_ms())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "preset"),
        "{err:?}"
    );
    assert_eq!(site.requests().len(), 1);
}
both_backends!(
    a_matchs_roll_seed_uses_the_tournaments_preset,
    check_a_matchs_roll_seed_uses_the_tournaments_preset
);

/// A match's rolled seed and the seed history point at each other: the history keeps what the
/// seed was rolled for (found by match, carried over the API, audited), the match keeps the
/// history entry; a seed set by hand forgets it, and a bad use is refused, naming its field,
/// before anything is rolled or written.
async fn check_a_matchs_seed_and_its_history_entry_link_to_each_other(backend: Backend) {
    let (w, site, tournaments) = tournament_world(backend).await;
    let root = w.root();
    let (pia, pete) = (w.member("pia", &[]).await, w.member("pete", &[]).await);
    let game = match_in_cup(&w, &tournaments, "league/open", "Final", &[pia.id, pete.id]).await;
    let other = match_in_cup(&w, &tournaments, "league/open", "Semi", &[pia.id, pete.id]).await;
    // A seed of its own and one for another match first, for the filter to tell apart.
    w.roll(&root, "open", false).await.unwrap();
    tournaments
        .roll_seed(&w.platform, w.org, &root, other.id, now_ms())
        .await
        .unwrap();
    let rolled = tournaments
        .roll_seed(&w.platform, w.org, &root, game.id, now_ms())
        .await
        .unwrap();

    let expected = SeedUse {
        kind: "match".into(),
        id: Some(game.id),
        label: format!("Match {}: Final — pete vs pia", game.id),
        path: Some(format!("/org/{}/tournaments/match/{}", w.org, game.id)),
    };
    let for_match = |id: i64| SeedFilter {
        used_for: Some("match".into()),
        used_for_id: Some(id),
        ..Default::default()
    };
    let listed = w
        .presets
        .list_seeds(w.org, &root, for_match(game.id), PageRequest::first())
        .await
        .unwrap()
        .items;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let seed = listed[0].clone();
    assert_eq!(seed.used_for.as_ref(), Some(&expected));
    assert_eq!(seed.url, rolled.seed.as_ref().unwrap().url);
    assert_eq!(seed.source, "tournament");
    assert_eq!(rolled.seed_roll_id, Some(seed.id));
    let read = tournaments.get_match(w.org, game.id).await.unwrap();
    assert_eq!(read.seed_roll_id, Some(seed.id));
    // By kind alone: both matches' seeds; the roll of its own says it was for nothing.
    let matches = w
        .presets
        .list_seeds(
            w.org,
            &root,
            SeedFilter {
                used_for: Some("match".into()),
                ..Default::default()
            },
            PageRequest::first(),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(matches.len(), 2);
    let history = w.history(&root).await;
    assert_eq!(history.len(), 3);
    assert_eq!(history[2].used_for, None);
    // Audited with the seed and with the match.
    let details = |action: &'static str| {
        let pool = w.platform.db.pool().clone();
        async move {
            let text: String = sqlx::query_scalar(
                "SELECT details FROM audit_logs WHERE action = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(action)
            .fetch_one(&pool)
            .await
            .unwrap();
            serde_json::from_str::<serde_json::Value>(&text).unwrap()
        }
    };
    assert_eq!(
        details("seed.roll").await["used_for"],
        serde_json::to_value(&expected).unwrap()
    );
    assert_eq!(details("match.seed").await["seed_roll_id"], seed.id);

    // Over the API: the history row and the one seed carry `used_for`.
    let (org, seed_id, match_id) = (w.org, seed.id, game.id);
    let page = w
        .call(&w.admin, || {
            presets::api::list_seeds(
                org,
                None,
                None,
                Some("match".into()),
                Some(match_id),
                PageRequest::first(),
            )
        })
        .await
        .unwrap();
    let wire = serde_json::to_value(&page).unwrap();
    assert_eq!(wire["items"].as_array().unwrap().len(), 1, "{wire}");
    assert_eq!(
        wire["items"][0]["used_for"],
        json!({
            "kind": "match",
            "id": game.id,
            "label": expected.label,
            "path": expected.path,
        })
    );
    let one = w
        .call(&w.admin, || presets::api::get_seed(org, seed_id))
        .await
        .unwrap();
    assert_eq!(one.used_for.as_ref(), Some(&expected));

    // A seed set by hand is not the rolled one: the match forgets the history entry, which
    // still says it was rolled for the match.
    let by_hand = tournaments
        .set_seed(
            w.org,
            &root,
            game.id,
            "https://alttpr.com/h/ByHand",
            "",
            now_ms(),
        )
        .await
        .unwrap();
    assert_eq!(by_hand.seed_roll_id, None);
    let read = tournaments.get_match(w.org, game.id).await.unwrap();
    assert_eq!(read.seed_roll_id, None);
    assert_eq!(read.seed.unwrap().url, "https://alttpr.com/h/ByHand");
    let listed = w
        .presets
        .list_seeds(w.org, &root, for_match(game.id), PageRequest::first())
        .await
        .unwrap()
        .items;
    assert_eq!(listed.iter().map(|s| s.id).collect::<Vec<_>>(), [seed.id]);

    // A bad use is refused naming its field; the site is not called and nothing is kept.
    let (asked, audited) = (site.requests().len(), w.audited("seed.roll").await);
    for (bad, field, says) in [
        (
            SeedUse {
                path: Some("//evil.example".into()),
                ..expected.clone()
            },
            "used_for.path",
            "a path on this site",
        ),
        (
            SeedUse {
                kind: "my match".into(),
                ..expected.clone()
            },
            "used_for.kind",
            "a kind of 1 to 32 lowercase letters",
        ),
    ] {
        let err = w
            .presets
            .roll_seed_for(w.org, &root, w.request("open"), Some(bad), now_ms())
            .await
            .unwrap_err();
        match err {
            Error::Invalid {
                field: named,
                message,
            } => {
                assert_eq!(named, field);
                assert!(message.contains(says), "{message}");
            }
            other => panic!("expected {field} to be refused, got {other:?}"),
        }
    }
    assert_eq!(site.requests().len(), asked);
    assert_eq!(w.audited("seed.roll").await, audited);
    assert_eq!(w.history(&root).await.len(), 3);
}
both_backends!(
    a_matchs_seed_and_its_history_entry_link_to_each_other,
    check_a_matchs_seed_and_its_history_entry_link_to_each_other
);
