//! The bot's connection to Discord's gateway: it connects with the configured token, resumes
//! after Discord drops the connection, and gives the gateway up when the server stops; without a
//! token the app runs with the bot off, a refused token is reported (without a hot retry loop);
//! and two instances on one PostgreSQL database share one connection through the lease.

use std::time::Duration;

use serde_json::json;
use testkit::{both_backends, fake_discord::FakeDiscord, fake_discord::BOT_USERNAME, TestDb};

use super::{
    bot_status, bundles, common::test_config, configure, connected, event_count, eventually,
    link_guild, overview, owner_with_org, spawn, Backend, TOKEN,
};

async fn check_the_bot_connects_with_its_token(backend: Backend) {
    let fake = FakeDiscord::start().await;
    let app = spawn(backend, &fake, Some(TOKEN)).await;
    let server = &app.server;

    assert!(
        eventually(20, || bot_status(server).connected).await,
        "the bot connects: {:?}",
        bot_status(server)
    );
    let status = bot_status(server);
    assert!(status.configured && status.holds_gateway, "{status:?}");
    assert_eq!(status.bot_user.as_deref(), Some(BOT_USERNAME));
    assert_eq!(
        status.gateway_instance.as_deref(),
        Some(server.platform.events.instance())
    );
    assert!(status.ready_at.is_some());
    assert_eq!(fake.identify_count(), 1);
    assert_eq!(
        fake.identifies()[0]["token"],
        format!("Bot {TOKEN}"),
        "serenity identifies with the configured token"
    );
    assert!(eventually(5, || event_count(server, "discordbot.ready") == 1).await);
    app.stop().await;
}
both_backends!(
    the_bot_connects_with_its_token,
    check_the_bot_connects_with_its_token
);

async fn check_the_bot_resumes_after_a_dropped_connection(backend: Backend) {
    let (fake, app) = connected(backend).await;
    let server = &app.server;
    assert!(eventually(5, || event_count(server, "discordbot.ready") == 1).await);
    let (owner, org) = owner_with_org(&app, "owner", "5001", "Speedrunners").await;
    link_guild(&app, "777", org, "Speedruns", owner).await;

    // Discord drops the connection: the bot resumes, and status and events follow.
    fake.drop_connections();
    assert!(
        eventually(20, || event_count(server, "discordbot.ready") >= 2
            && event_count(server, "discordbot.disconnected") >= 1
            && fake.live_sessions() == 1)
        .await,
        "reconnected: {:?} / {:?}",
        bot_status(server),
        server.platform.events.recent_events()
    );
    assert!(bot_status(server).connected);
    assert!(fake.resume_count() + fake.identify_count() >= 2);
    let reply = fake
        .use_command("777", "5001", "echo", json!({"text": "again"}))
        .await
        .unwrap();
    assert_eq!(reply.content, format!("echo again for org {org} by owner"));
    app.stop().await;
}
both_backends!(
    the_bot_resumes_after_a_dropped_connection,
    check_the_bot_resumes_after_a_dropped_connection
);

async fn check_stopping_gives_the_gateway_up(backend: Backend) {
    let (fake, app) = connected(backend).await;
    app.stop().await;
    // Stopping disconnects and gives the lease up.
    assert!(
        fake.wait_until(Duration::from_secs(5), |f| f.live_sessions() == 0)
            .await
    );
}
both_backends!(
    stopping_gives_the_gateway_up,
    check_stopping_gives_the_gateway_up
);

async fn check_without_a_token_the_app_runs_with_the_bot_off(backend: Backend) {
    let fake = FakeDiscord::start().await;
    let app = spawn(backend, &fake, None).await;
    assert_eq!(app.get("/health").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let status = bot_status(&app.server);
    assert!(
        !status.configured && !status.connected && !status.holds_gateway,
        "{status:?}"
    );
    assert!(app.server.platform.plugins.bot().rest().is_err());
    assert!(
        fake.requests_to("GET", "/api/v10").is_empty(),
        "nothing talks to Discord's bot API"
    );
    let (_, org) = owner_with_org(&app, "owner", "5001", "Quiet Org").await;
    let client = app.signed_in("owner").await;
    let page = overview(&app, &client, org).await;
    assert_eq!(page["bot_configured"], false);
    assert_eq!(page["bot_online"], false);
    // The page says so in words.
    let html = client
        .get(app.url(&format!("/org/{org}/discord")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("no Discord bot token"), "{html}");
    app.stop().await;
}
both_backends!(
    bot_off_without_token,
    check_without_a_token_the_app_runs_with_the_bot_off
);

async fn check_a_rejected_token_is_reported(backend: Backend) {
    let fake = FakeDiscord::start().await;
    fake.reject_token("revoked-token");
    let app = spawn(backend, &fake, Some("revoked-token")).await;
    let server = &app.server;
    assert!(
        eventually(20, || bot_status(server).last_error.is_some_and(
            |e| e.contains("Discord refused the bot token (DISCORD_TOKEN)")
        ))
        .await,
        "{:?}",
        bot_status(server)
    );
    let status = bot_status(server);
    assert!(status.configured && !status.connected, "{status:?}");
    assert_eq!(event_count(server, "discordbot.ready"), 0);
    // It tries again later, not in a loop: one attempt within the first seconds.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        fake.requests_to("GET", "/api/v10/gateway").len(),
        1,
        "no hot retry loop"
    );
    // The site itself is fine.
    assert_eq!(app.get("/health").await.status(), 200);
    app.stop().await;
}
both_backends!(rejected_token, check_a_rejected_token_is_reported);

/// Two instances on one PostgreSQL database: one gateway connection; the other takes over when
/// the holder stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_gateway_connection() {
    let fake = FakeDiscord::start().await;
    let test_db = TestDb::new(Backend::Postgres).await;
    let start = || {
        let mut config = test_config(&test_db.url);
        configure(&mut config, &fake, Some(TOKEN));
        server::start_with_plugins(config, bundles())
    };
    let first = start().await.unwrap();
    assert!(
        eventually(20, || bot_status(&first).connected).await,
        "the first instance connects"
    );
    let second = start().await.unwrap();
    // A few of the second instance's looks at the lease (every second with a 3 s lease).
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    assert_eq!(fake.identify_count(), 1, "only the holder connects");
    let waiting = bot_status(&second);
    assert!(!waiting.holds_gateway && !waiting.connected, "{waiting:?}");
    assert_eq!(
        waiting.gateway_instance.as_deref(),
        Some(first.platform.events.instance()),
        "the second instance knows who holds the gateway"
    );

    first.stop().await.unwrap();
    assert!(
        eventually(20, || bot_status(&second).connected).await,
        "the second instance takes over: {:?}",
        bot_status(&second)
    );
    assert_eq!(fake.identify_count(), 2);
    assert!(bot_status(&second).holds_gateway);
    assert_eq!(fake.live_sessions(), 1);
    let reply = fake
        .use_command("900", "1", "sahabot", json!({}))
        .await
        .unwrap();
    assert!(reply.content.contains("not linked"), "{reply:?}");
    second.stop().await.unwrap();
}
