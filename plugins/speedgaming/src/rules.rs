//! The plugin's rules, pure: no database, no clock (callers pass `now`), unit tested here.
//!
//! - What SpeedGaming's schedule answer is ([`Episode`], read leniently, docs/upstreams/
//!   speedgaming.md) and what a match made from an episode looks like: its title, time,
//!   players, stream channel and approved crew.
//! - The window a sync asks for, when a match auto-finishes, which known episodes vanished.
//! - What an organization may type: the event slug.

use std::collections::BTreeSet;

use sdk::Error;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The real site, the `base_url` setting's default.
pub const DEFAULT_URL: &str = "https://speedgaming.org";
/// How the plugin is named in holds, locks and audit entries.
pub const HOLDER: &str = "SpeedGaming";
/// A sync reads episodes from this long ago …
pub const WINDOW_BEFORE_MS: i64 = 2 * 3600 * 1000;
/// … to this far ahead.
pub const WINDOW_AFTER_MS: i64 = 7 * 24 * 3600 * 1000;
/// A known episode is missing only when its time is this far inside both window edges.
pub const WINDOW_MARGIN_MS: i64 = 5 * 60 * 1000;
/// A missing episode's match is deleted after this many successful runs in a row without it.
pub const MISSING_RUNS_TO_DELETE: i64 = 2;
/// The most episodes one answer may hold (more is refused as an upstream error).
pub const MAX_EPISODES: usize = 1000;
/// The most people one episode may name (players, commentators and trackers together).
pub const MAX_PEOPLE_PER_EPISODE: usize = 64;
/// The longest Discord tag accepted (a longer one is ignored).
pub const TAG_MAX: usize = 32;
/// A synced match finishes by itself this long after its time, unless finished by hand.
pub const AUTO_FINISH_AFTER_MS: i64 = 4 * 3600 * 1000;
/// How often the import runs (seconds).
pub const SYNC_INTERVAL_SECONDS: i64 = 300;
/// Placeholders nobody's match names are removed after this long without a change.
pub const PLACEHOLDER_IDLE_MS: i64 = 30 * 24 * 3600 * 1000;
/// The most changes and errors a run's summary lists.
pub const MAX_LISTED: usize = 20;
/// The tournament's longest match title.
pub const TITLE_MAX: usize = 200;

/// Reads a number or a string as text (SpeedGaming sends Discord ids as strings, some as
/// numbers); null and "" read as None.
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A person on an episode: a player or a crew member.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Person {
    /// SpeedGaming's id of the person.
    pub id: i64,
    #[serde(rename = "displayName", default)]
    pub display_name: String,
    #[serde(rename = "discordId", default, deserialize_with = "text_or_number")]
    pub discord_id: Option<String>,
    #[serde(rename = "discordTag", default, deserialize_with = "text_or_number")]
    pub discord_tag: Option<String>,
    /// Crew only: whether the event's staff approved them.
    #[serde(default)]
    pub approved: bool,
}

impl Person {
    /// The Discord username in `discordTag`: `name` and `name#0` read as `name`; a legacy
    /// `name#1234` reads as nothing — that name may belong to someone else since Discord's
    /// move to unique usernames.
    pub fn discord_username(&self) -> Option<String> {
        let tag = self.discord_tag.as_deref()?.trim();
        let name = match tag.rsplit_once('#') {
            Some((name, discriminator))
                if !discriminator.is_empty()
                    && discriminator.chars().all(|c| c.is_ascii_digit()) =>
            {
                if discriminator.chars().any(|c| c != '0') {
                    return None;
                }
                name
            }
            _ => tag,
        };
        (!name.is_empty()).then(|| name.to_string())
    }

    /// Drops what cannot be a Discord id (1–20 digits) or tag (at most [`TAG_MAX`] characters):
    /// such values are ignored, never looked up.
    fn clean(&mut self) {
        if self.discord_id.as_deref().is_some_and(|id| {
            id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit())
        }) {
            self.discord_id = None;
        }
        if self
            .discord_tag
            .as_deref()
            .is_some_and(|tag| tag.chars().count() > TAG_MAX)
        {
            self.discord_tag = None;
        }
    }

    /// The name to show for a placeholder.
    pub fn shown_name(&self) -> String {
        let name = self.display_name.trim();
        if name.is_empty() {
            format!("SpeedGaming {}", self.id)
        } else {
            name.chars().take(64).collect()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EpisodeMatch {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub players: Vec<Person>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Channel {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: String,
}

/// One episode of the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Episode {
    pub id: i64,
    #[serde(default)]
    pub title: Option<String>,
    /// RFC 3339 with an offset, e.g. `2026-12-06T18:00:00+00:00`.
    pub when: String,
    #[serde(default)]
    pub match1: Option<EpisodeMatch>,
    #[serde(default)]
    pub match2: Option<EpisodeMatch>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub commentators: Vec<Person>,
    #[serde(default)]
    pub trackers: Vec<Person>,
}

impl Episode {
    /// Everyone the episode names: the players of both matches, commentators and trackers.
    fn people_mut(&mut self) -> impl Iterator<Item = &mut Person> {
        self.match1
            .iter_mut()
            .chain(self.match2.iter_mut())
            .flat_map(|m| m.players.iter_mut())
            .chain(self.commentators.iter_mut())
            .chain(self.trackers.iter_mut())
    }
}

/// The schedule answer: the episodes that could be read, and for each one that could not, its
/// id (when readable) and why.
#[derive(Debug, Default)]
pub struct Schedule {
    pub episodes: Vec<Episode>,
    pub unreadable: Vec<(Option<i64>, String)>,
}

/// Reads the body of `GET /api/schedule/`: a JSON array of episodes. Anything else is the
/// upstream's fault (an error naming what came back); an episode that is not one is listed in
/// `unreadable`, and the rest are still used.
pub fn parse_schedule(body: &str) -> Result<Schedule, String> {
    let value: Value = serde_json::from_str(body).map_err(|_| {
        let start: String = body.trim().chars().take(60).collect();
        format!("SpeedGaming answered something that is not JSON: `{start}`")
    })?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut o) => match o.remove("episodes") {
            Some(Value::Array(items)) => items,
            _ => {
                let why = o
                    .get("error")
                    .and_then(Value::as_str)
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default();
                return Err(format!(
                    "SpeedGaming answered an object instead of a list of episodes{why}"
                ));
            }
        },
        _ => return Err("SpeedGaming answered something other than a list of episodes".into()),
    };
    if items.len() > MAX_EPISODES {
        return Err(format!(
            "SpeedGaming answered {} episodes, more than the {MAX_EPISODES} a sync accepts",
            items.len()
        ));
    }
    let mut schedule = Schedule::default();
    for item in items {
        let id = item.get("id").and_then(Value::as_i64);
        match serde_json::from_value::<Episode>(item) {
            Ok(mut episode) => match parse_when(&episode) {
                Ok(_) => {
                    let people = episode.people_mut().count();
                    if people > MAX_PEOPLE_PER_EPISODE {
                        schedule.unreadable.push((
                            id,
                            format!(
                                "it names {people} people, more than the \
                                 {MAX_PEOPLE_PER_EPISODE} accepted"
                            ),
                        ));
                        continue;
                    }
                    episode.people_mut().for_each(Person::clean);
                    schedule.episodes.push(episode);
                }
                Err(why) => schedule.unreadable.push((id, why)),
            },
            Err(e) => schedule.unreadable.push((id, e.to_string())),
        }
    }
    Ok(schedule)
}

/// The episode's time, epoch ms.
pub fn parse_when(episode: &Episode) -> Result<i64, String> {
    sdk::time::parse_rfc3339(&episode.when)
}

/// The match title: the episode's title, else its first match's, else "Episode N"; at most
/// [`TITLE_MAX`] characters.
pub fn match_title(episode: &Episode) -> String {
    let pick = |t: &Option<String>| {
        t.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let title = pick(&episode.title)
        .or_else(|| episode.match1.as_ref().and_then(|m| pick(&m.title)))
        .unwrap_or_else(|| format!("Episode {}", episode.id));
    title.chars().take(TITLE_MAX).collect()
}

/// The players of both matches of the episode, each once (by SpeedGaming id), in order.
pub fn players(episode: &Episode) -> Vec<Person> {
    let mut seen = BTreeSet::new();
    episode
        .match1
        .iter()
        .chain(episode.match2.iter())
        .flat_map(|m| m.players.iter())
        .filter(|p| seen.insert(p.id))
        .cloned()
        .collect()
}

/// The crew the match gets: approved commentators and approved trackers, nobody else.
pub fn approved_crew(episode: &Episode) -> Vec<(Person, tournament::model::CrewRole)> {
    use tournament::model::CrewRole;
    let approved = |people: &[Person], role: CrewRole| {
        people
            .iter()
            .filter(|p| p.approved)
            .map(|p| (p.clone(), role))
            .collect::<Vec<_>>()
    };
    let mut crew = approved(&episode.commentators, CrewRole::Commentator);
    crew.extend(approved(&episode.trackers, CrewRole::Tracker));
    crew
}

/// The stream channel of the match: the episode's first channel, as (name, stream URL).
pub fn stream_channel(episode: &Episode) -> Option<(String, String)> {
    let channel = episode.channels.first()?;
    let slug = channel.slug.trim();
    let name = if channel.name.trim().is_empty() {
        slug
    } else {
        channel.name.trim()
    };
    if name.is_empty() {
        return None;
    }
    let handle = if slug.is_empty() { name } else { slug };
    let handle: String = handle
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    Some((
        name.to_string(),
        format!("https://www.twitch.tv/{}", handle.to_lowercase()),
    ))
}

/// The window a sync asks for at `now`: (from, to), epoch ms.
pub fn window(now: i64) -> (i64, i64) {
    (now - WINDOW_BEFORE_MS, now + WINDOW_AFTER_MS)
}

/// Whether a synced match scheduled at `scheduled_at` finishes by itself at `now`.
pub fn auto_finish_due(scheduled_at: i64, now: i64) -> bool {
    now >= scheduled_at.saturating_add(AUTO_FINISH_AFTER_MS)
}

/// Whether a known episode whose match is at `scheduled_at` and that the answer did not list
/// is missing from it: only one well inside the window ([`WINDOW_MARGIN_MS`] from both edges)
/// should have been listed (an older one simply left the window and finishes by time instead;
/// one at an edge may be on either side of SpeedGaming's own cut).
pub fn vanished(scheduled_at: Option<i64>, listed: bool, now: i64) -> bool {
    let (from, to) = window(now);
    !listed
        && scheduled_at
            .is_some_and(|at| at >= from + WINDOW_MARGIN_MS && at < to - WINDOW_MARGIN_MS)
}

/// Whether a missing episode's match is deleted now, after `missing_runs` successful runs in
/// a row without it (this one counted): never on one answer alone.
pub fn delete_due(missing_runs: i64) -> bool {
    missing_runs >= MISSING_RUNS_TO_DELETE
}

/// An event slug as SpeedGaming writes them: lower-case letters, digits, `-` and `_`.
pub fn clean_slug(slug: &str) -> Result<String, Error> {
    let slug = slug.trim().to_lowercase();
    if slug.is_empty() {
        return Err(Error::invalid(
            "event_slug",
            "Give the event's slug, the last part of its address on speedgaming.org (e.g. alttprleague).",
        ));
    }
    if slug.len() > 64
        || !slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::invalid(
            "event_slug",
            "A slug has at most 64 letters, digits, - and _ (e.g. alttprleague).",
        ));
    }
    Ok(slug)
}

/// The base URL from the plugin's effective configuration, without a trailing slash.
pub fn base_url(config: &Value) -> String {
    config
        .get("base_url")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(DEFAULT_URL)
        .trim_end_matches('/')
        .to_string()
}

/// Appends `line` to a summary list unless it holds [`MAX_LISTED`] already.
pub fn list_push(list: &mut Vec<String>, line: String) {
    if list.len() < MAX_LISTED {
        list.push(line);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    fn episode(value: Value) -> Episode {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_schedule_is_read_leniently_but_garbage_is_refused() {
        let body = json!([
            {"id": 1, "when": "2026-12-06T18:00:00+00:00", "title": "Final",
             "match1": {"title": "A vs B", "players": [
                 {"id": 7, "displayName": "Ada", "discordId": "111", "discordTag": "ada#0"},
                 {"id": 8, "displayName": "Bob", "discordId": 222, "discordTag": ""}]}},
            {"id": 2, "when": "not a time"},
            {"title": "no id"}
        ])
        .to_string();
        let schedule = parse_schedule(&body).unwrap();
        assert_eq!(schedule.episodes.len(), 1);
        let players = players(&schedule.episodes[0]);
        assert_eq!(players[0].discord_id.as_deref(), Some("111"));
        assert_eq!(players[1].discord_id.as_deref(), Some("222"));
        assert_eq!(players[1].discord_tag, None);
        assert_eq!(schedule.unreadable.len(), 2);
        assert_eq!(schedule.unreadable[0].0, Some(2));
        assert_eq!(schedule.unreadable[1].0, None);

        assert!(parse_schedule("<html>oops</html>")
            .unwrap_err()
            .contains("not JSON"));
        assert!(parse_schedule(r#"{"error": "Event not found"}"#)
            .unwrap_err()
            .contains("Event not found"));
        assert_eq!(
            parse_schedule(r#"{"episodes": []}"#)
                .unwrap()
                .episodes
                .len(),
            0
        );
    }

    #[test]
    fn oversized_answers_and_bad_discord_details_are_refused() {
        let one = |n: i64| json!({"id": n, "when": "2026-12-06T18:00:00Z"});
        let many: Vec<Value> = (0..=MAX_EPISODES as i64).map(one).collect();
        assert!(parse_schedule(&Value::Array(many).to_string())
            .unwrap_err()
            .contains("more than the 1000"));
        let crowd: Vec<Value> = (0..=MAX_PEOPLE_PER_EPISODE as i64)
            .map(|id| json!({"id": id}))
            .collect();
        let body = json!([
            {"id": 1, "when": "2026-12-06T18:00:00Z", "commentators": crowd},
            {"id": 2, "when": "2026-12-06T18:00:00Z", "match1": {"players": [
                {"id": 7, "discordId": "12345678901234567890", "discordTag": "ada"},
                {"id": 8, "discordId": "123456789012345678901", "discordTag": "x".repeat(33)},
                {"id": 9, "discordId": "12a", "discordTag": "bob#0"}]}}
        ])
        .to_string();
        let schedule = parse_schedule(&body).unwrap();
        assert_eq!(schedule.unreadable.len(), 1);
        assert_eq!(schedule.unreadable[0].0, Some(1));
        let people = players(&schedule.episodes[0]);
        assert_eq!(
            people[0].discord_id.as_deref(),
            Some("12345678901234567890")
        );
        assert_eq!(people[1].discord_id, None);
        assert_eq!(people[1].discord_tag, None);
        assert_eq!(people[2].discord_id, None);
        assert_eq!(people[2].discord_username().as_deref(), Some("bob"));
    }

    #[test]
    fn the_title_is_the_episode_s_else_the_first_match_s() {
        let base = json!({"id": 5, "when": "2026-12-06T18:00:00Z",
                          "match1": {"title": " A vs B ", "players": []}});
        assert_eq!(match_title(&episode(base.clone())), "A vs B");
        let mut titled = base.clone();
        titled["title"] = json!("Grand final");
        assert_eq!(match_title(&episode(titled)), "Grand final");
        let bare = json!({"id": 5, "when": "2026-12-06T18:00:00Z", "title": "  "});
        assert_eq!(match_title(&episode(bare)), "Episode 5");
        let long = json!({"id": 5, "when": "2026-12-06T18:00:00Z", "title": "x".repeat(300)});
        assert_eq!(match_title(&episode(long)).len(), TITLE_MAX);
    }

    #[test]
    fn only_approved_commentators_and_trackers_are_crew() {
        let e = episode(json!({"id": 1, "when": "2026-12-06T18:00:00Z",
            "commentators": [{"id": 1, "approved": true}, {"id": 2, "approved": false}],
            "trackers": [{"id": 3, "approved": true}],
            "broadcasters": [{"id": 4, "approved": true}]}));
        let crew: Vec<(i64, &str)> = approved_crew(&e)
            .iter()
            .map(|(p, r)| (p.id, r.key()))
            .collect();
        assert_eq!(crew, [(1, "commentator"), (3, "tracker")]);
    }

    #[test]
    fn discord_tags_lose_their_discriminator() {
        let person = |tag: &str| Person {
            id: 1,
            display_name: String::new(),
            discord_id: None,
            discord_tag: Some(tag.into()),
            approved: false,
        };
        // A legacy tag with a discriminator names nobody reliably.
        assert_eq!(person("ada#1234").discord_username(), None);
        assert_eq!(person("ada#0").discord_username().as_deref(), Some("ada"));
        assert_eq!(person("ada").discord_username().as_deref(), Some("ada"));
        assert_eq!(person("#0").discord_username(), None);
        assert_eq!(person("").shown_name(), "SpeedGaming 1");
    }

    #[test]
    fn the_first_channel_is_the_stream() {
        let e = episode(json!({"id": 1, "when": "2026-12-06T18:00:00Z",
            "channels": [{"id": 6, "name": "SpeedGaming", "slug": "speedgaming"},
                         {"id": 7, "name": "SpeedGaming2", "slug": "speedgaming2"}]}));
        assert_eq!(
            stream_channel(&e),
            Some((
                "SpeedGaming".into(),
                "https://www.twitch.tv/speedgaming".into()
            ))
        );
        let none = episode(json!({"id": 1, "when": "2026-12-06T18:00:00Z"}));
        assert_eq!(stream_channel(&none), None);
    }

    #[test]
    fn matches_finish_four_hours_after_their_time() {
        let at = 1_000_000_000;
        assert!(!auto_finish_due(at, at + AUTO_FINISH_AFTER_MS - 1));
        assert!(auto_finish_due(at, at + AUTO_FINISH_AFTER_MS));
    }

    #[test]
    fn only_episodes_inside_the_window_can_vanish() {
        let now = 10_000_000_000;
        assert!(vanished(Some(now), false, now));
        assert!(!vanished(Some(now), true, now));
        // Left the window at its start: finishes by time, not deleted.
        assert!(!vanished(Some(now - WINDOW_BEFORE_MS - 1), false, now));
        assert!(!vanished(Some(now + WINDOW_AFTER_MS), false, now));
        // Within the margin of either edge: not missing.
        assert!(!vanished(Some(now - WINDOW_BEFORE_MS + 1), false, now));
        assert!(!vanished(
            Some(now - WINDOW_BEFORE_MS + WINDOW_MARGIN_MS - 1),
            false,
            now
        ));
        assert!(vanished(
            Some(now - WINDOW_BEFORE_MS + WINDOW_MARGIN_MS),
            false,
            now
        ));
        assert!(!vanished(
            Some(now + WINDOW_AFTER_MS - WINDOW_MARGIN_MS),
            false,
            now
        ));
        assert!(vanished(
            Some(now + WINDOW_AFTER_MS - WINDOW_MARGIN_MS - 1),
            false,
            now
        ));
        assert!(!delete_due(1));
        assert!(delete_due(2));
        assert_eq!(window(now), (now - WINDOW_BEFORE_MS, now + WINDOW_AFTER_MS));
    }

    #[test]
    fn slugs_are_checked() {
        assert_eq!(clean_slug(" ALTTPRLeague ").unwrap(), "alttprleague");
        assert_eq!(clean_slug("").unwrap_err().field(), Some("event_slug"));
        assert_eq!(clean_slug("a/b").unwrap_err().field(), Some("event_slug"));
        assert_eq!(base_url(&json!({"base_url": "http://x/"})), "http://x");
        assert_eq!(base_url(&json!({})), DEFAULT_URL);
    }
}
