//! The room form of `startrace` and `edit` (§3.1, §4): which fields each form has, upstream's
//! model defaults for the omitted ones (filled *before* validation, so an edit that leaves a
//! field out resets it), Django's validation messages, and applying the result to a room.
//!
//! One deliberate strictness: a boolean must be `true` or `false` (any case). Upstream reads any
//! other non-empty string as true, so a sloppy client would silently get `true` there; the fake
//! answers 422 instead so tests catch it.

use std::collections::BTreeMap;

use super::{state::Room, wire};

/// Which form applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `OAuthRaceCreationForm`.
    Create,
    /// `OAuthRaceEditForm`: the room is open or invitational.
    EditOpen,
    /// `StartedRaceEditForm`: the room is pending or in progress (or done: validated, then 403).
    EditStarted,
}

#[derive(Clone, Copy)]
enum Field {
    Goal,
    Text(usize),
    Bool(bool),
    /// Default, min, max, unit in seconds (the range messages quote `timedelta`s).
    Int(i64, i64, i64, i64),
}

fn spec(name: &str) -> Option<Field> {
    Some(match name {
        "goal" => Field::Goal,
        "custom_goal" => Field::Text(255),
        "info_user" | "info_bot" => Field::Text(1000),
        "team_race"
        | "invitational"
        | "unlisted"
        | "require_even_teams"
        | "time_limit_auto_complete"
        | "hide_comments" => Field::Bool(false),
        "ranked"
        | "streaming_required"
        | "auto_start"
        | "allow_comments"
        | "allow_prerace_chat"
        | "allow_midrace_chat"
        | "allow_non_entrant_chat" => Field::Bool(true),
        "start_delay" => Field::Int(15, 10, 60, 1),
        "time_limit" => Field::Int(24, 1, 72, 3600),
        "chat_message_delay" => Field::Int(0, 0, 90, 1),
        _ => return None,
    })
}

/// The fields of a form. `partitionable` and `hide_entrants` exist only when the category
/// allows them (the fake's categories do not), so they are ignored like upstream ignores them;
/// `require_even_teams` is dropped from an edit unless the room is a team race.
fn fields(kind: Kind, team_race: bool) -> Vec<&'static str> {
    match kind {
        Kind::Create => vec![
            "goal",
            "custom_goal",
            "team_race",
            "invitational",
            "ranked",
            "unlisted",
            "info_user",
            "info_bot",
            "require_even_teams",
            "start_delay",
            "time_limit",
            "time_limit_auto_complete",
            "streaming_required",
            "auto_start",
            "allow_comments",
            "hide_comments",
            "allow_prerace_chat",
            "allow_midrace_chat",
            "allow_non_entrant_chat",
            "chat_message_delay",
        ],
        Kind::EditOpen => {
            let mut f = vec![
                "goal",
                "custom_goal",
                "ranked",
                "unlisted",
                "info_user",
                "info_bot",
                "start_delay",
                "time_limit",
                "time_limit_auto_complete",
                "streaming_required",
                "auto_start",
                "allow_comments",
                "hide_comments",
                "allow_prerace_chat",
                "allow_midrace_chat",
                "allow_non_entrant_chat",
                "chat_message_delay",
            ];
            if team_race {
                f.push("require_even_teams");
            }
            f
        }
        Kind::EditStarted => vec![
            "unlisted",
            "info_user",
            "allow_comments",
            "hide_comments",
            "allow_midrace_chat",
            "allow_non_entrant_chat",
            "chat_message_delay",
        ],
    }
}

/// A validated form: every field of the form with its cleaned value (`goal` only when it names
/// an active goal of the category), and the record for [`super::FakeRoom::form`].
pub(super) struct Filled {
    pub values: BTreeMap<String, String>,
    pub record: BTreeMap<String, String>,
}

impl Filled {
    fn flag(&self, name: &str) -> Option<bool> {
        self.values.get(name).map(|v| v == "true")
    }

    fn number(&self, name: &str) -> Option<i64> {
        self.values.get(name).and_then(|v| v.parse().ok())
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

pub(super) type Errors = BTreeMap<String, Vec<String>>;

/// Fills the omitted fields with the model defaults, then validates like Django does; errors
/// are keyed by field or `__all__`.
pub(super) fn validate(
    kind: Kind,
    team_race: bool,
    posted: &BTreeMap<String, String>,
    goals: &[String],
) -> Result<Filled, Errors> {
    let mut errors = Errors::new();
    let mut values = BTreeMap::new();
    let mut record: BTreeMap<String, String> = posted
        .iter()
        .filter(|(k, _)| spec(k).is_none())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut error = |field: &str, message: String| {
        errors.entry(field.to_string()).or_default().push(message);
    };
    for name in fields(kind, team_race) {
        let Some(field) = spec(name) else { continue };
        let raw = posted.get(name).map(|v| v.trim().to_string());
        match field {
            Field::Goal => {
                if let Some(raw) = raw.filter(|r| !r.is_empty()) {
                    record.insert(name.into(), raw.clone());
                    // An unknown goal name quietly becomes "no goal" (`OAuthRaceForm.clean_goal`).
                    if goals.contains(&raw) {
                        values.insert(name.to_string(), raw);
                    }
                }
            }
            Field::Text(max) => {
                let value = raw.unwrap_or_default();
                let len = value.chars().count();
                if len > max {
                    error(
                        name,
                        format!("Ensure this value has at most {max} characters (it has {len})."),
                    );
                    continue;
                }
                // No custom goal is no field at all, not an empty one.
                if name != "custom_goal" || posted.contains_key(name) {
                    record.insert(name.into(), value.clone());
                }
                values.insert(name.to_string(), value);
            }
            Field::Bool(default) => {
                let value = match raw.as_deref().map(str::to_lowercase).as_deref() {
                    None => default,
                    Some("true") => true,
                    Some("false") => false,
                    Some(_) => {
                        error(name, "Enter true or false.".into());
                        continue;
                    }
                };
                record.insert(name.into(), value.to_string());
                values.insert(name.to_string(), value.to_string());
            }
            Field::Int(default, min, max, unit) => {
                let value = match raw.as_deref() {
                    None => default,
                    Some("") => {
                        error(name, "This field is required.".into());
                        continue;
                    }
                    Some(text) => match text.parse::<i64>() {
                        Ok(v) => v,
                        Err(_) => {
                            error(name, "Enter a whole number.".into());
                            continue;
                        }
                    },
                };
                if value.saturating_mul(unit) > max * unit {
                    let limit = wire::python_timedelta(max * unit);
                    error(
                        name,
                        format!("Ensure this value is less than or equal to {limit}."),
                    );
                } else if value.saturating_mul(unit) < min * unit {
                    let limit = wire::python_timedelta(min * unit);
                    error(
                        name,
                        format!("Ensure this value is greater than or equal to {limit}."),
                    );
                } else {
                    record.insert(name.into(), value.to_string());
                    values.insert(name.to_string(), value.to_string());
                }
            }
        }
    }
    if kind != Kind::EditStarted {
        // `RaceForm.clean` runs even when a field failed, so both kinds of error can show.
        let goal = values.contains_key("goal");
        let custom = values.get("custom_goal").is_some_and(|c| !c.is_empty());
        if !goal && !custom {
            error("__all__", "You need to set a goal for this race.".into());
        }
        if goal && custom {
            error("__all__", "The race must only have one goal.".into());
        }
    }
    if errors.is_empty() {
        Ok(Filled { values, record })
    } else {
        Err(errors)
    }
}

/// Applies a valid form to the room; the fields the form does not have stay as they were.
pub(super) fn apply(room: &mut Room, filled: &Filled) {
    if let Some(goal) = filled.text("goal") {
        room.goal = Some(goal.to_string());
        room.custom_goal = None;
    } else if let Some(custom) = filled.text("custom_goal").filter(|c| !c.is_empty()) {
        room.goal = None;
        room.custom_goal = Some(custom.to_string());
    }
    let flags: [(&str, &mut bool); 12] = [
        ("team_race", &mut room.team_race),
        ("ranked", &mut room.ranked),
        ("unlisted", &mut room.unlisted),
        ("require_even_teams", &mut room.require_even_teams),
        (
            "time_limit_auto_complete",
            &mut room.time_limit_auto_complete,
        ),
        ("streaming_required", &mut room.streaming_required),
        ("auto_start", &mut room.auto_start),
        ("allow_comments", &mut room.allow_comments),
        ("hide_comments", &mut room.hide_comments),
        ("allow_prerace_chat", &mut room.allow_prerace_chat),
        ("allow_midrace_chat", &mut room.allow_midrace_chat),
        ("allow_non_entrant_chat", &mut room.allow_non_entrant_chat),
    ];
    for (name, slot) in flags {
        if let Some(value) = filled.flag(name) {
            *slot = value;
        }
    }
    if let Some(v) = filled.number("start_delay") {
        room.start_delay = v;
    }
    if let Some(v) = filled.number("time_limit") {
        room.time_limit = v;
    }
    if let Some(v) = filled.number("chat_message_delay") {
        room.chat_message_delay = v;
    }
    if let Some(v) = filled.text("info_user") {
        room.info_user = v.to_string();
    }
    if let Some(v) = filled.text("info_bot") {
        room.info_bot = v.to_string();
    }
    // `RaceForm.clean`: recordable follows ranked, never with a custom goal.
    if filled.values.contains_key("ranked") || filled.values.contains_key("goal") {
        room.recordable = room.ranked && room.custom_goal.is_none();
    }
    // A form with the goal fields replaces the recorded goal, whichever kind it was.
    if filled.values.contains_key("custom_goal") {
        room.form.remove("goal");
        room.form.remove("custom_goal");
    }
    room.form.extend(filled.record.clone());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn omitted_fields_take_upstream_defaults_and_ranges_are_checked() {
        let goals = vec!["Beat the game".to_string()];
        let filled = validate(
            Kind::Create,
            false,
            &form(&[("goal", "Beat the game")]),
            &goals,
        )
        .map_err(|e| format!("{e:?}"))
        .unwrap();
        assert_eq!(filled.record["streaming_required"], "true");
        assert_eq!(filled.record["start_delay"], "15");
        assert_eq!(filled.record["invitational"], "false");

        let errors = validate(
            Kind::Create,
            false,
            &form(&[("goal", "Nope"), ("start_delay", "5"), ("time_limit", "x")]),
            &goals,
        )
        .err()
        .unwrap();
        assert_eq!(
            errors["__all__"],
            vec!["You need to set a goal for this race."]
        );
        assert_eq!(
            errors["start_delay"],
            vec!["Ensure this value is greater than or equal to 0:00:10."]
        );
        assert_eq!(errors["time_limit"], vec!["Enter a whole number."]);
    }
}
