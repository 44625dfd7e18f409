//! A fake bingosync.com (docs/upstreams/randomizers.md §8.3): `GET /` is the room page, with
//! Django's CSRF token in the form (`csrfmiddlewaretoken`) and the `csrftoken` cookie; `POST /`
//! makes a room when both come back with a `Referer`, answering 302 `Location: /room/{id}` and
//! the creator's `sessionid` cookie. Like the real site it answers 403 (Django's "CSRF
//! verification failed" page) when the token, the cookie or the Referer is missing, and 200 with
//! the form again — field errors rendered as crispy-forms' bootstrap3 pack does — when a field
//! is missing or not one of the choices ("200 means it failed"). Game types 1–400 and lockout
//! modes 1–2 are the choices here.
//!
//! Site-specific failures besides [`super::Failure`]: [`BingosyncState::without_token`] (the page
//! has no token) and [`BingosyncState::post_answers`] (the next POSTs answer this instead, e.g.
//! a 200 page that looks like success but made no room).
//!
//! New cards (§8.2): `POST /api/join-room` (JSON `{room, nickname, password, is_specator}`)
//! answers 302 to the socket-key page with a `sessionid` cookie, or 400 `{"error": …}` for a
//! wrong password; `PUT /api/new-card` takes a card only with the session of someone in that
//! room (else 403), answers 400 `{"error": …}` for a body that is not JSON or misses a key, 404
//! for an unknown room, and 200 plain text `Received data: …` for a card it took
//! ([`BingosyncState::cards`]).

use std::{
    collections::{BTreeMap, VecDeque},
    sync::{Arc, Mutex},
};

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::{lock, FakeSite, Request};

/// The CSRF token the fake hands out (page and cookie) unless the state says otherwise.
pub const TOKEN: &str = "fake-csrf-token-0123456789";

/// A room the fake made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// 22 characters of URL-safe base64, as Bingosync's encoded UUIDs.
    pub id: String,
    pub name: String,
    pub passphrase: String,
    pub nickname: String,
    /// `variant_type` when given, else `game_type`, as the site keeps it.
    pub game_type: u32,
    pub lockout_mode: u32,
    /// The seed sent, or the one drawn (1–1,000,000) when blank.
    pub seed: String,
    pub custom_json: String,
    /// Django checkbox semantics: present with any value but `false` means on.
    pub is_spectator: bool,
    pub hide_card: bool,
    /// The creator's session cookie value.
    pub session: String,
}

/// The fake site's state.
#[derive(Debug)]
pub struct BingosyncState {
    /// The token in the page and the `csrftoken` cookie.
    pub token: String,
    /// The room page comes without the CSRF input (a changed or broken page).
    pub without_token: bool,
    /// The next POSTs to `/` are answered with (status, content type, body) instead.
    pub post_answers: VecDeque<(u16, &'static str, String)>,
    /// Rooms made so far.
    pub rooms: Vec<Room>,
    /// Sessions of those who joined a room since: (session, room id).
    pub joined: Vec<(String, String)>,
    /// New cards put in rooms: the bodies taken.
    pub cards: Vec<serde_json::Value>,
}

impl Default for BingosyncState {
    fn default() -> Self {
        Self {
            token: TOKEN.into(),
            without_token: false,
            post_answers: VecDeque::new(),
            rooms: Vec::new(),
            joined: Vec::new(),
            cards: Vec::new(),
        }
    }
}

pub type FakeBingosync = FakeSite<BingosyncState>;

impl FakeSite<BingosyncState> {
    pub async fn bingosync() -> std::io::Result<Self> {
        FakeSite::start(BingosyncState::default(), handle).await
    }
}

/// The fields of a form-encoded body (`a=1&b=x+y`), the last value of a repeated name winning
/// (as Django's `QueryDict.get` reads it). Tests read a recorded body with it too.
pub fn form_fields(body: &str) -> BTreeMap<String, String> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub(crate) fn cookie(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}

/// Django's answer to a POST whose CSRF check fails.
pub(crate) fn csrf_failure() -> Response {
    html(
        StatusCode::FORBIDDEN,
        "<html><body><h1>Forbidden <span>(403)</span></h1><p>CSRF verification failed. Request aborted.</p></body></html>".into(),
    )
}

pub(crate) fn html(status: StatusCode, body: String) -> Response {
    (status, [("content-type", "text/html; charset=utf-8")], body).into_response()
}

/// Whether a POST carries Django's CSRF proof: the form's token, the cookie, and a Referer.
pub(crate) fn csrf_ok(request: &Request, form: &BTreeMap<String, String>, token: &str) -> bool {
    form.get("csrfmiddlewaretoken").map(String::as_str) == Some(token)
        && cookie(request, "csrftoken").as_deref() == Some(token)
        && request.headers.contains_key("referer")
}

fn handle(site: &Arc<Mutex<BingosyncState>>, request: &Request) -> Response {
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/") => {
            let state = lock(site);
            let page = room_page(&state, &[]);
            (
                StatusCode::OK,
                [
                    ("content-type", "text/html; charset=utf-8".to_string()),
                    (
                        "set-cookie",
                        format!(
                            "csrftoken={}; expires=Thu, 01 Jan 2099 00:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax",
                            state.token
                        ),
                    ),
                ],
                page,
            )
                .into_response()
        }
        ("POST", "/") => create_room(site, request),
        ("POST", "/api/join-room") => join_room(site, request),
        ("PUT", "/api/new-card") => new_card(site, request),
        _ => html(
            StatusCode::NOT_FOUND,
            "<html><body><h1>Not Found</h1></body></html>".into(),
        ),
    }
}

fn json_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        [("content-type", "application/json")],
        serde_json::json!({ "error": message }).to_string(),
    )
        .into_response()
}

fn join_room(site: &Arc<Mutex<BingosyncState>>, request: &Request) -> Response {
    let Ok(body) = serde_json::from_str::<serde_json::Value>(&request.body) else {
        return json_error(StatusCode::BAD_REQUEST, "Request body was not valid JSON.");
    };
    let text = |key: &str| body.get(key).and_then(|v| v.as_str()).unwrap_or_default();
    let mut state = lock(site);
    let Some(room) = state.rooms.iter().find(|r| r.id == text("room")).cloned() else {
        return html(
            StatusCode::NOT_FOUND,
            "<html><body><h1>Not Found</h1></body></html>".into(),
        );
    };
    if text("nickname").is_empty() || room.passphrase != text("password") {
        return json_error(StatusCode::BAD_REQUEST, "Incorrect Password");
    }
    let session = format!("fake-joined-{}", state.joined.len() + 1);
    state.joined.push((session.clone(), room.id.clone()));
    (
        StatusCode::FOUND,
        [
            ("location", format!("/api/get-socket-key/{}", room.id)),
            (
                "set-cookie",
                format!("sessionid={session}; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"),
            ),
        ],
    )
        .into_response()
}

fn new_card(site: &Arc<Mutex<BingosyncState>>, request: &Request) -> Response {
    let Ok(body) = serde_json::from_str::<serde_json::Value>(&request.body) else {
        return json_error(StatusCode::BAD_REQUEST, "Request body was not valid JSON.");
    };
    for key in ["room", "game_type", "lockout_mode", "hide_card"] {
        if body.get(key).is_none_or(|v| v == "") {
            return json_error(StatusCode::BAD_REQUEST, &format!("Missing key: {key}"));
        }
    }
    let room = body["room"].as_str().unwrap_or_default().to_string();
    let mut state = lock(site);
    if !state.rooms.iter().any(|r| r.id == room) {
        return html(
            StatusCode::NOT_FOUND,
            "<html><body><h1>Not Found</h1></body></html>".into(),
        );
    }
    let session = cookie(request, "sessionid").unwrap_or_default();
    let in_room = state
        .joined
        .iter()
        .any(|(s, r)| *s == session && *r == room)
        || state
            .rooms
            .iter()
            .any(|r| r.id == room && r.session == session);
    if !in_room {
        return html(StatusCode::FORBIDDEN, "Not authenticated".into());
    }
    let said = format!("Received data: {body}");
    state.cards.push(body);
    (StatusCode::OK, [("content-type", "text/plain")], said).into_response()
}

/// The index page with the room form (and `errors`, field → message, as crispy renders them).
fn room_page(state: &BingosyncState, errors: &[(&str, String)]) -> String {
    let token = if state.without_token {
        String::new()
    } else {
        format!(
            r#"<input type="hidden" name="csrfmiddlewaretoken" value="{}">"#,
            state.token
        )
    };
    let mut fields = String::new();
    for name in [
        "room_name",
        "passphrase",
        "nickname",
        "game_type",
        "variant_type",
        "custom_json",
        "lockout_mode",
        "seed",
        "is_spectator",
        "hide_card",
    ] {
        fields += &format!(
            r#"<div id="div_id_{name}" class="form-group"><input name="{name}" id="id_{name}">"#
        );
        for (i, (_, message)) in errors.iter().filter(|(f, _)| *f == name).enumerate() {
            fields += &format!(
                r#"<span id="error_{}_id_{name}" class="help-block"><strong>{message}</strong></span>"#,
                i + 1
            );
        }
        fields += "</div>";
    }
    format!(
        r#"<!DOCTYPE html><html><head><title>Bingosync</title></head><body>
<div id="new_room_form" class="panel-body"><form class="form-horizontal" action="/" method="post">
{token}{fields}<input type="submit" class="form-control" value="Make Room" /></form></div>
</body></html>"#
    )
}

fn create_room(site: &Arc<Mutex<BingosyncState>>, request: &Request) -> Response {
    let mut state = lock(site);
    if let Some((status, content_type, body)) = state.post_answers.pop_front() {
        return (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [("content-type", content_type)],
            body,
        )
            .into_response();
    }
    let form = form_fields(&request.body);
    if !csrf_ok(request, &form, &state.token) {
        return csrf_failure();
    }
    let value = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let checkbox = |name: &str| form.get(name).is_some_and(|v| v != "false");
    let mut errors: Vec<(&str, String)> = Vec::new();
    for name in [
        "room_name",
        "passphrase",
        "nickname",
        "game_type",
        "lockout_mode",
    ] {
        if value(name).is_empty() {
            errors.push((name, "This field is required.".into()));
        }
    }
    if value("room_name").chars().count() > 255 {
        errors.push((
            "room_name",
            "Ensure this value has at most 255 characters.".into(),
        ));
    }
    if value("nickname").chars().count() > 50 {
        errors.push((
            "nickname",
            "Ensure this value has at most 50 characters.".into(),
        ));
    }
    let choice = |name: &str, range: std::ops::RangeInclusive<u32>| -> Option<u32> {
        value(name)
            .parse::<u32>()
            .ok()
            .filter(|n| range.contains(n))
    };
    for (name, range) in [("game_type", 1..=400), ("lockout_mode", 1..=2)] {
        if !value(name).is_empty() && choice(name, range).is_none() {
            errors.push((
                name,
                format!(
                    "Select a valid choice. {} is not one of the available choices.",
                    value(name)
                ),
            ));
        }
    }
    if !value("variant_type").is_empty() && choice("variant_type", 1..=400).is_none() {
        errors.push((
            "variant_type",
            format!(
                "Select a valid choice. {} is not one of the available choices.",
                value("variant_type")
            ),
        ));
    }
    let seed = value("seed");
    if !seed.is_empty() && seed.parse::<u32>().map_or(true, |s| s > 2_147_483_647) {
        errors.push(("seed", "Enter a whole number.".into()));
    }
    if !errors.is_empty() {
        // "200 means it failed": the page again, with the errors.
        return html(StatusCode::OK, room_page(&state, &errors));
    }
    let n = state.rooms.len() + 1;
    let room = Room {
        id: format!("FakeRoom{n:08}-_abcd"),
        name: value("room_name"),
        passphrase: form.get("passphrase").cloned().unwrap_or_default(),
        nickname: value("nickname"),
        game_type: choice("variant_type", 1..=400)
            .or_else(|| choice("game_type", 1..=400))
            .unwrap_or_default(),
        lockout_mode: choice("lockout_mode", 1..=2).unwrap_or_default(),
        seed: if seed.is_empty() {
            (1 + (n * 7919) % 1_000_000).to_string()
        } else {
            seed
        },
        custom_json: form.get("custom_json").cloned().unwrap_or_default(),
        is_spectator: checkbox("is_spectator"),
        hide_card: checkbox("hide_card"),
        session: format!("fake-session-{n}"),
    };
    let location = format!("/room/{}", room.id);
    let session = format!(
        "sessionid={}; expires=Thu, 01 Jan 2099 00:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax",
        room.session
    );
    state.rooms.push(room);
    (
        StatusCode::FOUND,
        [
            ("location", location),
            ("set-cookie", session),
            ("content-type", "text/html; charset=utf-8".into()),
        ],
        "",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_are_decoded() {
        let fields = form_fields("a=1&room_name=My+room%21&empty=&odd=%zz&x=%E2%9C%93");
        assert_eq!(fields["a"], "1");
        assert_eq!(fields["room_name"], "My room!");
        assert_eq!(fields["empty"], "");
        assert_eq!(fields["odd"], "%zz");
        assert_eq!(fields["x"], "✓");
    }
}
