//! The Discord bot end to end against the fake Discord (`testkit::fake_discord`) on a local port, on
//! SQLite and PostgreSQL: the bot connects, registers its commands, answers a slash command
//! used through the fake gateway, follows a dropped connection; without a token the app runs
//! with the bot off; servers are linked through the invite and its callback over HTTP; and two
//! instances on one PostgreSQL database share one gateway connection through the lease.//!
//! Here: the `bottest` plugin (`/echo`, `/ping`), the server started against the fake, and the
//! helpers every test uses (the bot's status, waiting, organizations with a Discord-linked
//! admin, calls to the `discordbot` plugin's API). The tests, by feature: `connection` (connect,
//! resume, stop, no token or a refused one, two instances and the lease), `commands`
//! (registration, answers in linked and unlinked servers, posting through the REST client),
//! `linking` (the invite and its callback, each refusal, unlinking), `randomizers` (`/alttpr`
//! suggested and rolled through the gateway against the fake alttpr.com), `racetime` (`/racetime`
//! opens a race room on the fake racetime.gg).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "../common/mod.rs"]
mod common;

mod commands;
mod connection;
mod linking;
mod racetime;
mod randomizers;
mod schedule;

use std::{sync::Arc, time::Duration};

use common::{browser_like_client, test_config, TestApp};
use sdk::{
    auth::GlobalLevel, bot::command_handler, bot::BotCommand, bot::CommandContext,
    bot::CommandOption, bot::CommandReply, bot::OptionKind, db::Backend, plugin::Bundle,
    plugin::LoadContext, plugin::Plugin, Error,
};
use serde_json::{json, Value};
use server::config::{Config, DiscordConfig};
use testkit::{fake_discord::FakeDiscord, fake_discord::APPLICATION_ID, TestDb};

const TOKEN: &str = "test-bot-token";

/// A plugin with two commands: `/echo text` (needs `bottest:use`) and `/ping` (anyone).
const BOTTEST_MANIFEST: &str = r#"
id = "bottest"
name = "Bot Test"
version = "0.1.0"
category = "utility"
enabled_by_default = true

[requires]
app = ">=0.1"

[[permissions]]
action = "bottest:use"
description = "Use the test commands"
roles = ["Admin"]
"#;

struct BotTest;

#[async_trait::async_trait]
impl Plugin for BotTest {
    async fn on_load(&self, ctx: &LoadContext) -> Result<(), Error> {
        ctx.command(BotCommand {
            name: "echo".into(),
            description: "Says it back".into(),
            options: vec![CommandOption {
                name: "text".into(),
                description: "What to say".into(),
                kind: OptionKind::String,
                required: true,
                autocomplete: false,
            }],
            action: Some("bottest:use".into()),
            autocomplete: None,
            handler: command_handler(|ctx: CommandContext| async move {
                Ok(CommandReply::public(format!(
                    "echo {} for org {} by {}",
                    ctx.call.string("text").unwrap_or_default(),
                    ctx.org_id,
                    ctx.user.map(|u| u.username).unwrap_or_default()
                )))
            }),
        })?;
        ctx.command(BotCommand {
            name: "ping".into(),
            description: "Answers pong".into(),
            options: vec![],
            action: None,
            autocomplete: None,
            handler: command_handler(|_ctx: CommandContext| async move {
                Ok(CommandReply::private("pong"))
            }),
        })
    }
}

fn bundles() -> Vec<Bundle> {
    let mut bundles = app::plugins::bundles();
    bundles.push(Bundle::builtin(
        BOTTEST_MANIFEST,
        "tests/bottest.toml",
        &[],
        &[],
        Arc::new(BotTest),
    ));
    bundles
}

/// Points a test config at the fake: the bot (with `token`) and the OAuth2 application.
fn configure(config: &mut Config, fake: &FakeDiscord, token: Option<&str>) {
    config.discord_bot_token = token.map(str::to_string);
    config.discord_api_url = fake.api_url();
    config.discord = Some(DiscordConfig {
        client_id: APPLICATION_ID.into(),
        client_secret: "client-secret".into(),
        authorize_url: fake.authorize_url(),
        token_url: fake.token_url(),
        api_url: fake.api_url(),
        configured_in: "the test".into(),
    });
    // A short lease so a stopped holder's successor takes over within seconds.
    config
        .plugin_settings
        .insert("DISCORD_GATEWAY_LEASE_SECONDS".into(), "3".into());
}

/// A server on a fresh database, talking to `fake`. `TEST_LOG=discordbot=debug,serenity=info`
/// shows what the bot does.
async fn spawn(backend: Backend, fake: &FakeDiscord, token: Option<&str>) -> TestApp {
    spawn_with(backend, fake, token, &[]).await
}

/// The same with more plugin settings (`RACETIME_URL` …).
async fn spawn_with(
    backend: Backend,
    fake: &FakeDiscord,
    token: Option<&str>,
    settings: &[(&str, &str)],
) -> TestApp {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()))
        .try_init();
    let test_db = TestDb::new(backend).await;
    let mut config = test_config(&test_db.url);
    configure(&mut config, fake, token);
    for (name, value) in settings {
        config
            .plugin_settings
            .insert((*name).to_string(), (*value).to_string());
    }
    let data_dir = config.data_dir.clone();
    let server = server::start_with_plugins(config, bundles())
        .await
        .expect("the test server starts");
    TestApp {
        server,
        client: browser_like_client(),
        test_db,
        data_dir,
    }
}

fn bot_status(server: &server::RunningServer) -> sdk::bot::BotStatus {
    server.platform.plugins.bot().status()
}

/// Waits up to `seconds` for `check`.
async fn eventually(seconds: u64, mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    while tokio::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    check()
}

/// How often each event was emitted on this server.
fn event_count(server: &server::RunningServer, name: &str) -> usize {
    server
        .platform
        .events
        .recent_events()
        .iter()
        .filter(|e| e.name == name)
        .count()
}

/// A user with a Discord account, Admin of a new organization (made by a site admin); returns
/// (user id, organization id).
async fn owner_with_org(app: &TestApp, name: &str, discord_id: &str, org: &str) -> (i64, i64) {
    let db = app.db();
    let user = platform::identity::users::create(db, name, GlobalLevel::User)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET discord_id = $1 WHERE id = $2")
        .bind(discord_id)
        .bind(user.id)
        .execute(db.pool())
        .await
        .unwrap();
    let root =
        platform::identity::users::create(db, &format!("root-{name}"), GlobalLevel::Superadmin)
            .await
            .unwrap();
    let root = sdk::auth::CurrentUser {
        id: root.id,
        username: root.username,
        display_name: None,
        level: GlobalLevel::Superadmin,
        impersonated_by: None,
    };
    let authorizer = &app.server.platform.authorizer;
    let org = platform::identity::orgs::create(db, &root, org, "", None)
        .await
        .unwrap();
    platform::identity::orgs::add_member(db, authorizer, &root, org.id, user.id, None)
        .await
        .unwrap();
    platform::identity::roles::assign(db, authorizer, &root, org.id, user.id, "Admin", None)
        .await
        .unwrap();
    (user.id, org.id)
}

/// Links the Discord server `guild_id` (named `guild_name`) to `org`, as `by` did, straight in
/// the database.
async fn link_guild(app: &TestApp, guild_id: &str, org: i64, guild_name: &str, by: i64) {
    sqlx::query(
        "INSERT INTO discord_guilds (guild_id, organization_id, guild_name, linked_by, linked_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(guild_id)
    .bind(org)
    .bind(guild_name)
    .bind(by)
    .bind(sdk::time::now_ms())
    .execute(app.db().pool())
    .await
    .unwrap();
}

/// Calls `/api/p/discordbot/{endpoint}` and expects success.
async fn call(app: &TestApp, client: &reqwest::Client, endpoint: &str, body: Value) -> Value {
    let res = call_raw(app, client, endpoint, body.clone()).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    assert!(status.is_success(), "{endpoint} {body} → {status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn call_raw(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    body: Value,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/p/discordbot/{endpoint}")))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

/// The organization's Discord page data (`discord_overview`), expecting success.
async fn overview(app: &TestApp, client: &reqwest::Client, org: i64) -> Value {
    call(app, client, "discord_overview", json!({ "org_id": org })).await
}

/// The fake and a server whose bot (with [`TOKEN`]) has connected to it.
async fn connected(backend: Backend) -> (FakeDiscord, TestApp) {
    connected_with(backend, &[]).await
}

async fn connected_with(backend: Backend, settings: &[(&str, &str)]) -> (FakeDiscord, TestApp) {
    let fake = FakeDiscord::start().await;
    let app = spawn_with(backend, &fake, Some(TOKEN), settings).await;
    assert!(
        eventually(20, || bot_status(&app.server).connected).await,
        "the bot connects: {:?}",
        bot_status(&app.server)
    );
    (fake, app)
}
