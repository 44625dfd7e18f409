//! Reading racetime.gg's room JSON (the `race` of a `race.data` frame and `/<cat>/<slug>/data`)
//! and deciding what the race's state means for its match.
//!
//! The match follows the race: an open room checks the match in, a started race starts it, a
//! finished race finishes it with ranks from the places (forfeits, disqualifications and
//! players who never joined share the last rank), and a cancelled room lets the match go. The
//! decision is made from the state alone, never from what was done before, so a frame seen
//! twice, or a reconnect that skipped frames, leads to the same match.

use serde::Deserialize;
use tournament::model::MatchStatus;

use crate::model::Entrant;

/// How long after its end a finished race may still be reopened on racetime.gg.
pub const SETTLE_MS: i64 = 10 * 60 * 1000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Status {
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RaceUser {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub full_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RaceEntrant {
    #[serde(default)]
    pub user: Option<RaceUser>,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub place: Option<i64>,
    /// `P0DT01H32M07.412310S`.
    #[serde(default)]
    pub finish_time: Option<String>,
}

/// The parts of a room the plugin reads; unknown fields are ignored, missing ones defaulted,
/// so a field racetime.gg adds or drops does not stop the bot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RaceData {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub entrants: Vec<RaceEntrant>,
    #[serde(default)]
    pub info_user: String,
    #[serde(default)]
    pub info_bot: String,
    #[serde(default)]
    pub opened_by_bot: Option<String>,
    #[serde(default)]
    pub websocket_bot_url: Option<String>,
    #[serde(default, with = "sdk::time::rfc3339::option")]
    pub started_at: Option<i64>,
    #[serde(default, with = "sdk::time::rfc3339::option")]
    pub ended_at: Option<i64>,
    #[serde(default)]
    pub recorded: bool,
}

impl RaceData {
    /// The room's slug: `slug`, else the part of `name` after the category.
    pub fn slug(&self) -> String {
        self.slug.clone().unwrap_or_else(|| {
            self.name
                .split_once('/')
                .map(|(_, s)| s.to_string())
                .unwrap_or_default()
        })
    }

    /// Whether racetime.gg will not change the room any more (for the match: cancelled for
    /// good; a finished race may still be reopened for ten minutes, so it is followed on).
    pub fn is_cancelled(&self) -> bool {
        self.status.value == "cancelled"
    }

    /// Whether the result can no longer change by itself: recorded by the category's staff, or
    /// ended more than ten minutes ago (entrants may undo a finish or forfeit for ten minutes).
    pub fn is_settled(&self, now: i64) -> bool {
        self.status.value == "finished"
            && (self.recorded || self.ended_at.is_some_and(|end| now - end > SETTLE_MS))
    }

    pub fn entrant_ids(&self) -> Vec<String> {
        self.entrants
            .iter()
            .filter_map(|e| e.user.as_ref().map(|u| u.id.clone()))
            .collect()
    }
}

/// `P0DT01H32M07.412310S` → `1:32:07.4`; None when it does not read as such.
pub fn finish_time(iso: &str) -> Option<String> {
    let rest = iso.strip_prefix('P')?;
    let (days, rest) = rest.split_once("DT")?;
    let (hours, rest) = rest.split_once('H')?;
    let (minutes, rest) = rest.split_once('M')?;
    let seconds = rest.strip_suffix('S')?;
    let days: i64 = days.parse().ok()?;
    let hours: i64 = hours.parse().ok()?;
    let minutes: i64 = minutes.parse().ok()?;
    let seconds: f64 = seconds.parse().ok()?;
    let whole = seconds.trunc() as i64;
    let tenths = ((seconds - seconds.trunc()) * 10.0).trunc() as i64;
    Some(format!(
        "{}:{minutes:02}:{whole:02}.{tenths}",
        days * 24 + hours
    ))
}

/// The entrants as the pages show them; `user_of` maps a racetime.gg id to a SahaBot user.
pub fn entrants(race: &RaceData, user_of: impl Fn(&str) -> Option<i64>) -> Vec<Entrant> {
    race.entrants
        .iter()
        .filter_map(|e| {
            let user = e.user.as_ref()?;
            Some(Entrant {
                racetime_id: user.id.clone(),
                name: user.full_name.clone().unwrap_or_else(|| user.name.clone()),
                status: e.status.value.clone(),
                place: e.place,
                finish_time: e.finish_time.as_deref().and_then(finish_time),
                user_id: user_of(&user.id),
            })
        })
        .collect()
}

/// Ranks for the match's players (user id, racetime.gg id if linked): a finisher's place; every
/// other player (forfeit, disqualified, never joined) shares the rank after the last finisher.
pub fn ranks(race: &RaceData, players: &[(i64, Option<String>)]) -> Vec<(i64, i64)> {
    let place_of = |racetime_id: &str| {
        race.entrants.iter().find_map(|e| {
            (e.user.as_ref().is_some_and(|u| u.id == racetime_id) && e.status.value == "done")
                .then_some(e.place)
                .flatten()
        })
    };
    let placed: Vec<(i64, Option<i64>)> = players
        .iter()
        .map(|(user, rt)| (*user, rt.as_deref().and_then(place_of)))
        .collect();
    // Places count every finisher of the room; among the match's players they are re-numbered
    // 1, 2, … in the same order so the ranks stay within 1..=players.
    let mut finishers: Vec<(i64, i64)> = placed
        .iter()
        .filter_map(|(u, p)| p.map(|p| (*u, p)))
        .collect();
    finishers.sort_by_key(|(_, p)| *p);
    let mut out = Vec::new();
    let mut rank = 0;
    let mut last_place = None;
    for (i, (user, place)) in finishers.iter().enumerate() {
        if last_place != Some(*place) {
            rank = i as i64 + 1;
            last_place = Some(*place);
        }
        out.push((*user, rank));
    }
    let last = finishers.len() as i64 + 1;
    for (user, place) in &placed {
        if place.is_none() {
            out.push((*user, last));
        }
    }
    out
}

/// One step of the match toward the race.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// One status forward, as the holder.
    Advance,
    /// One status back (a finish undone within racetime.gg's ten minutes).
    Revert,
    /// Record the ranks (finishes a match in progress; corrects a finished one).
    Result,
    /// The room is gone: release the hold and unlink the room.
    Release,
}

fn order(status: MatchStatus) -> u8 {
    match status {
        MatchStatus::Pending => 0,
        MatchStatus::Scheduled => 1,
        MatchStatus::CheckedIn => 2,
        MatchStatus::InProgress => 3,
        MatchStatus::Finished => 4,
        MatchStatus::Recorded => 5,
    }
}

/// The next step that brings a match in `status` closer to a race in `race_status`, or None
/// when they agree. `ranks_differ`: the finished race's ranks are not the match's.
pub fn next_step(status: MatchStatus, race_status: &str, ranks_differ: bool) -> Option<Step> {
    let target = match race_status {
        "open" | "invitational" | "pending" => MatchStatus::CheckedIn,
        "in_progress" => MatchStatus::InProgress,
        "finished" => MatchStatus::Finished,
        "cancelled" => return Some(Step::Release),
        // `opening` (ours) and anything racetime.gg adds later (`partitioned`): leave the
        // match alone.
        _ => return None,
    };
    if status == MatchStatus::Recorded {
        // A manager confirmed the result: the race no longer moves it.
        return None;
    }
    match order(status).cmp(&order(target)) {
        std::cmp::Ordering::Less
            if target == MatchStatus::Finished && status == MatchStatus::InProgress =>
        {
            Some(Step::Result)
        }
        std::cmp::Ordering::Less => Some(Step::Advance),
        std::cmp::Ordering::Equal if target == MatchStatus::Finished && ranks_differ => {
            Some(Step::Result)
        }
        std::cmp::Ordering::Equal => None,
        // The race went back (a finish undone): the match follows. A room that is open again
        // after the match started cannot happen on racetime.gg, so only Finished goes back.
        std::cmp::Ordering::Greater if status == MatchStatus::Finished => Some(Step::Revert),
        std::cmp::Ordering::Greater => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn race(entrants: serde_json::Value) -> RaceData {
        serde_json::from_value(json!({
            "name": "alttpr/clever-link-1234", "status": {"value": "finished"}, "version": 9,
            "entrants": entrants
        }))
        .unwrap()
    }

    fn entrant(id: &str, status: &str, place: Option<i64>) -> serde_json::Value {
        json!({"user": {"id": id, "name": id}, "status": {"value": status}, "place": place,
               "finish_time": place.map(|_| "P0DT01H32M07.412310S")})
    }

    #[test]
    fn reads_rooms_leniently() {
        let r = race(json!([entrant("a", "done", Some(1))]));
        assert_eq!(r.slug(), "clever-link-1234");
        assert_eq!(r.entrant_ids(), vec!["a".to_string()]);
        let partial: RaceData =
            serde_json::from_value(json!({"status": {"value": "open"}, "new_field": 1})).unwrap();
        assert_eq!(partial.status.value, "open");
        assert_eq!(
            finish_time("P0DT01H32M07.412310S").as_deref(),
            Some("1:32:07.4")
        );
        assert_eq!(finish_time("P1DT00H00M05S").as_deref(), Some("24:00:05.0"));
        assert_eq!(finish_time("nonsense"), None);
    }

    #[test]
    fn ranks_come_from_places_and_the_rest_share_last() {
        let r = race(json!([
            entrant("b", "done", Some(1)),
            entrant("x", "done", Some(2)),
            entrant("a", "done", Some(3)),
            entrant("c", "dnf", None),
            entrant("d", "dq", None),
        ]));
        let players = vec![
            (1, Some("a".to_string())),
            (2, Some("b".to_string())),
            (3, Some("c".to_string())),
            (4, Some("d".to_string())),
            (5, None),
        ];
        let mut got = ranks(&r, &players);
        got.sort();
        // b first, a second among the match's players (x is not one), the rest third.
        assert_eq!(got, vec![(1, 2), (2, 1), (3, 3), (4, 3), (5, 3)]);
        let tie = race(json!([
            entrant("a", "done", Some(1)),
            entrant("b", "done", Some(1))
        ]));
        let mut got = ranks(&tie, &players[..2]);
        got.sort();
        assert_eq!(got, vec![(1, 1), (2, 1)]);
    }

    #[test]
    fn the_match_follows_the_race_from_any_state() {
        use MatchStatus::*;
        assert_eq!(
            next_step(Scheduled, "invitational", false),
            Some(Step::Advance)
        );
        assert_eq!(next_step(CheckedIn, "open", false), None);
        assert_eq!(
            next_step(Scheduled, "in_progress", false),
            Some(Step::Advance)
        );
        assert_eq!(
            next_step(CheckedIn, "in_progress", false),
            Some(Step::Advance)
        );
        assert_eq!(next_step(InProgress, "in_progress", false), None);
        // A reconnect that missed everything but the end still gets there, one step at a time.
        assert_eq!(next_step(Scheduled, "finished", true), Some(Step::Advance));
        assert_eq!(next_step(CheckedIn, "finished", true), Some(Step::Advance));
        assert_eq!(next_step(InProgress, "finished", true), Some(Step::Result));
        assert_eq!(next_step(Finished, "finished", false), None);
        assert_eq!(next_step(Finished, "finished", true), Some(Step::Result));
        assert_eq!(
            next_step(Finished, "in_progress", false),
            Some(Step::Revert)
        );
        assert_eq!(next_step(Recorded, "in_progress", false), None);
        assert_eq!(
            next_step(InProgress, "cancelled", false),
            Some(Step::Release)
        );
        assert_eq!(next_step(Scheduled, "opening", false), None);
        assert_eq!(next_step(Scheduled, "partitioned", false), None);
    }
}
