//! What a viewer sees of qualifiers, pools, runs and the leaderboard: the service's rows turned
//! into the API's types through [`crate::rules::visibility`]. The server functions (and so the
//! pages, which read them) and the Discord adapters all go through here, so `hide_results`
//! hides the same things everywhere: others' times, scores, VOD links, notes and reviews, par
//! times and the leaderboard, until the qualifier closes — except from its reviewers and
//! managers.

use sdk::{auth::CurrentUser, context::Rights, Error};

use crate::{
    api::actions,
    model::{LeaderboardEntry, LeaderboardView, Permalink, Pool, Qualifier, Race},
    repo::{PermalinkRow, PoolRow, QualifierRow, RaceFilter, RaceRow},
    rules::visibility::{results_hidden, run_visibility, ResultsSetting, Viewer},
    service::Qualifiers,
    time::rfc3339,
};

/// `user`'s rights in the organization that decide what they see.
pub async fn viewer(
    authorizer: &dyn Rights,
    user: &CurrentUser,
    org_id: i64,
) -> Result<Viewer, Error> {
    Ok(Viewer {
        user_id: user.id,
        can_manage: authorizer.allowed(user, org_id, actions::UPDATE).await?,
        can_review: authorizer.allowed(user, org_id, actions::REVIEW).await?,
    })
}

pub fn setting(q: &QualifierRow) -> ResultsSetting {
    ResultsSetting {
        hide_results: q.hide_results,
        is_active: q.is_active,
    }
}

pub fn qualifier(q: QualifierRow, viewer: &Viewer) -> Qualifier {
    Qualifier {
        id: q.id,
        org_id: q.org_id,
        name: q.name,
        description: q.description,
        is_active: q.is_active,
        hide_results: q.hide_results,
        discord_channel_id: q.discord_channel_id,
        runs_per_pool: q.runs_per_pool,
        max_reattempts: q.max_reattempts,
        require_racetime: q.require_racetime,
        created_at: rfc3339(q.created_at),
        can_manage: viewer.can_manage,
        can_review: viewer.can_review,
    }
}

/// A permalink: its seed and notes for managers only (runners get theirs when they start a
/// run); its par unless results are hidden from the viewer.
pub fn permalink(l: PermalinkRow, q: ResultsSetting, viewer: &Viewer) -> Permalink {
    let par = !results_hidden(q, viewer);
    let seed = viewer.can_manage;
    Permalink {
        id: l.id,
        pool_id: l.pool_id,
        url: if seed { l.url } else { String::new() },
        notes: if seed { l.notes } else { String::new() },
        par_time: l.par_time.filter(|_| par),
        par_updated_at: l.par_updated_at.filter(|_| par).map(rfc3339),
        play_count: l.play_count,
    }
}

pub fn pool(
    (pool, links, remaining): (PoolRow, Vec<PermalinkRow>, i64),
    q: ResultsSetting,
    viewer: &Viewer,
) -> Pool {
    Pool {
        id: pool.id,
        qualifier_id: pool.qualifier_id,
        name: pool.name,
        description: pool.description,
        permalinks: links.into_iter().map(|l| permalink(l, q, viewer)).collect(),
        remaining_runs: remaining,
    }
}

/// A run as `viewer` sees it at `now` (see [`run_visibility`]).
pub fn race(r: RaceRow, q: ResultsSetting, viewer: &Viewer, now: i64) -> Race {
    let seen = run_visibility(q, viewer, r.user_id);
    let shown = seen.results;
    let elapsed = r.elapsed_seconds();
    let text = |t: String| if shown { t } else { String::new() };
    Race {
        id: r.id,
        qualifier_id: r.qualifier_id,
        pool_id: r.pool_id,
        pool_name: r.pool_name,
        permalink_id: r.permalink_id,
        permalink_url: seen.seed.then_some(r.url),
        user_id: r.user_id,
        display_name: r.display_name,
        own: seen.own,
        results_hidden: !shown,
        status: r.status,
        opened_at: rfc3339(r.opened_at),
        timeout_at: rfc3339(r.timeout_at),
        start_time: r.start_time.map(rfc3339),
        end_time: r.end_time.filter(|_| shown).map(rfc3339),
        elapsed_seconds: elapsed.filter(|_| shown),
        score: r.score.filter(|_| shown),
        reattempted: r.reattempted,
        runner_notes: text(r.runner_notes),
        runner_vod_url: text(r.runner_vod_url),
        review_status: if shown {
            r.review_status
        } else {
            crate::rules::ReviewStatus::Pending
        },
        reviewed_by: r.reviewed_by_name.filter(|_| shown),
        reviewer_notes: text(r.reviewer_notes),
        review_requested: shown && r.review_requested,
        review_request_reason: text(r.review_request_reason),
        server_now: rfc3339(now),
    }
}

impl Qualifiers {
    /// One run as `viewer` sees it.
    pub async fn race_view(
        &self,
        org_id: i64,
        race_id: i64,
        viewer: &Viewer,
        now: i64,
    ) -> Result<Race, Error> {
        let r = self.race(org_id, race_id).await?;
        let q = self.qualifier(org_id, r.qualifier_id).await?;
        Ok(race(r, setting(&q), viewer, now))
    }

    /// The qualifier's runs (filtered) as `viewer` sees them.
    pub async fn races_view(
        &self,
        org_id: i64,
        qualifier_id: i64,
        filter: RaceFilter,
        viewer: &Viewer,
        now: i64,
    ) -> Result<Vec<Race>, Error> {
        let q = setting(&self.qualifier(org_id, qualifier_id).await?);
        Ok(self
            .races(org_id, qualifier_id, filter)
            .await?
            .into_iter()
            .map(|r| race(r, q, viewer, now))
            .collect())
    }

    /// The qualifier's pools, with the runs the viewer has left in each.
    pub async fn pools_view(
        &self,
        org_id: i64,
        qualifier_id: i64,
        viewer: &Viewer,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<Pool>, Error> {
        let q = setting(&self.qualifier(org_id, qualifier_id).await?);
        Ok(self
            .pools(org_id, qualifier_id, Some(viewer.user_id), page)
            .await?
            .map(|p| pool(p, q, viewer)))
    }

    /// The standings, or none (`hidden`) while results are hidden from the viewer.
    pub async fn leaderboard_view(
        &self,
        org_id: i64,
        qualifier_id: i64,
        viewer: &Viewer,
    ) -> Result<LeaderboardView, Error> {
        let q = self.qualifier(org_id, qualifier_id).await?;
        if results_hidden(setting(&q), viewer) {
            return Ok(LeaderboardView {
                entries: Vec::new(),
                hidden: true,
            });
        }
        let entries = self
            .leaderboard(org_id, qualifier_id)
            .await?
            .into_iter()
            .map(|(s, display_name)| LeaderboardEntry {
                rank: s.rank,
                user_id: s.user_id,
                display_name,
                score: s.score,
                estimate: s.estimate,
                finished: s.finished,
                forfeited: s.forfeited,
                unattempted: s.unattempted,
            })
            .collect();
        Ok(LeaderboardView {
            entries,
            hidden: false,
        })
    }

    /// What the Discord "Get Timer" button answers `user` about a run at `now`: its clock, when
    /// they may see the run's results (their own run, or results not hidden from them).
    pub async fn timer_view(
        &self,
        authorizer: &dyn Rights,
        user: Option<&CurrentUser>,
        org_id: i64,
        race_id: i64,
        now: i64,
    ) -> Result<String, Error> {
        let user = user.ok_or_else(|| {
            Error::unauthenticated("Link your Discord account on the site first.")
        })?;
        let viewer = viewer(authorizer, user, org_id).await?;
        let r = self.race(org_id, race_id).await?;
        let q = self.qualifier(org_id, r.qualifier_id).await?;
        if !run_visibility(setting(&q), &viewer, r.user_id).results {
            return Err(Error::forbidden(
                "This qualifier hides others' results until it closes; Get Timer shows your own runs.",
            ));
        }
        Ok(crate::discord::timer_text(&r, now))
    }
}
