//! The fake RaceTime.gg over real HTTP and a real websocket client, as the racetime plugin will
//! use it: bot tokens, opening and editing rooms, listings, the bot socket and its actions, the
//! racers' side, user history and injected faults.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use testkit::fake_racetime::{FakeRacer, FakeRacetime, PastRace, PastResult};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    connect_async,
    tungstenite::{client::IntoClientRequest, Message},
    MaybeTlsStream, WebSocketStream,
};

const ALICE: &str = "xldAMBlqvY3aOP57";
const BOB: &str = "4Zq9Vd2LmR8pK1sX";
const CAROL: &str = "cArOl00000000003";
const DAVE: &str = "dAvE000000000004";

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A fake with two categories, a bot in each and four racers (Carol has no Twitch; Dave is
/// racing elsewhere).
async fn fake() -> FakeRacetime {
    let fake = FakeRacetime::start().await.unwrap();
    fake.add_category(
        "alttpr",
        "A Link to the Past Randomizer",
        &["Beat the game", "Any% NMG"],
    );
    fake.add_category("smz3", "SMZ3", &["Beat the games"]);
    fake.add_bot("alttpr", "SahaBot", "bot-id", "bot-secret");
    fake.add_bot("smz3", "OtherBot", "other-id", "other-secret");
    fake.add_racer(FakeRacer::new(ALICE, "Alice#0420"));
    fake.add_racer(FakeRacer::new(BOB, "Bob"));
    fake.add_racer(FakeRacer {
        twitch: false,
        ..FakeRacer::new(CAROL, "Carol")
    });
    fake.add_racer(FakeRacer {
        racing_elsewhere: true,
        ..FakeRacer::new(DAVE, "Dave")
    });
    fake
}

async fn token(fake: &FakeRacetime, id: &str, secret: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{}/o/token", fake.url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

async fn startrace(
    fake: &FakeRacetime,
    category: &str,
    token: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/o/{category}/startrace", fake.url()))
        .bearer_auth(token)
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn edit(fake: &FakeRacetime, slug: &str, token: &str, form: &[(&str, &str)]) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/o/alttpr/{slug}/edit", fake.url()))
        .bearer_auth(token)
        .form(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Opens an alttpr room and answers its slug.
async fn open(fake: &FakeRacetime, token: &str, form: &[(&str, &str)]) -> String {
    let res = startrace(fake, "alttpr", token, form).await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    location.strip_prefix("/alttpr/").unwrap().to_string()
}

async fn get(fake: &FakeRacetime, path: &str, token: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new().get(format!("{}{path}", fake.url()));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn get_json(fake: &FakeRacetime, path: &str, token: Option<&str>) -> Value {
    let (status, body) = get(fake, path, token).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

async fn connect(fake: &FakeRacetime, slug: &str, token: &str) -> Ws {
    let mut request = fake.ws_url(slug).into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Authorization", format!("Bearer {token}").parse().unwrap());
    connect_async(request).await.unwrap().0
}

async fn next(ws: &mut Ws) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a frame within 5 s")
            .expect("the socket is open")
            .unwrap();
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).unwrap();
        }
    }
}

/// Reads frames until one of `kind` comes; answers it.
async fn until(ws: &mut Ws, kind: &str) -> Value {
    loop {
        let frame = next(ws).await;
        assert!(frame["date"].is_string(), "{frame}");
        if frame["type"] == kind {
            return frame;
        }
    }
}

/// Reads frames until a `race.data` whose room passes `check`.
async fn until_race(ws: &mut Ws, check: impl Fn(&Value) -> bool) -> Value {
    loop {
        let frame = until(ws, "race.data").await;
        if check(&frame["race"]) {
            return frame;
        }
    }
}

/// Reads frames until the next `race.data` whose room is in `status`.
async fn until_status(ws: &mut Ws, status: &str) -> Value {
    until_race(ws, |race| race["status"]["value"] == status).await
}

/// Reads frames until a `chat.message` saying `text`.
async fn until_line(ws: &mut Ws, text: &str) -> Value {
    loop {
        let frame = until(ws, "chat.message").await;
        if frame["message"]["message"] == text {
            return frame;
        }
    }
}

async fn send(ws: &mut Ws, action: &str, data: Value) {
    let text = json!({"action": action, "data": data}).to_string();
    ws.send(Message::Text(text.into())).await.unwrap();
}

/// Sends an action and answers the next `error` frame's messages.
async fn refused(ws: &mut Ws, action: &str, data: Value) -> Vec<String> {
    send(ws, action, data).await;
    let frame = until(ws, "error").await;
    serde_json::from_value(frame["errors"].clone()).unwrap()
}

#[tokio::test]
async fn bot_tokens_are_granted_and_refused_like_upstream() {
    let fake = fake().await;
    let client = reqwest::Client::new();
    let url = format!("{}/o/token", fake.url());

    let res = client
        .post(&url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "bot-id"),
            ("client_secret", "bot-secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 36000);
    assert_eq!(body["scope"], "read chat_message race_action create_race");
    assert!(body["access_token"].as_str().unwrap().len() > 20);
    assert!(body.get("refresh_token").is_none());

    // HTTP Basic works too; a short lifetime shows in expires_in.
    fake.set_token_lifetime(60);
    let res = client
        .post(&url)
        .basic_auth("bot-id", Some("bot-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["expires_in"], 60);

    for (id, secret) in [("bot-id", "wrong"), ("nobody", "bot-secret")] {
        let res = client
            .post(&url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", secret),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(
            res.json::<Value>().await.unwrap(),
            json!({"error": "invalid_client"})
        );
    }
    let res = client
        .post(&url)
        .form(&[("grant_type", "password"), ("client_id", "bot-id")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"error": "unsupported_grant_type"})
    );

    // A deactivated bot: its tokens die, new requests are 401.
    let live = token(&fake, "bot-id", "bot-secret").await;
    let (status, _) = get(&fake, "/o/alttpr/data", Some(&live)).await;
    assert_eq!(status, 200);
    fake.deactivate_bot("bot-id");
    let (status, body) = get(&fake, "/o/alttpr/data", Some(&live)).await;
    assert_eq!((status, body.as_str()), (403, ""));
    let res = client
        .post(&url)
        .basic_auth("bot-id", Some("bot-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // The account-link exchange keeps its old answers.
    let res = client
        .post(&url)
        .form(&[("grant_type", "authorization_code"), ("client_id", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"error": "invalid_client"})
    );
}

#[tokio::test]
async fn startrace_opens_a_room_with_upstream_defaults() {
    let fake = fake().await;
    let token = token(&fake, "bot-id", "bot-secret").await;
    let res = startrace(
        &fake,
        "alttpr",
        &token,
        &[
            ("goal", "Beat the game"),
            ("invitational", "true"),
            ("info_user", "Spring Cup - Alice vs Bob"),
        ],
    )
    .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(res.text().await.unwrap(), "");
    let slug = location.strip_prefix("/alttpr/").unwrap();
    let parts: Vec<&str> = slug.split('-').collect();
    assert_eq!(parts.len(), 3, "{slug}");
    assert!(parts[2].len() == 4 && parts[2].chars().all(|c| c.is_ascii_digit()));

    let room = fake.room(slug).unwrap();
    assert_eq!(room.status, "invitational");
    assert_eq!(room.version, 1);
    assert_eq!(room.opened_by_bot.as_deref(), Some("SahaBot"));
    assert_eq!(room.goal.as_deref(), Some("Beat the game"));
    assert!(room.streaming_required && room.auto_start && !room.unlisted);
    for (field, value) in [
        ("invitational", "true"),
        ("unlisted", "false"),
        ("ranked", "true"),
        ("start_delay", "15"),
        ("time_limit", "24"),
        ("streaming_required", "true"),
        ("auto_start", "true"),
        ("allow_comments", "true"),
        ("hide_comments", "false"),
        ("allow_prerace_chat", "true"),
        ("allow_midrace_chat", "true"),
        ("allow_non_entrant_chat", "true"),
        ("chat_message_delay", "0"),
        ("info_user", "Spring Cup - Alice vs Bob"),
    ] {
        assert_eq!(room.form[field], value, "{field}");
    }
    assert_eq!(fake.rooms().len(), 1);

    let data = get_json(&fake, &format!("{location}/data"), None).await;
    assert_eq!(data["name"], format!("alttpr/{slug}"));
    assert_eq!(data["websocket_bot_url"], format!("/ws/o/bot/{slug}"));
    assert_eq!(data["status"]["verbose_value"], "Invitational");
    assert_eq!(data["start_delay"], "P0DT00H00M15S");
    assert_eq!(data["time_limit"], "P1DT00H00M00S");
    assert_eq!(data["chat_message_delay"], "P0DT00H00M00S");
    assert_eq!(
        data["goal"],
        json!({"name": "Beat the game", "custom": false})
    );
    assert_eq!(data["info"], "Spring Cup - Alice vs Bob");
    assert_eq!(data["category"]["slug"], "alttpr");
    assert!(data["opened_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(data["entrants"], json!([]));
    let (status, _) = get(&fake, "/alttpr/no-such-room-1/data", None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn startrace_refuses_bad_forms_wrong_bots_and_unknown_categories() {
    let fake = fake().await;
    let token = token(&fake, "bot-id", "bot-secret").await;
    let other = token_for_other(&fake).await;

    // (form, field, message)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (vec![], "__all__", "You need to set a goal for this race."),
        (
            vec![("goal", "Not a goal")],
            "__all__",
            "You need to set a goal for this race.",
        ),
        (
            vec![("goal", "Beat the game"), ("custom_goal", "Something")],
            "__all__",
            "The race must only have one goal.",
        ),
        (
            vec![("goal", "Beat the game"), ("start_delay", "5")],
            "start_delay",
            "Ensure this value is greater than or equal to 0:00:10.",
        ),
        (
            vec![("goal", "Beat the game"), ("time_limit", "73")],
            "time_limit",
            "Ensure this value is less than or equal to 3 days, 0:00:00.",
        ),
        (
            vec![("goal", "Beat the game"), ("chat_message_delay", "91")],
            "chat_message_delay",
            "Ensure this value is less than or equal to 0:01:30.",
        ),
        (
            vec![("goal", "Beat the game"), ("start_delay", "1.5")],
            "start_delay",
            "Enter a whole number.",
        ),
        (
            vec![("goal", "Beat the game"), ("ranked", "yes")],
            "ranked",
            "Enter true or false.",
        ),
    ];
    for (form, field, message) in cases {
        let res = startrace(&fake, "alttpr", &token, &form).await;
        assert_eq!(res.status(), 422, "{form:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["errors"][field], json!([message]), "{form:?}: {body}");
    }
    let long = "x".repeat(1001);
    let res = startrace(
        &fake,
        "alttpr",
        &token,
        &[("custom_goal", "Anything"), ("info_user", &long)],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Value>().await.unwrap()["errors"]["info_user"],
        json!(["Ensure this value has at most 1000 characters (it has 1001)."])
    );

    // The form is checked before the bot: a wrong-category bot with a bad form gets 422.
    let res = startrace(&fake, "alttpr", &other, &[]).await;
    assert_eq!(res.status(), 422);
    let res = startrace(&fake, "alttpr", &other, &[("goal", "Beat the game")]).await;
    assert_eq!(res.status(), 403);
    assert_eq!(res.text().await.unwrap(), "");
    let res = startrace(&fake, "alttpr", "not-a-token", &[("goal", "Beat the game")]).await;
    assert_eq!(res.status(), 403);
    let res = startrace(&fake, "nope", &token, &[("goal", "Beat the game")]).await;
    assert_eq!(res.status(), 404);
    fake.expire_tokens();
    let res = startrace(&fake, "alttpr", &token, &[("goal", "Beat the game")]).await;
    assert_eq!(res.status(), 403);
    assert!(fake.rooms().is_empty());

    // A custom goal opens an unrecordable room.
    let token = token_for_alttpr(&fake).await;
    let slug = open(&fake, &token, &[("custom_goal", "All dungeons")]).await;
    let data = get_json(&fake, &format!("/alttpr/{slug}/data"), None).await;
    assert_eq!(
        data["goal"],
        json!({"name": "All dungeons", "custom": true})
    );
    assert_eq!(data["recordable"], false);
}

async fn token_for_alttpr(fake: &FakeRacetime) -> String {
    token(fake, "bot-id", "bot-secret").await
}

async fn token_for_other(fake: &FakeRacetime) -> String {
    token(fake, "other-id", "other-secret").await
}

#[tokio::test]
async fn edit_resets_omitted_fields_and_broadcasts() {
    let fake = fake().await;
    let token = token_for_alttpr(&fake).await;
    let slug = open(
        &fake,
        &token,
        &[
            ("goal", "Beat the game"),
            ("streaming_required", "false"),
            ("hide_comments", "true"),
            ("info_user", "Week 1"),
            ("info_bot", "Seed: abc"),
            ("start_delay", "30"),
        ],
    )
    .await;
    let mut ws = connect(&fake, &slug, &token).await;
    until(&mut ws, "race.renders").await;

    // Only the goal: everything else goes back to upstream's defaults.
    assert_eq!(
        edit(&fake, &slug, &token, &[("goal", "Any% NMG")]).await,
        200
    );
    let room = fake.room(&slug).unwrap();
    assert_eq!(room.version, 2);
    assert_eq!(room.goal.as_deref(), Some("Any% NMG"));
    assert!(room.streaming_required);
    assert_eq!(room.info_user, "");
    assert_eq!(room.info_bot, "");
    assert_eq!(room.form["start_delay"], "15");
    assert_eq!(room.form["hide_comments"], "false");
    let mut lines = Vec::new();
    let frame = loop {
        let frame = next(&mut ws).await;
        if frame["type"] == "chat.message" {
            lines.push(frame["message"]["message"].as_str().unwrap().to_string());
        }
        if frame["type"] == "race.data" {
            break frame;
        }
    };
    assert_eq!(frame["version"], 2);
    assert_eq!(frame["race"]["start_delay"], "P0DT00H00M15S");
    assert!(lines.contains(&"SahaBot set a new goal: Any% NMG".to_string()));
    assert!(lines.contains(&"Streaming is now required for this race.".to_string()));

    // An edit without a goal is refused; another category's bot is refused.
    assert_eq!(edit(&fake, &slug, &token, &[("info_user", "x")]).await, 422);
    let other = token_for_other(&fake).await;
    assert_eq!(
        edit(&fake, &slug, &other, &[("goal", "Any% NMG")]).await,
        403
    );
    assert_eq!(
        edit(&fake, "nope-nope-1", &token, &[("goal", "Any% NMG")]).await,
        404
    );

    // Once done: 403.
    fake.cancel(&slug).unwrap();
    assert_eq!(
        edit(&fake, &slug, &token, &[("goal", "Any% NMG")]).await,
        403
    );
}

#[tokio::test]
async fn category_data_lists_unlisted_rooms_only_to_the_bot() {
    let fake = fake().await;
    let token = token_for_alttpr(&fake).await;
    let listed = open(&fake, &token, &[("goal", "Beat the game")]).await;
    let hidden = open(
        &fake,
        &token,
        &[("goal", "Beat the game"), ("unlisted", "true")],
    )
    .await;
    let gone = open(&fake, &token, &[("goal", "Beat the game")]).await;
    fake.cancel(&gone).unwrap();

    let names = |data: &Value| -> Vec<String> {
        data["current_races"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    let public = get_json(&fake, "/alttpr/data", None).await;
    assert_eq!(public["goals"], json!(["Beat the game", "Any% NMG"]));
    assert_eq!(names(&public), vec![format!("alttpr/{listed}")]);
    let summary = &public["current_races"][0];
    assert_eq!(summary["opened_by_bot"], "SahaBot");
    assert_eq!(summary["data_url"], format!("/alttpr/{listed}/data"));
    assert_eq!(summary["time_limit"], "P1DT00H00M00S");
    assert!(summary.get("slug").is_none());

    let private = get_json(&fake, "/o/alttpr/data", Some(&token)).await;
    assert_eq!(
        names(&private),
        vec![format!("alttpr/{listed}"), format!("alttpr/{hidden}")]
    );
    let other = token_for_other(&fake).await;
    assert_eq!(get(&fake, "/o/alttpr/data", Some(&other)).await.0, 403);
    assert_eq!(get(&fake, "/o/alttpr/data", None).await.0, 403);
    assert_eq!(get(&fake, "/o/nope/data", Some(&token)).await.0, 404);
    assert_eq!(get(&fake, "/nope/data", None).await.0, 404);
    // Unlisted rooms are still readable by slug.
    assert_eq!(
        get(&fake, &format!("/alttpr/{hidden}/data"), None).await.0,
        200
    );
}

#[tokio::test]
async fn socket_greets_and_checks_the_token_on_each_action() {
    let fake = fake().await;
    let token = token_for_alttpr(&fake).await;
    let slug = open(&fake, &token, &[("goal", "Beat the game")]).await;

    let mut ws = connect(&fake, &slug, &token).await;
    let first = next(&mut ws).await;
    assert_eq!(first["type"], "race.data");
    assert_eq!(first["version"], 1);
    assert_eq!(first["race"]["slug"], slug.as_str());
    assert!(first["date"].as_str().unwrap().ends_with("+00:00"));
    let second = next(&mut ws).await;
    assert_eq!(second["type"], "race.renders");
    assert_eq!(fake.socket_count(&slug), 1);

    send(&mut ws, "gethistory", json!({})).await;
    let history = until(&mut ws, "chat.history").await;
    assert_eq!(
        history["messages"][0]["message"],
        "Race opened automatically by SahaBot"
    );
    assert_eq!(history["messages"][0]["is_system"], true);

    // A socket with a bad token is accepted and reads fine; its actions are refused, and it
    // stays open.
    let mut stranger = connect(&fake, &slug, "bad-token").await;
    until(&mut stranger, "race.renders").await;
    assert_eq!(
        refused(&mut stranger, "setinfo", json!({"info_bot": "x"})).await,
        vec!["Permission denied. Check your authorization token."]
    );
    send(&mut stranger, "ping", json!({})).await;
    until(&mut stranger, "pong").await;
    assert_eq!(
        refused(&mut stranger, "dance", json!({})).await,
        vec!["Action is missing or not recognised. Check your input and try again."]
    );

    // ?token= works like the header.
    let url = format!("{}?token={token}", fake.ws_url(&slug));
    let (mut by_query, _) = connect_async(url).await.unwrap();
    until(&mut by_query, "race.renders").await;
    send(&mut by_query, "setinfo", json!({"info_bot": "Seed: abc"})).await;
    let frame = until(&mut by_query, "race.data").await;
    assert_eq!(frame["race"]["info_bot"], "Seed: abc");
    assert_eq!(frame["version"], 2);
    // Every socket of the room sees it.
    let line = until(&mut ws, "chat.message").await;
    assert_eq!(
        line["message"]["message"],
        "##bot##SahaBot## updated the race information."
    );
    assert_eq!(
        line["message"]["message_plain"],
        "SahaBot updated the race information."
    );
    assert_eq!(until(&mut ws, "race.data").await["version"], 2);

    // Expired mid-connection: refused, socket kept.
    fake.expire_tokens();
    assert_eq!(
        refused(&mut ws, "make_open", json!({})).await,
        vec!["Permission denied. Check your authorization token."]
    );
    send(&mut ws, "getrace", json!({})).await;
    assert_eq!(until(&mut ws, "race.data").await["version"], 2);

    // An unknown room refuses the handshake.
    assert!(connect_async(fake.ws_url("no-such-room-1")).await.is_err());
}

#[tokio::test]
async fn chat_messages_are_deduplicated_by_guid() {
    let fake = fake().await;
    let token = token_for_alttpr(&fake).await;
    let slug = open(&fake, &token, &[("goal", "Beat the game")]).await;
    let mut ws = connect(&fake, &slug, &token).await;
    until(&mut ws, "race.renders").await;

    let data = json!({"message": "Welcome!", "guid": "4f6c-aa01", "pinned": true});
    send(&mut ws, "message", data.clone()).await;
    send(&mut ws, "message", data).await;
    send(&mut ws, "ping", json!({})).await;
    let mut lines = Vec::new();
    loop {
        let frame = next(&mut ws).await;
        match frame["type"].as_str().unwrap() {
            "chat.message" => lines.push(frame["message"].clone()),
            "pong" => break,
            _ => {}
        }
    }
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["bot"], "SahaBot");
    assert_eq!(lines[0]["is_bot"], true);
    assert_eq!(lines[0]["is_system"], false);
    assert_eq!(lines[0]["is_monitor"], Value::Null);
    assert_eq!(lines[0]["is_pinned"], true);
    assert_eq!(fake.room(&slug).unwrap().bot_messages, vec!["Welcome!"]);

    assert_eq!(
        refused(&mut ws, "message", json!({"message": "hi"})).await,
        vec!["Bad request, no GUID supplied. A unique string is required to prevent duplicate messaging."]
    );
    assert_eq!(
        refused(&mut ws, "message", json!({"message": "", "guid": "g-2"})).await,
        vec!["message: This field is required."]
    );
    // A DM goes out as chat.dm carrying only the message id.
    send(
        &mut ws,
        "message",
        json!({"message": "psst", "guid": "g-3", "direct_to": ALICE}),
    )
    .await;
    let dm = until(&mut ws, "chat.dm").await;
    assert_eq!(dm["from_bot"], "SahaBot");
    assert_eq!(dm["to"]["full_name"], "Alice#0420");
}

#[tokio::test]
async fn invites_are_refused_like_upstream() {
    let fake = fake().await;
    let token = token_for_alttpr(&fake).await;
    let slug = open(
        &fake,
        &token,
        &[("goal", "Beat the game"), ("invitational", "true")],
    )
    .await;
    let mut ws = connect(&fake, &slug, &token).await;
    until(&mut ws, "race.renders").await;

    assert_eq!(
        refused(&mut ws, "invite", json!({"user": "nobody"})).await,
        vec!["No user found matching the given ID."]
    );
    assert_eq!(
        refused(&mut ws, "invite", json!({"user": CAROL})).await,
        vec!["Carol is not allowed to join this race."]
    );
    assert_eq!(
        refused(&mut ws, "invite", json!({"user": DAVE})).await,
        vec!["Dave is not allowed to join this race."]
    );

    send(&mut ws, "invite", json!({"user": ALICE})).await;
    let line = until(&mut ws, "chat.message").await;
    assert_eq!(
        line["message"]["message"],
        "SahaBot invites Alice#0420 to join the race."
    );
    let frame = until(&mut ws, "race.data").await;
    let entrant = &frame["race"]["entrants"][0];
    assert_eq!(entrant["status"]["value"], "invited");
    assert_eq!(entrant["user"]["name"], "Alice");
    assert_eq!(entrant["user"]["discriminator"], "0420");
    assert_eq!(frame["race"]["entrants_count"], 0);
    assert_eq!(
        refused(&mut ws, "invite", json!({"user": ALICE})).await,
        vec!["Alice#0420 is already an entrant."]
    );

    // Without streaming required, Carol may come; a racer who asks to join is accepted.
    assert_eq!(
        edit(
            &fake,
            &slug,
            &token,
            &[("goal", "Beat the game"), ("streaming_required", "false")]
        )
        .await,
        200
    );
    send(&mut ws, "invite", json!({"user": CAROL})).await;
    let frame = until_race(&mut ws, |race| {
        race["entrants"].as_array().unwrap().len() == 2
    })
    .await;
    assert_eq!(frame["race"]["entrants"][1]["user"]["name"], "Carol");
    fake.join(&slug, BOB).unwrap();
    assert_eq!(fake.room(&slug).unwrap().entrants[2].status, "requested");
    send(&mut ws, "accept_request", json!({"user": BOB})).await;
    let frame = until_race(&mut ws, |race| race["entrants_count"] == 1).await;
    assert_eq!(frame["race"]["status"]["value"], "invitational");
    assert_eq!(
        refused(&mut ws, "accept_request", json!({"user": BOB})).await,
        vec!["This user has not requested to join this race. Refresh to continue."]
    );
}

#[tokio::test]
async fn a_race_runs_from_invites_to_a_recorded_result() {
    let fake = fake().await;
    let token = token_for_alttpr(&fake).await;
    let slug = open(
        &fake,
        &token,
        &[("goal", "Beat the game"), ("invitational", "true")],
    )
    .await;
    let mut ws = connect(&fake, &slug, &token).await;
    until(&mut ws, "race.renders").await;
    for user in [ALICE, BOB] {
        send(&mut ws, "invite", json!({"user": user})).await;
        until(&mut ws, "race.data").await;
    }
    fake.accept_invite(&slug, ALICE).unwrap();
    fake.accept_invite(&slug, BOB).unwrap();
    assert!(fake.accept_invite(&slug, BOB).is_err());
    assert!(fake.finish(&slug, ALICE, 60_000).is_err());

    fake.ready(&slug, ALICE).unwrap();
    assert_eq!(fake.room(&slug).unwrap().status, "invitational");
    fake.ready(&slug, BOB).unwrap();
    let pending = until_status(&mut ws, "pending").await;
    assert!(pending["race"]["started_at"].is_string());
    let racing = until_status(&mut ws, "in_progress").await;
    assert_eq!(
        racing["race"]["entrants"][0]["status"]["value"],
        "in_progress"
    );
    assert_eq!(fake.room(&slug).unwrap().status, "in_progress");

    assert_eq!(
        fake.finish(&slug, BOB, 2_000),
        Err("You cannot finish this early. Did you hit .done by accident?".into())
    );
    fake.finish(&slug, BOB, 6_000_000).unwrap();
    fake.finish(&slug, ALICE, 5_527_412).unwrap();
    let done = until_status(&mut ws, "finished").await;
    let entrants = done["race"]["entrants"].as_array().unwrap();
    assert_eq!(entrants[0]["user"]["id"], ALICE);
    assert_eq!(entrants[0]["place"], 1);
    assert_eq!(entrants[0]["place_ordinal"], "1st");
    assert_eq!(entrants[0]["finish_time"], "P0DT01H32M07.412000S");
    assert!(entrants[0]["finished_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(entrants[1]["place"], 2);
    assert_eq!(done["race"]["entrants_count_finished"], 2);
    assert!(done["race"]["ended_at"].is_string());
    let room = fake.room(&slug).unwrap();
    let places: Vec<_> = room.entrants.iter().map(|e| e.place).collect();
    assert_eq!(places, vec![Some(1), Some(2)]);
    assert_eq!(room.entrants[0].finish_ms, Some(5_527_412));
    assert_eq!(room.entrants[0].status, "done");

    // Alice undoes: the race restarts; she finishes again.
    fake.undo_finish(&slug, ALICE).unwrap();
    let back = until_status(&mut ws, "in_progress").await;
    assert_eq!(back["race"]["ended_at"], Value::Null);
    let room = fake.room(&slug).unwrap();
    let bob = room.entrants.iter().find(|e| e.user_id == BOB).unwrap();
    assert_eq!(bob.place, Some(1));
    fake.finish(&slug, ALICE, 5_600_000).unwrap();
    until_status(&mut ws, "finished").await;

    // DQ costs the place; the others move up.
    fake.disqualify(&slug, ALICE).unwrap();
    let room = fake.room(&slug).unwrap();
    let alice = room.entrants.iter().find(|e| e.user_id == ALICE).unwrap();
    assert_eq!((alice.status.as_str(), alice.place), ("dq", None));
    assert_eq!(room.status, "finished");

    fake.record(&slug).unwrap();
    let recorded = until_race(&mut ws, |race| race["recorded"] == true).await;
    assert_eq!(recorded["race"]["recorded_by"]["name"], "Moderator");
    assert!(fake.record(&slug).is_err());
    assert_eq!(
        refused(
            &mut ws,
            "message",
            json!({"message": "gg", "guid": "late-1"})
        )
        .await,
        vec!["This race chat is now closed. No new messages may be added."]
    );
    // The versions only went up.
    assert!(fake.room(&slug).unwrap().version > 10);
}

#[tokio::test]
async fn forfeits_all_round_cancel_the_race_and_undo_reopens_it() {
    let fake = fake().await;
    let token = token_for_alttpr(&fake).await;
    // An open room with auto-start off: the bot begins, a monitor starts.
    let slug = open(
        &fake,
        &token,
        &[("goal", "Beat the game"), ("auto_start", "false")],
    )
    .await;
    let mut ws = connect(&fake, &slug, &token).await;
    until(&mut ws, "race.renders").await;
    fake.join(&slug, ALICE).unwrap();
    fake.join(&slug, BOB).unwrap();
    fake.join(&slug, CAROL).unwrap_err();
    fake.ready(&slug, ALICE).unwrap();
    assert_eq!(
        refused(&mut ws, "begin", json!({})).await,
        vec!["Race cannot be started yet."]
    );
    fake.ready(&slug, BOB).unwrap();
    assert_eq!(fake.room(&slug).unwrap().status, "open");
    send(&mut ws, "begin", json!({})).await;
    let line = until_line(
        &mut ws,
        "SahaBot has initiated the race. The race will begin in 15 seconds!",
    )
    .await;
    assert_eq!(line["message"]["highlight"], true);
    until_status(&mut ws, "pending").await;
    // Pending: only the reduced edit form applies (info_bot is not part of it).
    assert_eq!(
        edit(&fake, &slug, &token, &[("info_user", "Live now")]).await,
        200
    );
    assert_eq!(fake.room(&slug).unwrap().info_user, "Live now");
    fake.start_race(&slug).unwrap();
    until_status(&mut ws, "in_progress").await;
    assert!(fake.start_race(&slug).is_err());

    fake.forfeit(&slug, ALICE).unwrap();
    fake.forfeit(&slug, BOB).unwrap();
    let cancelled = until_status(&mut ws, "cancelled").await;
    assert!(cancelled["race"]["cancelled_at"].is_string());
    let room = fake.room(&slug).unwrap();
    assert!(room.entrants.iter().all(|e| e.status == "dnf"));

    fake.undo_finish(&slug, BOB).unwrap();
    until_status(&mut ws, "in_progress").await;
    fake.finish(&slug, BOB, 4_000_000).unwrap();
    until_status(&mut ws, "finished").await;

    // The bot cancels a fresh room; a second cancel is refused.
    let other = open(&fake, &token, &[("goal", "Beat the game")]).await;
    let mut ws2 = connect(&fake, &other, &token).await;
    until(&mut ws2, "race.renders").await;
    send(&mut ws2, "cancel", json!({})).await;
    until_status(&mut ws2, "cancelled").await;
    assert_eq!(
        refused(&mut ws2, "cancel", json!({})).await,
        vec!["Cannot cancel a race that is in cancelled state."]
    );
}

#[tokio::test]
async fn dropped_sockets_end_without_a_close_frame() {
    let fake = fake().await;
    let token = token_for_alttpr(&fake).await;
    let slug = open(&fake, &token, &[("goal", "Beat the game")]).await;
    let mut ws = connect(&fake, &slug, &token).await;
    until(&mut ws, "race.renders").await;
    let mut other = connect(&fake, &slug, &token).await;
    until(&mut other, "race.renders").await;
    assert_eq!(fake.socket_count(&slug), 2);

    fake.drop_sockets(&slug);
    assert_eq!(fake.socket_count(&slug), 0);
    let end = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .expect("the socket ends within 5 s");
    assert!(
        !matches!(end, Some(Ok(Message::Text(_)) | Ok(Message::Close(_)))),
        "{end:?}"
    );
    // Reconnecting works and greets again.
    let mut again = connect(&fake, &slug, &token).await;
    assert_eq!(next(&mut again).await["type"], "race.data");

    // A close with a reason, as a proxy restart sends it.
    fake.close_sockets(&slug, "CloudFlare WebSocket proxy restarting");
    let mut reason = None;
    while let Ok(Some(Ok(message))) =
        tokio::time::timeout(Duration::from_secs(5), again.next()).await
    {
        if let Message::Close(Some(frame)) = message {
            reason = Some(frame.reason.as_str().to_string());
            break;
        }
    }
    assert_eq!(
        reason.as_deref(),
        Some("CloudFlare WebSocket proxy restarting")
    );
}

#[tokio::test]
async fn user_history_pages_like_upstream() {
    let fake = fake().await;
    let base = 1_746_122_400_000_i64;
    let races: Vec<PastRace> = (0..250)
        .map(|n| PastRace {
            category: if n % 2 == 0 { "alttpr" } else { "smz3" }.to_string(),
            result: match n % 3 {
                0 => PastResult::Done,
                1 => PastResult::Dnf,
                _ => PastResult::Dq,
            },
            ended_at: base + n * 60_000,
        })
        .collect();
    fake.add_past_races(ALICE, races);
    assert!(fake.rooms().is_empty());

    let page1 = get_json(
        &fake,
        &format!("/user/{ALICE}/races/data?per_page=100"),
        None,
    )
    .await;
    assert_eq!(page1["count"], 250);
    assert_eq!(page1["num_pages"], 3);
    let races = page1["races"].as_array().unwrap();
    assert_eq!(races.len(), 100);
    assert!(races[0].get("entrants").is_none());
    assert_eq!(races[0]["status"]["value"], "finished");
    assert!(races[0]["category"]["slug"].is_string());
    // Newest first: race 249 ended last.
    let newest = races[0]["ended_at"].as_str().unwrap();
    let older = races[1]["ended_at"].as_str().unwrap();
    assert!(newest > older, "{newest} {older}");

    let page3 = get_json(
        &fake,
        &format!("/user/{ALICE}/races/data?per_page=100&page=3&show_entrants=yes"),
        None,
    )
    .await;
    let races = page3["races"].as_array().unwrap();
    assert_eq!(races.len(), 50);
    // The oldest race (n = 0) is Alice's win.
    let oldest = races.last().unwrap();
    let alice = oldest["entrants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["user"]["id"] == ALICE)
        .unwrap();
    assert_eq!(alice["status"]["value"], "done");
    assert_eq!(alice["place"], 1);

    let past = get_json(
        &fake,
        &format!("/user/{ALICE}/races/data?per_page=100&page=4"),
        None,
    )
    .await;
    assert_eq!(past["races"], json!([]));
    assert_eq!(past["count"], 250);
    let default = get_json(&fake, &format!("/user/{ALICE}/races/data"), None).await;
    assert_eq!(default["races"].as_array().unwrap().len(), 10);
    assert_eq!(default["num_pages"], 25);
    let capped = get_json(
        &fake,
        &format!("/user/{ALICE}/races/data?per_page=500"),
        None,
    )
    .await;
    assert_eq!(capped["num_pages"], 3);

    let (status, _) = get(&fake, &format!("/user/{ALICE}/races/data?page=two"), None).await;
    assert_eq!(status, 400);
    let (status, body) = get(&fake, "/user/nobody/races/data", None).await;
    assert_eq!(status, 404);
    assert!(body.contains("<html>"));
    fake.add_racer(FakeRacer {
        public: false,
        ..FakeRacer::new(ALICE, "Alice#0420")
    });
    let (status, body) = get(&fake, &format!("/user/{ALICE}/races/data"), None).await;
    assert_eq!(status, 404);
    assert!(body.contains("<html>"));
    assert_eq!(
        get(&fake, &format!("/user/{ALICE}/data"), None).await.0,
        404
    );

    // Bob has no races: an empty first page.
    let none = get_json(&fake, &format!("/user/{BOB}/races/data"), None).await;
    assert_eq!(none, json!({"count": 0, "num_pages": 1, "races": []}));
    fake.add_past_races(
        BOB,
        vec![PastRace {
            category: "alttpr".into(),
            result: PastResult::Done,
            ended_at: base,
        }],
    );
    let profile = get_json(&fake, &format!("/user/{BOB}/data"), None).await;
    assert_eq!(profile["full_name"], "Bob");
    assert_eq!(profile["discriminator"], Value::Null);
    assert_eq!(
        profile["stats"],
        json!({"joined": 1, "first": 1, "second": 0, "third": 0, "forfeits": 0})
    );
    let found = get_json(&fake, "/user/search?term=ali", None).await;
    assert_eq!(found["results"][0]["id"], ALICE);
    let found = get_json(&fake, "/user/search?term=alice%230420", None).await;
    assert_eq!(found["results"].as_array().unwrap().len(), 1);
    let found = get_json(&fake, "/user/search?term=", None).await;
    assert_eq!(found["results"], json!([]));
}

#[tokio::test]
async fn injected_startrace_faults() {
    let fake = fake().await;
    let token = token_for_alttpr(&fake).await;

    fake.fail_next_startrace(503);
    let res = startrace(&fake, "alttpr", &token, &[("goal", "Beat the game")]).await;
    assert_eq!(res.status(), 503);
    assert!(fake.rooms().is_empty());

    // The room is made, the answer is lost: the bot must look before reopening.
    fake.fail_next_startrace_after_create();
    let res = startrace(&fake, "alttpr", &token, &[]).await;
    assert_eq!(res.status(), 422, "a refused form leaves the fault armed");
    let res = startrace(
        &fake,
        "alttpr",
        &token,
        &[("goal", "Beat the game"), ("info_user", "Match 7")],
    )
    .await;
    assert_eq!(res.status(), 500);
    assert!(res.headers().get("location").is_none());
    let rooms = fake.rooms();
    assert_eq!(rooms.len(), 1);
    assert_eq!(rooms[0].info_user, "Match 7");
    let listing = get_json(&fake, "/o/alttpr/data", Some(&token)).await;
    assert_eq!(listing["current_races"][0]["info"], "Match 7");

    // Next time all is well again.
    open(&fake, &token, &[("goal", "Beat the game")]).await;
    assert_eq!(fake.rooms().len(), 2);

    fake.fail_next_token(502);
    let res = reqwest::Client::new()
        .post(format!("{}/o/token", fake.url()))
        .basic_auth("bot-id", Some("bot-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 502);
    token_for_alttpr(&fake).await;
    // Everything was recorded.
    assert!(fake
        .requests()
        .iter()
        .any(|r| r.path == "/o/alttpr/startrace" && r.body.contains("info_user=Match+7")));
}
