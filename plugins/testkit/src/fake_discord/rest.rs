//! The fake's REST API (`/api/v10/...`): what the bot's HTTP client calls — messages, threads,
//! channels, command registration, interaction callbacks and follow-ups — recorded for tests.

use super::*;

/// Every REST request: recorded, then answered by path.
pub(super) async fn rest(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = parse_body(&headers, &body);
    shared.with(|i| {
        i.requests.push(RecordedRequest {
            method: method.to_string(),
            path: path.clone(),
            query: uri.query().map(str::to_string),
            authorization: authorization.clone(),
            body: body.clone(),
        })
    });
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["oauth2", "authorize"] => "the fake Discord's authorize page".into_response(),
        ["api", "oauth2", "token"] => oauth_token(&shared, &body),
        ["api", "oauth2", "@me"] => current_authorization(&shared, authorization.as_deref()),
        ["api", "users", "@me"] => match oauth_user(&shared, authorization.as_deref()) {
            Some(user) => Json(user_json(&user.id, &user.username, false)).into_response(),
            None => error(StatusCode::UNAUTHORIZED, "401: Unauthorized"),
        },
        ["api", "users", "@me", "guilds"] => match oauth_user(&shared, authorization.as_deref()) {
            Some(user) => Json(
                user.guilds
                    .iter()
                    .map(|g| {
                        json!({
                            "id": g.id,
                            "name": g.name,
                            "icon": null,
                            "owner": g.owner,
                            "permissions": g.permissions.to_string(),
                            "features": [],
                        })
                    })
                    .collect::<Vec<_>>(),
            )
            .into_response(),
            None => error(StatusCode::UNAUTHORIZED, "401: Unauthorized"),
        },
        ["api", "v10", rest @ ..] => {
            if !authorization
                .as_deref()
                .is_some_and(|a| a.starts_with("Bot ") && a.len() > 4)
            {
                return error(StatusCode::UNAUTHORIZED, "401: Unauthorized");
            }
            let api_path = format!("/{}", rest.join("/"));
            match limits::verdict(&shared, method.as_str(), &api_path) {
                limits::Verdict::Refuse(response) => response,
                limits::Verdict::Pass(headers) => {
                    limits::with_headers(bot_api(&shared, &method, rest, body), headers)
                }
            }
        }
        _ => error(StatusCode::NOT_FOUND, "404: Not Found (fake Discord)"),
    }
}

/// The bot's REST API under `/api/v10`.
pub(super) fn bot_api(shared: &Shared, method: &Method, path: &[&str], body: Value) -> Response {
    if let Some(answer) = super::scheduled::scheduled_api(shared, method, path, &body) {
        return answer;
    }
    match (method.as_str(), path) {
        ("GET", ["gateway"]) | ("GET", ["gateway", "bot"]) => Json(json!({
            "url": format!("{}/gateway", shared.base_url.replacen("http", "ws", 1)),
            "shards": 1,
            "session_start_limit": {
                "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1
            },
        }))
        .into_response(),
        ("GET", ["users", "@me"]) => {
            Json(user_json(BOT_USER_ID, BOT_USERNAME, true)).into_response()
        }
        ("GET", ["applications", "@me"]) | ("GET", ["oauth2", "applications", "@me"]) => {
            Json(json!({
                "id": APPLICATION_ID,
                "name": BOT_USERNAME,
                "icon": null,
                "description": "",
                "bot_public": true,
                "bot_require_code_grant": false,
                "verify_key": "0",
                "flags": 0,
                "owner": user_json("900000000000000003", "owner", false),
                "team": null,
            }))
            .into_response()
        }
        ("PUT", ["applications", _, "commands"]) => register(shared, None, &body),
        ("PUT", ["applications", _, "guilds", guild, "commands"]) => {
            register(shared, Some((*guild).to_string()), &body)
        }
        ("GET", ["channels", channel]) => {
            let found = shared.with(|i| {
                if let Some(guild) = i.channels.get(*channel) {
                    return Some(json!({
                        "id": channel, "type": 0, "guild_id": guild, "name": "channel",
                    }));
                }
                let thread = i.threads.iter().find(|t| t.id == *channel)?;
                let guild = i.channels.get(&thread.parent_id)?;
                Some(json!({
                    "id": channel, "type": thread.kind, "guild_id": guild,
                    "parent_id": thread.parent_id, "name": thread.name,
                }))
            });
            match found {
                Some(channel) => Json(channel).into_response(),
                None => (
                    StatusCode::NOT_FOUND,
                    Json(json!({ "message": "Unknown Channel", "code": 10003 })),
                )
                    .into_response(),
            }
        }
        ("POST", ["users", "@me", "channels"]) => super::dm::open_channel(shared, &body),
        ("POST", ["channels", channel, "messages"])
            if shared.with(|i| i.dm_channels.contains_key(*channel)) =>
        {
            super::dm::direct_message(shared, channel, &body)
        }
        ("POST", ["channels", channel, "messages"]) => {
            let content = body
                .get("content")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let id = shared.next_id();
            let embed = embed_of(&body);
            shared.with(|i| {
                i.messages.push(PostedMessage {
                    id: id.clone(),
                    channel_id: (*channel).to_string(),
                    content: content.clone(),
                    embed,
                    custom_ids: custom_ids(&body),
                })
            });
            Json(message_json(&id, channel, &content, 0)).into_response()
        }
        ("POST", ["channels", channel, "threads"]) => {
            let id = shared.next_id();
            let name = body.get("name").and_then(Value::as_str).unwrap_or_default();
            let kind = body.get("type").and_then(Value::as_u64).unwrap_or(11);
            shared.with(|i| {
                i.threads.push(CreatedThread {
                    id: id.clone(),
                    parent_id: (*channel).to_string(),
                    name: name.to_string(),
                    kind,
                    members: Vec::new(),
                })
            });
            Json(json!({ "id": id, "type": kind, "parent_id": channel, "name": name }))
                .into_response()
        }
        ("PUT", ["channels", thread, "thread-members", user]) => {
            let known = shared.with(|i| {
                let found = i.threads.iter_mut().find(|t| t.id == *thread);
                if let Some(t) = found {
                    t.members.push((*user).to_string());
                    true
                } else {
                    false
                }
            });
            if known {
                StatusCode::NO_CONTENT.into_response()
            } else {
                error(StatusCode::NOT_FOUND, "Unknown Channel")
            }
        }
        ("PUT", ["guilds", guild, "members", user, "roles", role]) => {
            let known = shared.with(|i| {
                let known =
                    i.guilds.iter().any(|g| g == guild) || i.channels.values().any(|g| g == guild);
                if known {
                    i.role_grants.push(RoleGrant {
                        guild_id: (*guild).to_string(),
                        user_id: (*user).to_string(),
                        role_id: (*role).to_string(),
                    });
                }
                known
            });
            if known {
                StatusCode::NO_CONTENT.into_response()
            } else {
                error(StatusCode::NOT_FOUND, "Unknown Guild")
            }
        }
        ("POST", ["interactions", _, token, "callback"]) => {
            interaction_callback(shared, token, &body);
            StatusCode::NO_CONTENT.into_response()
        }
        ("POST", ["webhooks", _, token]) | ("PATCH", ["webhooks", _, token, "messages", _]) => {
            let content = body
                .get("content")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let flags = body.get("flags").and_then(Value::as_u64);
            interaction_followup(
                shared,
                token,
                &content,
                flags,
                custom_ids(&body),
                embed_of(&body),
            );
            let id = shared.next_id();
            Json(message_json(
                &id,
                "1100000000000000001",
                &content,
                flags.unwrap_or(0),
            ))
            .into_response()
        }
        _ => error(StatusCode::NOT_FOUND, "404: Not Found (fake Discord)"),
    }
}

/// Stores a command registration and answers like Discord: the commands with ids.
pub(super) fn register(shared: &Shared, guild: Option<String>, body: &Value) -> Response {
    let commands: Vec<Value> = body
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut command| {
            if let Some(map) = command.as_object_mut() {
                map.insert("id".into(), json!(shared.next_id()));
                map.insert("application_id".into(), json!(APPLICATION_ID));
                map.insert("version".into(), json!(shared.next_id()));
                map.entry("type").or_insert(json!(1));
                if let Some(g) = &guild {
                    map.insert("guild_id".into(), json!(g));
                }
            }
            command
        })
        .collect();
    shared.with(|i| i.registrations.push((guild, body.clone())));
    Json(commands).into_response()
}

/// The first answer to an interaction: a message (type 4) completes the waiting
/// `use_command`, suggestions (type 8) the waiting `autocomplete`; a deferral (type 5) waits
/// for the follow-up.
pub(super) fn interaction_callback(shared: &Shared, token: &str, body: &Value) {
    let kind = body.get("type").and_then(Value::as_u64).unwrap_or(0);
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let buttons = custom_ids(&data);
    let embed = embed_of(&data);
    let content = data
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let flags = data.get("flags").and_then(Value::as_u64).unwrap_or(0);
    // An autocomplete answer (type 8): the suggestions.
    let choices: Vec<(String, String)> = data
        .get("choices")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let text = |key: &str| {
                c.get(key)
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .unwrap_or_default()
            };
            (text("name"), text("value"))
        })
        .collect();
    shared.with(|i| {
        if let Some(pending) = i.pending.get_mut(token) {
            pending.callback = Some((kind, flags, content.clone()));
            if kind != 5 {
                if let Some(done) = pending.done.take() {
                    done.send(InteractionReply {
                        kind,
                        content,
                        flags,
                        custom_ids: buttons,
                        choices,
                        embed,
                    })
                    .ok();
                }
            }
        }
    });
}

/// The title and description of a message body's first embed.
pub(super) fn embed_of(body: &Value) -> Option<(String, String)> {
    body.pointer("/embeds/0").map(|e| {
        let text = |k: &str| {
            e.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        (text("title"), text("description"))
    })
}

/// The custom ids of the buttons in a message body's `components`.
pub(super) fn custom_ids(body: &Value) -> Vec<String> {
    body.get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|row| row.get("components").and_then(Value::as_array))
        .flatten()
        .filter_map(|c| {
            c.get("custom_id")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

pub(super) fn interaction_followup(
    shared: &Shared,
    token: &str,
    content: &str,
    flags: Option<u64>,
    custom_ids: Vec<String>,
    embed: Option<(String, String)>,
) {
    shared.with(|i| {
        if let Some(pending) = i.pending.get_mut(token) {
            let (kind, deferred_flags) = pending
                .callback
                .as_ref()
                .map(|(k, f, _)| (*k, *f))
                .unwrap_or((0, 0));
            if let Some(done) = pending.done.take() {
                done.send(InteractionReply {
                    kind,
                    content: content.to_string(),
                    flags: flags.unwrap_or(deferred_flags),
                    custom_ids,
                    choices: Vec::new(),
                    embed,
                })
                .ok();
            }
        }
    });
}

pub(super) fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "message": message, "code": 0 }))).into_response()
}

pub(super) fn parse_body(headers: &HeaderMap, body: &Bytes) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        return value;
    }
    let text = String::from_utf8_lossy(body).to_string();
    let is_form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let map: BTreeMap<String, Value> = text
            .split('&')
            .filter_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                Some((decode(k), Value::String(decode(v))))
            })
            .collect();
        return json!(map);
    }
    Value::String(text)
}

/// Percent-decoding of form fields (`+` is a space).
pub(super) fn decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'+', _, _) => out.push(b' '),
            (b'%', Some(&hi), Some(&lo)) => match (hex(hi), hex(lo)) {
                (Some(hi), Some(lo)) => {
                    out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            (b, _, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

pub(super) fn message_json(id: &str, channel_id: &str, content: &str, flags: u64) -> Value {
    json!({
        "id": id,
        "channel_id": channel_id,
        "author": user_json(BOT_USER_ID, BOT_USERNAME, true),
        "content": content,
        "timestamp": "2024-01-01T00:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": flags,
    })
}

pub(super) fn user_json(id: &str, username: &str, bot: bool) -> Value {
    json!({
        "id": id,
        "username": username,
        "global_name": null,
        "avatar": null,
        "bot": bot,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn form_fields_are_decoded() {
        assert_eq!(decode("a+b%20c%2Fd"), "a b c/d");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
    }
    #[tokio::test]
    async fn posted_messages_are_recorded() {
        let fake = FakeDiscord::start().await;
        let rest = sdk::bot::DiscordRest::new(format!("{}/v10", fake.api_url()), "token");
        let id = rest.post_message("555", "hello there").await.unwrap();
        assert!(!id.is_empty());
        assert_eq!(
            fake.messages(),
            vec![PostedMessage {
                id: id.clone(),
                channel_id: "555".into(),
                content: "hello there".into(),
                embed: None,
                custom_ids: Vec::new(),
            }]
        );
        // An embed with buttons, a private thread and a member in it.
        let message = sdk::bot::OutgoingMessage {
            content: String::new(),
            embed: Some(("Title".into(), "Body".into())),
            buttons: vec![sdk::bot::Button::new(
                "x:1",
                "Go",
                sdk::bot::ButtonStyle::Primary,
            )],
        };
        rest.send("555", &message).await.unwrap();
        let last = fake.messages().pop().unwrap();
        assert_eq!(last.embed, Some(("Title".into(), "Body".into())));
        assert_eq!(last.custom_ids, vec!["x:1".to_string()]);
        let thread = rest.create_private_thread("555", "A thread").await.unwrap();
        rest.add_thread_member(&thread, "42").await.unwrap();
        let threads = fake.threads();
        assert_eq!(threads.len(), 1);
        assert_eq!(
            (
                threads[0].parent_id.as_str(),
                threads[0].kind,
                threads[0].members.clone()
            ),
            ("555", 12, vec!["42".to_string()])
        );
        assert!(rest.add_thread_member("999", "42").await.is_err());
        // Channels resolve to their server (threads to their parent's); unknown ones to none.
        fake.add_channel("55555", "7777777");
        assert_eq!(
            rest.channel_guild("55555").await.unwrap().as_deref(),
            Some("7777777")
        );
        let inner = rest.create_private_thread("55555", "Inner").await.unwrap();
        assert_eq!(
            rest.channel_guild(&inner).await.unwrap().as_deref(),
            Some("7777777")
        );
        assert_eq!(rest.channel_guild(&thread).await.unwrap(), None);
        assert_eq!(rest.channel_guild("99999").await.unwrap(), None);
        // Without the bot's token the API refuses, like Discord.
        let anonymous = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap()
            .post(format!("{}/v10/channels/1/messages", fake.api_url()))
            .json(&json!({"content": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401);
    }

    #[tokio::test]
    async fn roles_are_given_in_known_servers_only() {
        let fake = FakeDiscord::start().await;
        let rest = sdk::bot::DiscordRest::new(format!("{}/v10", fake.api_url()), "token");
        fake.add_guild("7000000000000001");
        rest.add_member_role("7000000000000001", "4200000000000001", "5100000000000001")
            .await
            .unwrap();
        // An unknown server is Discord's 404, and nothing is recorded for it.
        let e = rest
            .add_member_role("7000000000000002", "4200000000000001", "5100000000000001")
            .await
            .unwrap_err();
        assert!(e.message().contains("Unknown Guild"), "{e}");
        assert_eq!(
            fake.role_grants(),
            vec![RoleGrant {
                guild_id: "7000000000000001".into(),
                user_id: "4200000000000001".into(),
                role_id: "5100000000000001".into(),
            }]
        );
        // Ids that are not snowflakes never reach Discord.
        assert!(rest
            .add_member_role("7000000000000001", "../x", "1")
            .await
            .is_err());
        assert_eq!(fake.requests_to("PUT", "/api/v10/guilds").len(), 2);
    }
}
