//! The fake's gateway: the websocket the bot connects to (hello, identify, ready, heartbeats)
//! and the interactions tests send through it.

use super::*;

pub(super) async fn gateway(
    State(shared): State<Arc<Shared>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade.on_upgrade(move |socket| gateway_connection(shared, socket))
}

/// One gateway connection: HELLO, then IDENTIFY → READY or RESUME → RESUMED, heartbeats ACKed,
/// and whatever the test dispatches.
pub(super) async fn gateway_connection(shared: Arc<Shared>, mut socket: WebSocket) {
    let conn: u64 = shared.ids.fetch_add(1, Ordering::Relaxed);
    let (out, mut outgoing) = mpsc::unbounded_channel::<Message>();
    shared.with(|i| {
        i.sessions.push(Session {
            conn,
            out: out.clone(),
            session_id: None,
        })
    });
    let hello = json!({ "op": 10, "d": { "heartbeat_interval": shared.heartbeat_interval_ms } });
    out.send(Message::Text(hello.to_string().into())).ok();
    loop {
        tokio::select! {
            next = outgoing.recv() => {
                let Some(message) = next else { break };
                let closing = matches!(message, Message::Close(_));
                if socket.send(message).await.is_err() || closing {
                    break;
                }
            }
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { break };
                let text = match message {
                    Message::Text(text) => text.to_string(),
                    Message::Close(_) => break,
                    _ => continue,
                };
                let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
                gateway_frame(&shared, conn, &out, &frame);
            }
        }
    }
    shared.with(|i| i.sessions.retain(|s| s.conn != conn));
}

pub(super) fn gateway_frame(
    shared: &Shared,
    conn: u64,
    out: &mpsc::UnboundedSender<Message>,
    frame: &Value,
) {
    let send = |value: Value| {
        out.send(Message::Text(value.to_string().into())).ok();
    };
    match frame.get("op").and_then(Value::as_u64) {
        // Heartbeat.
        Some(1) => send(json!({ "op": 11 })),
        // Identify: a new session (unless the token is refused).
        Some(2) => {
            let token = frame
                .get("d")
                .and_then(|d| d.get("token"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let token = token.strip_prefix("Bot ").unwrap_or(token);
            if shared.with(|i| i.rejected_tokens.iter().any(|t| t == token)) {
                out.send(Message::Close(Some(CloseFrame {
                    code: 4004,
                    reason: Utf8Bytes::from_static("Authentication failed."),
                })))
                .ok();
                return;
            }
            let session_id = format!("session-{}", shared.next_id());
            shared.with(|i| {
                i.identifies
                    .push(frame.get("d").cloned().unwrap_or(Value::Null));
                i.known_sessions.insert(session_id.clone(), 1);
                if let Some(s) = i.sessions.iter_mut().find(|s| s.conn == conn) {
                    s.session_id = Some(session_id.clone());
                }
            });
            send(json!({
                "op": 0,
                "s": 1,
                "t": "READY",
                "d": {
                    "v": 10,
                    "user": {
                        "id": BOT_USER_ID,
                        "username": BOT_USERNAME,
                        "global_name": null,
                        "avatar": null,
                        "bot": true,
                        "verified": true,
                        "mfa_enabled": false,
                        "flags": 0,
                    },
                    "guilds": [],
                    "session_id": session_id,
                    "resume_gateway_url": format!("{}/gateway", shared.base_url.replacen("http", "ws", 1)),
                    "shard": [0, 1],
                    "application": { "id": APPLICATION_ID, "flags": 0 },
                },
            }));
        }
        // Resume: known session → RESUMED; otherwise the session is invalid (not resumable).
        Some(6) => {
            let session_id = frame
                .get("d")
                .and_then(|d| d.get("session_id"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let seq = shared.with(|i| {
                let seq = i.known_sessions.get_mut(&session_id).map(|seq| {
                    *seq += 1;
                    *seq
                });
                if seq.is_some() {
                    i.resumes += 1;
                    if let Some(s) = i.sessions.iter_mut().find(|s| s.conn == conn) {
                        s.session_id = Some(session_id.clone());
                    }
                }
                seq
            });
            match seq {
                Some(seq) => send(json!({ "op": 0, "s": seq, "t": "RESUMED", "d": {} })),
                None => send(json!({ "op": 9, "d": false })),
            }
        }
        _ => {}
    }
}

/// Sends a dispatch to the newest identified session, with its next sequence number.
pub(super) fn dispatch(inner: &mut Inner, name: &str, data: Value) -> bool {
    let Some(session) = inner
        .sessions
        .iter()
        .rev()
        .find(|s| s.session_id.is_some() && !s.out.is_closed())
    else {
        return false;
    };
    let Some(session_id) = session.session_id.clone() else {
        return false;
    };
    let seq = inner.known_sessions.entry(session_id).or_insert(0);
    *seq += 1;
    let frame = json!({ "op": 0, "s": *seq, "t": name, "d": data });
    session
        .out
        .send(Message::Text(frame.to_string().into()))
        .is_ok()
}

/// An APPLICATION_COMMAND interaction as the fake sends it (for tests that decode it
/// themselves): `/name` with `options` used in server `guild_id` by Discord user `user_id`.
pub fn command_interaction(guild_id: &str, user_id: &str, name: &str, options: &Value) -> Value {
    interaction_payload(&InteractionSpec {
        interaction_id: "1200000000000000001",
        token: "interaction-token",
        command_id: "1200000000000000002",
        guild_id,
        channel_id: "1100000000000000001",
        user_id,
        name,
        options,
    })
}

/// An APPLICATION_COMMAND interaction as Discord sends it in INTERACTION_CREATE.
pub(super) fn interaction_payload(spec: &InteractionSpec<'_>) -> Value {
    let options: Vec<Value> = spec
        .options
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(name, value)| {
                    // Discord's option types: 3 string, 4 integer, 5 boolean, 10 number.
                    let kind = match value {
                        Value::Bool(_) => 5,
                        Value::Number(n) if n.is_i64() || n.is_u64() => 4,
                        Value::Number(_) => 10,
                        _ => 3,
                    };
                    json!({ "name": name, "type": kind, "value": value })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "id": spec.interaction_id,
        "application_id": APPLICATION_ID,
        "type": 2,
        "data": {
            "id": spec.command_id,
            "name": spec.name,
            "type": 1,
            "options": options,
        },
        "guild_id": spec.guild_id,
        "channel_id": spec.channel_id,
        "member": {
            "user": user_json(spec.user_id, &format!("user{}", spec.user_id), false),
            "roles": [],
            "joined_at": "2024-01-01T00:00:00.000000+00:00",
            "deaf": false,
            "mute": false,
            "flags": 0,
            "permissions": "2147483647",
        },
        "token": spec.token,
        "version": 1,
        "app_permissions": "2147483647",
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 8_388_608,
    })
}
