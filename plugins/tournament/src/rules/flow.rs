//! The status flow: which step a manager (or a holding plugin) may take, which timestamps it sets
//! or clears, when it is refused; the stations of an onsite check-in; results.

use sdk::Error;

use super::STATION_MAX;
use crate::model::{MatchHold, MatchStatus, MatchTimes, RankInput, StationInput};

/// Which timestamp a status owns. `Pending` owns none (it is "no scheduled time").
fn set_stamp(times: &mut MatchTimes, status: MatchStatus, value: Option<i64>) {
    match status {
        MatchStatus::Pending => {}
        MatchStatus::Scheduled => times.scheduled_at = value,
        MatchStatus::CheckedIn => times.checked_in_at = value,
        MatchStatus::InProgress => times.started_at = value,
        MatchStatus::Finished => times.finished_at = value,
        MatchStatus::Recorded => times.confirmed_at = value,
    }
}

/// Facts the status flow looks at besides the timestamps.
#[derive(Debug, Clone, Default)]
pub struct FlowFacts {
    pub times: MatchTimes,
    /// Claims of other plugins; `acting_holder` is the plugin acting, whose own hold does not
    /// stop it (a race room that opened checks the match in).
    pub holds: Vec<MatchHold>,
    pub acting_holder: Option<String>,
    pub onsite: bool,
    pub player_ids: Vec<i64>,
    /// Stations entered with a check-in (onsite tournaments).
    pub stations: Vec<StationInput>,
    /// Whether every player has a finish rank.
    pub result_complete: bool,
    /// The status the person acting saw: a step from another one is refused, so two managers
    /// (or a double click) cannot move a match two steps.
    pub expected: Option<MatchStatus>,
}

/// What a step does: the new timestamps and, for check-in of an onsite match, the stations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub from: MatchStatus,
    pub to: MatchStatus,
    pub times: MatchTimes,
    pub stations: Vec<(i64, String)>,
}

fn as_seen(facts: &FlowFacts, current: MatchStatus) -> Result<(), Error> {
    match facts.expected {
        Some(seen) if seen != current => Err(Error::conflict(format!(
            "This match is already {} (it was {} when you looked); reload to see the change.",
            current.label().to_lowercase(),
            seen.label().to_lowercase()
        ))),
        _ => Ok(()),
    }
}

fn held(facts: &FlowFacts) -> Result<(), Error> {
    match facts
        .holds
        .iter()
        .find(|h| Some(&h.holder) != facts.acting_holder.as_ref())
    {
        Some(hold) => Err(Error::conflict(format!(
            "{} controls this match's status: {}. Change it there, or release the match first.",
            hold.holder, hold.reason
        ))),
        None => Ok(()),
    }
}

/// One step forward: Scheduled → Checked in → In progress → Finished → Recorded, setting the new
/// status's timestamp to `now`.
pub fn advance(facts: &FlowFacts, now: i64) -> Result<Step, Error> {
    let from = MatchStatus::of(&facts.times);
    as_seen(facts, from)?;
    held(facts)?;
    let to = match from {
        MatchStatus::Pending => {
            return Err(Error::conflict(
                "This match has no scheduled time yet: set one (Edit) before checking it in.",
            ))
        }
        MatchStatus::Recorded => {
            return Err(Error::conflict(
                "This match is recorded; there is no further step.",
            ))
        }
        other => other.next().unwrap_or(other),
    };
    let mut stations = Vec::new();
    if to == MatchStatus::CheckedIn && facts.onsite {
        stations = check_stations(&facts.player_ids, &facts.stations)?;
    }
    if to == MatchStatus::Recorded && !facts.result_complete {
        return Err(Error::conflict(
            "Record the result (a finish rank for every player) before confirming the match.",
        ));
    }
    let mut times = facts.times;
    set_stamp(&mut times, to, Some(now));
    Ok(Step {
        from,
        to,
        times,
        stations,
    })
}

/// One step back, clearing the current status's timestamp (a checked-in match also loses its
/// stations).
pub fn revert(facts: &FlowFacts) -> Result<Step, Error> {
    let from = MatchStatus::of(&facts.times);
    as_seen(facts, from)?;
    held(facts)?;
    let to = match from.previous() {
        Some(to) => to,
        None if from == MatchStatus::Scheduled => {
            return Err(Error::conflict(
                "This match is only scheduled; to unschedule it, clear its time in Edit.",
            ))
        }
        None => {
            return Err(Error::conflict(
                "This match is pending; there is no earlier step.",
            ))
        }
    };
    let mut times = facts.times;
    set_stamp(&mut times, from, None);
    Ok(Step {
        from,
        to,
        times,
        stations: Vec::new(),
    })
}

fn check_stations(players: &[i64], stations: &[StationInput]) -> Result<Vec<(i64, String)>, Error> {
    let mut out = Vec::new();
    for player in players {
        let station = stations
            .iter()
            .find(|s| s.user_id == *player)
            .map(|s| s.station.trim())
            .unwrap_or_default();
        if station.is_empty() {
            return Err(Error::invalid(
                "stations",
                "This is an onsite tournament: enter a station number for every player to check in.",
            ));
        }
        if station.chars().count() > STATION_MAX || station.chars().any(char::is_control) {
            return Err(Error::invalid(
                "stations",
                format!("A station is a short label (at most {STATION_MAX} characters)."),
            ));
        }
        out.push((*player, station.to_string()));
    }
    if let Some(stranger) = stations.iter().find(|s| !players.contains(&s.user_id)) {
        return Err(Error::invalid(
            "stations",
            format!("User {} does not play in this match.", stranger.user_id),
        ));
    }
    Ok(out)
}

/// A result: every player exactly once, ranks from 1 up to the number of players (ties share a
/// rank). Allowed while in progress (it finishes the match) or finished; a recorded match must be
/// reverted first.
pub fn check_result(
    status: MatchStatus,
    players: &[i64],
    ranks: &[RankInput],
) -> Result<Vec<(i64, i64)>, Error> {
    match status {
        MatchStatus::InProgress | MatchStatus::Finished => {}
        MatchStatus::Recorded => {
            return Err(Error::conflict(
                "This match is recorded: revert it to Finished to change the result.",
            ))
        }
        _ => {
            return Err(Error::conflict(
                "A result can be recorded once the match is in progress.",
            ))
        }
    }
    let n = players.len() as i64;
    let mut out = Vec::new();
    for player in players {
        let given: Vec<&RankInput> = ranks.iter().filter(|r| r.user_id == *player).collect();
        match given.as_slice() {
            [one] if (1..=n).contains(&one.rank) => out.push((*player, one.rank)),
            [one] => {
                return Err(Error::invalid(
                    "ranks",
                    format!("Ranks go from 1 (winner) to {n}; {} is outside.", one.rank),
                ))
            }
            [] => {
                return Err(Error::invalid(
                    "ranks",
                    format!("Give a rank for every player (user {player} has none)."),
                ))
            }
            _ => {
                return Err(Error::invalid(
                    "ranks",
                    format!("User {player} has more than one rank."),
                ))
            }
        }
    }
    if let Some(stranger) = ranks.iter().find(|r| !players.contains(&r.user_id)) {
        return Err(Error::invalid(
            "ranks",
            format!("User {} does not play in this match.", stranger.user_id),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(status: MatchStatus) -> MatchTimes {
        let mut t = MatchTimes::default();
        for (i, s) in MatchStatus::ALL.into_iter().enumerate() {
            if s <= status {
                set_stamp(&mut t, s, Some(1000 * i as i64));
            }
        }
        t
    }

    fn facts(status: MatchStatus) -> FlowFacts {
        FlowFacts {
            times: at(status),
            player_ids: vec![1, 2],
            result_complete: true,
            ..FlowFacts::default()
        }
    }

    #[test]
    fn status_comes_from_the_latest_timestamp() {
        for s in MatchStatus::ALL {
            assert_eq!(MatchStatus::of(&at(s)), s);
            assert_eq!(MatchStatus::parse(s.key()), Some(s));
        }
    }

    #[test]
    fn advance_sets_exactly_the_next_timestamp() {
        let step = advance(&facts(MatchStatus::Scheduled), 77).unwrap();
        assert_eq!(
            (step.from, step.to),
            (MatchStatus::Scheduled, MatchStatus::CheckedIn)
        );
        assert_eq!(step.times.checked_in_at, Some(77));
        assert_eq!(step.times.scheduled_at, Some(1000));
        assert_eq!(step.times.started_at, None);
        let step = advance(&facts(MatchStatus::CheckedIn), 78).unwrap();
        assert_eq!(step.times.started_at, Some(78));
        let step = advance(&facts(MatchStatus::InProgress), 79).unwrap();
        assert_eq!(step.times.finished_at, Some(79));
        let step = advance(&facts(MatchStatus::Finished), 80).unwrap();
        assert_eq!(
            (step.to, step.times.confirmed_at),
            (MatchStatus::Recorded, Some(80))
        );
    }

    #[test]
    fn revert_clears_exactly_the_current_timestamp() {
        let step = revert(&facts(MatchStatus::Recorded)).unwrap();
        assert_eq!(step.to, MatchStatus::Finished);
        assert_eq!(step.times.confirmed_at, None);
        assert!(step.times.finished_at.is_some());
        let step = revert(&facts(MatchStatus::CheckedIn)).unwrap();
        assert_eq!(step.to, MatchStatus::Scheduled);
        assert_eq!(step.times.checked_in_at, None);
        assert!(step.times.scheduled_at.is_some());
    }

    #[test]
    fn refusals_say_why() {
        let pending = advance(&facts(MatchStatus::Pending), 1).unwrap_err();
        assert!(pending.message().contains("no scheduled time"), "{pending}");
        assert!(advance(&facts(MatchStatus::Recorded), 1).is_err());
        assert!(revert(&facts(MatchStatus::Scheduled))
            .unwrap_err()
            .message()
            .contains("clear its time"));
        assert!(revert(&facts(MatchStatus::Pending)).is_err());
        let mut unrecorded = facts(MatchStatus::Finished);
        unrecorded.result_complete = false;
        assert!(advance(&unrecorded, 1)
            .unwrap_err()
            .message()
            .contains("finish rank"));
    }

    #[test]
    fn holds_stop_everyone_but_their_holder() {
        let mut f = facts(MatchStatus::Scheduled);
        f.holds = vec![MatchHold {
            path: None,
            holder: "RaceTime".into(),
            reason: "race room alttpr/x is linked".into(),
        }];
        let refused = advance(&f, 1).unwrap_err();
        assert_eq!(refused.kind(), "Conflict");
        assert!(
            refused.message().contains("RaceTime controls this match"),
            "{refused}"
        );
        assert!(revert(&facts(MatchStatus::CheckedIn)).is_ok());
        f.acting_holder = Some("RaceTime".into());
        assert!(advance(&f, 1).is_ok());
    }

    #[test]
    fn a_step_from_a_status_nobody_saw_is_refused() {
        let mut f = facts(MatchStatus::CheckedIn);
        f.expected = Some(MatchStatus::Scheduled);
        let refused = advance(&f, 1).unwrap_err();
        assert_eq!(refused.kind(), "Conflict");
        assert!(
            refused.message().contains("already checked in"),
            "{refused}"
        );
        assert!(revert(&f).is_err());
        f.expected = Some(MatchStatus::CheckedIn);
        assert!(advance(&f, 1).is_ok());
        assert!(revert(&f).is_ok());
    }

    #[test]
    fn onsite_check_in_needs_a_station_per_player() {
        let mut f = facts(MatchStatus::Scheduled);
        f.onsite = true;
        assert_eq!(advance(&f, 1).unwrap_err().field(), Some("stations"));
        f.stations = vec![
            StationInput {
                user_id: 1,
                station: " 3 ".into(),
            },
            StationInput {
                user_id: 2,
                station: "4".into(),
            },
        ];
        let step = advance(&f, 1).unwrap();
        assert_eq!(
            step.stations,
            vec![(1, "3".to_string()), (2, "4".to_string())]
        );
        f.stations.push(StationInput {
            user_id: 9,
            station: "5".into(),
        });
        assert!(advance(&f, 1).is_err());
    }

    #[test]
    fn results_need_every_player_once_in_range() {
        let players = [1, 2, 3];
        let r = |u, rank| RankInput { user_id: u, rank };
        assert_eq!(
            check_result(
                MatchStatus::InProgress,
                &players,
                &[r(1, 2), r(2, 1), r(3, 2)]
            )
            .unwrap(),
            vec![(1, 2), (2, 1), (3, 2)]
        );
        assert!(check_result(MatchStatus::InProgress, &players, &[r(1, 1), r(2, 2)]).is_err());
        assert!(check_result(
            MatchStatus::InProgress,
            &players,
            &[r(1, 1), r(2, 2), r(3, 4)]
        )
        .is_err());
        assert!(check_result(
            MatchStatus::InProgress,
            &players,
            &[r(1, 1), r(1, 2), r(2, 2), r(3, 3)]
        )
        .is_err());
        assert!(check_result(
            MatchStatus::InProgress,
            &players,
            &[r(1, 1), r(2, 2), r(3, 3), r(4, 3)]
        )
        .is_err());
        assert!(check_result(
            MatchStatus::Scheduled,
            &players,
            &[r(1, 1), r(2, 2), r(3, 3)]
        )
        .is_err());
        assert!(check_result(
            MatchStatus::Recorded,
            &players,
            &[r(1, 1), r(2, 2), r(3, 3)]
        )
        .unwrap_err()
        .message()
        .contains("revert"));
    }
}
