//! The bot without Discord, on SQLite and PostgreSQL: the dispatch rules a command goes through
//! (linked server, plugin on for the organization, Discord user known, action held), linking and
//! unlinking servers with their audit entries (and who may: `discord:link`), and the gateway
//! lease statement. Plus: the
//! interaction the fake Discord sends decodes with serenity into the call the platform expects.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::BTreeMap, sync::Arc};

use discordbot::{
    bot::{command_call, Bot},
    repo,
    rules::{self, UserGuild},
    service::DiscordBotService,
    settings::Settings,
};
use sdk::{
    auth::CurrentUser, bot::autocomplete_handler, bot::command_handler, bot::BotCommand,
    bot::Choice, bot::CommandCall, bot::CommandContext, bot::CommandOption, bot::CommandReply,
    bot::Completing, bot::OptionKind, db::Backend, plugin::Bundle, plugin::LoadContext,
    plugin::Plugin, Actor, Error,
};
use serde_json::json;
use testkit::{both_backends, PluginWorld};

/// A small plugin with one command that needs an action and one that does not.
const BOTTEST_MANIFEST: &str = r#"
id = "bottest"
name = "Bot Test"
version = "0.1.0"
category = "utility"
enabled_by_default = false

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
            options: vec![
                CommandOption::new("text", "What to say", OptionKind::String, true).autocompleted(),
            ],
            action: Some("bottest:use".into()),
            // 30 suggestions from what is typed, and one too long for Discord.
            autocomplete: Some(autocomplete_handler(
                |_ctx: CommandContext, completing: Completing| async move {
                    let mut choices: Vec<Choice> = (0..30)
                        .map(|i| Choice::same(format!("{}-{i}", completing.typed)))
                        .collect();
                    choices.insert(0, Choice::same("x".repeat(101)));
                    Ok(choices)
                },
            )),
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

/// The test kit's world with the bot plugin and the test plugin loaded, and what the bot and the
/// server pages hold.
struct World {
    world: PluginWorld,
    bot: Bot,
    service: DiscordBotService,
}

testkit::deref_world!(World);

/// The deployment settings the bot reads.
const SETTINGS: [(&str, &str); 2] = [
    ("SECRET_KEY", "test-secret-key-test-secret-key-0123456789"),
    ("BASE_URL", "http://sahabot.test"),
];

fn setting(name: &str) -> Option<String> {
    SETTINGS
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

async fn world(backend: Backend) -> World {
    let bottest = Bundle::builtin(
        BOTTEST_MANIFEST,
        "tests/bottest.toml",
        &[],
        &[],
        Arc::new(BotTest),
    );
    let builder = PluginWorld::builder(backend)
        .plugin(
            discordbot::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            discordbot::plugin(),
        )
        .bundle(bottest);
    let world = SETTINGS
        .iter()
        .fold(builder, |b, (name, value)| b.setting(name, *value))
        .build()
        .await;
    let platform = &world.platform;
    let settings = Arc::new(Settings::from_lookup(setting));
    let bot = Bot {
        platform: platform.clone(),
        settings: Arc::clone(&settings),
        instance: platform.events.instance().to_string(),
    };
    let service = DiscordBotService::new(platform.clone(), settings);
    World {
        world,
        bot,
        service,
    }
}

impl World {
    /// A user with a Discord account.
    async fn discord_user(&self, name: &str, discord_id: &str) -> CurrentUser {
        let user = self.user(name).await;
        self.set_discord_id(&user, discord_id).await;
        user
    }

    /// "Org A" with `owner` (Discord 5001) as admin, the server `guild` linked to it and the
    /// test plugin on.
    async fn linked_org_with_bottest(&self, guild_id: &str) -> (CurrentUser, i64) {
        let owner = self.discord_user("owner", "5001").await;
        let org = self.org_with_admin("Org A", &owner).await;
        self.service
            .link_guild(
                &Actor::user(owner.clone()),
                org,
                &guild(guild_id, "Speedruns"),
                NOW,
            )
            .await
            .unwrap();
        self.set_enabled_in(org, "bottest", true).await;
        (owner, org)
    }

    async fn use_command(&self, guild: &str, discord_user: &str, name: &str, text: &str) -> String {
        let mut options = BTreeMap::new();
        options.insert("text".to_string(), json!(text));
        let call = CommandCall {
            guild_id: Some(guild.to_string()),
            channel_id: Some("1".into()),
            discord_user_id: discord_user.to_string(),
            discord_username: "someone".into(),
            options,
            custom_id: None,
        };
        self.bot.answer(name, call).await.content
    }

    /// What the bot suggests while `typed` is typed into `/name`'s `text`.
    async fn suggestions(
        &self,
        guild: &str,
        discord_user: &str,
        name: &str,
        typed: &str,
    ) -> Vec<String> {
        let call = CommandCall {
            guild_id: Some(guild.to_string()),
            channel_id: Some("1".into()),
            discord_user_id: discord_user.to_string(),
            discord_username: "someone".into(),
            options: BTreeMap::new(),
            custom_id: None,
        };
        let completing = Completing {
            option: "text".into(),
            typed: typed.into(),
        };
        self.bot
            .complete(name, call, completing)
            .await
            .into_iter()
            .map(|c| c.value)
            .collect()
    }
}

/// When the tests link servers.
const NOW: i64 = 1_700_000_000_000;

fn guild(id: &str, name: &str) -> UserGuild {
    UserGuild {
        id: id.into(),
        name: name.into(),
        owner: true,
        permissions: 0,
    }
}

async fn check_unlinked_servers_and_disabled_plugins_are_refused(backend: Backend) {
    let w = world(backend).await;
    let owner = w.discord_user("owner", "5001").await;
    let org = w.org_with_admin("Org A", &owner).await;

    // A server nobody linked.
    let reply = w.use_command("777", "5001", "echo", "hi").await;
    assert!(reply.contains("not linked to an organization"), "{reply}");

    w.service
        .link_guild(
            &Actor::user(owner.clone()),
            org,
            &guild("777", "Speedruns"),
            NOW,
        )
        .await
        .unwrap();

    // Linked, but the organization has not switched the command's plugin on.
    let reply = w.use_command("777", "5001", "echo", "hi").await;
    assert!(
        reply.contains("Bot Test is not enabled for Org A"),
        "{reply}"
    );
}
both_backends!(
    unlinked_servers_and_disabled_plugins_are_refused,
    check_unlinked_servers_and_disabled_plugins_are_refused
);

async fn check_a_command_needs_a_known_member_with_its_action(backend: Backend) {
    let w = world(backend).await;
    let (_, org) = w.linked_org_with_bottest("777").await;

    // A Discord account SahaBot does not know.
    let reply = w.use_command("777", "9999", "echo", "hi").await;
    assert!(reply.contains("Sign in to http://sahabot.test"), "{reply}");
    // A command without an action works for anyone in the server.
    assert_eq!(w.use_command("777", "9999", "ping", "").await, "pong");

    // Known, but not a member of the organization.
    let stranger = w.discord_user("stranger", "5002").await;
    let reply = w.use_command("777", "5002", "echo", "hi").await;
    assert!(reply.contains("not a member"), "{reply}");

    // A member without the action.
    w.join(org, &stranger, &[]).await;
    let reply = w.use_command("777", "5002", "echo", "hi").await;
    assert!(
        reply.contains("You do not have permission for `bottest:use`"),
        "{reply}"
    );

    // The organization's admin: the handler runs with the organization and the user.
    let reply = w.use_command("777", "5001", "echo", "hi").await;
    assert_eq!(reply, format!("echo hi for org {org} by owner"));
}
both_backends!(
    a_command_needs_a_known_member_with_its_action,
    check_a_command_needs_a_known_member_with_its_action
);

async fn check_suggestions_pass_the_same_checks_and_fit_discord(backend: Backend) {
    let w = world(backend).await;
    // A server nobody linked: nothing to suggest.
    assert!(w.suggestions("777", "5001", "echo", "hi").await.is_empty());

    let (_, org) = w.linked_org_with_bottest("777").await;
    // The admin: at most 25, the one too long for Discord left out.
    let choices = w.suggestions("777", "5001", "echo", "hi").await;
    assert_eq!(choices.len(), 25, "{choices:?}");
    assert_eq!(choices[0], "hi-0");
    assert_eq!(choices[24], "hi-24");
    // A member without the command's action, and an unknown Discord account: nothing.
    let stranger = w.discord_user("stranger", "5002").await;
    w.join(org, &stranger, &[]).await;
    assert!(w.suggestions("777", "5002", "echo", "hi").await.is_empty());
    assert!(w.suggestions("777", "9999", "echo", "hi").await.is_empty());
    // A command without suggestions, and one that is gone.
    assert!(w.suggestions("777", "5001", "ping", "").await.is_empty());
    assert!(w.suggestions("777", "5001", "gone", "").await.is_empty());
    // The plugin switched off.
    w.set_enabled_in(org, "bottest", false).await;
    assert!(w.suggestions("777", "5001", "echo", "hi").await.is_empty());
}
both_backends!(
    suggestions_pass_the_same_checks_and_fit_discord,
    check_suggestions_pass_the_same_checks_and_fit_discord
);

async fn check_sahabot_lists_the_servers_commands(backend: Backend) {
    let w = world(backend).await;
    w.linked_org_with_bottest("777").await;

    // The bot's own command lists what the server can use.
    let reply = w.use_command("777", "5001", "sahabot", "").await;
    assert!(reply.contains("belongs to Org A"), "{reply}");
    assert!(
        reply.contains("/echo") && reply.contains("/ping") && reply.contains("/sahabot"),
        "{reply}"
    );

    // A command that no plugin registers (any more).
    let reply = w.use_command("777", "5001", "gone", "").await;
    assert!(reply.contains("no longer available"), "{reply}");
}
both_backends!(
    sahabot_lists_the_servers_commands,
    check_sahabot_lists_the_servers_commands
);

async fn check_only_holders_of_discord_link_manage_servers(backend: Backend) {
    let w = world(backend).await;
    let owner = w.user("owner").await;
    let org = w.org_with_admin("Org A", &owner).await;
    let member = w.user("member").await;
    w.join(org, &member, &[]).await;
    let member = Actor::user(member);

    let err = w
        .service
        .link_guild(&member, org, &guild("100", "Speedruns"), NOW)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    assert!(err.message().contains("`discord:link`"), "{err:?}");
    w.service
        .link_guild(&Actor::user(owner), org, &guild("100", "Speedruns"), NOW)
        .await
        .unwrap();
    let err = w
        .service
        .unlink_guild(&member, org, "100")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    let err = w.service.servers(&member, org).await.unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    let err = w.service.new_invite(&member, org, NOW).await.unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    let err = w.service.page(&member, org, NOW).await.unwrap_err();
    assert_eq!(err.kind(), "Forbidden");

    // Linking is a person's act: the system signs no link.
    let err = w
        .service
        .link_guild(&Actor::system(), org, &guild("200", "Other"), NOW)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Unauthenticated");
}
both_backends!(
    only_holders_of_discord_link_manage_servers,
    check_only_holders_of_discord_link_manage_servers
);

async fn check_linking_and_unlinking(backend: Backend) {
    let w = world(backend).await;
    let owner = w.user("owner").await;
    let org_a = w.org_with_admin("Org A", &owner).await;
    let org_b = w.org_with_admin("Org B", &owner).await;
    let db = &w.test.db;
    let service = &w.service;
    let actor = Actor::user(owner.clone());

    service
        .link_guild(
            &actor.clone().from_ip(Some("10.0.0.1".into())),
            org_a,
            &guild("100", "Speedruns"),
            NOW,
        )
        .await
        .unwrap();
    // Again with a new name: still one link, the name follows Discord.
    service
        .link_guild(&actor, org_a, &guild("100", "Speedruns 2"), NOW)
        .await
        .unwrap();
    let servers = service.servers(&actor, org_a).await.unwrap();
    assert_eq!(servers.len(), 1);
    assert_eq!(servers[0].guild_name, "Speedruns 2");
    assert_eq!(servers[0].linked_by.as_deref(), Some("owner"));
    assert!(service.servers(&actor, org_b).await.unwrap().is_empty());

    // Another organization cannot take it.
    let err = service
        .link_guild(&actor, org_b, &guild("100", "Speedruns"), NOW)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Conflict");
    assert!(
        err.message()
            .contains("already linked to the organization Org A"),
        "{err:?}"
    );
    // Nor unlink it.
    let err = service
        .unlink_guild(&actor, org_b, "100")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "NotFound");

    assert_eq!(
        service.unlink_guild(&actor, org_a, "100").await.unwrap(),
        "Speedruns 2"
    );
    assert!(service.servers(&actor, org_a).await.unwrap().is_empty());
    // Free again: Org B may link it now.
    service
        .link_guild(&actor, org_b, &guild("100", "Speedruns"), NOW)
        .await
        .unwrap();
    assert_eq!(sdk::bot::linked_org(db, "100").await.unwrap(), Some(org_b));

    let log = sdk::identity::audit_log::list(db, &Default::default())
        .await
        .unwrap();
    let links: Vec<_> = log
        .iter()
        .filter(|e| e.action == "discord.guild_link")
        .collect();
    assert_eq!(links.len(), 2, "only real links are audited");
    assert!(log.iter().any(|e| e.action == "discord.guild_unlink"));
}
both_backends!(linking_and_unlinking, check_linking_and_unlinking);

async fn check_gateway_lease(backend: Backend) {
    let w = world(backend).await;
    let db = &w.test.db;
    const LEASE: i64 = 30_000;

    assert!(repo::claim_lease(db, "a", 1_000, LEASE).await.unwrap());
    assert!(
        !repo::claim_lease(db, "b", 2_000, LEASE).await.unwrap(),
        "held by a"
    );
    assert!(
        repo::claim_lease(db, "a", 11_000, LEASE).await.unwrap(),
        "a renews"
    );
    let lease = repo::lease(db).await.unwrap().unwrap();
    assert_eq!(lease.holder, "a");
    assert_eq!(lease.acquired_at, 1_000, "a renewal keeps the start");
    assert_eq!(lease.heartbeat_at, 11_000);
    assert_eq!(lease.expires_at, 41_000);
    assert!(!rules::may_take_lease(Some(&lease), "b", 40_999));

    // a stops renewing: once the lease ran out, b takes over and a cannot come back.
    assert!(!repo::claim_lease(db, "b", 40_999, LEASE).await.unwrap());
    assert!(repo::claim_lease(db, "b", 41_000, LEASE).await.unwrap());
    assert!(!repo::claim_lease(db, "a", 42_000, LEASE).await.unwrap());
    let lease = repo::lease(db).await.unwrap().unwrap();
    assert_eq!((lease.holder.as_str(), lease.acquired_at), ("b", 41_000));

    // Releasing hands it over at once; only the holder can release.
    repo::release_lease(db, "a").await.unwrap();
    assert!(!repo::claim_lease(db, "a", 43_000, LEASE).await.unwrap());
    repo::release_lease(db, "b").await.unwrap();
    assert!(repo::claim_lease(db, "a", 43_000, LEASE).await.unwrap());

    // Two instances claiming at the same moment: exactly one wins.
    repo::release_lease(db, "a").await.unwrap();
    let (x, y) = tokio::join!(
        repo::claim_lease(db, "x", 50_000, LEASE),
        repo::claim_lease(db, "y", 50_000, LEASE)
    );
    assert!(x.unwrap() ^ y.unwrap(), "one winner");
}
both_backends!(gateway_lease, check_gateway_lease);

/// The fake's INTERACTION_CREATE payload is what serenity reads, and becomes the platform's call.
#[test]
fn the_fake_interaction_decodes_into_a_command_call() {
    use poise::serenity_prelude as serenity;
    let payload = testkit::fake_discord::command_interaction(
        "777",
        "5001",
        "echo",
        &json!({"text": "hi", "count": 3, "loud": true}),
    );
    let interaction: serenity::Interaction = serde_json::from_value(payload).unwrap();
    let serenity::Interaction::Command(command) = interaction else {
        panic!("not a command interaction");
    };
    let options = command.data.options();
    let call = command_call(&command, &options);
    assert_eq!(call.guild_id.as_deref(), Some("777"));
    assert_eq!(call.discord_user_id, "5001");
    assert_eq!(call.string("text"), Some("hi"));
    assert_eq!(call.integer("count"), Some(3));
    assert_eq!(call.options["loud"], json!(true));
}

/// An autocomplete interaction decodes with the typed option focused and left out of the call.
#[test]
fn the_fake_autocomplete_decodes_with_the_typed_option_focused() {
    use poise::serenity_prelude as serenity;
    let mut payload =
        testkit::fake_discord::command_interaction("777", "5001", "echo", &json!({"loud": true}));
    payload["type"] = json!(4);
    payload["data"]["options"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "text", "type": 3, "value": "h", "focused": true}));
    let interaction: serenity::Interaction = serde_json::from_value(payload).unwrap();
    let serenity::Interaction::Autocomplete(command) = interaction else {
        panic!("not an autocomplete interaction");
    };
    let options = command.data.options();
    assert!(options.iter().any(|o| o.name == "text"
        && matches!(
            o.value,
            serenity::ResolvedValue::Autocomplete { value: "h", .. }
        )));
    let call = command_call(&command, &options);
    assert_eq!(
        call.string("text"),
        None,
        "the typed option is not a value yet"
    );
    assert_eq!(call.options["loud"], json!(true));
}
