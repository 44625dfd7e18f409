//! Presets end to end with the runtime services, against a fake Discord (both databases):
//! - the bus: creating a preset over HTTP emits PresetCreated; presets' own listener announces it
//!   in the organization's chosen channel, another plugin's listener gets it too, and a listener
//!   that panics changes nothing for the others;
//! - a scheduled task: an organization task of the type `presets.post_list` is created over
//!   HTTP, fires at its slot and posts the namespace's presets; a broken one records its error;
//! - a Discord command: `/preset` used through the fake gateway answers with the preset, says
//!   when the server is not linked, and says when the organization switched Presets off.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use async_trait::async_trait;
use common::{browser_like_client, test_config, TestApp, TestUser};
use platform::tasks::engine::Scheduler;
use presets::events::PresetCreated;
use sdk::{
    auth::GlobalLevel, db::Backend, plugin::Bundle, plugin::LoadContext, plugin::Plugin, Error,
};
use serde_json::{json, Value};
use testkit::{both_backends, fake_discord::FakeDiscord, TestDb};

const CHANNEL: &str = "1200000000000000001";
const LIST_CHANNEL: &str = "1200000000000000002";
const GUILD: &str = "1300000000000000001";
const DISCORD_USER: &str = "1400000000000000001";

/// Another plugin listening to presets' event, and one whose listener panics.
struct Watcher {
    seen: Arc<Mutex<Vec<String>>>,
    panics: bool,
}

#[async_trait]
impl Plugin for Watcher {
    async fn on_load(&self, ctx: &LoadContext) -> Result<(), Error> {
        let seen = Arc::clone(&self.seen);
        let panics = self.panics;
        ctx.listen::<PresetCreated, _, _>(move |env| {
            let seen = Arc::clone(&seen);
            async move {
                if panics {
                    let nothing: Option<&str> = None;
                    if nothing.is_none() {
                        panic!("listener bug");
                    }
                }
                seen.lock()
                    .unwrap()
                    .push(format!("{:?} {}", env.org_id, env.event.name));
                Ok(())
            }
        });
        Ok(())
    }
}

fn watcher(id: &str, seen: &Arc<Mutex<Vec<String>>>, panics: bool) -> Bundle {
    Bundle {
        manifest_source: format!(
            "id = \"{id}\"\nname = \"{id}\"\nversion = \"1.0.0\"\ncategory = \"utility\"\nenabled_by_default = false\n[requires]\nplugins = [{{ id = \"presets\", version = \"^0.1\" }}]\n"
        )
        .into(),
        origin: "test".into(),
        sqlite: Vec::new(),
        postgres: Vec::new(),
        plugin: Arc::new(Watcher {
            seen: Arc::clone(seen),
            panics,
        }),
    }
}

async fn presets_call(app: &TestApp, user: &TestUser, endpoint: &str, body: Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/p/presets/{endpoint}")))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .bearer_auth(&user.token)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn wait_for_message(fake: &FakeDiscord, channel: &str, text: &str) -> bool {
    fake.wait_until(Duration::from_secs(10), |f| {
        f.messages()
            .iter()
            .any(|m| m.channel_id == channel && m.content.contains(text))
    })
    .await
}

async fn check_presets_use_bus_task_and_command(backend: Backend) {
    let fake = FakeDiscord::start().await;
    // The bot posts only to channels of the organization's linked server.
    fake.add_channel(CHANNEL, GUILD);
    fake.add_channel(LIST_CHANNEL, GUILD);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut bundles = app::plugins::bundles();
    bundles.push(watcher("watcher", &seen, false));
    bundles.push(watcher("clumsy", &seen, true));
    let test_db = TestDb::new(backend).await;
    let mut config = test_config(&test_db.url);
    config.discord_bot_token = Some("fake-bot-token".into());
    config.discord_api_url = fake.api_url();
    let data_dir = config.data_dir.clone();
    let server = server::start_with_plugins(config, bundles).await.unwrap();
    let app = TestApp {
        server,
        client: browser_like_client(),
        test_db,
        data_dir,
    };
    assert!(
        fake.wait_for_identify(1, Duration::from_secs(20)).await,
        "the bot connects to the fake gateway"
    );

    let admin = app.user("ada", GlobalLevel::Superadmin).await;
    sqlx::query("UPDATE users SET discord_id = $1 WHERE id = $2")
        .bind(DISCORD_USER)
        .bind(admin.id)
        .execute(app.db().pool())
        .await
        .unwrap();
    let org = app
        .ok(
            &admin,
            "create_organization",
            json!({"name": "Preset League"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();

    // Not linked yet: the command says so.
    let reply = fake
        .use_command(
            GUILD,
            DISCORD_USER,
            "preset",
            json!({"randomizer": "alttpr", "name": "Open"}),
        )
        .await
        .unwrap();
    assert!(reply.content.contains("not linked"), "{reply:?}");
    assert!(reply.ephemeral());
    sqlx::query(
        "INSERT INTO discord_guilds (guild_id, organization_id, guild_name, linked_by, linked_at)
         VALUES ($1, $2, 'League server', $3, 0)",
    )
    .bind(GUILD)
    .bind(org)
    .bind(admin.id)
    .execute(app.db().pool())
    .await
    .unwrap();

    // The bus: announcements go to the channel the organization chose.
    app.ok(
        &admin,
        "set_plugin_config",
        json!({"org_id": org, "plugin_id": "presets", "config": {"announce_channel_id": CHANNEL}}),
    )
    .await;
    let (status, body) = presets_call(
        &app,
        &admin,
        "create_namespace",
        json!({"org_id": org, "slug": "league", "display_name": "League", "for_organization": true, "is_public": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = presets_call(
        &app,
        &admin,
        "create_preset",
        json!({"org_id": org, "namespace": "league", "randomizer": "alttpr", "name": "Open", "yaml": "goal: ganon\nmode: open", "is_public": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        wait_for_message(&fake, CHANNEL, "New preset **Open** (alttpr) in `league`.").await,
        "announced: {:?}",
        fake.messages()
    );
    // Another plugin got the event; the panicking listener did not stop anyone.
    for _ in 0..100 {
        if !seen.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        seen.lock().unwrap().clone(),
        vec![format!("Some({org}) Open")]
    );
    // The panicking listener's failure is recorded once its task ends (it may lag under load).
    let clumsy_failed = |f: &sdk::events::ListenerFailure| {
        f.listener == "clumsy" && f.event == "presets.preset_created" && f.error == "panicked"
    };
    for _ in 0..100 {
        if app
            .server
            .platform
            .events
            .recent_failures()
            .iter()
            .any(clumsy_failed)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let failures = app.server.platform.events.recent_failures();
    assert!(failures.iter().any(clumsy_failed), "{failures:?}");

    // A scheduled task: created over HTTP, fired at its slot by the scheduler.
    let task = app
        .ok(
            &admin,
            "create_org_task",
            json!({"org_id": org, "task": {
                "name": "Post the list",
                "task_type": "presets.post_list",
                "schedule": {"type": "cron", "expression": "0 3 * * *"},
                "config": {"channel_id": LIST_CHANNEL, "namespace": "league"}
            }}),
        )
        .await;
    let due = sdk::time::parse_rfc3339(task["next_run_at"].as_str().unwrap()).unwrap();
    let scheduler = Scheduler::new(&app.server.platform);
    let started = scheduler.tick_at(due).await.unwrap().finished().await;
    assert!(
        started.contains(&format!("org:{}", task["id"])),
        "{started:?}"
    );
    assert!(
        wait_for_message(
            &fake,
            LIST_CHANNEL,
            "Presets in `league` (1):\n• Open (alttpr)"
        )
        .await,
        "{:?}",
        fake.messages()
    );
    // Bad input is refused on its field; a namespace of another organization fails the run.
    let (status, body) = {
        let res = app
            .call(
                Some(&admin),
                "create_org_task",
                json!({"org_id": org, "task": {
                    "name": "Broken",
                    "task_type": "presets.post_list",
                    "schedule": {"type": "interval", "seconds": 3600},
                    "config": {"channel_id": "not-a-channel", "namespace": "league"}
                }}),
            )
            .await;
        (res.status().as_u16(), res.json::<Value>().await.unwrap())
    };
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "channel_id", "{body}");
    let other = app
        .ok(
            &admin,
            "create_org_task",
            json!({"org_id": org, "task": {
                "name": "Elsewhere",
                "task_type": "presets.post_list",
                "schedule": {"type": "interval", "seconds": 3600},
                "config": {"channel_id": LIST_CHANNEL, "namespace": "someone-elses"}
            }}),
        )
        .await;
    let run_id = app
        .ok(
            &admin,
            "run_org_task",
            json!({"org_id": org, "task_id": other["id"]}),
        )
        .await
        .as_i64()
        .unwrap();
    let mut run = Value::Null;
    for _ in 0..100 {
        run = app
            .ok(
                &admin,
                "get_task_run",
                json!({"org_id": org, "run_id": run_id}),
            )
            .await;
        if run["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(run["status"], "failed", "{run}");
    assert!(
        run["error"]
            .as_str()
            .unwrap()
            .contains("does not belong to this organization"),
        "{run}"
    );

    // A Discord command: answered with the preset.
    let reply = fake
        .use_command(
            GUILD,
            DISCORD_USER,
            "preset",
            json!({"randomizer": "alttpr", "name": "Open", "namespace": "league"}),
        )
        .await
        .unwrap();
    assert_eq!(
        reply.content,
        "**Open** (alttpr, namespace `league`, standard): 2 settings — goal, mode"
    );
    assert!(!reply.ephemeral());
    let reply = fake
        .use_command(
            GUILD,
            DISCORD_USER,
            "preset",
            json!({"randomizer": "alttpr", "name": "Nope", "namespace": "league"}),
        )
        .await
        .unwrap();
    assert!(
        reply.content.contains("There is no alttpr preset \"Nope\""),
        "{reply:?}"
    );

    // Presets off for the organization: the command says it is not enabled there.
    app.ok(
        &admin,
        "set_plugin_enabled",
        json!({"org_id": org, "plugin_id": "presets", "enabled": false}),
    )
    .await;
    let reply = fake
        .use_command(
            GUILD,
            DISCORD_USER,
            "preset",
            json!({"randomizer": "alttpr", "name": "Open", "namespace": "league"}),
        )
        .await
        .unwrap();
    assert!(
        reply
            .content
            .contains("Presets is not enabled for Preset League"),
        "{reply:?}"
    );
    app.stop().await;
}
both_backends!(
    presets_use_bus_task_and_command,
    check_presets_use_bus_task_and_command
);
