//! The rules of async qualifiers as pure functions of what is known and of a
//! given `now`: scoring and par, the leaderboard, who may start a run and on which seed, pool
//! balancing, reattempts, reviews, timeouts, and who sees which results ([`visibility`]). No
//! database, no clock, no request: the web, the Discord adapters, the scheduled tasks and the
//! benchmark all call these, and the unit tests below pin every rule down.

use serde::{Deserialize, Serialize};

use sdk::Error;

pub mod visibility;

/// The best score a run can get (a run faster than par earns more than 100, up to this).
pub const QUALIFIER_MAX_SCORE: f64 = 105.0;
pub const QUALIFIER_MIN_SCORE: f64 = 0.0;
/// Par is the mean of this many fastest finishes.
pub const PAR_SAMPLE: usize = 5;
/// When the play counts of a pool's permalinks differ by more than this, the least played one is
/// handed out (SahasrahBot's balancing, lost in SahaBot2).
pub const MAX_POOL_IMBALANCE: i64 = 3;
/// "Ready" starts the clock this much later (the visible countdown).
pub const COUNTDOWN_MS: i64 = 10_000;
/// A pending run is forfeited this long after it was opened …
pub const PENDING_TIMEOUT_MS: i64 = 20 * 60 * 1000;
/// … and warned (once) this long before that.
pub const PENDING_WARNING_BEFORE_MS: i64 = 10 * 60 * 1000;
/// A run in progress is forfeited this long after its start.
pub const IN_PROGRESS_TIMEOUT_MS: i64 = 12 * 60 * 60 * 1000;
/// Longest runner notes, review notes and reasons.
pub const NOTES_MAX: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaceStatus {
    Pending,
    InProgress,
    Finished,
    Forfeit,
    Disqualified,
}

impl RaceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InProgress => "in_progress",
            Self::Finished => "finished",
            Self::Forfeit => "forfeit",
            Self::Disqualified => "disqualified",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => Self::Pending,
            "in_progress" => Self::InProgress,
            "finished" => Self::Finished,
            "forfeit" => Self::Forfeit,
            "disqualified" => Self::Disqualified,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::InProgress => "In progress",
            Self::Finished => "Finished",
            Self::Forfeit => "Forfeit",
            Self::Disqualified => "Disqualified",
        }
    }

    /// Waiting for Ready, or running: the runner has a live run.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Pending | Self::InProgress)
    }

    /// Over, and so scored (finished by the formula, the others 0).
    pub fn is_scored(self) -> bool {
        !self.is_live()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Pending,
    Accepted,
    Rejected,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => Self::Pending,
            "accepted" => Self::Accepted,
            "rejected" => Self::Rejected,
            _ => return None,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Scoring

/// `(2 - elapsed / par) * 100`, clamped to [0, 105], not rounded.
pub fn race_score(elapsed_seconds: f64, par_seconds: f64) -> f64 {
    if par_seconds <= 0.0 || !par_seconds.is_finite() {
        return QUALIFIER_MIN_SCORE;
    }
    let ratio = elapsed_seconds / par_seconds;
    ((2.0 - ratio) * 100.0).clamp(QUALIFIER_MIN_SCORE, QUALIFIER_MAX_SCORE)
}

/// What scoring needs to know about one race on a permalink.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RaceTiming {
    pub race_id: i64,
    pub status: RaceStatus,
    pub reattempted: bool,
    /// end − start in seconds; None while either is missing.
    pub elapsed_seconds: Option<f64>,
}

/// A finish that counts: a positive elapsed time (a zero one is treated as missing, as
/// SahaBot2's falsy `timedelta(0)` is).
fn real_elapsed(elapsed: Option<f64>) -> Option<f64> {
    elapsed.filter(|e| *e > 0.0 && e.is_finite())
}

/// Par of a permalink: its non-reattempted finished races sorted by elapsed time (missing ones
/// last), the first [`PAR_SAMPLE`], without zero or missing times, averaged. None when nothing is
/// left — the stored par then stays as it is.
pub fn par_time(races: &[RaceTiming]) -> Option<f64> {
    let mut finished: Vec<Option<f64>> = races
        .iter()
        .filter(|r| r.status == RaceStatus::Finished && !r.reattempted)
        .map(|r| r.elapsed_seconds)
        .collect();
    finished.sort_by(|a, b| match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let sample: Vec<f64> = finished
        .into_iter()
        .take(PAR_SAMPLE)
        .filter_map(real_elapsed)
        .collect();
    if sample.is_empty() {
        None
    } else {
        Some(sample.iter().sum::<f64>() / sample.len() as f64)
    }
}

/// The result of scoring one permalink.
#[derive(Debug, Clone, PartialEq)]
pub struct PermalinkScores {
    pub par: f64,
    /// (race id, score) for every non-reattempted finished / forfeit / disqualified race.
    pub scores: Vec<(i64, f64)>,
}

/// Par and the scores of every scored race on a permalink; None when there is no par to compute
/// (no finished races): par and scores stay unchanged. Pending and in-progress races are never
/// scored; reattempted ones are excluded.
pub fn score_permalink(races: &[RaceTiming]) -> Option<PermalinkScores> {
    let par = par_time(races)?;
    let scores = races
        .iter()
        .filter(|r| !r.reattempted && r.status.is_scored())
        .map(|r| {
            let score = match (r.status, real_elapsed(r.elapsed_seconds)) {
                (RaceStatus::Finished, Some(elapsed)) => race_score(elapsed, par),
                _ => QUALIFIER_MIN_SCORE,
            };
            (r.race_id, score)
        })
        .collect();
    Some(PermalinkScores { par, scores })
}

// ---------------------------------------------------------------------------------------------
// Leaderboard

/// What the leaderboard needs to know about one race.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoardRace {
    pub user_id: i64,
    pub pool_id: i64,
    pub status: RaceStatus,
    pub reattempted: bool,
    pub score: Option<f64>,
}

/// One line of the leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub rank: u32,
    pub user_id: i64,
    /// Mean over every slot (runs_per_pool per pool); empty slots count 0. Unrounded.
    pub score: f64,
    /// Mean of the counted finished races' scores (0 without any).
    pub estimate: f64,
    pub finished: u32,
    /// Forfeits and disqualifications.
    pub forfeited: u32,
    /// Empty slots.
    pub unattempted: u32,
}

/// The leaderboard of a qualifier: every user with any race in it; per pool (in `pools` order)
/// their best `runs_per_pool` non-reattempted scored races, padded with empty slots; sorted by
/// score, then estimate, then finished count (all descending), then user id.
pub fn leaderboard(pools: &[i64], runs_per_pool: usize, races: &[BoardRace]) -> Vec<Standing> {
    use std::collections::{BTreeMap, HashMap};
    let runs_per_pool = runs_per_pool.max(1);
    // user -> pool -> scored races' (score, status)
    let mut by_user: BTreeMap<i64, HashMap<i64, Vec<(f64, RaceStatus)>>> = BTreeMap::new();
    for race in races {
        let pools_of_user = by_user.entry(race.user_id).or_default();
        if race.reattempted || !race.status.is_scored() {
            continue;
        }
        pools_of_user
            .entry(race.pool_id)
            .or_default()
            .push((race.score.unwrap_or(0.0), race.status));
    }
    let slots = (pools.len() * runs_per_pool) as f64;
    let mut standings: Vec<Standing> = by_user
        .into_iter()
        .map(|(user_id, mut per_pool)| {
            let (mut total, mut finished_sum) = (0.0, 0.0);
            let (mut finished, mut forfeited, mut unattempted) = (0u32, 0u32, 0u32);
            for pool in pools {
                let mut counted = per_pool.remove(pool).unwrap_or_default();
                counted.sort_by(|a, b| b.0.total_cmp(&a.0));
                counted.truncate(runs_per_pool);
                unattempted += (runs_per_pool - counted.len()) as u32;
                for (score, status) in counted {
                    total += score;
                    if status == RaceStatus::Finished {
                        finished += 1;
                        finished_sum += score;
                    } else {
                        forfeited += 1;
                    }
                }
            }
            Standing {
                rank: 0,
                user_id,
                score: if slots > 0.0 { total / slots } else { 0.0 },
                estimate: if finished > 0 {
                    finished_sum / f64::from(finished)
                } else {
                    0.0
                },
                finished,
                forfeited,
                unattempted,
            }
        })
        .collect();
    standings.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.estimate.total_cmp(&a.estimate))
            .then(b.finished.cmp(&a.finished))
            .then(a.user_id.cmp(&b.user_id))
    });
    for (i, s) in standings.iter_mut().enumerate() {
        s.rank = (i + 1) as u32;
    }
    standings
}

// ---------------------------------------------------------------------------------------------
// Starting a run

/// Facts about a user who wants to start a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartFacts {
    pub qualifier_active: bool,
    pub user_active: bool,
    pub racetime_required: bool,
    pub racetime_linked: bool,
    pub is_member: bool,
    /// The user has a pending or in-progress run in this qualifier.
    pub has_live_race: bool,
}

/// Why a qualifier that requires RaceTime.gg refuses a player without a linked account.
pub const RACETIME_REQUIRED: &str = "This qualifier requires a linked RaceTime.gg account — link it on your profile page (Account → RaceTime).";

/// Whether the user may start a run at all; the error says what stands in the way.
pub fn check_can_start(f: &StartFacts) -> Result<(), Error> {
    if !f.qualifier_active {
        return Err(Error::conflict(
            "This qualifier is closed; runs can no longer be started.",
        ));
    }
    if !f.user_active {
        return Err(Error::forbidden("Your account is deactivated."));
    }
    if !f.is_member {
        return Err(Error::forbidden(
            "Join the organization before running its qualifier.",
        ));
    }
    if f.racetime_required && !f.racetime_linked {
        return Err(Error::invalid("racetime", RACETIME_REQUIRED));
    }
    if f.has_live_race {
        return Err(Error::conflict(
            "You already have a run waiting or in progress; finish or forfeit it first.",
        ));
    }
    Ok(())
}

/// Runs the user has left in a pool: runs_per_pool minus their non-reattempted races there (any
/// status). A pool is offered while this is above 0.
pub fn remaining_runs(runs_per_pool: i64, used_in_pool: i64) -> i64 {
    (runs_per_pool - used_in_pool).max(0)
}

/// One permalink of the pool the user chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub permalink_id: i64,
    /// Non-reattempted races on it, everyone's.
    pub play_count: i64,
    /// The user has a race on it — also a reattempted one: a reattempt never lands on the same
    /// permalink.
    pub used_by_user: bool,
    /// A live (scheduled) race uses it.
    pub live_race: bool,
}

/// The permalinks the user may get: not used by them, not used by a live race.
pub fn eligible(candidates: &[Candidate]) -> Vec<Candidate> {
    candidates
        .iter()
        .filter(|c| !c.used_by_user && !c.live_race)
        .copied()
        .collect()
}

/// Picks the permalink for a new run. `pick(n)` returns a random index below `n` (the caller's
/// random source; tests pass a fixed one). When the pool's play counts differ by more than
/// [`MAX_POOL_IMBALANCE`], only the least played eligible permalinks are drawn from.
pub fn choose_permalink(
    candidates: &[Candidate],
    pick: impl FnOnce(usize) -> usize,
) -> Result<i64, Error> {
    let pool: Vec<Candidate> = eligible(candidates);
    if pool.is_empty() {
        return Err(Error::conflict(
            "There is no seed left for you in this pool; choose another pool.",
        ));
    }
    let counts = candidates.iter().map(|c| c.play_count);
    let spread = counts.clone().max().unwrap_or(0) - counts.min().unwrap_or(0);
    let draw: Vec<Candidate> = if spread > MAX_POOL_IMBALANCE {
        let least = pool.iter().map(|c| c.play_count).min().unwrap_or(0);
        pool.into_iter().filter(|c| c.play_count == least).collect()
    } else {
        pool
    };
    let index = pick(draw.len()).min(draw.len() - 1);
    Ok(draw[index].permalink_id)
}

// ---------------------------------------------------------------------------------------------
// Reattempts and reviews

/// Whether `actor` may reattempt their race: own race, finished or forfeit, not already
/// reattempted, and `max_reattempts` (−1 unlimited, 0 none, n) above the reattempts used.
pub fn check_reattempt(
    actor_is_runner: bool,
    status: RaceStatus,
    already_reattempted: bool,
    max_reattempts: i64,
    used_reattempts: i64,
) -> Result<(), Error> {
    if !actor_is_runner {
        return Err(Error::forbidden("Only the runner can reattempt a run."));
    }
    if already_reattempted {
        return Err(Error::conflict("This run is already reattempted."));
    }
    if !matches!(status, RaceStatus::Finished | RaceStatus::Forfeit) {
        return Err(Error::conflict(
            "Only finished or forfeited runs can be reattempted.",
        ));
    }
    match max_reattempts {
        0 => Err(Error::conflict("This qualifier allows no reattempts.")),
        n if n > 0 && used_reattempts >= n => Err(Error::conflict(format!(
            "You have used all {n} reattempt{} this qualifier allows.",
            if n == 1 { "" } else { "s" }
        ))),
        _ => Ok(()),
    }
}

/// Whether `reviewer` may review the race: not their own, finished, not reattempted.
pub fn check_review(
    reviewer_id: i64,
    runner_id: i64,
    status: RaceStatus,
    reattempted: bool,
) -> Result<(), Error> {
    if reviewer_id == runner_id {
        return Err(Error::forbidden(
            "You cannot review your own run; another reviewer has to.",
        ));
    }
    if reattempted {
        return Err(Error::conflict(
            "This run was reattempted, so it is no longer reviewed.",
        ));
    }
    if status != RaceStatus::Finished {
        return Err(Error::conflict("Only finished runs are reviewed."));
    }
    Ok(())
}

/// The start time an elapsed-time override implies: end − override.
pub fn start_for_override(end_time: i64, override_seconds: f64) -> Result<i64, Error> {
    if !override_seconds.is_finite() || override_seconds <= 0.0 {
        return Err(Error::invalid(
            "elapsed_override_seconds",
            "Give the corrected time in seconds, above 0.",
        ));
    }
    if override_seconds > 7.0 * 24.0 * 3600.0 {
        return Err(Error::invalid(
            "elapsed_override_seconds",
            "That is more than a week; give the time in seconds (e.g. 5400 for 1:30:00).",
        ));
    }
    Ok(end_time - (override_seconds * 1000.0).round() as i64)
}

// ---------------------------------------------------------------------------------------------
// Timeouts

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutAction {
    Nothing,
    /// Tell the runner the pending run will be forfeited soon (once).
    Warn,
    Forfeit,
}

/// What the 60-second task does with a race at `now`: a pending race is forfeited at its timeout
/// (opened + 20 min, extendable) and warned once 10 minutes before; a race in progress is
/// forfeited 12 hours after its start.
pub fn timeout_action(
    status: RaceStatus,
    timeout_at: i64,
    warned: bool,
    start_time: Option<i64>,
    now: i64,
) -> TimeoutAction {
    match status {
        RaceStatus::Pending if now >= timeout_at => TimeoutAction::Forfeit,
        RaceStatus::Pending if !warned && now >= timeout_at - PENDING_WARNING_BEFORE_MS => {
            TimeoutAction::Warn
        }
        RaceStatus::InProgress
            if start_time.is_some_and(|start| now >= start + IN_PROGRESS_TIMEOUT_MS) =>
        {
            TimeoutAction::Forfeit
        }
        _ => TimeoutAction::Nothing,
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs

// The input checks every plugin shares.
pub use sdk::input::{clean_name, clean_text, clean_url};

/// Qualifier settings: runs per pool 1..=20, reattempts −1 (unlimited) .. 100.
pub fn check_limits(runs_per_pool: i64, max_reattempts: i64) -> Result<(), Error> {
    if !(1..=20).contains(&runs_per_pool) {
        return Err(Error::invalid(
            "runs_per_pool",
            "Runs per pool must be between 1 and 20.",
        ));
    }
    if !(-1..=100).contains(&max_reattempts) {
        return Err(Error::invalid(
            "max_reattempts",
            "Use -1 for unlimited reattempts, 0 for none, or a number up to 100.",
        ));
    }
    Ok(())
}

/// A Discord channel id (digits) or nothing.
pub fn clean_channel(channel: &str) -> Result<Option<String>, Error> {
    let channel = channel.trim();
    if channel.is_empty() {
        return Ok(None);
    }
    if (5..=25).contains(&channel.len()) && channel.chars().all(|c| c.is_ascii_digit()) {
        Ok(Some(channel.to_string()))
    } else {
        Err(Error::invalid(
            "discord_channel_id",
            "Paste the channel's id (digits only; Discord: right-click the channel → Copy Channel ID).",
        ))
    }
}

/// H:MM:SS for a number of seconds (negative counts as 0).
pub fn hms(seconds: f64) -> String {
    let total = if seconds.is_finite() && seconds > 0.0 {
        seconds.floor() as i64
    } else {
        0
    };
    format!(
        "{}:{:02}:{:02}",
        total / 3600,
        (total % 3600) / 60,
        total % 60
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn finished(id: i64, elapsed: f64) -> RaceTiming {
        RaceTiming {
            race_id: id,
            status: RaceStatus::Finished,
            reattempted: false,
            elapsed_seconds: Some(elapsed),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn reference_score_table() {
        for (elapsed, want) in [
            (3600.0, 100.0),
            (5400.0, 50.0),
            (4500.0, 75.0),
            (7200.0, 0.0),
            (10800.0, 0.0),
            (1800.0, 105.0),
        ] {
            assert!(
                close(race_score(elapsed, 3600.0), want),
                "par 3600, {elapsed}"
            );
        }
        // Raw 110, clamped.
        assert!(close(race_score(1800.0, 2000.0), 105.0));
        // Not rounded.
        assert!(close(race_score(3601.0, 3600.0), 99.97222222222223));
    }

    #[test]
    fn par_is_the_mean_of_the_five_fastest() {
        let races: Vec<RaceTiming> = [3000.0, 1000.0, 2000.0, 6000.0, 4000.0, 5000.0, 9000.0]
            .iter()
            .enumerate()
            .map(|(i, e)| finished(i as i64, *e))
            .collect();
        assert!(close(par_time(&races).unwrap(), 3000.0));
    }

    #[test]
    fn par_ignores_reattempted_unfinished_and_drops_zero_times() {
        let mut races = vec![
            finished(1, 0.0),
            finished(2, 100.0),
            finished(3, 200.0),
            finished(4, 300.0),
            finished(5, 400.0),
            finished(6, 500.0),
        ];
        // The zero time takes a slot of the five and is then dropped.
        assert!(close(par_time(&races).unwrap(), 250.0));
        races.push(RaceTiming {
            reattempted: true,
            ..finished(7, 1.0)
        });
        races.push(RaceTiming {
            status: RaceStatus::Forfeit,
            ..finished(8, 2.0)
        });
        assert!(close(par_time(&races).unwrap(), 250.0));
        let none = [
            finished(1, 0.0),
            RaceTiming {
                elapsed_seconds: None,
                ..finished(2, 0.0)
            },
        ];
        assert_eq!(par_time(&none), None);
    }

    #[test]
    fn scoring_a_permalink() {
        let races = [
            finished(1, 3600.0),
            finished(2, 3600.0),
            RaceTiming {
                status: RaceStatus::Forfeit,
                elapsed_seconds: None,
                ..finished(3, 0.0)
            },
            RaceTiming {
                status: RaceStatus::Disqualified,
                ..finished(4, 100.0)
            },
            RaceTiming {
                reattempted: true,
                ..finished(5, 100.0)
            },
            RaceTiming {
                status: RaceStatus::InProgress,
                elapsed_seconds: None,
                ..finished(6, 0.0)
            },
            RaceTiming {
                status: RaceStatus::Pending,
                elapsed_seconds: None,
                ..finished(7, 0.0)
            },
        ];
        let scored = score_permalink(&races).unwrap();
        assert!(close(scored.par, 3600.0));
        assert_eq!(
            scored.scores,
            vec![(1, 100.0), (2, 100.0), (3, 0.0), (4, 0.0)]
        );
        // Only forfeits: nothing to compute, everything stays as stored.
        let forfeits = [RaceTiming {
            status: RaceStatus::Forfeit,
            ..finished(1, 10.0)
        }];
        assert_eq!(score_permalink(&forfeits), None);
    }

    fn board(user: i64, pool: i64, status: RaceStatus, score: Option<f64>) -> BoardRace {
        BoardRace {
            user_id: user,
            pool_id: pool,
            status,
            reattempted: false,
            score,
        }
    }

    #[test]
    fn leaderboard_pads_counts_and_estimates() {
        use RaceStatus::*;
        let races = [
            // User 1: pool 10 two finishes and a third (worse, not counted); pool 20 one forfeit.
            board(1, 10, Finished, Some(100.0)),
            board(1, 10, Finished, Some(80.0)),
            board(1, 10, Finished, Some(50.0)),
            board(1, 20, Forfeit, Some(0.0)),
            // User 2: one race only in pool 20, plus a reattempted one and a live one (ignored).
            board(2, 20, Finished, Some(105.0)),
            BoardRace {
                reattempted: true,
                ..board(2, 10, Finished, Some(105.0))
            },
            board(2, 10, InProgress, None),
            // User 3: only a reattempted race: a participant with nothing counted.
            BoardRace {
                reattempted: true,
                ..board(3, 10, Finished, Some(90.0))
            },
        ];
        let lb = leaderboard(&[10, 20], 2, &races);
        assert_eq!(lb.len(), 3);
        let one = &lb[0];
        assert_eq!((one.rank, one.user_id), (1, 1));
        assert!(close(one.score, (100.0 + 80.0 + 0.0 + 0.0) / 4.0));
        assert!(close(one.estimate, 90.0));
        assert_eq!((one.finished, one.forfeited, one.unattempted), (2, 1, 1));
        let two = &lb[1];
        assert_eq!((two.rank, two.user_id), (2, 2));
        assert!(close(two.score, 105.0 / 4.0));
        assert!(close(two.estimate, 105.0));
        assert_eq!((two.finished, two.forfeited, two.unattempted), (1, 0, 3));
        let three = &lb[2];
        assert_eq!((three.user_id, three.score, three.estimate), (3, 0.0, 0.0));
        assert_eq!(three.unattempted, 4);
    }

    #[test]
    fn leaderboard_ties_break_by_estimate_then_finishes_then_user() {
        use RaceStatus::*;
        // Same score 50 over two slots: user 5 has one 100 (estimate 100), user 4 two 50s.
        let races = [
            board(4, 1, Finished, Some(50.0)),
            board(4, 2, Finished, Some(50.0)),
            board(5, 1, Finished, Some(100.0)),
            board(5, 2, Forfeit, Some(0.0)),
        ];
        let lb = leaderboard(&[1, 2], 1, &races);
        assert_eq!(lb.iter().map(|s| s.user_id).collect::<Vec<_>>(), [5, 4]);
        // Same score and estimate: more finishes first.
        let races = [
            board(6, 1, Finished, Some(0.0)),
            board(6, 2, Finished, Some(0.0)),
            board(7, 1, Finished, Some(0.0)),
        ];
        let lb = leaderboard(&[1, 2], 1, &races);
        assert_eq!(lb.iter().map(|s| s.user_id).collect::<Vec<_>>(), [6, 7]);
        // Everything equal: user id ascending.
        let races = [
            board(9, 1, Finished, Some(70.0)),
            board(8, 1, Finished, Some(70.0)),
        ];
        let lb = leaderboard(&[1], 1, &races);
        assert_eq!(lb.iter().map(|s| s.user_id).collect::<Vec<_>>(), [8, 9]);
        assert_eq!(lb.iter().map(|s| s.rank).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn missing_scores_count_zero() {
        let races = [board(1, 1, RaceStatus::Finished, None)];
        let lb = leaderboard(&[1], 1, &races);
        assert_eq!((lb[0].score, lb[0].finished), (0.0, 1));
    }

    fn facts() -> StartFacts {
        StartFacts {
            qualifier_active: true,
            user_active: true,
            racetime_required: false,
            racetime_linked: false,
            is_member: true,
            has_live_race: false,
        }
    }

    #[test]
    fn eligibility_to_start() {
        assert!(check_can_start(&facts()).is_ok());
        for f in [
            StartFacts {
                qualifier_active: false,
                ..facts()
            },
            StartFacts {
                user_active: false,
                ..facts()
            },
            StartFacts {
                is_member: false,
                ..facts()
            },
            StartFacts {
                racetime_required: true,
                ..facts()
            },
            StartFacts {
                has_live_race: true,
                ..facts()
            },
        ] {
            assert!(check_can_start(&f).is_err(), "{f:?}");
        }
        let refused = check_can_start(&StartFacts {
            racetime_required: true,
            ..facts()
        })
        .unwrap_err();
        assert_eq!(refused.message(), RACETIME_REQUIRED);
        assert_eq!(refused.field(), Some("racetime"));
        assert!(check_can_start(&StartFacts {
            racetime_required: true,
            racetime_linked: true,
            ..facts()
        })
        .is_ok());
        assert_eq!(remaining_runs(2, 0), 2);
        assert_eq!(remaining_runs(2, 2), 0);
        assert_eq!(remaining_runs(1, 3), 0);
    }

    fn cand(id: i64, plays: i64) -> Candidate {
        Candidate {
            permalink_id: id,
            play_count: plays,
            used_by_user: false,
            live_race: false,
        }
    }

    #[test]
    fn permalinks_are_random_among_eligible_while_balanced() {
        let pool = [
            cand(1, 3),
            cand(2, 0),
            Candidate {
                used_by_user: true,
                ..cand(3, 1)
            },
            Candidate {
                live_race: true,
                ..cand(4, 0)
            },
        ];
        // Spread 3 is not more than 3: any eligible one, in order 1, 2.
        assert_eq!(choose_permalink(&pool, |_| 0).unwrap(), 1);
        assert_eq!(choose_permalink(&pool, |_| 1).unwrap(), 2);
        let mut seen = vec![];
        choose_permalink(&pool, |n| {
            seen.push(n);
            0
        })
        .unwrap();
        assert_eq!(seen, [2]);
    }

    #[test]
    fn imbalanced_pools_force_the_least_played() {
        let pool = [cand(1, 5), cand(2, 1), cand(3, 4), cand(4, 1)];
        let mut sizes = vec![];
        for i in 0..2 {
            let got = choose_permalink(&pool, |n| {
                sizes.push(n);
                i
            })
            .unwrap();
            assert!(got == 2 || got == 4);
        }
        assert_eq!(sizes, [2, 2]);
        // The least played one is the user's own: the least played *eligible* one.
        let pool = [
            cand(1, 9),
            Candidate {
                used_by_user: true,
                ..cand(2, 0)
            },
            cand(3, 4),
            cand(4, 6),
        ];
        assert_eq!(choose_permalink(&pool, |_| 0).unwrap(), 3);
    }

    #[test]
    fn reattempts_never_land_on_the_same_permalink_and_an_empty_pool_says_so() {
        // used_by_user covers reattempted races too.
        let pool = [Candidate {
            used_by_user: true,
            ..cand(1, 0)
        }];
        let err = choose_permalink(&pool, |_| 0).unwrap_err();
        assert!(err.message().contains("no seed left"));
        assert!(choose_permalink(&[], |_| 0).is_err());
    }

    #[test]
    fn reattempt_limits() {
        use RaceStatus::*;
        assert!(check_reattempt(true, Finished, false, -1, 50).is_ok());
        assert!(check_reattempt(true, Forfeit, false, 2, 1).is_ok());
        assert!(check_reattempt(true, Finished, false, 2, 2).is_err());
        assert!(check_reattempt(true, Finished, false, 0, 0).is_err());
        assert!(check_reattempt(false, Finished, false, -1, 0).is_err());
        assert!(check_reattempt(true, Finished, true, -1, 0).is_err());
        assert!(check_reattempt(true, InProgress, false, -1, 0).is_err());
        assert!(check_reattempt(true, Pending, false, -1, 0).is_err());
        assert!(check_reattempt(true, Disqualified, false, -1, 0).is_err());
        let err = check_reattempt(true, Finished, false, 1, 1).unwrap_err();
        assert!(
            err.message().contains("all 1 reattempt "),
            "{}",
            err.message()
        );
    }

    #[test]
    fn review_rules() {
        use RaceStatus::*;
        assert!(check_review(1, 2, Finished, false).is_ok());
        assert!(matches!(
            check_review(1, 1, Finished, false),
            Err(Error::Forbidden { .. })
        ));
        assert!(check_review(1, 2, Finished, true).is_err());
        assert!(check_review(1, 2, Forfeit, false).is_err());
        assert!(check_review(1, 2, InProgress, false).is_err());
        assert_eq!(start_for_override(10_000_000, 3600.0).unwrap(), 6_400_000);
        assert_eq!(start_for_override(10_000, 1.5).unwrap(), 8_500);
        assert!(start_for_override(10_000, 0.0).is_err());
        assert!(start_for_override(10_000, -5.0).is_err());
        assert!(start_for_override(10_000, f64::NAN).is_err());
    }

    #[test]
    fn timeouts_as_functions_of_now() {
        use RaceStatus::*;
        let open = 1_000_000;
        let timeout = open + PENDING_TIMEOUT_MS;
        let min = 60_000;
        let at = |now, warned| timeout_action(Pending, timeout, warned, None, now);
        assert_eq!(at(open + 9 * min, false), TimeoutAction::Nothing);
        assert_eq!(at(open + 10 * min, false), TimeoutAction::Warn);
        assert_eq!(at(open + 15 * min, false), TimeoutAction::Warn);
        // Once warned, never again.
        assert_eq!(at(open + 15 * min, true), TimeoutAction::Nothing);
        assert_eq!(at(open + 20 * min, true), TimeoutAction::Forfeit);
        assert_eq!(at(open + 20 * min, false), TimeoutAction::Forfeit);
        let start = open + 5 * min;
        let running = |now| timeout_action(InProgress, timeout, false, Some(start), now);
        assert_eq!(running(start + 11 * 60 * min), TimeoutAction::Nothing);
        assert_eq!(
            running(start + IN_PROGRESS_TIMEOUT_MS - 1),
            TimeoutAction::Nothing
        );
        assert_eq!(
            running(start + IN_PROGRESS_TIMEOUT_MS),
            TimeoutAction::Forfeit
        );
        assert_eq!(
            timeout_action(Finished, timeout, false, Some(start), open + 100 * 60 * min),
            TimeoutAction::Nothing
        );
    }

    #[test]
    fn inputs_are_checked() {
        assert!(clean_text("notes", &"x".repeat(4000), NOTES_MAX).is_ok());
        assert_eq!(
            clean_text("notes", &"x".repeat(4001), NOTES_MAX)
                .unwrap_err()
                .field(),
            Some("notes")
        );
        assert!(clean_url("vod_url", "", true).unwrap().is_empty());
        assert!(clean_url("url", "", false).is_err());
        assert!(clean_url("url", "ftp://x", false).is_err());
        assert!(clean_url("url", "https://alttpr.com/h/x", false).is_ok());
        assert!(check_limits(1, -1).is_ok());
        assert!(check_limits(0, -1).is_err());
        assert!(check_limits(1, -2).is_err());
        assert_eq!(clean_channel(" ").unwrap(), None);
        assert!(clean_channel("abc").is_err());
        assert_eq!(hms(3723.9), "1:02:03");
        assert_eq!(hms(-1.0), "0:00:00");
    }
}
