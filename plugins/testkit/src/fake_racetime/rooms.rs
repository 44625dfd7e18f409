//! Room and category HTTP: `POST /o/<cat>/startrace` (§3), `POST /o/<cat>/<slug>/edit` (§4),
//! `GET /<cat>/data` and `GET /o/<cat>/data` (§6.3), `GET /<cat>/<slug>/data` (§6.2).
//!
//! The checks run in upstream's order: the token first (`ScopedProtectedResourceView`: missing,
//! unknown or expired → 403), then the category or room (404), then the form (422), then
//! "is this token a bot of this category" (403) — so a wrong-category bot with a bad form gets
//! 422, as on the real site.

use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use super::{
    form::{self, Kind},
    lock, render,
    state::{Room, RoomState},
    wire, Shared,
};

fn unprocessable(errors: form::Errors) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "errors": errors })),
    )
        .into_response()
}

/// An injected startrace failure ([`super::FakeRacetime::fail_next_startrace`]).
fn injected(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        let mut errors = form::Errors::new();
        errors.insert(
            "__all__".into(),
            vec!["The fake was told to refuse this request.".into()],
        );
        unprocessable(errors)
    } else if status.is_server_error() {
        wire::html(status, "<h1>Server Error</h1>")
    } else {
        wire::empty(status)
    }
}

pub(super) fn startrace(
    inner: &Shared,
    category: &str,
    token: Option<&str>,
    body: &str,
) -> Response {
    let mut inner = lock(inner);
    if let Some(status) = inner.faults.startrace_status.take() {
        return injected(status);
    }
    if inner.bot_for(token).is_none() {
        return wire::empty(StatusCode::FORBIDDEN);
    }
    let Some(goals) = inner
        .categories
        .iter()
        .find(|c| c.slug == category)
        .map(|c| c.goals.clone())
    else {
        return wire::html_404();
    };
    let posted = wire::parse_form(body);
    let filled = match form::validate(Kind::Create, false, &posted, &goals) {
        Ok(filled) => filled,
        Err(errors) => return unprocessable(errors),
    };
    let Some(bot) = inner.bot_of(token, category) else {
        return wire::empty(StatusCode::FORBIDDEN);
    };
    let mut slug = wire::room_slug();
    while inner.find(&slug).is_some() {
        slug = wire::room_slug();
    }
    let mut room = Room::new(category, &slug);
    form::apply(&mut room, &filled);
    if filled.text("invitational") == Some("true") {
        room.state = RoomState::Invitational;
    }
    room.opened_by_bot = Some(bot.clone());
    inner.rooms.push(room);
    let i = inner.rooms.len() - 1;
    inner.system(i, &format!("Race opened automatically by {bot}"), false);
    if std::mem::take(&mut inner.faults.startrace_after_create) {
        return wire::html(
            StatusCode::INTERNAL_SERVER_ERROR,
            "<h1>Server Error (500)</h1>",
        );
    }
    // `Location` is a path, not a URL.
    (
        StatusCode::CREATED,
        [(header::LOCATION, format!("/{category}/{slug}"))],
    )
        .into_response()
}

pub(super) fn edit(
    inner: &Shared,
    category: &str,
    slug: &str,
    token: Option<&str>,
    body: &str,
) -> Response {
    let mut inner = lock(inner);
    if inner.bot_for(token).is_none() {
        return wire::empty(StatusCode::FORBIDDEN);
    }
    let Some(i) = inner
        .rooms
        .iter()
        .position(|r| r.category == category && r.slug == slug)
    else {
        return wire::html_404();
    };
    let goals = inner
        .categories
        .iter()
        .find(|c| c.slug == category)
        .map(|c| c.goals.clone())
        .unwrap_or_default();
    let room = &inner.rooms[i];
    let kind = if room.state.is_preparing() {
        Kind::EditOpen
    } else {
        Kind::EditStarted
    };
    let filled = match form::validate(kind, room.team_race, &wire::parse_form(body), &goals) {
        Ok(filled) => filled,
        Err(errors) => return unprocessable(errors),
    };
    if room.state.is_done() {
        return wire::empty(StatusCode::FORBIDDEN);
    }
    let Some(bot) = inner.bot_of(token, category) else {
        return wire::empty(StatusCode::FORBIDDEN);
    };
    let before = (
        room.goal.clone(),
        room.custom_goal.clone(),
        room.info_user.clone(),
        room.streaming_required,
        room.chat_message_delay,
    );
    let room = &mut inner.rooms[i];
    form::apply(room, &filled);
    room.version += 1;
    // `BaseEditRace.update_race`: a line for each change the site announces.
    let mut lines = Vec::new();
    if (room.goal.clone(), room.custom_goal.clone()) != (before.0, before.1) {
        let goal = room.goal.clone().or(room.custom_goal.clone());
        lines.push(format!(
            "{bot} set a new goal: {}",
            goal.unwrap_or_default()
        ));
    }
    if room.info_user != before.2 {
        lines.push(format!("{bot} updated the race information."));
    }
    if room.streaming_required != before.3 {
        lines.push(if room.streaming_required {
            "Streaming is now required for this race.".to_string()
        } else {
            "Streaming is now NOT required for this race.".to_string()
        });
    }
    if room.chat_message_delay != before.4 {
        lines.push(match room.chat_message_delay {
            0 => "Chat delay has been removed.".to_string(),
            n => format!("Chat delay is now {n} seconds."),
        });
    }
    for line in &lines {
        inner.system(i, line, false);
    }
    inner.publish(i);
    wire::empty(StatusCode::OK)
}

/// `GET /<cat>/data`: listed rooms only.
pub(super) fn category_data(inner: &Shared, category: &str) -> Response {
    let inner = lock(inner);
    match render::category_detail(&inner, category, false) {
        Some(value) => Json(value).into_response(),
        None => wire::html_404(),
    }
}

/// `GET /o/<cat>/data`: a bot of the category sees unlisted rooms too.
pub(super) fn bot_category_data(inner: &Shared, category: &str, token: Option<&str>) -> Response {
    let inner = lock(inner);
    if inner.bot_for(token).is_none() {
        return wire::empty(StatusCode::FORBIDDEN);
    }
    let Some(value) = render::category_detail(&inner, category, true) else {
        return wire::html_404();
    };
    if inner.bot_of(token, category).is_none() {
        return wire::empty(StatusCode::FORBIDDEN);
    }
    Json(value).into_response()
}

/// `GET /<cat>/<slug>/data`: any room of that category, unlisted ones included.
pub(super) fn room_data(inner: &Shared, category: &str, slug: &str) -> Response {
    let inner = lock(inner);
    match inner
        .rooms
        .iter()
        .find(|r| r.category == category && r.slug == slug)
    {
        Some(room) => Json(render::room(&inner, room)).into_response(),
        None => wire::html_404(),
    }
}
