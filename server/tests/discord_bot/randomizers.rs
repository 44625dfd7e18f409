//! A randomizer's roll command through the fake gateway, as Discord delivers it: `/alttpr` is
//! registered with its `preset` option suggested while typed, typing in it suggests the linked
//! organization's presets (an APPLICATION_COMMAND_AUTOCOMPLETE interaction answered with
//! choices), and using it rolls on the fake alttpr.com and answers with the seed's embed; with ALTTPR
//! off for the organization the command is refused and nothing is suggested.

use presets::service::{NamespaceInput, PresetInput, Presets};
use sdk::{time::now_ms, Actor};
use serde_json::json;
use testkit::{both_backends, fake_discord::APPLICATION_ID, fake_randomizers::alttpr::FakeAlttpr};

use super::{connected, link_guild, owner_with_org, Backend};

async fn check_alttpr_suggests_and_rolls_through_the_gateway(backend: Backend) {
    let (fake, app) = connected(backend).await;
    let site = FakeAlttpr::alttpr().await.unwrap();
    let platform = &app.server.platform;
    let system = Actor::default();
    platform
        .plugins
        .set_install_config("alttpr", json!({"base_url": site.url()}), &system)
        .await
        .unwrap();
    let (owner, org) = owner_with_org(&app, "owner", "5001", "Speedrunners").await;
    link_guild(&app, "777", org, "Speedruns", owner).await;
    platform
        .plugins
        .set_enabled(org, "alttpr", true, true, &system)
        .await
        .unwrap();
    // The organization's admin keeps its presets.
    let admin = Actor::user(sdk::auth::CurrentUser {
        id: owner,
        username: "owner".into(),
        display_name: None,
        level: sdk::auth::GlobalLevel::User,
        impersonated_by: None,
    });
    let presets = Presets::new(platform.contract());
    presets
        .create_namespace(
            Some(org),
            &admin,
            NamespaceInput {
                slug: "league".into(),
                display_name: "League".into(),
                description: String::new(),
                is_public: false,
                for_organization: true,
            },
            now_ms(),
        )
        .await
        .unwrap();
    for name in ["open", "standard"] {
        presets
            .create_preset(
                Some(org),
                &admin,
                PresetInput {
                    namespace: Some("league".into()),
                    randomizer: "alttpr".into(),
                    name: name.into(),
                    description: String::new(),
                    yaml: "goal: fast_ganon\n".into(),
                    is_public: false,
                },
                now_ms(),
            )
            .await
            .unwrap();
    }

    // Registered with Discord: `preset` says it has suggestions.
    let puts = fake.requests_to(
        "PUT",
        &format!("/api/v10/applications/{APPLICATION_ID}/commands"),
    );
    let alttpr = puts[0]
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "alttpr")
        .unwrap()
        .clone();
    assert_eq!(alttpr["options"][0]["name"], "preset");
    assert_eq!(alttpr["options"][0]["autocomplete"], true, "{alttpr}");

    // Typing `op` into `preset`: the organization's matching preset.
    let answer = fake
        .autocomplete("777", "5001", "alttpr", json!({}), "preset", "op")
        .await
        .unwrap();
    assert_eq!(answer.kind, 8, "an autocomplete answer");
    assert_eq!(
        answer.choices,
        [("league/open".to_string(), "league/open".to_string())]
    );

    // Using it: the seed from the fake alttpr.com, for the channel.
    let reply = fake
        .use_command("777", "5001", "alttpr", json!({"preset": "league/open"}))
        .await
        .unwrap();
    let (title, description) = reply.embed.clone().expect("the seed embed");
    assert_eq!(title, "ALTTPR seed (league/open)");
    assert!(
        description.contains(&format!("<{}/h/Fake000001>", site.url())),
        "{reply:?}"
    );
    assert!(description.contains("File select: "), "{reply:?}");
    assert!(!reply.ephemeral());
    assert_eq!(site.requests().len(), 1);

    // ALTTPR switched off: refused, nothing suggested, the site not called.
    platform
        .plugins
        .set_enabled(org, "alttpr", false, false, &system)
        .await
        .unwrap();
    let answer = fake
        .autocomplete("777", "5001", "alttpr", json!({}), "preset", "")
        .await
        .unwrap();
    assert!(answer.choices.is_empty(), "{answer:?}");
    let reply = fake
        .use_command("777", "5001", "alttpr", json!({"preset": "league/open"}))
        .await
        .unwrap();
    assert!(reply.content.contains("ALTTPR is not enabled"), "{reply:?}");
    assert!(reply.ephemeral());
    assert_eq!(site.requests().len(), 1);
    app.stop().await;
}
both_backends!(
    alttpr_suggests_and_rolls_through_the_gateway,
    check_alttpr_suggests_and_rolls_through_the_gateway
);
