//! The Discord bot end to end against the fake Discord (`testkit::fake_discord`) on a local port, on
//! SQLite and PostgreSQL: the bot connects, registers its commands, answers a slash command
//! used through the fake gateway, follows a dropped connection; without a token the app runs
//! with the bot off; servers are linked through the invite and its callback over HTTP; and two
//! instances on one PostgreSQL database share one gateway connection through the lease.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::{sync::Arc, time::Duration};

use common::{browser_like_client, test_config, TestApp};
use sdk::{
    auth::GlobalLevel, bot::command_handler, bot::BotCommand, bot::CommandContext,
    bot::CommandOption, bot::CommandReply, bot::OptionKind, db::Backend, plugin::Bundle,
    plugin::LoadContext, plugin::Plugin, Error,
};
use serde_json::{json, Value};
use server::config::{Config, DiscordConfig};
use testkit::{
    both_backends, fake_discord::FakeDiscord, fake_discord::FakeGuild,
    fake_discord::APPLICATION_ID, fake_discord::BOT_USERNAME, TestDb,
};

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
            }],
            action: Some("bottest:use".into()),
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
    });
    // A short lease so a stopped holder's successor takes over within seconds.
    config
        .plugin_settings
        .insert("DISCORD_GATEWAY_LEASE_SECONDS".into(), "3".into());
}

/// A server on a fresh database, talking to `fake`. `TEST_LOG=discordbot=debug,serenity=info`
/// shows what the bot does.
async fn spawn(backend: Backend, fake: &FakeDiscord, token: Option<&str>) -> TestApp {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()))
        .try_init();
    let test_db = TestDb::new(backend).await;
    let mut config = test_config(&test_db.url);
    configure(&mut config, fake, token);
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

async fn check_the_bot_answers_commands_and_reconnects(backend: Backend) {
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

    // Every plugin's commands were registered globally, and the status lists them.
    let registered = fake.registered_commands();
    for name in ["sahabot", "echo", "ping"] {
        assert!(
            registered.iter().any(|c| c == name),
            "{name} in {registered:?}"
        );
        assert!(status.commands_registered.iter().any(|c| c == name));
    }
    let puts = fake.requests_to(
        "PUT",
        &format!("/api/v10/applications/{APPLICATION_ID}/commands"),
    );
    assert_eq!(puts.len(), 1, "one global registration");
    let echo = puts[0]
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "echo")
        .unwrap();
    assert_eq!(echo["options"][0]["name"], "text");
    assert_eq!(echo["options"][0]["type"], 3, "a string option");
    assert_eq!(echo["options"][0]["required"], true);

    // Used in a server nobody linked.
    let reply = fake
        .use_command("777", "5001", "echo", json!({"text": "hi"}))
        .await
        .unwrap();
    assert!(reply.content.contains("not linked"), "{reply:?}");
    assert!(reply.ephemeral());

    // Linked: the organization's admin gets the handler's public answer.
    let (owner, org) = owner_with_org(&app, "owner", "5001", "Speedrunners").await;
    sqlx::query(
        "INSERT INTO discord_guilds (guild_id, organization_id, guild_name, linked_by, linked_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind("777")
    .bind(org)
    .bind("Speedruns")
    .bind(owner)
    .bind(sdk::time::now_ms())
    .execute(app.db().pool())
    .await
    .unwrap();
    let reply = fake
        .use_command("777", "5001", "echo", json!({"text": "hi"}))
        .await
        .unwrap();
    assert_eq!(reply.content, format!("echo hi for org {org} by owner"));
    assert_eq!(reply.kind, 4, "answered at once");
    assert!(!reply.ephemeral());
    let reply = fake
        .use_command("777", "1234", "ping", json!({}))
        .await
        .unwrap();
    assert_eq!(reply.content, "pong");
    assert!(reply.ephemeral());

    // Other plugins post through the platform's REST client, at the configured base URL.
    let rest = server.platform.plugins.bot().rest().unwrap();
    rest.post_message("555", "hello from SahaBot")
        .await
        .unwrap();
    assert_eq!(
        fake.messages().last().unwrap().content,
        "hello from SahaBot"
    );

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
    // Stopping disconnects and gives the lease up.
    assert!(
        fake.wait_until(Duration::from_secs(5), |f| f.live_sessions() == 0)
            .await
    );
}
both_backends!(
    bot_end_to_end,
    check_the_bot_answers_commands_and_reconnects
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
    let page = call(&app, &client, "discord_overview", json!({"org_id": org})).await;
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

/// The state of a fresh invite for `org`.
async fn invite_state(app: &TestApp, client: &reqwest::Client, org: i64) -> String {
    let invite = call(app, client, "bot_invite", json!({"org_id": org})).await;
    let url = reqwest::Url::parse(invite["url"].as_str().unwrap()).unwrap();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["client_id"], APPLICATION_ID);
    assert_eq!(query["scope"], "bot applications.commands guilds");
    assert_eq!(query["response_type"], "code");
    assert!(query["redirect_uri"].ends_with("/api/p/discordbot/link_callback"));
    query["state"].clone()
}

/// Where the link callback sends the browser, with its message.
#[derive(Debug)]
struct Outcome {
    path: String,
    linked: Option<String>,
    error: Option<String>,
}

/// Discord's redirect back to the site, as a browser follows it.
async fn callback(app: &TestApp, client: &reqwest::Client, query: &str) -> Outcome {
    let res = client
        .get(app.url(&format!("/api/p/discordbot/link_callback?{query}")))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302, "a redirect back to the site");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let url = reqwest::Url::parse(&format!("http://site{location}")).unwrap();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    Outcome {
        path: url.path().to_string(),
        linked: query.get("linked").cloned(),
        error: query.get("error").cloned(),
    }
}

/// The refusal's message.
fn refused(outcome: &Outcome) -> &str {
    assert!(outcome.linked.is_none(), "{outcome:?}");
    outcome.error.as_deref().unwrap_or_default()
}

async fn check_servers_are_linked_through_the_invite(backend: Backend) {
    let fake = FakeDiscord::start().await;
    let app = spawn(backend, &fake, None).await;
    let (_, org_a) = owner_with_org(&app, "owner", "5001", "Org A").await;
    let (_, org_b) = owner_with_org(&app, "rival", "5002", "Org B").await;
    fake.add_oauth_user(
        "code-owner",
        "5001",
        "owner",
        vec![
            FakeGuild::new("777", "Speedruns", false, 0x8 | 0x400),
            FakeGuild::new("778", "Just a member", false, 0x400),
        ],
    );
    fake.add_oauth_user(
        "code-rival",
        "5002",
        "rival",
        vec![FakeGuild::new("777", "Speedruns", true, 0)],
    );
    let owner = app.signed_in("owner").await;
    let state = invite_state(&app, &owner, org_a).await;

    // Linked: the owner administers 777.
    let outcome = callback(
        &app,
        &owner,
        &format!("code=code-owner&state={state}&guild_id=777&permissions=84992"),
    )
    .await;
    assert_eq!(outcome.path, format!("/org/{org_a}/discord"));
    assert_eq!(
        outcome.linked.as_deref(),
        Some("Linked the Discord server Speedruns to this organization."),
        "{outcome:?}"
    );
    assert_eq!(
        sdk::bot::linked_org(app.db(), "777").await.unwrap(),
        Some(org_a)
    );
    let token_request = &fake.requests_to("POST", "/api/oauth2/token")[0];
    assert_eq!(token_request.body["code"], "code-owner");
    assert_eq!(token_request.body["client_id"], APPLICATION_ID);
    assert!(token_request.body["redirect_uri"]
        .as_str()
        .unwrap()
        .ends_with("/api/p/discordbot/link_callback"));
    let page = call(&app, &owner, "discord_overview", json!({"org_id": org_a})).await;
    assert_eq!(page["servers"][0]["guild_name"], "Speedruns");
    assert_eq!(page["servers"][0]["linked_by"], "owner");
    let html = owner
        .get(app.url(&format!("/org/{org_a}/discord")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Speedruns") && html.contains("Add the bot to a Discord server"));

    // Refused: no ADMINISTRATOR in 778.
    let outcome = callback(
        &app,
        &owner,
        &format!("code=code-owner&state={state}&guild_id=778"),
    )
    .await;
    assert!(
        refused(&outcome)
            .contains("You need the Administrator permission in the Discord server Just a member"),
        "{outcome:?}"
    );
    assert_eq!(sdk::bot::linked_org(app.db(), "778").await.unwrap(), None);

    // Refused: a state somebody changed (another organization, same signature).
    let forged = state.replacen(&format!("{org_a}."), &format!("{org_b}."), 1);
    let outcome = callback(
        &app,
        &owner,
        &format!("code=code-owner&state={forged}&guild_id=778"),
    )
    .await;
    assert!(
        refused(&outcome).contains("does not carry a link this site issued"),
        "{outcome:?}"
    );
    assert_eq!(sdk::bot::linked_org(app.db(), "778").await.unwrap(), None);

    // Refused: the state was issued to someone else.
    let rival = app.signed_in("rival").await;
    let outcome = callback(
        &app,
        &rival,
        &format!("code=code-rival&state={state}&guild_id=777"),
    )
    .await;
    assert!(
        refused(&outcome).contains("started by another SahaBot user"),
        "{outcome:?}"
    );

    // Conflict: Org B's admin owns 777 too, but it belongs to Org A.
    let rival_state = invite_state(&app, &rival, org_b).await;
    let outcome = callback(
        &app,
        &rival,
        &format!("code=code-rival&state={rival_state}&guild_id=777"),
    )
    .await;
    assert_eq!(outcome.path, format!("/org/{org_b}/discord"));
    assert!(
        refused(&outcome).contains("already linked to the organization Org A"),
        "{outcome:?}"
    );
    assert_eq!(
        sdk::bot::linked_org(app.db(), "777").await.unwrap(),
        Some(org_a)
    );

    // Cancelled on Discord.
    let outcome = callback(
        &app,
        &owner,
        &format!("error=access_denied&error_description=The+user+cancelled&state={state}"),
    )
    .await;
    assert!(
        refused(&outcome).contains("cancelled on Discord (The user cancelled)"),
        "{outcome:?}"
    );

    // Only admins of the organization get invites or see the page.
    let res = call_raw(&app, &rival, "bot_invite", json!({"org_id": org_a})).await;
    assert_eq!(res.status(), 403);
    let res = call_raw(&app, &rival, "discord_overview", json!({"org_id": org_a})).await;
    assert_eq!(res.status(), 403);

    // Unlink; then Org B may have it.
    call(
        &app,
        &owner,
        "unlink_server",
        json!({"org_id": org_a, "guild_id": "777"}),
    )
    .await;
    assert_eq!(sdk::bot::linked_org(app.db(), "777").await.unwrap(), None);
    let res = call_raw(
        &app,
        &owner,
        "unlink_server",
        json!({"org_id": org_a, "guild_id": "777"}),
    )
    .await;
    assert_eq!(res.status(), 404);
    let outcome = callback(
        &app,
        &rival,
        &format!("code=code-rival&state={rival_state}&guild_id=777"),
    )
    .await;
    assert!(outcome.linked.is_some(), "{outcome:?}");
    assert_eq!(
        sdk::bot::linked_org(app.db(), "777").await.unwrap(),
        Some(org_b)
    );
    let log = sdk::identity::audit_log::list(app.db(), &Default::default())
        .await
        .unwrap();
    assert_eq!(
        log.iter()
            .filter(|e| e.action == "discord.guild_link")
            .count(),
        2
    );
    assert_eq!(
        log.iter()
            .filter(|e| e.action == "discord.guild_unlink")
            .count(),
        1
    );
    app.stop().await;
}
both_backends!(guild_linking, check_servers_are_linked_through_the_invite);

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
