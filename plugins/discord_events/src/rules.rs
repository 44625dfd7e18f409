//! Pure rules: which matches get an event, what the event says, and the settings' checks. No
//! database, no clock (`now` is an argument), unit tested below.
//!
//! A match's event is planned from the match and its tournament's settings ([`plan`]):
//! - [`Plan::Want`] — the event should exist and look like the [`EventSpec`] (its
//!   [`fingerprint`] decides whether Discord must be told again);
//! - [`Plan::Remove`] — no event: no time, filtered out, finished, more than [`HORIZON_MS`]
//!   (14 days) away, or the tournament has no server or the filter `none`;
//! - [`Plan::Leave`] — the match has started but not finished: Discord refuses a start time in
//!   the past, so an existing event is left as it is until the match finishes.

use sdk::Error;
use serde_json::{json, Value};
use tournament::model::{Match, MatchStatus};

use crate::model::{EventSettings, MatchFilter};

/// Discord's limits on a scheduled event.
pub const NAME_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 1000;
pub const LOCATION_MAX: usize = 100;
/// How long an event may last, in minutes.
pub const DURATION_MIN: i64 = 5;
pub const DURATION_MAX: i64 = 24 * 60;
/// The placeholders the templates may use.
pub const PLACEHOLDERS: [&str; 4] = ["match", "players", "tournament", "stream"];
/// Discord's values: privacy level GUILD_ONLY, entity type EXTERNAL.
pub const PRIVACY_GUILD_ONLY: u64 = 2;
pub const ENTITY_EXTERNAL: u64 = 3;

/// The settings a tournament starts from.
pub fn default_settings(tournament_id: i64) -> EventSettings {
    EventSettings {
        tournament_id,
        guild_id: String::new(),
        filter: MatchFilter::All,
        duration_minutes: 60,
        title_template: "{match}".into(),
        description_template: "{tournament}: {players}\n{stream}".into(),
    }
}

/// The `{name}`s in a template (only lowercase words count as placeholders; other braces are
/// text).
fn placeholders(template: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                    found.push(name);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    found
}

/// A template's check: known placeholders only, at most `max` characters.
pub fn check_template(field: &str, template: &str, max: usize) -> Result<(), Error> {
    if let Some(unknown) = placeholders(template)
        .into_iter()
        .find(|p| !PLACEHOLDERS.contains(p))
    {
        return Err(Error::invalid(
            field,
            format!(
                "{{{unknown}}} is not a placeholder; use {{match}}, {{players}}, {{tournament}} \
                 or {{stream}}."
            ),
        ));
    }
    if template.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("At most {max} characters (Discord's limit)."),
        ));
    }
    Ok(())
}

/// A Discord id as users paste it: 5 to 25 digits (as `sdk::bot::channels::is_discord_id`,
/// which is server-only).
pub fn is_discord_id(text: &str) -> bool {
    (5..=25).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// The settings' own checks (the server and the tournament are checked by the service).
pub fn check_settings(s: &EventSettings) -> Result<(), Error> {
    let guild = s.guild_id.trim();
    if !guild.is_empty() && !is_discord_id(guild) {
        return Err(Error::invalid(
            "guild_id",
            "Pick one of the Discord servers linked to this organization.",
        ));
    }
    if !(DURATION_MIN..=DURATION_MAX).contains(&s.duration_minutes) {
        return Err(Error::invalid(
            "duration_minutes",
            format!("An event lasts {DURATION_MIN} to {DURATION_MAX} minutes."),
        ));
    }
    if s.title_template.trim().is_empty() {
        return Err(Error::invalid(
            "title_template",
            "Give the events a title, e.g. {match}.",
        ));
    }
    check_template("title_template", &s.title_template, NAME_MAX)?;
    check_template(
        "description_template",
        &s.description_template,
        DESCRIPTION_MAX,
    )?;
    Ok(())
}

/// What the placeholders stand for, for one match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub title: String,
    pub players: String,
    pub tournament: String,
    pub stream: String,
}

impl Facts {
    pub fn of(m: &Match) -> Self {
        let players = m
            .players
            .iter()
            .map(|p| p.display_name.as_str())
            .collect::<Vec<_>>()
            .join(" vs ");
        let title = if m.title.trim().is_empty() {
            players.clone()
        } else {
            m.title.trim().to_string()
        };
        Self {
            title,
            players,
            tournament: m.tournament_name.clone(),
            stream: m
                .stream_channel
                .as_ref()
                .map(|c| c.stream_url.trim().to_string())
                .unwrap_or_default(),
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The template with its placeholders filled in, in one pass: a value that itself contains a
/// placeholder (a match titled "{stream}") is kept as written, not expanded again.
pub fn render(template: &str, facts: &Facts) -> String {
    let values = [
        ("{match}", &facts.title),
        ("{players}", &facts.players),
        ("{tournament}", &facts.tournament),
        ("{stream}", &facts.stream),
    ];
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match values.iter().find(|(key, _)| rest.starts_with(key)) {
            Some((key, value)) => {
                out.push_str(value);
                rest = &rest[key.len()..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Matches further out than this get no event yet (the reconciliation creates it once the
/// match comes within reach): Discord allows at most 100 scheduled or active events per
/// server, and a season's schedule would otherwise fill it.
pub const HORIZON_MS: i64 = 14 * 24 * 60 * 60_000;

/// The event Discord should show for a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSpec {
    pub name: String,
    pub description: String,
    pub location: String,
    pub start_ms: i64,
    pub end_ms: i64,
}

impl EventSpec {
    /// The body of Discord's create / modify call: an EXTERNAL event, GUILD_ONLY.
    pub fn body(&self) -> Value {
        json!({
            "name": self.name,
            "description": self.description,
            "privacy_level": PRIVACY_GUILD_ONLY,
            "entity_type": ENTITY_EXTERNAL,
            "channel_id": null,
            "entity_metadata": { "location": self.location },
            "scheduled_start_time": sdk::time::rfc3339_utc(self.start_ms),
            "scheduled_end_time": sdk::time::rfc3339_utc(self.end_ms),
        })
    }
}

/// What should happen to a match's event (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Want(EventSpec),
    Leave,
    Remove,
}

pub fn plan(m: &Match, s: &EventSettings, now: i64) -> Plan {
    let Some(start) = m.scheduled_at else {
        return Plan::Remove;
    };
    let filtered_out = match s.filter {
        MatchFilter::None => true,
        MatchFilter::All => false,
        MatchFilter::StreamOnly => m.stream_channel.is_none(),
    };
    if filtered_out
        || s.guild_id.trim().is_empty()
        || matches!(m.status, MatchStatus::Finished | MatchStatus::Recorded)
    {
        return Plan::Remove;
    }
    if start <= now {
        return Plan::Leave;
    }
    if start > now + HORIZON_MS {
        return Plan::Remove;
    }
    let facts = Facts::of(m);
    let mut name = truncate(render(&s.title_template, &facts).trim(), NAME_MAX);
    if name.is_empty() {
        name = truncate(&format!("Match {}", m.id), NAME_MAX);
    }
    let mark = marker(m.org_id, m.tournament_id, m.id);
    let description = format!(
        "{}{mark}",
        truncate(
            render(&s.description_template, &facts).trim(),
            DESCRIPTION_MAX - mark.chars().count(),
        )
    )
    .trim_start()
    .to_string();
    let mut location = if facts.stream.is_empty() {
        truncate(facts.tournament.trim(), LOCATION_MAX)
    } else {
        truncate(&facts.stream, LOCATION_MAX)
    };
    if location.is_empty() {
        location = "SahaBot".into();
    }
    Plan::Want(EventSpec {
        name,
        description,
        location,
        start_ms: start,
        end_ms: start + s.duration_minutes * 60_000,
    })
}

/// The footer every event this plugin makes ends with: whose it is (organization, tournament,
/// match). The bot is the whole site's, so "made by the bot" is not enough to call an event
/// ours: only events carrying this footer are ever deleted as orphans or adopted.
pub fn marker(org_id: i64, tournament_id: i64, match_id: i64) -> String {
    format!("\n\n(SahaBot event {org_id}/{tournament_id}/{match_id})")
}

/// The (organization, tournament, match) of an event's [`marker`], if it ends with one.
pub fn marked(description: &str) -> Option<(i64, i64, i64)> {
    let (_, tail) = description.trim_end().rsplit_once("(SahaBot event ")?;
    let ids: Vec<i64> = tail
        .strip_suffix(')')?
        .split('/')
        .map(|v| v.parse().ok())
        .collect::<Option<_>>()?;
    match ids.as_slice() {
        [org, tournament, m] => Some((*org, *tournament, *m)),
        _ => None,
    }
}

/// A short fingerprint of what is sent (FNV-1a, 64 bits, hex): equal bodies, equal prints.
pub fn fingerprint(body: &Value) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in body.to_string().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use tournament::model::{MatchPlayer, StreamChannel};

    const NOW: i64 = 1_800_000_000_000;

    fn a_match(at: Option<i64>, stream: bool) -> Match {
        let player = |id: i64, name: &str| MatchPlayer {
            user_id: id,
            display_name: name.into(),
            finish_rank: None,
            station: None,
        };
        Match {
            id: 7,
            org_id: 1,
            tournament_id: 3,
            tournament_name: "Spring Cup".into(),
            title: "Round 1".into(),
            comment: String::new(),
            status: if at.is_some() {
                MatchStatus::Scheduled
            } else {
                MatchStatus::Pending
            },
            scheduled_at: at,
            checked_in_at: None,
            started_at: None,
            finished_at: None,
            confirmed_at: None,
            stream_channel: stream.then(|| StreamChannel {
                id: 1,
                org_id: 1,
                name: "Main".into(),
                stream_url: "https://twitch.tv/league".into(),
                is_active: true,
            }),
            players: vec![player(1, "ada"), player(2, "bob")],
            crew: Vec::new(),
            seed: None,
            seed_roll_id: None,
            holds: Vec::new(),
            onsite: false,
            trackers_wanted: false,
            has_settings_form: false,
        }
    }

    fn settings(filter: MatchFilter) -> EventSettings {
        EventSettings {
            guild_id: "700000000000000001".into(),
            filter,
            ..default_settings(3)
        }
    }

    #[test]
    fn a_scheduled_match_wants_an_external_event() {
        let m = a_match(Some(NOW + 3_600_000), true);
        let Plan::Want(spec) = plan(&m, &settings(MatchFilter::All), NOW) else {
            panic!("no event planned");
        };
        assert_eq!(spec.name, "Round 1");
        assert_eq!(
            spec.description,
            format!(
                "Spring Cup: ada vs bob\nhttps://twitch.tv/league{}",
                marker(m.org_id, m.tournament_id, m.id)
            )
        );
        assert_eq!(spec.location, "https://twitch.tv/league");
        assert_eq!(spec.end_ms - spec.start_ms, 60 * 60_000);
        let body = spec.body();
        assert_eq!(body["entity_type"], 3);
        assert_eq!(body["privacy_level"], 2);
        assert!(body["scheduled_start_time"]
            .as_str()
            .unwrap()
            .ends_with('Z'));
        // Without a stream, the tournament is the location.
        let Plan::Want(spec) = plan(
            &a_match(Some(NOW + 1), false),
            &settings(MatchFilter::All),
            NOW,
        ) else {
            panic!("no event planned");
        };
        assert_eq!(spec.location, "Spring Cup");
    }

    #[test]
    fn the_filter_and_the_match_state_decide() {
        let with_stream = a_match(Some(NOW + 1), true);
        let without = a_match(Some(NOW + 1), false);
        let stream_only = settings(MatchFilter::StreamOnly);
        assert!(matches!(
            plan(&with_stream, &stream_only, NOW),
            Plan::Want(_)
        ));
        assert_eq!(plan(&without, &stream_only, NOW), Plan::Remove);
        assert_eq!(
            plan(&with_stream, &settings(MatchFilter::None), NOW),
            Plan::Remove
        );
        assert_eq!(
            plan(&a_match(None, true), &settings(MatchFilter::All), NOW),
            Plan::Remove
        );
        let mut finished = with_stream.clone();
        finished.status = MatchStatus::Finished;
        assert_eq!(
            plan(&finished, &settings(MatchFilter::All), NOW),
            Plan::Remove
        );
        // Started: Discord refuses a past start time, so the event is left alone.
        let started = a_match(Some(NOW - 1), true);
        assert_eq!(
            plan(&started, &settings(MatchFilter::All), NOW),
            Plan::Leave
        );
        // No server chosen: no events.
        let mut none = settings(MatchFilter::All);
        none.guild_id.clear();
        assert_eq!(plan(&with_stream, &none, NOW), Plan::Remove);
    }

    #[test]
    fn templates_are_checked_and_texts_kept_within_discords_limits() {
        let mut s = settings(MatchFilter::All);
        s.title_template = "{match} ({round})".into();
        let e = check_settings(&s).unwrap_err();
        assert_eq!(e.field(), Some("title_template"));
        assert!(e.message().contains("{round} is not a placeholder"), "{e}");
        s.title_template = "x".repeat(101);
        assert!(check_settings(&s).is_err());
        s.title_template = "{match} {not a placeholder}".into();
        check_settings(&s).unwrap();
        s.description_template = "y".repeat(1001);
        assert_eq!(
            check_settings(&s).unwrap_err().field(),
            Some("description_template")
        );
        s.description_template = "{stream}".into();
        s.duration_minutes = 0;
        assert_eq!(
            check_settings(&s).unwrap_err().field(),
            Some("duration_minutes")
        );
        s.duration_minutes = 90;
        s.guild_id = "../1".into();
        assert_eq!(check_settings(&s).unwrap_err().field(), Some("guild_id"));
        // Long player names are cut to Discord's limits when rendered.
        let mut m = a_match(Some(NOW + 1), false);
        m.title = "z".repeat(300);
        let Plan::Want(spec) = plan(&m, &settings(MatchFilter::All), NOW) else {
            panic!("no event planned");
        };
        assert_eq!(spec.name.chars().count(), NAME_MAX);
    }

    #[test]
    fn placeholders_are_filled_in_one_pass() {
        let mut m = a_match(Some(NOW + 60_000), true);
        m.title = "Final {stream} {players}".into();
        let facts = Facts::of(&m);
        let rendered = render("{match} at {stream} {unknown} {", &facts);
        assert_eq!(
            rendered,
            format!(
                "Final {{stream}} {{players}} at {} {{unknown}} {{",
                facts.stream
            )
        );
    }

    #[test]
    fn events_carry_whose_they_are() {
        let m = a_match(Some(NOW + 60_000), false);
        let Plan::Want(spec) = plan(&m, &settings(MatchFilter::All), NOW) else {
            panic!("wanted");
        };
        assert_eq!(
            marked(&spec.description),
            Some((m.org_id, m.tournament_id, m.id))
        );
        assert!(spec.description.chars().count() <= DESCRIPTION_MAX);
        assert_eq!(marked("made by someone"), None);
        assert_eq!(marked("(SahaBot event 1/x/3)"), None);
        assert_eq!(marked("(SahaBot event 1/2/3/4)"), None);
    }

    #[test]
    fn matches_beyond_the_horizon_get_no_event_yet() {
        let s = settings(MatchFilter::All);
        let far = a_match(Some(NOW + HORIZON_MS + 60_000), false);
        assert_eq!(plan(&far, &s, NOW), Plan::Remove);
        let near = a_match(Some(NOW + HORIZON_MS - 60_000), false);
        assert!(matches!(plan(&near, &s, NOW), Plan::Want(_)));
    }

    #[test]
    fn fingerprints_follow_the_body() {
        let m = a_match(Some(NOW + 1), false);
        let Plan::Want(a) = plan(&m, &settings(MatchFilter::All), NOW) else {
            panic!()
        };
        let mut moved = m.clone();
        moved.scheduled_at = Some(NOW + 60_000);
        let Plan::Want(b) = plan(&moved, &settings(MatchFilter::All), NOW) else {
            panic!()
        };
        assert_eq!(fingerprint(&a.body()), fingerprint(&a.body()));
        assert_ne!(fingerprint(&a.body()), fingerprint(&b.body()));
    }
}
