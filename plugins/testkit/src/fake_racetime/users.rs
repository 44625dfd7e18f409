//! The user endpoints (§6.5, §6.6): `GET /user/<id>/data` (summary + `stats` + `teams`),
//! `GET /user/<id>/races/data` (finished, listed rooms the user entered, newest `ended_at` first,
//! paged like Django's `Paginator`), `GET /user/search`. An unknown user or one whose profile is
//! not public is a 404 with an HTML body.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

use super::{
    lock, render,
    state::{Room, RoomState},
    wire, Inner, Shared,
};

/// The rooms in the user's history (`ViewProfile.get_entrances`).
fn entrances<'a>(inner: &'a Inner, user_id: &str) -> Vec<&'a Room> {
    let mut rooms: Vec<&Room> = inner
        .rooms
        .iter()
        .filter(|r| {
            r.state == RoomState::Finished
                && !r.unlisted
                && r.entrants.iter().any(|e| e.user_id == user_id)
        })
        .collect();
    rooms.sort_by_key(|r| std::cmp::Reverse(r.ended_at.unwrap_or_default()));
    rooms
}

fn visible(inner: &Inner, user_id: &str) -> bool {
    inner.racer(user_id).is_some_and(|r| r.public)
}

pub(super) fn user_data(inner: &Shared, user_id: &str) -> Response {
    let inner = lock(inner);
    if !visible(&inner, user_id) {
        return wire::html_404();
    }
    let rooms = entrances(&inner, user_id);
    let places = |p: i64| {
        rooms
            .iter()
            .filter(|r| {
                r.entrants
                    .iter()
                    .any(|e| e.user_id == user_id && e.place == Some(p))
            })
            .count()
    };
    let forfeits = rooms
        .iter()
        .filter(|r| {
            r.entrants
                .iter()
                .any(|e| e.user_id == user_id && (e.dnf || e.dq))
        })
        .count();
    let mut value = render::user(&inner, user_id);
    value["stats"] = json!({
        "joined": rooms.len(),
        "first": places(1),
        "second": places(2),
        "third": places(3),
        "forfeits": forfeits,
    });
    value["teams"] = json!([]);
    Json(value).into_response()
}

pub(super) fn user_races(inner: &Shared, user_id: &str, query: &str) -> Response {
    let inner = lock(inner);
    if !visible(&inner, user_id) {
        return wire::html_404();
    }
    let query = wire::parse_form(query);
    // A per_page that is not a number falls back to 10; at most 100.
    let per_page = query
        .get("per_page")
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(10)
        .min(100);
    // Django's Paginator refuses a per_page below 1 with an error page.
    if per_page < 1 {
        return wire::html(
            StatusCode::INTERNAL_SERVER_ERROR,
            "<h1>Server Error (500)</h1>",
        );
    }
    let Ok(page) = query
        .get("page")
        .map_or("1", String::as_str)
        .trim()
        .parse::<i64>()
    else {
        return wire::empty(StatusCode::BAD_REQUEST);
    };
    let show_entrants = query
        .get("show_entrants")
        .is_some_and(|v| matches!(v.to_lowercase().as_str(), "true" | "yes" | "1"));
    let rooms = entrances(&inner, user_id);
    let count = rooms.len() as i64;
    // An empty list still has one (empty) page.
    let num_pages = if count == 0 {
        1
    } else {
        (count + per_page - 1) / per_page
    };
    let races: Vec<Value> = if page < 1 || page > num_pages {
        Vec::new()
    } else {
        rooms
            .iter()
            .skip(((page - 1) * per_page) as usize)
            .take(per_page as usize)
            .map(|r| render::summary(&inner, r, true, show_entrants))
            .collect()
    };
    Json(json!({"count": count, "num_pages": num_pages, "races": races})).into_response()
}

/// `term` is a case-insensitive name prefix, optionally `name#discriminator`; or `name=` and
/// `discriminator=`. An empty term finds nobody.
pub(super) fn search(inner: &Shared, query: &str) -> Response {
    let inner = lock(inner);
    let query = wire::parse_form(query);
    let get = |k: &str| {
        query
            .get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let (name, scrim) = (get("name"), get("discriminator"));
    let term = match (name.is_empty(), scrim.is_empty()) {
        (false, false) => format!("{name}#{scrim}"),
        (false, true) => name,
        (true, false) => format!("#{scrim}"),
        (true, true) => get("term"),
    };
    let results: Vec<Value> = if term.is_empty() {
        Vec::new()
    } else {
        let (prefix, disc) = match term.split_once('#') {
            Some((n, d)) => (n.to_lowercase(), Some(d.to_string())),
            None => (term.to_lowercase(), None),
        };
        inner
            .racers
            .iter()
            .filter(|r| {
                let (name, discriminator, _) = render::names(&inner, &r.id);
                name.to_lowercase().starts_with(&prefix)
                    && disc
                        .as_ref()
                        .filter(|d| !d.is_empty())
                        .is_none_or(|d| discriminator.as_ref() == Some(d))
            })
            .map(|r| render::user(&inner, &r.id))
            .collect()
    };
    Json(json!({ "results": results })).into_response()
}
