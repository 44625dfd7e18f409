//! The async qualifier on Discord through the bot and a fake Discord (both databases):
//! `/async_calculate_scores` in the qualifier's channel and `/async_extend_timeout` in a run's
//! thread, and whole runs through the embed's Start button and the run thread's buttons — the
//! same service functions as the web; refusals (permissions, someone else's run) as replies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use async_qualifier::service::{QualifierInput, Qualifiers};
use common::TestApp;
use sdk::{auth::GlobalLevel, db::Backend, time::now_ms};
use serde_json::json;
use testkit::{both_backends, fake_discord::FakeDiscord};

const GUILD: &str = "1300000000000000009";
/// The channel every command used through the fake comes from.
const FAKE_CHANNEL: &str = "1100000000000000001";
const ADMIN_DISCORD: &str = "1400000000000000009";
const RUNNER_DISCORD: &str = "1400000000000000010";

/// A league with the bot connected to a fake Discord: the server linked to the org, async
/// qualifiers on, an admin and a runner with Discord accounts, a qualifier posted in the fake's
/// command channel with the pool "Open" and one seed.
struct League {
    fake: FakeDiscord,
    app: TestApp,
    admin: common::TestUser,
    runner: common::TestUser,
    org: i64,
    service: std::sync::Arc<Qualifiers>,
    q: async_qualifier::repo::QualifierRow,
    pool: async_qualifier::repo::PoolRow,
}

async fn league(backend: Backend) -> League {
    let fake = FakeDiscord::start().await;
    // The qualifier's channel is in the league's server.
    fake.add_channel(FAKE_CHANNEL, GUILD);
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
            &app.actor(&admin).await,
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
        .create_pool(org, &app.actor(&admin).await, q.id, "Open", "", now)
        .await
        .unwrap();
    service
        .create_permalink(
            org,
            &app.actor(&admin).await,
            pool.id,
            "https://alttpr.com/h/abc",
            "",
            now,
        )
        .await
        .unwrap();

    League {
        fake,
        app,
        admin,
        runner,
        org,
        service,
        q,
        pool,
    }
}

async fn check_async_commands(backend: Backend) {
    let League {
        fake,
        app,
        runner,
        org,
        service,
        q,
        pool,
        ..
    } = league(backend).await;
    let now = now_ms();
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
        .start_run(org, &app.actor(&runner).await, q.id, pool.id, now)
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
        .set_discord_thread(org, &app.actor(&runner).await, race.id, FAKE_CHANNEL, now)
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

/// Calls `/api/p/async_qualifier/{endpoint}` as `user`; answers (status, JSON).
async fn plugin_call(
    app: &TestApp,
    user: &common::TestUser,
    endpoint: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let res = common::plain_client()
        .post(app.url(&format!("/api/p/async_qualifier/{endpoint}")))
        .bearer_auth(&user.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// A whole qualifier run from Discord: the embed with its Start button, the pool choice, the
/// private thread with the seed, Ready → Get Timer → Finish with the score, a forfeit that asks
/// first, and the refusals (someone else's run, no runs left, unknown Discord user, plugin off).
async fn check_runs_from_discord(backend: Backend) {
    let League {
        fake,
        app,
        admin,
        runner,
        org,
        service,
        q,
        pool,
    } = league(backend).await;
    let now = now_ms();
    let hard = service
        .create_pool(org, &app.actor(&admin).await, q.id, "Hard", "", now)
        .await
        .unwrap();
    service
        .create_permalink(
            org,
            &app.actor(&admin).await,
            hard.id,
            "https://alttpr.com/h/hard",
            "",
            now,
        )
        .await
        .unwrap();

    // Only managers post the embed; it carries the persistent Start button.
    let (status, _) = plugin_call(
        &app,
        &runner,
        "post_discord_embed",
        json!({"org_id": org, "qualifier_id": q.id}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = plugin_call(
        &app,
        &admin,
        "post_discord_embed",
        json!({"org_id": org, "qualifier_id": q.id}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let embed = fake.messages().pop().unwrap();
    assert_eq!(embed.channel_id, FAKE_CHANNEL);
    let (title, description) = embed.embed.clone().unwrap();
    assert_eq!(title, "Async qualifier: Spring Qualifier");
    assert!(
        description.contains("• Open — 1 seed") && description.contains("• Hard — 1 seed"),
        "{description}"
    );
    let start = format!("async:start:{}", q.id);
    assert_eq!(embed.custom_ids, vec![start.clone()]);

    // Start with two pools open: choose one.
    let reply = fake
        .click_button(GUILD, FAKE_CHANNEL, RUNNER_DISCORD, &start)
        .await
        .unwrap();
    assert!(reply.ephemeral());
    assert_eq!(reply.content, "Choose a pool:");
    let open_pool = format!("async:pool:{}:{}", q.id, pool.id);
    assert_eq!(
        reply.custom_ids,
        vec![
            open_pool.clone(),
            format!("async:pool:{}:{}", q.id, hard.id)
        ]
    );
    let reply = fake
        .click_button(GUILD, FAKE_CHANNEL, RUNNER_DISCORD, &open_pool)
        .await
        .unwrap();
    let threads = fake.threads();
    assert_eq!(threads.len(), 1, "{threads:?}");
    let thread = &threads[0];
    assert_eq!(
        reply.content,
        format!("Your run is ready in <#{}>.", thread.id)
    );
    assert!(reply.ephemeral());
    assert_eq!(
        (
            thread.parent_id.as_str(),
            thread.kind,
            thread.members.clone()
        ),
        (FAKE_CHANNEL, 12, vec![RUNNER_DISCORD.to_string()])
    );
    let race = service.race_by_thread(org, &thread.id).await.unwrap();
    assert_eq!(race.user_id, runner.id);
    assert_eq!(race.pool_id, pool.id);
    let seed = fake.messages().pop().unwrap();
    assert_eq!(seed.channel_id, thread.id);
    assert!(
        seed.content.contains("https://alttpr.com/h/abc"),
        "{seed:?}"
    );
    let ready = format!("async:ready:{}", race.id);
    let timer = format!("async:timer:{}", race.id);
    assert_eq!(
        seed.custom_ids,
        vec![ready.clone(), format!("async:forfeit:{}", race.id)]
    );

    // Someone else's run is not yours to start; Get Timer before Ready says so.
    let reply = fake
        .click_button(GUILD, &thread.id, ADMIN_DISCORD, &ready)
        .await
        .unwrap();
    assert_eq!(reply.content, "This is someone else's run.");
    let reply = fake
        .click_button(GUILD, &thread.id, RUNNER_DISCORD, &timer)
        .await
        .unwrap();
    assert_eq!(reply.content, "You have not pressed Ready yet.");

    // Ready: the clock starts after the countdown; the message has Finish/Forfeit/Get Timer.
    let before = now_ms();
    let reply = fake
        .click_button(GUILD, &thread.id, RUNNER_DISCORD, &ready)
        .await
        .unwrap();
    assert!(!reply.ephemeral());
    assert!(reply.content.contains("The clock starts <t:"), "{reply:?}");
    assert_eq!(
        reply.custom_ids,
        vec![
            format!("async:finish:{}", race.id),
            format!("async:forfeit:{}", race.id),
            timer.clone()
        ]
    );
    let started = service.race(org, race.id).await.unwrap();
    let start_time = started.start_time.unwrap();
    assert!(start_time >= before + 10_000 && start_time <= now_ms() + 10_000);
    let reply = fake
        .click_button(GUILD, &thread.id, RUNNER_DISCORD, &timer)
        .await
        .unwrap();
    assert!(
        reply.content.starts_with("The clock starts in "),
        "{reply:?}"
    );

    // An hour into the run (the start moved back instead of waiting), Get Timer and Finish.
    sqlx::query("UPDATE async_qualifier_races SET start_time = $1 WHERE id = $2")
        .bind(now_ms() - 3_600_000)
        .bind(race.id)
        .execute(app.db().pool())
        .await
        .unwrap();
    let reply = fake
        .click_button(GUILD, &thread.id, RUNNER_DISCORD, &timer)
        .await
        .unwrap();
    assert!(reply.content.starts_with("Running: **1:00:0"), "{reply:?}");
    assert!(reply.ephemeral());
    let reply = fake
        .click_button(
            GUILD,
            &thread.id,
            RUNNER_DISCORD,
            &format!("async:finish:{}", race.id),
        )
        .await
        .unwrap();
    assert!(
        reply.content.starts_with("**Finished** in 1:00:0"),
        "{reply:?}"
    );
    assert!(
        reply
            .content
            .contains(&format!("/org/{org}/async/race/{}", race.id)),
        "{reply:?}"
    );
    let finished = service.race(org, race.id).await.unwrap();
    assert_eq!(finished.status.as_str(), "finished");
    // Alone on the seed, the runner sets its par: 100 points.
    assert_eq!(finished.score, Some(100.0));

    // The second pool is the only one left: Start opens it directly. Forfeit asks first.
    let reply = fake
        .click_button(GUILD, FAKE_CHANNEL, RUNNER_DISCORD, &start)
        .await
        .unwrap();
    assert!(
        reply.content.starts_with("Your run is ready in <#"),
        "{reply:?}"
    );
    let second_thread = fake.threads().pop().unwrap();
    let second = service
        .race_by_thread(org, &second_thread.id)
        .await
        .unwrap();
    assert_eq!(second.pool_id, hard.id);
    let reply = fake
        .click_button(
            GUILD,
            &second_thread.id,
            RUNNER_DISCORD,
            &format!("async:forfeit:{}", second.id),
        )
        .await
        .unwrap();
    assert!(reply.ephemeral());
    assert_eq!(reply.content, "Forfeit this run? It scores 0.");
    assert_eq!(
        reply.custom_ids,
        vec![format!("async:forfeit_yes:{}", second.id)]
    );
    assert_eq!(
        service.race(org, second.id).await.unwrap().status.as_str(),
        "pending"
    );
    let reply = fake
        .click_button(
            GUILD,
            &second_thread.id,
            RUNNER_DISCORD,
            &format!("async:forfeit_yes:{}", second.id),
        )
        .await
        .unwrap();
    assert!(reply.content.starts_with("**Forfeited.**"), "{reply:?}");
    let forfeited = service.race(org, second.id).await.unwrap();
    assert_eq!(forfeited.status.as_str(), "forfeit");
    // Nobody finished that seed, so it has no par and §4 leaves its scores unset; the
    // leaderboard counts the forfeit.
    assert_eq!(forfeited.score, None);
    let board = service.leaderboard(org, q.id).await.unwrap();
    assert_eq!(
        (board[0].0.finished, board[0].0.forfeited),
        (1, 1),
        "{board:?}"
    );

    // Nothing left to run.
    let reply = fake
        .click_button(GUILD, FAKE_CHANNEL, RUNNER_DISCORD, &start)
        .await
        .unwrap();
    assert_eq!(
        reply.content,
        "You have no runs left in this qualifier's pools."
    );
    // A Discord account nobody signed in with is asked to sign in once.
    let reply = fake
        .click_button(GUILD, FAKE_CHANNEL, "1499999999999999999", &start)
        .await
        .unwrap();
    assert!(reply.content.starts_with("Sign in to "), "{reply:?}");
    // A damaged button says what to do.
    let reply = fake
        .click_button(GUILD, FAKE_CHANNEL, RUNNER_DISCORD, "async:fly:1")
        .await
        .unwrap();
    assert!(
        reply.content.contains("post the qualifier again"),
        "{reply:?}"
    );
    // The organization switches async qualifiers off: the buttons say so.
    app.ok(
        &admin,
        "set_plugin_enabled",
        json!({"org_id": org, "plugin_id": "async_qualifier", "enabled": false}),
    )
    .await;
    let reply = fake
        .click_button(GUILD, FAKE_CHANNEL, RUNNER_DISCORD, &start)
        .await
        .unwrap();
    assert!(
        reply
            .content
            .starts_with("Async Qualifiers is not enabled for Async League"),
        "{reply:?}"
    );
    app.stop().await;
}
both_backends!(runs_from_discord, check_runs_from_discord);
