//! Events and lookups on SQLite and PostgreSQL: the event a new preset emits, the service other
//! plugins read settings through, and what the `/preset` command may show. The world is in
//! `common`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{ns, preset, world, World};
use presets::{events::PresetCreated, model::Preset, service::PresetService};
use sdk::{auth::GlobalLevel, db::Backend, Actor};
use testkit::{both_backends, record};

/// Ada's public namespace `ada` with "Fast", written in SahasrahBot's format.
async fn fast_in_ada(w: &World, ada: &Actor) -> Preset {
    w.create_namespace(None, ada, ns("ada", true, false))
        .await
        .unwrap();
    let mut input = preset(Some("ada"), "Fast", true);
    input.yaml =
        "goal_name: Fast Ganon\ndescription: From SahasrahBot\nsettings:\n  goal: fast_ganon\n"
            .into();
    w.create_preset(None, ada, input).await.unwrap()
}

async fn check_preset_created_event_names_actor_and_namespace(backend: Backend) {
    let w = world(backend).await;
    let ada = w.user("ada", GlobalLevel::User).await;
    let seen = record::<PresetCreated>(&w.platform.events);
    let created = fast_in_ada(&w, &ada).await;
    assert_eq!(
        created.summary.description, "From SahasrahBot",
        "SahasrahBot description used"
    );
    // Listeners run off the request path: wait for the delivery.
    seen.wait_for(1).await;
    let delivered: Vec<_> = seen
        .envelopes()
        .into_iter()
        .map(|e| (e.actor, e.event.name, e.event.namespace))
        .collect();
    assert_eq!(
        delivered,
        vec![(ada.user_id(), "Fast".to_string(), Some("ada".to_string()))]
    );
}
both_backends!(
    preset_created_event_names_actor_and_namespace,
    check_preset_created_event_names_actor_and_namespace
);

async fn check_lookup_service_hands_out_public_presets_by_key(backend: Backend) {
    let w = world(backend).await;
    let ada = w.user("ada", GlobalLevel::User).await;
    fast_in_ada(&w, &ada).await;
    // Other plugins load settings by (namespace, randomizer, name) through the service.
    let lookup = w
        .platform
        .plugins
        .service::<PresetService>("presets")
        .unwrap();
    let (_, settings) = lookup
        .settings(None, Some(" Ada "), "ALTTPR", "Fast")
        .await
        .unwrap();
    assert_eq!(settings["settings"]["goal"], "fast_ganon");
    let err = lookup
        .settings(None, Some("ada"), "alttpr", "Slow")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "NotFound");
    // A private preset is not handed to anyone through the service.
    w.create_preset(None, &ada, preset(Some("ada"), "Hidden", false))
        .await
        .unwrap();
    let err = lookup
        .settings(None, Some("ada"), "alttpr", "Hidden")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "NotFound");
}
both_backends!(
    lookup_service_hands_out_public_presets_by_key,
    check_lookup_service_hands_out_public_presets_by_key
);

async fn check_command_shows_private_presets_to_readers_of_the_organization(backend: Backend) {
    let w = world(backend).await;
    // The world's organization, "League"; its Admin is not the site admin.
    let org = w.org;
    let admin = w.member(org, "leagueadmin", Some("Admin")).await;
    let plain = w.member(org, "plain", None).await;
    let other = w.other_org("Other").await;
    w.create_namespace(Some(org), &admin, ns("league", false, true))
        .await
        .unwrap();
    w.create_preset(Some(org), &admin, preset(Some("league"), "Open", false))
        .await
        .unwrap();
    // `preset:read` in the organization (Admin) shows its private preset…
    let (_, settings) = w
        .presets
        .settings_for(org, &admin, Some("league"), "alttpr", "Open")
        .await
        .unwrap();
    assert_eq!(settings["goal"], "ganon");
    // …a plain member, a Discord user without an account, and another organization see
    // nothing.
    for (who, org) in [(&plain, org), (&Actor::system(), org), (&admin, other)] {
        let err = w
            .presets
            .settings_for(org, who, Some("league"), "alttpr", "Open")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), "NotFound", "{who:?} from {org}");
    }
}
both_backends!(
    command_shows_private_presets_to_readers_of_the_organization,
    check_command_shows_private_presets_to_readers_of_the_organization
);

async fn check_import_creates_updates_and_reports_each_file(backend: Backend) {
    let w = world(backend).await;
    let ada = w.user("ada", GlobalLevel::User).await;
    fast_in_ada(&w, &ada).await;
    let dir = std::env::temp_dir().join(format!(
        "presets-import-{}-{}",
        std::process::id(),
        backend.name()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("Fast.yaml"), "goal: faster\n").unwrap();
    std::fs::write(dir.join("Open.yml"), "randomizer: smz3\ngoal: ganon\n").unwrap();
    std::fs::write(dir.join("Broken.yaml"), "goal: [ganon\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a preset").unwrap();
    let results = w
        .presets
        .import_dir(None, &ada, &dir, "ada", Some("alttpr"), sdk::time::now_ms())
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let outcomes: Vec<(&str, Result<&str, &str>)> = results
        .iter()
        .map(|r| {
            (
                r.file.as_str(),
                r.outcome.as_deref().map_err(String::as_str),
            )
        })
        .collect();
    assert_eq!(outcomes.len(), 3, "{outcomes:?}");
    assert!(
        matches!(outcomes[0], ("Broken.yaml", Err(e)) if e.starts_with("line ")),
        "{outcomes:?}"
    );
    assert_eq!(outcomes[1], ("Fast.yaml", Ok("Fast (updated)")));
    assert_eq!(outcomes[2], ("Open.yml", Ok("Open")));
    let lookup = PresetService::new(w.test.db.clone());
    let (_, fast) = lookup
        .settings(None, Some("ada"), "alttpr", "Fast")
        .await
        .unwrap();
    assert_eq!(fast["goal"], "faster");
    assert!(lookup
        .settings(None, Some("ada"), "smz3", "Open")
        .await
        .is_ok());
}
both_backends!(
    import_creates_updates_and_reports_each_file,
    check_import_creates_updates_and_reports_each_file
);
