//! Slash commands with the bot connected: every plugin's commands are registered once, a
//! command used in a server nobody linked is refused, one used in a linked server reaches its
//! plugin's handler (with the organization and the SahaBot user), and plugins post through the
//! platform's REST client.

use serde_json::json;
use testkit::{both_backends, fake_discord::APPLICATION_ID};

use super::{bot_status, connected, link_guild, owner_with_org, Backend};

async fn check_every_plugins_commands_are_registered_once(backend: Backend) {
    let (fake, app) = connected(backend).await;
    let status = bot_status(&app.server);

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
    app.stop().await;
}
both_backends!(
    every_plugins_commands_are_registered_once,
    check_every_plugins_commands_are_registered_once
);

async fn check_commands_in_an_unlinked_server_are_refused(backend: Backend) {
    let (fake, app) = connected(backend).await;
    // Used in a server nobody linked.
    let reply = fake
        .use_command("777", "5001", "echo", json!({"text": "hi"}))
        .await
        .unwrap();
    assert!(reply.content.contains("not linked"), "{reply:?}");
    assert!(reply.ephemeral());
    app.stop().await;
}
both_backends!(
    commands_in_an_unlinked_server_are_refused,
    check_commands_in_an_unlinked_server_are_refused
);

async fn check_commands_in_a_linked_server_reach_their_handler(backend: Backend) {
    let (fake, app) = connected(backend).await;
    // Linked: the organization's admin gets the handler's public answer.
    let (owner, org) = owner_with_org(&app, "owner", "5001", "Speedrunners").await;
    link_guild(&app, "777", org, "Speedruns", owner).await;
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
    app.stop().await;
}
both_backends!(
    commands_in_a_linked_server_reach_their_handler,
    check_commands_in_a_linked_server_reach_their_handler
);

async fn check_plugins_post_through_the_rest_client(backend: Backend) {
    let (fake, app) = connected(backend).await;
    let server = &app.server;
    // Other plugins post through the platform's REST client, at the configured base URL.
    let rest = server.platform.plugins.bot().rest().unwrap();
    rest.post_message("555", "hello from SahaBot")
        .await
        .unwrap();
    assert_eq!(
        fake.messages().last().unwrap().content,
        "hello from SahaBot"
    );
    app.stop().await;
}
both_backends!(
    plugins_post_through_the_rest_client,
    check_plugins_post_through_the_rest_client
);
