//! Scoring and par, and the leaderboard: a finished run scores `(2 - elapsed / par) * 100`
//! against the mean of its permalink's five fastest; the standings sum each player's best runs
//! per pool and pad the missing ones.

use super::*;

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
}
