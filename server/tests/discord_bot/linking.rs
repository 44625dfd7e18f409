//! Linking a Discord server to an organization over HTTP, with the bot off: an organization
//! admin asks for the invite, Discord sends the browser back to the callback, and the server is
//! linked only when the state is the one issued to this user for this organization, the user
//! administers the server, and no other organization has it. Each refusal, a cancel on Discord,
//! the admin-only pages, and unlinking (which frees the server for another organization) have a
//! test of their own; every test starts from [`Linking`].

use serde_json::json;
use testkit::{both_backends, fake_discord::FakeDiscord, fake_discord::FakeGuild};

use super::{
    call, call_raw, common::TestApp, overview, owner_with_org, spawn, Backend, APPLICATION_ID,
};

/// Two organizations and their admins: `owner` (Org A; administers 777 "Speedruns", is only a
/// member of 778 "Just a member") and `rival` (Org B; owns 777 too), both known to the fake's
/// OAuth2; `owner` signed in, with a fresh invite for Org A.
struct Linking {
    fake: FakeDiscord,
    app: TestApp,
    org_a: i64,
    org_b: i64,
    owner: reqwest::Client,
    /// The state of `owner`'s invite for Org A.
    state: String,
}

async fn linking(backend: Backend) -> Linking {
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
    Linking {
        fake,
        app,
        org_a,
        org_b,
        owner,
        state,
    }
}

/// The callback's query for `code` and `state` choosing the Discord server `guild_id`.
fn chose(code: &str, state: &str, guild_id: &str) -> String {
    format!("code={code}&state={state}&guild_id={guild_id}")
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

/// `owner` links 777 to Org A (the first test's link, without its checks).
async fn owner_links_777(l: &Linking) -> Outcome {
    callback(
        &l.app,
        &l.owner,
        &format!("{}&permissions=84992", chose("code-owner", &l.state, "777")),
    )
    .await
}

async fn check_an_administrator_links_a_server_through_the_invite(backend: Backend) {
    let l = linking(backend).await;
    let (fake, app, org_a) = (&l.fake, &l.app, l.org_a);
    let owner = &l.owner;

    // Linked: the owner administers 777.
    let outcome = owner_links_777(&l).await;
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
    let page = overview(app, owner, org_a).await;
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
    l.app.stop().await;
}
both_backends!(
    an_administrator_links_a_server_through_the_invite,
    check_an_administrator_links_a_server_through_the_invite
);

async fn check_linking_needs_the_administrator_permission(backend: Backend) {
    let l = linking(backend).await;
    let (app, owner, state) = (&l.app, &l.owner, &l.state);
    // Refused: no ADMINISTRATOR in 778.
    let outcome = callback(app, owner, &chose("code-owner", state, "778")).await;
    assert!(
        refused(&outcome)
            .contains("You need the Administrator permission in the Discord server Just a member"),
        "{outcome:?}"
    );
    assert_eq!(sdk::bot::linked_org(app.db(), "778").await.unwrap(), None);
    l.app.stop().await;
}
both_backends!(
    linking_needs_the_administrator_permission,
    check_linking_needs_the_administrator_permission
);

async fn check_a_changed_state_is_refused(backend: Backend) {
    let l = linking(backend).await;
    let (app, owner, state, org_a, org_b) = (&l.app, &l.owner, &l.state, l.org_a, l.org_b);
    // Refused: a state somebody changed (another organization, same signature).
    let forged = state.replacen(&format!("{org_a}."), &format!("{org_b}."), 1);
    let outcome = callback(app, owner, &chose("code-owner", &forged, "778")).await;
    assert!(
        refused(&outcome).contains("does not carry a link this site issued"),
        "{outcome:?}"
    );
    assert_eq!(sdk::bot::linked_org(app.db(), "778").await.unwrap(), None);
    l.app.stop().await;
}
both_backends!(a_changed_state_is_refused, check_a_changed_state_is_refused);

async fn check_a_state_issued_to_someone_else_is_refused(backend: Backend) {
    let l = linking(backend).await;
    let (app, state) = (&l.app, &l.state);
    // Refused: the state was issued to someone else.
    let rival = app.signed_in("rival").await;
    let outcome = callback(app, &rival, &chose("code-rival", state, "777")).await;
    assert!(
        refused(&outcome).contains("started by another SahaBot user"),
        "{outcome:?}"
    );
    l.app.stop().await;
}
both_backends!(
    a_state_issued_to_someone_else_is_refused,
    check_a_state_issued_to_someone_else_is_refused
);

async fn check_a_server_linked_to_another_organization_is_refused(backend: Backend) {
    let l = linking(backend).await;
    let (app, org_a, org_b) = (&l.app, l.org_a, l.org_b);
    owner_links_777(&l).await;
    let rival = app.signed_in("rival").await;
    // Conflict: Org B's admin owns 777 too, but it belongs to Org A.
    let rival_state = invite_state(app, &rival, org_b).await;
    let outcome = callback(app, &rival, &chose("code-rival", &rival_state, "777")).await;
    assert_eq!(outcome.path, format!("/org/{org_b}/discord"));
    assert!(
        refused(&outcome).contains("already linked to the organization Org A"),
        "{outcome:?}"
    );
    assert_eq!(
        sdk::bot::linked_org(app.db(), "777").await.unwrap(),
        Some(org_a)
    );
    l.app.stop().await;
}
both_backends!(
    a_server_linked_to_another_organization_is_refused,
    check_a_server_linked_to_another_organization_is_refused
);

async fn check_cancelling_on_discord_is_reported(backend: Backend) {
    let l = linking(backend).await;
    let (app, owner, state) = (&l.app, &l.owner, &l.state);
    // Cancelled on Discord.
    let outcome = callback(
        app,
        owner,
        &format!("error=access_denied&error_description=The+user+cancelled&state={state}"),
    )
    .await;
    assert!(
        refused(&outcome).contains("cancelled on Discord (The user cancelled)"),
        "{outcome:?}"
    );
    l.app.stop().await;
}
both_backends!(
    cancelling_on_discord_is_reported,
    check_cancelling_on_discord_is_reported
);

async fn check_only_organization_admins_get_invites_or_the_page(backend: Backend) {
    let l = linking(backend).await;
    let (app, org_a) = (&l.app, l.org_a);
    let rival = app.signed_in("rival").await;
    // Only admins of the organization get invites or see the page.
    let res = call_raw(app, &rival, "bot_invite", json!({"org_id": org_a})).await;
    assert_eq!(res.status(), 403);
    let res = call_raw(app, &rival, "discord_overview", json!({"org_id": org_a})).await;
    assert_eq!(res.status(), 403);
    l.app.stop().await;
}
both_backends!(
    only_organization_admins_get_invites_or_the_page,
    check_only_organization_admins_get_invites_or_the_page
);

async fn check_unlinking_frees_the_server_for_another_organization(backend: Backend) {
    let l = linking(backend).await;
    let (app, owner, org_a, org_b) = (&l.app, &l.owner, l.org_a, l.org_b);
    owner_links_777(&l).await;
    let rival = app.signed_in("rival").await;
    let rival_state = invite_state(app, &rival, org_b).await;

    // Unlink; then Org B may have it.
    let unlink = json!({"org_id": org_a, "guild_id": "777"});
    call(app, owner, "unlink_server", unlink.clone()).await;
    assert_eq!(sdk::bot::linked_org(app.db(), "777").await.unwrap(), None);
    let res = call_raw(app, owner, "unlink_server", unlink).await;
    assert_eq!(res.status(), 404);
    let outcome = callback(app, &rival, &chose("code-rival", &rival_state, "777")).await;
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
    l.app.stop().await;
}
both_backends!(
    unlinking_frees_the_server_for_another_organization,
    check_unlinking_frees_the_server_for_another_organization
);
