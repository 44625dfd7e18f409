//! Who sees what of a qualifier's results. With `hide_results`, an open qualifier shows its
//! results to no runner but their own: other runners' times and scores, VOD links, notes and
//! review states, the permalinks' par times and the leaderboard stay hidden until the qualifier
//! closes (is made inactive). Its reviewers and managers see everything; a runner always sees
//! their own runs. Seeds are another matter: a run's seed is for its runner, its reviewers and
//! the managers, whatever the setting.
//!
//! Pure functions of the qualifier's settings and the viewer's rights, so the API, the pages
//! (which read the API) and the Discord adapters decide alike (`crate::service::views` applies them).

/// Who is looking, with the rights that matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    /// Holds `async_tournament:update`.
    pub can_manage: bool,
    /// Holds `async_race:review`.
    pub can_review: bool,
}

impl Viewer {
    /// Reviewers and managers see everything.
    pub fn sees_everything(&self) -> bool {
        self.can_manage || self.can_review
    }
}

/// The qualifier's settings that decide what is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultsSetting {
    pub hide_results: bool,
    /// Open for runs; results are shown once it closes.
    pub is_active: bool,
}

/// Whether others' results (and par times, and the leaderboard) are hidden from `viewer`.
pub fn results_hidden(q: ResultsSetting, viewer: &Viewer) -> bool {
    q.hide_results && q.is_active && !viewer.sees_everything()
}

/// What `viewer` sees of one run by `runner_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunVisibility {
    /// The viewer is the runner.
    pub own: bool,
    /// The seed (permalink URL).
    pub seed: bool,
    /// End time, elapsed time, score, VOD link, notes and the review.
    pub results: bool,
}

pub fn run_visibility(q: ResultsSetting, viewer: &Viewer, runner_id: i64) -> RunVisibility {
    let own = viewer.user_id == runner_id;
    RunVisibility {
        own,
        seed: own || viewer.sees_everything(),
        results: own || !results_hidden(q, viewer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HIDDEN_OPEN: ResultsSetting = ResultsSetting {
        hide_results: true,
        is_active: true,
    };
    const RUNNER: Viewer = Viewer {
        user_id: 1,
        can_manage: false,
        can_review: false,
    };

    #[test]
    fn hide_results_hides_others_results_from_runners_while_open() {
        let seen = run_visibility(HIDDEN_OPEN, &RUNNER, 2);
        assert_eq!(
            seen,
            RunVisibility {
                own: false,
                seed: false,
                results: false
            }
        );
        assert!(results_hidden(HIDDEN_OPEN, &RUNNER));
    }

    #[test]
    fn a_runner_always_sees_their_own_run() {
        let seen = run_visibility(HIDDEN_OPEN, &RUNNER, 1);
        assert!(seen.own && seen.seed && seen.results);
    }

    #[test]
    fn closing_the_qualifier_shows_the_results() {
        let closed = ResultsSetting {
            hide_results: true,
            is_active: false,
        };
        assert!(!results_hidden(closed, &RUNNER));
        let seen = run_visibility(closed, &RUNNER, 2);
        assert!(seen.results && !seen.seed, "results, never others' seeds");
    }

    #[test]
    fn without_hide_results_results_are_open() {
        let open = ResultsSetting {
            hide_results: false,
            is_active: true,
        };
        assert!(!results_hidden(open, &RUNNER));
        assert!(run_visibility(open, &RUNNER, 2).results);
    }

    #[test]
    fn reviewers_and_managers_see_everything() {
        for viewer in [
            Viewer {
                can_review: true,
                ..RUNNER
            },
            Viewer {
                can_manage: true,
                ..RUNNER
            },
        ] {
            assert!(!results_hidden(HIDDEN_OPEN, &viewer));
            let seen = run_visibility(HIDDEN_OPEN, &viewer, 2);
            assert!(!seen.own && seen.seed && seen.results, "{viewer:?}");
        }
    }
}
