//! A run's rules: who may start one and on which seed (pool balancing), reattempts, reviews,
//! and what the timeout task does with a live run at `now`.

use super::*;

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

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
}
