//! The JSON racetime.gg answers with: rooms (`Race.as_dict`, §6.2), room summaries
//! (`api_dict_summary`, §6.3), entrants, user summaries (§6.6), categories and chat messages
//! (§5.4). Field names and shapes follow the site; values the fake has no notion of (avatars,
//! ratings, teams) are null or empty.

use serde_json::{json, Value};

use super::{
    state::{Room, RoomState},
    wire, Inner,
};

/// The user id of the made-up opponent in past races.
pub(super) const OPPONENT_ID: &str = "pastOpponent0001";

/// (`name`, `discriminator`, `full_name`) of a user: a racer's name may carry `#discriminator`.
/// An id the fake does not know (the past races' opponent) gets a placeholder name.
pub(super) fn names(inner: &Inner, user_id: &str) -> (String, Option<String>, String) {
    let full = match inner.racer(user_id) {
        Some(r) => r.name.clone(),
        None if user_id == OPPONENT_ID => "Opponent".to_string(),
        None => user_id.to_string(),
    };
    match full.split_once('#') {
        Some((name, disc)) if !disc.is_empty() && disc != "0000" => {
            (name.to_string(), Some(disc.to_string()), full.clone())
        }
        Some((name, _)) => (name.to_string(), None, name.to_string()),
        None => (full.clone(), None, full),
    }
}

/// A user summary (`User.api_dict_summary`).
pub(super) fn user(inner: &Inner, user_id: &str) -> Value {
    let (name, discriminator, full_name) = names(inner, user_id);
    let twitch = inner
        .racer(user_id)
        .map(|r| r.twitch)
        .unwrap_or(user_id == OPPONENT_ID);
    let login = name.to_lowercase();
    json!({
        "id": user_id,
        "full_name": full_name,
        "name": name,
        "discriminator": discriminator,
        "url": format!("/user/{user_id}/{login}"),
        "avatar": null,
        "pronouns": null,
        "flair": "",
        "twitch_name": if twitch { json!(login) } else { Value::Null },
        "twitch_display_name": if twitch { json!(name) } else { Value::Null },
        "twitch_channel": if twitch { json!(format!("https://www.twitch.tv/{login}")) } else { Value::Null },
        "can_moderate": false,
    })
}

/// A minimal user (`User.api_dict_minimal`, used for DMs).
pub(super) fn user_minimal(inner: &Inner, user_id: &str) -> Value {
    let (name, discriminator, full_name) = names(inner, user_id);
    json!({"id": user_id, "full_name": full_name, "name": name, "discriminator": discriminator})
}

/// A category summary (`Category.api_dict_summary`); a category the fake was not told about
/// (a past race's) is named by its slug.
pub(super) fn category(inner: &Inner, slug: &str) -> Value {
    let name = inner
        .categories
        .iter()
        .find(|c| c.slug == slug)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| slug.to_string());
    json!({
        "name": name,
        "short_name": slug.to_uppercase(),
        "slug": slug,
        "url": format!("/{slug}"),
        "data_url": format!("/{slug}/data"),
        "image": null,
    })
}

fn status(info: (&str, &str, &str)) -> Value {
    json!({"value": info.0, "verbose_value": info.1, "help_text": info.2})
}

fn time(ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, |ms| json!(wire::iso_ms(ms)))
}

/// Entrants in the site's order: finished by place, racing/ready, not ready, invited,
/// requested, DNF, DQ (`Race.ordered_entrants`).
fn entrants(inner: &Inner, room: &Room) -> Vec<Value> {
    use super::state::Joining;
    let mut ordered: Vec<_> = room.entrants.iter().collect();
    let group = |e: &super::state::Entrant| match e.joining {
        _ if e.place.is_some() && !e.dnf && !e.dq => 1,
        Joining::Joined if e.ready && !e.dnf && !e.dq => 2,
        Joining::Joined if !e.ready => 3,
        Joining::Invited => 4,
        Joining::Requested => 5,
        _ if e.dnf => 6,
        _ => 7,
    };
    ordered.sort_by_key(|e| {
        (
            group(e),
            e.place.unwrap_or(i64::MAX),
            e.finish_ms.unwrap_or(i64::MAX),
            names(inner, &e.user_id).0.to_lowercase(),
        )
    });
    let started = room.started_at.unwrap_or(room.opened_at);
    ordered
        .into_iter()
        .map(|e| {
            let live = inner.racer(&e.user_id).is_some_and(|r| r.twitch);
            json!({
                "user": user(inner, &e.user_id),
                "team": null,
                "status": status(e.status(room.state)),
                // DNF entrants never show a time; a DQ'd finisher keeps it (§5.6).
                "finish_time": e.finish_ms.filter(|_| !e.dnf).map(wire::duration_iso),
                "finished_at": time(e.finish_ms.filter(|_| !e.dnf).map(|f| started + f)),
                "place": e.place,
                "place_ordinal": e.place.map(wire::ordinal),
                "score": null,
                "score_change": null,
                "comment": null,
                "has_comment": false,
                "stream_live": live,
                "stream_override": e.stream_override,
                "actions": [],
            })
        })
        .collect()
}

fn goal(room: &Room) -> Value {
    json!({
        "name": room.goal.clone().or_else(|| room.custom_goal.clone()).unwrap_or_default(),
        "custom": room.goal.is_none(),
    })
}

fn info(room: &Room) -> String {
    format!("{}\n{}", room.info_user, room.info_bot)
        .trim()
        .to_string()
}

fn counts(room: &Room) -> (usize, usize, usize) {
    use super::state::Joining;
    let joined = room
        .entrants
        .iter()
        .filter(|e| e.joining == Joining::Joined);
    (
        joined.clone().count(),
        joined.clone().filter(|e| e.counted_finish()).count(),
        joined.filter(|e| e.dnf || e.dq).count(),
    )
}

/// The room (`Race.as_dict`), as `/<cat>/<slug>/data` and `race.data` carry it.
pub(super) fn room(inner: &Inner, room: &Room) -> Value {
    let (cat, slug) = (&room.category, &room.slug);
    let (count, finished, inactive) = counts(room);
    let chat_restricted = (!room.allow_prerace_chat && room.state.is_preparing())
        || (!room.allow_midrace_chat
            && matches!(room.state, RoomState::Pending | RoomState::InProgress));
    // Two halves: one `json!` this size exceeds the macro recursion limit.
    let mut value = json!({
        "version": room.version,
        "name": format!("{cat}/{slug}"),
        "slug": slug,
        "status": status(room.state.info()),
        "url": format!("/{cat}/{slug}"),
        "data_url": format!("/{cat}/{slug}/data"),
        "websocket_url": format!("/ws/race/{slug}"),
        "websocket_bot_url": format!("/ws/o/bot/{slug}"),
        "websocket_oauth_url": format!("/ws/o/race/{slug}"),
        "category": category(inner, cat),
        "goal": goal(room),
        "info": info(room),
        "info_bot": room.info_bot,
        "info_user": room.info_user,
        "team_race": room.team_race,
        "entrants_count": count,
        "entrants_count_finished": finished,
        "entrants_count_inactive": inactive,
        "entrants": entrants(inner, room),
        "opened_at": time(Some(room.opened_at)),
        "start_delay": wire::duration_iso(room.start_delay * 1000),
        "started_at": time(room.started_at),
        "ended_at": time(room.ended_at),
        "cancelled_at": time(room.cancelled_at),
    });
    let rest = json!({
        "ranked": room.ranked,
        "unlisted": room.unlisted,
        "time_limit": wire::duration_iso(room.time_limit * 3_600_000),
        "time_limit_auto_complete": room.time_limit_auto_complete,
        "require_even_teams": room.require_even_teams,
        "streaming_required": room.streaming_required,
        "auto_start": room.auto_start,
        "opened_by": null,
        "opened_by_bot": room.opened_by_bot,
        "monitors": room.monitors.iter().map(|m| user(inner, m)).collect::<Vec<_>>(),
        "recordable": room.recordable,
        "recorded": room.recorded,
        "recorded_by": room.recorded_by.as_ref().map(|_| moderator()),
        "disqualify_unready": false,
        "allow_comments": room.allow_comments,
        "hide_comments": room.hide_comments,
        "hide_entrants": false,
        "chat_restricted": chat_restricted,
        "allow_prerace_chat": room.allow_prerace_chat,
        "allow_midrace_chat": room.allow_midrace_chat,
        "allow_non_entrant_chat": room.allow_non_entrant_chat,
        "chat_message_delay": wire::duration_iso(room.chat_message_delay * 1000),
        "bot_meta": room.bot_meta,
    });
    if let (Some(value), Value::Object(rest)) = (value.as_object_mut(), rest) {
        value.extend(rest);
    }
    value
}

/// The user the fake's moderator actions are recorded as.
fn moderator() -> Value {
    json!({
        "id": "fakeModerator001", "full_name": super::state::MODERATOR,
        "name": super::state::MODERATOR, "discriminator": null,
        "url": "/user/fakeModerator001", "avatar": null, "pronouns": null,
        "flair": "moderator", "twitch_name": null, "twitch_display_name": null,
        "twitch_channel": null, "can_moderate": true,
    })
}

/// A room summary (`Race.api_dict_summary`); a done room adds `ended_at`, `cancelled_at`,
/// `recordable`, `recorded`.
pub(super) fn summary(
    inner: &Inner,
    room: &Room,
    with_category: bool,
    with_entrants: bool,
) -> Value {
    let (cat, slug) = (&room.category, &room.slug);
    let (count, finished, inactive) = counts(room);
    let mut value = json!({
        "name": format!("{cat}/{slug}"),
        "status": status(room.state.info()),
        "url": format!("/{cat}/{slug}"),
        "data_url": format!("/{cat}/{slug}/data"),
        "goal": goal(room),
        "info": info(room),
        "entrants_count": count,
        "entrants_count_finished": finished,
        "entrants_count_inactive": inactive,
        "opened_at": time(Some(room.opened_at)),
        "started_at": time(room.started_at),
        "time_limit": wire::duration_iso(room.time_limit * 3_600_000),
        "opened_by_bot": room.opened_by_bot,
    });
    if with_category {
        value["category"] = category(inner, cat);
    }
    if with_entrants {
        value["entrants"] = json!(entrants(inner, room));
    }
    if room.state.is_done() {
        value["ended_at"] = time(room.ended_at);
        value["cancelled_at"] = time(room.cancelled_at);
        value["recordable"] = json!(room.recordable);
        value["recorded"] = json!(room.recorded);
    }
    value
}

/// A category's detail (`Category.dump_json_data`): current rooms are the ones not done; the
/// public listing leaves unlisted rooms out.
pub(super) fn category_detail(inner: &Inner, slug: &str, with_unlisted: bool) -> Option<Value> {
    let cat = inner.categories.iter().find(|c| c.slug == slug)?;
    let mut value = category(inner, slug);
    value["info"] = Value::Null;
    value["streaming_required"] = json!(true);
    value["owners"] = json!([]);
    value["moderators"] = json!([]);
    value["goals"] = json!(cat.goals);
    value["current_races"] = inner
        .rooms
        .iter()
        .filter(|r| r.category == slug && !r.state.is_done() && (with_unlisted || !r.unlisted))
        .map(|r| summary(inner, r, false, false))
        .collect();
    value["emotes"] = json!({});
    Some(value)
}

/// What a chat line says and who says it.
pub(super) struct Line<'a> {
    pub text: &'a str,
    pub user: Option<&'a str>,
    pub bot: Option<&'a str>,
    pub direct_to: Option<&'a str>,
    pub highlight: bool,
    pub pinned: bool,
    pub actions: Value,
    pub delay: i64,
    pub is_monitor: bool,
}

/// A chat message (`Message.as_dict`): `is_monitor` is null for bot and system lines.
pub(super) fn message(inner: &Inner, line: Line<'_>) -> Value {
    json!({
        "id": wire::hashid(),
        "user": line.user.map(|u| user(inner, u)),
        "bot": line.bot,
        "direct_to": line.direct_to.map(|u| user_minimal(inner, u)),
        "posted_at": wire::iso_us(wire::now_us()),
        "message": line.text,
        "message_plain": wire::plain(line.text),
        "highlight": line.highlight,
        "is_dm": line.direct_to.is_some(),
        "is_bot": line.bot.is_some(),
        "is_monitor": if line.user.is_some() { json!(line.is_monitor) } else { Value::Null },
        "is_system": line.user.is_none() && line.bot.is_none(),
        "is_pinned": line.pinned,
        "delay": line.delay,
        "actions": if line.actions.is_object() { line.actions } else { json!({}) },
    })
}
