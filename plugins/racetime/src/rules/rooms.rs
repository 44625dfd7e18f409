//! Opening rooms: the window before a match, the goal, the info text and the whole `startrace`
//! form. The form always carries every field: racetime.gg fills an omitted one with its model
//! default (streaming required, for one), not the category's or ours.

use sdk::Error;

use crate::model::{RoomSettings, TournamentRooms};

/// The goal when neither the match nor the tournament names one.
pub const DEFAULT_GOAL: &str = "Beat the game";
/// racetime.gg's limits.
pub const INFO_MAX: usize = 1000;
pub const CUSTOM_GOAL_MAX: usize = 255;
/// How long one attempt to open a room may hold it before another instance may retry (ms).
pub const OPENING_LEASE_MS: i64 = 2 * 60 * 1000;
/// How far ahead rooms may open: racetime.gg cancels a room with fewer than two joined
/// entrants 30 minutes after it opens, so long leads only make sense with players who join
/// early; four hours is its limit for a room that never starts.
pub const MAX_OPEN_MINUTES_BEFORE: i64 = 240;

/// Whether a match scheduled at `scheduled_at` is due for its room at `now`: it starts in more
/// than zero and at most `open_minutes_before` minutes.
pub fn due(scheduled_at: i64, now: i64, open_minutes_before: i64) -> bool {
    let until = scheduled_at - now;
    until > 0 && until <= open_minutes_before * 60_000
}

/// The goal as racetime.gg takes it: a name from the category's goals, or a custom goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    Listed(String),
    Custom(String),
}

impl Goal {
    pub fn text(&self) -> &str {
        match self {
            Goal::Listed(g) | Goal::Custom(g) => g,
        }
    }
}

/// The match's goal, else the tournament's, else [`DEFAULT_GOAL`]; listed when the category
/// has it (a custom goal makes the race unrecordable, so a listed name must not go as custom).
pub fn goal(match_goal: &str, tournament_goal: &str, category_goals: &[String]) -> Goal {
    let wanted = [match_goal, tournament_goal]
        .into_iter()
        .map(str::trim)
        .find(|g| !g.is_empty())
        .unwrap_or(DEFAULT_GOAL);
    match category_goals
        .iter()
        .find(|g| g.eq_ignore_ascii_case(wanted))
    {
        Some(listed) => Goal::Listed(listed.clone()),
        None => Goal::Custom(cut(wanted, CUSTOM_GOAL_MAX)),
    }
}

/// What an info template can name.
#[derive(Debug, Clone, Default)]
pub struct InfoFacts {
    pub tournament: String,
    pub match_name: String,
    pub players: Vec<String>,
    pub title: String,
}

/// The room's info line from the template (default `{tournament} - {match}`), at most
/// racetime.gg's 1000 characters.
pub fn info(template: &str, facts: &InfoFacts) -> String {
    let template = if template.trim().is_empty() {
        "{tournament} - {match}"
    } else {
        template
    };
    let text = template
        .replace("{tournament}", &facts.tournament)
        .replace("{match}", &facts.match_name)
        .replace("{players}", &facts.players.join(" vs "))
        .replace("{title}", &facts.title);
    cut(text.trim(), INFO_MAX)
}

/// The bot's own info line: the seed.
pub fn seed_info(seed_url: Option<&str>, code: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(url) = seed_url {
        out += &format!("Seed: {url}");
    }
    if let Some(code) = code.filter(|c| !c.is_empty()) {
        out += &format!(" ({code})");
    }
    cut(&out, INFO_MAX)
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn flag(b: bool) -> String {
    if b { "true" } else { "false" }.to_string()
}

/// Checks a profile's numbers against racetime.gg's ranges, naming the field to fix.
pub fn check_settings(s: &RoomSettings) -> Result<(), Error> {
    if !(10..=60).contains(&s.start_delay_seconds) {
        return Err(Error::invalid(
            "start_delay_seconds",
            "The start delay is 10 to 60 seconds on racetime.gg.",
        ));
    }
    if !(1..=72).contains(&s.time_limit_hours) {
        return Err(Error::invalid(
            "time_limit_hours",
            "The time limit is 1 to 72 hours on racetime.gg.",
        ));
    }
    if !(0..=90).contains(&s.chat_message_delay_seconds) {
        return Err(Error::invalid(
            "chat_message_delay_seconds",
            "The chat delay is 0 to 90 seconds on racetime.gg.",
        ));
    }
    if s.info_template.chars().count() > INFO_MAX {
        return Err(Error::invalid(
            "info_template",
            format!("The info text is at most {INFO_MAX} characters on racetime.gg."),
        ));
    }
    Ok(())
}

/// Checks a tournament's room settings (the profile and bot are checked against the database).
pub fn check_tournament_rooms(t: &TournamentRooms) -> Result<(), Error> {
    if !(1..=MAX_OPEN_MINUTES_BEFORE).contains(&t.open_minutes_before) {
        return Err(Error::invalid(
            "open_minutes_before",
            format!(
                "Rooms open 1 to {MAX_OPEN_MINUTES_BEFORE} minutes before the match (racetime.gg cancels a room with fewer than two joined players 30 minutes after it opens)."
            ),
        ));
    }
    if t.goal.chars().count() > CUSTOM_GOAL_MAX {
        return Err(Error::invalid(
            "goal",
            format!("A goal is at most {CUSTOM_GOAL_MAX} characters."),
        ));
    }
    super::presets::check(&t.preset_rule)
}

/// The whole `startrace` form, every field given.
pub fn startrace_form(
    s: &RoomSettings,
    goal: &Goal,
    info_user: &str,
    info_bot: &str,
) -> Vec<(String, String)> {
    let form: Vec<(&str, String)> = vec![
        match goal {
            Goal::Listed(g) => ("goal", g.clone()),
            Goal::Custom(g) => ("custom_goal", g.clone()),
        },
        ("invitational", flag(s.invitational)),
        ("unlisted", flag(s.unlisted)),
        ("ranked", flag(s.ranked)),
        ("info_user", cut(info_user, INFO_MAX)),
        ("info_bot", cut(info_bot, INFO_MAX)),
        ("start_delay", s.start_delay_seconds.to_string()),
        ("time_limit", s.time_limit_hours.to_string()),
        ("time_limit_auto_complete", flag(false)),
        ("streaming_required", flag(s.streaming_required)),
        ("auto_start", flag(s.auto_start)),
        ("allow_comments", flag(s.allow_comments)),
        ("hide_comments", flag(s.hide_comments)),
        ("allow_prerace_chat", flag(s.allow_prerace_chat)),
        ("allow_midrace_chat", flag(s.allow_midrace_chat)),
        ("allow_non_entrant_chat", flag(s.allow_non_entrant_chat)),
        (
            "chat_message_delay",
            s.chat_message_delay_seconds.to_string(),
        ),
    ];
    form.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The combined info racetime.gg shows and lists: user info, newline, bot info, trimmed. An
/// attempt that died is recognised by it in the category's room list.
pub fn combined_info(info_user: &str, info_bot: &str) -> String {
    format!("{info_user}\n{info_bot}").trim().to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rooms_open_inside_the_window_only() {
        let at = 10_000_000;
        assert!(due(at, at - 30 * 60_000, 35), "30 min ahead, window 35");
        assert!(
            due(at, at - 35 * 60_000, 35),
            "exactly at the window's edge"
        );
        assert!(!due(at, at - 36 * 60_000, 35), "too early");
        assert!(!due(at, at, 35), "the match starts now: too late");
        assert!(!due(at, at + 1, 35), "already started");
    }

    #[test]
    fn the_goal_is_listed_when_the_category_has_it() {
        let goals = vec!["Beat the game".to_string(), "Any% NMG".to_string()];
        assert_eq!(goal("", "", &goals), Goal::Listed("Beat the game".into()));
        assert_eq!(
            goal("", "any% nmg", &goals),
            Goal::Listed("Any% NMG".into())
        );
        assert_eq!(
            goal("Ganon only", "Any% NMG", &goals),
            Goal::Custom("Ganon only".into())
        );
        assert_eq!(goal("  ", "", &[]), Goal::Custom(DEFAULT_GOAL.into()));
        let long = "x".repeat(300);
        assert_eq!(goal(&long, "", &[]).text().len(), CUSTOM_GOAL_MAX);
    }

    #[test]
    fn info_fills_the_template_and_fits() {
        let facts = InfoFacts {
            tournament: "Spring Cup".into(),
            match_name: "Round 1 — Alice vs Bob".into(),
            players: vec!["Alice".into(), "Bob".into()],
            title: "Round 1".into(),
        };
        assert_eq!(info("", &facts), "Spring Cup - Round 1 — Alice vs Bob");
        assert_eq!(info("{title}: {players}", &facts), "Round 1: Alice vs Bob");
        let long = "y".repeat(2000);
        assert_eq!(info(&long, &facts).chars().count(), INFO_MAX);
        assert_eq!(
            seed_info(Some("https://x/h/1"), Some("A/B")),
            "Seed: https://x/h/1 (A/B)"
        );
        assert_eq!(combined_info("a", ""), "a");
    }

    #[test]
    fn the_form_sends_every_field() {
        let form = startrace_form(
            &RoomSettings::default(),
            &Goal::Listed("Beat the game".into()),
            "Cup",
            "Seed: u",
        );
        let get = |k: &str| form.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
        assert_eq!(get("goal"), Some("Beat the game"));
        assert_eq!(get("custom_goal"), None);
        assert_eq!(get("streaming_required"), Some("false"));
        assert_eq!(get("invitational"), Some("true"));
        assert_eq!(get("start_delay"), Some("15"));
        assert_eq!(get("time_limit"), Some("24"));
        assert_eq!(form.len(), 17);
        let custom = startrace_form(&RoomSettings::default(), &Goal::Custom("x".into()), "", "");
        assert!(custom.iter().any(|(k, v)| k == "custom_goal" && v == "x"));
    }

    #[test]
    fn settings_out_of_range_name_the_field() {
        let mut s = RoomSettings {
            start_delay_seconds: 5,
            ..RoomSettings::default()
        };
        assert_eq!(
            check_settings(&s).unwrap_err().field(),
            Some("start_delay_seconds")
        );
        s.start_delay_seconds = 15;
        s.time_limit_hours = 0;
        assert_eq!(
            check_settings(&s).unwrap_err().field(),
            Some("time_limit_hours")
        );
        s.time_limit_hours = 24;
        s.chat_message_delay_seconds = 91;
        assert_eq!(
            check_settings(&s).unwrap_err().field(),
            Some("chat_message_delay_seconds")
        );
        s.chat_message_delay_seconds = 0;
        assert!(check_settings(&s).is_ok());
    }
}
