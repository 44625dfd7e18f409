//! The async qualifier's slash commands through the bot and a fake Discord (both databases):
//! `/async_calculate_scores` in the qualifier's channel and `/async_extend_timeout` in a run's
//! thread call the same service functions as the web; a member without the action is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use async_qualifier::service::{Actor, QualifierInput, Qualifiers};
use common::TestApp;
use sdk::{auth::GlobalLevel, both_backends, db::Backend, fake_discord::FakeDiscord, time::now_ms};
use serde_json::json;

const GUILD: &str = "1300000000000000009";
/// The channel every command used through the fake comes from.
const FAKE_CHANNEL: &str = "1100000000000000001";
const ADMIN_DISCORD: &str = "1400000000000000009";
const RUNNER_DISCORD: &str = "1400000000000000010";

async fn check_async_commands(backend: Backend) {
    let fake = FakeDiscord::start().await;
    let app = TestApp::spawn_with(backend, |c| {
        c.discord_bot_token = Some("fake-bot-token".into());
        c.discord_api_url = fake.api_url();
    })
    .await;
    assert!(fake.wait_for_identify(1, Duration::from_secs(20)).await);
    let admin = app.user("ada", GlobalLevel::Superadmin).await;
    let runner = app.user("rin", GlobalLevel::User).await;
    for (user, discord) in [(&admin, ADMIN_DISCORD), (&runner, RUNNER_DISCORD)] {
        sqlx::query("UPDATE users SET discord_id = $1 WHERE id = $2")
            .bind(discord)
            .bind(user.id)
            .execute(app.db().pool())
            .await
            .unwrap();
    }
    let org = app
        .ok(
            &admin,
            "create_organization",
            json!({"name": "Async League"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.ok(
        &admin,
        "add_member",
        json!({"org_id": org, "user_id": runner.id}),
    )
    .await;
    app.ok(
        &admin,
        "set_plugin_enabled",
        json!({"org_id": org, "plugin_id": "async_qualifier", "enabled": true}),
    )
    .await;
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

    let service = app
        .server
        .platform
        .plugins
        .service::<Qualifiers>("async_qualifier")
        .unwrap();
    let now = now_ms();
    let q = service
        .create_qualifier(
            org,
            &Actor::user(admin.id),
            &QualifierInput {
                name: "Spring Qualifier".into(),
                description: String::new(),
                is_active: true,
                hide_results: false,
                discord_channel_id: FAKE_CHANNEL.into(),
                runs_per_pool: 1,
                max_reattempts: 0,
                require_racetime: false,
            },
            now,
        )
        .await
        .unwrap();
    let pool = service
        .create_pool(org, &Actor::user(admin.id), q.id, "Open", "", now)
        .await
        .unwrap();
    service
        .create_permalink(
            org,
            &Actor::user(admin.id),
            pool.id,
            "https://alttpr.com/h/abc",
            "",
            now,
        )
        .await
        .unwrap();

    // Recalculate from the qualifier's channel.
    let reply = fake
        .use_command(GUILD, ADMIN_DISCORD, "async_calculate_scores", json!({}))
        .await
        .unwrap();
    assert_eq!(
        reply.content,
        "Recalculated **Spring Qualifier**: 0 seeds with finished runs."
    );
    // A plain member may not.
    let reply = fake
        .use_command(GUILD, RUNNER_DISCORD, "async_calculate_scores", json!({}))
        .await
        .unwrap();
    assert!(
        reply
            .content
            .contains("permission for `async_tournament:recalculate`"),
        "{reply:?}"
    );
    assert!(reply.ephemeral());

    // Extend the timeout of a pending run opened in a thread.
    let race = service
        .start_run(org, &Actor::user(runner.id), q.id, pool.id, now)
        .await
        .unwrap();
    let reply = fake
        .use_command(
            GUILD,
            ADMIN_DISCORD,
            "async_extend_timeout",
            json!({"minutes": 15}),
        )
        .await
        .unwrap();
    assert!(
        reply.content.contains("not an async qualifier run"),
        "{reply:?}"
    );
    service
        .set_discord_thread(org, race.id, FAKE_CHANNEL, now)
        .await
        .unwrap();
    let reply = fake
        .use_command(
            GUILD,
            ADMIN_DISCORD,
            "async_extend_timeout",
            json!({"minutes": 15}),
        )
        .await
        .unwrap();
    assert!(
        reply.content.starts_with("Extended by 15 minutes"),
        "{reply:?}"
    );
    let after = service.race(org, race.id).await.unwrap();
    assert!(
        after.timeout_at >= race.timeout_at + 15 * 60_000,
        "{after:?}"
    );
    let reply = fake
        .use_command(
            GUILD,
            ADMIN_DISCORD,
            "async_extend_timeout",
            json!({"minutes": 5000}),
        )
        .await
        .unwrap();
    assert!(reply.content.contains("1 to 1440 minutes"), "{reply:?}");
    app.stop().await;
}
both_backends!(async_commands, check_async_commands);
