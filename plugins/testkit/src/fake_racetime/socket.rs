//! The bot websocket `/ws/o/bot/<slug>` (§5): the handshake is accepted for any existing room
//! without looking at the token (`Authorization: Bearer …` or `?token=…`, read once); the socket
//! gets `race.data` then `race.renders` at once. `ping`, `getrace` and `gethistory` work for
//! anyone; every other action first needs a recognised name, then a currently valid token of an
//! active bot of the room's category ("Permission denied…", socket kept open), as
//! `BotRaceConsumer` does. Errors come back as `error` frames to the sender only; effects come
//! as broadcasts (`chat.message`, `race.data`) to every socket of the room.
//!
//! A frame that is JSON but not an object, or an action that reads `data` without `data` being
//! an object, makes upstream's consumer raise; Channels then closes the socket (1011). The fake
//! does the same.

use axum::{
    extract::{
        ws::{rejection::WebSocketUpgradeRejection, CloseFrame, Message, WebSocket},
        Path, State, WebSocketUpgrade,
    },
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;

use super::{
    lock, render,
    state::{frame, Entrant, Joining, Outgoing, RoomState, Socket},
    wire, Inner, Recorded, Shared,
};

pub(super) async fn upgrade(
    State(inner): State<Shared>,
    Path(slug): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    {
        let mut guard = lock(&inner);
        guard.requests.push(Recorded {
            method: "GET".into(),
            path: uri.path().to_string(),
            query: uri.query().map(str::to_string),
            body: String::new(),
        });
        // An unknown room: the consumer never accepts, and the server refuses the handshake.
        if guard.find(&slug).is_none() {
            return wire::empty(StatusCode::FORBIDDEN);
        }
    }
    let ws = match ws {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    let token = wire::bearer(&headers).or_else(|| {
        wire::parse_form(uri.query().unwrap_or_default())
            .remove("token")
            .filter(|t| !t.is_empty())
    });
    ws.on_upgrade(move |socket| connection(inner, slug, token, socket))
}

enum Step {
    Continue,
    /// The consumer raised: close the socket (1011).
    Close,
}

async fn connection(inner: Shared, slug: String, token: Option<String>, mut socket: WebSocket) {
    let (out, mut orders) = mpsc::unbounded_channel();
    let id = {
        let mut guard = lock(&inner);
        let Some(i) = guard.find(&slug) else { return };
        let id = guard.next_id();
        // Registered and greeted under one lock, so no broadcast slips in between or is lost.
        for text in guard.race_frames(i) {
            out.send(Outgoing::Frame(text)).ok();
        }
        guard.sockets.push(Socket {
            id,
            slug: slug.clone(),
            out,
        });
        id
    };
    loop {
        tokio::select! {
            order = orders.recv() => match order {
                Some(Outgoing::Frame(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close(code, reason)) => {
                    let close = CloseFrame { code, reason: reason.into() };
                    socket.send(Message::Close(Some(close))).await.ok();
                    break;
                }
                // Dropping the socket ends the TCP connection without a close frame.
                Some(Outgoing::Drop) | None => break,
            },
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { break };
                let text = match message {
                    Message::Text(text) => text.to_string(),
                    Message::Close(_) => break,
                    _ => continue,
                };
                if let Step::Close = on_text(&inner, id, &slug, token.as_deref(), &text) {
                    let close = CloseFrame { code: 1011, reason: "".into() };
                    socket.send(Message::Close(Some(close))).await.ok();
                    break;
                }
            }
        }
    }
    lock(&inner).sockets.retain(|s| s.id != id);
}

/// The actions of `racetime/race_bot_actions.py`.
const BOT_ACTIONS: &[&str] = &[
    "message",
    "pin_message",
    "unpin_message",
    "make_open",
    "make_invitational",
    "begin",
    "cancel",
    "invite",
    "accept_request",
    "force_unready",
    "remove_entrant",
    "add_monitor",
    "remove_monitor",
    "override_stream",
    "setinfo",
    "setmeta",
];

fn on_text(inner: &Shared, socket: u64, slug: &str, token: Option<&str>, text: &str) -> Step {
    let mut inner = lock(inner);
    let Some(i) = inner.find(slug) else {
        return Step::Continue;
    };
    let error = |inner: &Inner, errors: Vec<String>| {
        inner.send_to(socket, frame("error", json!({ "errors": errors })));
    };
    let Ok(parsed) = serde_json::from_str::<Value>(text) else {
        error(
            &inner,
            vec!["Unable to process that message (encountered invalid or possibly corrupted data). Sorry about that.".into()],
        );
        return Step::Continue;
    };
    let Some(object) = parsed.as_object() else {
        return Step::Close;
    };
    let action = object.get("action").and_then(Value::as_str).unwrap_or("");
    match action {
        "ping" => inner.send_to(socket, frame("pong", json!({}))),
        "getrace" => {
            for text in inner.race_frames(i) {
                inner.send_to(socket, text);
            }
        }
        "gethistory" => {
            // `get_chat_history` as the consumer calls it: no DMs, the last 100 unpinned plus
            // every pinned message, unpinned first (it ignores any `last_message`).
            let chat: Vec<&Value> = inner.rooms[i]
                .chat
                .iter()
                .filter(|m| m["is_dm"] != json!(true))
                .collect();
            let unpinned: Vec<&Value> = chat
                .iter()
                .copied()
                .filter(|m| m["is_pinned"] != json!(true))
                .collect();
            let mut messages: Vec<&Value> = unpinned[unpinned.len().saturating_sub(100)..].to_vec();
            messages.extend(chat.iter().filter(|m| m["is_pinned"] == json!(true)));
            inner.send_to(
                socket,
                frame("chat.history", json!({ "messages": messages })),
            );
        }
        _ if !BOT_ACTIONS.contains(&action) => error(
            &inner,
            vec!["Action is missing or not recognised. Check your input and try again.".into()],
        ),
        _ => {
            let category = inner.rooms[i].category.clone();
            let Some(bot) = inner.bot_of(token, &category) else {
                error(
                    &inner,
                    vec!["Permission denied. Check your authorization token.".into()],
                );
                return Step::Continue;
            };
            let reads_data = !matches!(
                action,
                "make_open" | "make_invitational" | "begin" | "cancel"
            );
            let data = match object.get("data") {
                Some(Value::Object(data)) => data.clone(),
                _ if !reads_data => Map::new(),
                _ => return Step::Close,
            };
            if let Err(errors) = bot_action(&mut inner, i, &bot, action, &data) {
                error(&inner, errors);
            }
        }
    }
    Step::Continue
}

type Outcome = Result<(), Vec<String>>;

fn fail<T>(message: impl Into<String>) -> Result<T, Vec<String>> {
    Err(vec![message.into()])
}

/// A JSON value as the string a Django form field would read ("" for null or structures).
fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// A checkbox as Django reads a JSON value: `"false"` and false are false, other truthy values
/// true.
fn checkbox(value: Option<&Value>) -> bool {
    match value {
        Some(Value::String(s)) => !s.is_empty() && !s.eq_ignore_ascii_case("false"),
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        _ => false,
    }
}

fn too_long(field: &str, value: &str, max: usize) -> Option<String> {
    let len = value.chars().count();
    (len > max)
        .then(|| format!("{field}: Ensure this value has at most {max} characters (it has {len})."))
}

fn bot_action(
    inner: &mut Inner,
    i: usize,
    bot: &str,
    action: &str,
    data: &Map<String, Value>,
) -> Outcome {
    match action {
        "message" => message(inner, i, bot, data),
        "pin_message" | "unpin_message" => pin(inner, i, data, action == "pin_message"),
        "make_open" => {
            if inner.rooms[i].state != RoomState::Invitational {
                return fail("Race is not an invitational.");
            }
            inner.rooms[i].state = RoomState::Open;
            inner.commit(
                i,
                Some(&format!(
                    "{bot} sets the race to be open. Anyone may now join."
                )),
            );
            Ok(())
        }
        "make_invitational" => {
            if inner.rooms[i].state != RoomState::Open {
                return fail("Race is not open.");
            }
            inner.rooms[i].state = RoomState::Invitational;
            inner.commit(i, Some(&format!("{bot} sets the race to be invite only.")));
            Ok(())
        }
        "begin" => inner.begin(i, Some(bot)).map_err(|e| vec![e]),
        "cancel" => inner.cancel(i, bot).map_err(|e| vec![e]),
        "invite" => invite(inner, i, bot, data),
        "setinfo" => setinfo(inner, i, bot, data),
        "setmeta" => {
            let mut meta = inner.rooms[i].bot_meta.clone();
            meta.extend(data.clone());
            if json!({ "bot_meta": meta }).to_string().len() > 2048 {
                return fail("Data provided is too large to save.");
            }
            // Saved with a version bump but not broadcast: it shows in the next race.data.
            inner.rooms[i].bot_meta = meta;
            inner.rooms[i].version += 1;
            Ok(())
        }
        _ => entrant_action(inner, i, bot, action, data),
    }
}

fn message(inner: &mut Inner, i: usize, bot: &str, data: &Map<String, Value>) -> Outcome {
    let guid = data.get("guid").and_then(Value::as_str).unwrap_or("");
    let guid_ok = !guid.is_empty()
        && guid
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase() || c == '-');
    if !guid_ok {
        return fail("Bad request, no GUID supplied. A unique string is required to prevent duplicate messaging.");
    }
    // Upstream remembers the guid before validating, so even a refused message's guid is spent.
    if !inner.seen_guids.insert(guid.to_string()) {
        return Ok(());
    }
    let mut errors = Vec::new();
    let direct_to = text(data.get("direct_to"));
    if !direct_to.is_empty() && inner.racer(&direct_to).is_none() {
        errors.push("direct_to: Unrecognised user".to_string());
    }
    let body = text(data.get("message"));
    if body.is_empty() {
        errors.push("message: This field is required.".into());
    }
    errors.extend(too_long("message", &body, 1000));
    let dm = !direct_to.is_empty();
    let actions = match data.get("actions") {
        Some(Value::Object(actions)) if !dm => Value::Object(actions.clone()),
        _ => json!({}),
    };
    if actions.as_object().is_some_and(|a| a.len() > 4) {
        errors.push("actions: A message may only have up to 4 actions.".into());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if inner.rooms[i].chat_closed() {
        return fail("This race chat is now closed. No new messages may be added.");
    }
    inner.rooms[i].bot_messages.push(body.clone());
    let message = render::message(
        inner,
        render::Line {
            text: &body,
            user: None,
            bot: Some(bot),
            direct_to: dm.then_some(direct_to.as_str()),
            highlight: false,
            pinned: !dm && checkbox(data.get("pinned")),
            actions,
            delay: 0,
            is_monitor: false,
        },
    );
    inner.post(i, message);
    Ok(())
}

fn pin(inner: &mut Inner, i: usize, data: &Map<String, Value>, pinned: bool) -> Outcome {
    if inner.rooms[i].chat_closed() {
        return fail("This race chat is now closed.");
    }
    let id = text(data.get("message"));
    let room = &mut inner.rooms[i];
    let Some(message) = room.chat.iter_mut().find(|m| m["id"] == json!(id)) else {
        return fail("Could not find a message with that ID.");
    };
    if message["is_dm"] == json!(true) || message["is_pinned"] == json!(pinned) {
        return Ok(());
    }
    message["is_pinned"] = json!(pinned);
    let text = frame(
        if pinned { "chat.pin" } else { "chat.unpin" },
        json!({ "message": message.clone() }),
    );
    let slug = room.slug.clone();
    inner.broadcast(&slug, &text);
    Ok(())
}

fn invite(inner: &mut Inner, i: usize, bot: &str, data: &Map<String, Value>) -> Outcome {
    let user = text(data.get("user"));
    if inner.racer(&user).is_none() {
        return fail("No user found matching the given ID.");
    }
    let name = inner.display(&user);
    if inner.rooms[i].entrant(&user).is_some() {
        return fail(format!("{name} is already an entrant."));
    }
    if !inner.can_join(i, &user) {
        return fail(format!("{name} is not allowed to join this race."));
    }
    if !inner.rooms[i].state.is_preparing() {
        return fail("User is not eligible to join this race.");
    }
    inner.rooms[i]
        .entrants
        .push(Entrant::new(&user, Joining::Invited));
    inner.commit(i, Some(&format!("{bot} invites {name} to join the race.")));
    Ok(())
}

fn setinfo(inner: &mut Inner, i: usize, bot: &str, data: &Map<String, Value>) -> Outcome {
    // Backwards compatibility: `info` means `info_user`.
    let (info_user, info_bot) = match data.get("info") {
        Some(info) => (text(Some(info)), String::new()),
        None => (text(data.get("info_user")), text(data.get("info_bot"))),
    };
    let mut errors: Vec<String> = too_long("info_bot", &info_bot, 1000).into_iter().collect();
    errors.extend(too_long("info_user", &info_user, 1000));
    if !errors.is_empty() {
        return Err(errors);
    }
    // A blank value is "unchanged": setinfo cannot clear a field.
    let room = &mut inner.rooms[i];
    if !info_bot.is_empty() {
        room.info_bot = info_bot;
    }
    if !info_user.is_empty() {
        room.info_user = info_user;
    }
    inner.commit(
        i,
        Some(&format!("##bot##{bot}## updated the race information.")),
    );
    Ok(())
}

/// The actions on one entrant (`BotEntrantAction`): the user must exist, then be an entrant.
fn entrant_action(
    inner: &mut Inner,
    i: usize,
    bot: &str,
    action: &str,
    data: &Map<String, Value>,
) -> Outcome {
    let user = text(data.get("user"));
    if inner.racer(&user).is_none() {
        return fail("No user found matching the given ID.");
    }
    let Some(e) = inner.rooms[i].entrant(&user) else {
        return fail("Specified user is not a race entrant.");
    };
    let name = inner.display(&user);
    let live = inner.racer(&user).is_some_and(|r| r.twitch);
    let room = &mut inner.rooms[i];
    let preparing = room.state.is_preparing();
    let line = match action {
        "accept_request" => {
            if room.entrants[e].joining != Joining::Requested {
                return fail("This user has not requested to join this race. Refresh to continue.");
            }
            room.entrants[e].joining = Joining::Joined;
            format!("{bot} accepts a request to join from {name}.")
        }
        "force_unready" => {
            let entrant = &mut room.entrants[e];
            if !(entrant.joining == Joining::Joined && preparing && entrant.ready) {
                return fail(
                    "You cannot force this entrant to unready at this time. Refresh to continue.",
                );
            }
            entrant.ready = false;
            format!("{bot} unreadies {name}.")
        }
        "remove_entrant" => {
            if !preparing {
                return fail("You cannot remove this entrant at this time. Refresh to continue.");
            }
            room.entrants.remove(e);
            format!("{bot} removes {name} from the race.")
        }
        "add_monitor" => {
            if room.monitors.len() > 5 {
                return fail("Races cannot have more than 5 monitors.");
            }
            if room.state.is_done() || room.monitors.contains(&user) {
                return Ok(());
            }
            room.monitors.push(user.clone());
            format!("{bot} promoted {name} to race monitor.")
        }
        "remove_monitor" => {
            if room.state.is_done() || !room.monitors.contains(&user) {
                return Ok(());
            }
            room.monitors.retain(|m| *m != user);
            format!("{bot} demoted {name} from race monitor.")
        }
        _ => {
            // override_stream
            let streaming = room.streaming_required;
            let entrant = &mut room.entrants[e];
            if !(entrant.joining == Joining::Joined
                && preparing
                && streaming
                && !live
                && !entrant.stream_override)
            {
                return fail("You cannot set a stream override for this entrant at this time. Refresh to continue.");
            }
            entrant.stream_override = true;
            format!("{bot} sets a stream override for {name}.")
        }
    };
    inner.commit(i, Some(&line));
    Ok(())
}
