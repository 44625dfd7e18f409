//! What a viewer sees of qualifiers, pools, runs and the leaderboard: the stored rows turned into
//! the API's types through [`crate::rules::visibility`]. The server functions (and so the pages,
//! which read them) and the Discord adapters all go through here, so `hide_results` hides the
//! same things everywhere: others' times, scores, VOD links, notes and reviews, par times and
//! the leaderboard, until the qualifier closes — except from its reviewers and managers.
//!
//! Each `*_view` method takes the authorizer and the actor and decides the viewer itself
//! ([`Qualifiers::viewer`]); the mapping functions below are pure.

use sdk::{context::Rights, Actor, Error};

use super::{pools::PoolWithLinks, standings::RankRange, Qualifiers};
use crate::{
    model::{DashboardView, LeaderboardEntry, LeaderboardView, Permalink, Pool, Qualifier, Race},
    repo::{PermalinkRow, QualifierRow, RaceFilter, RaceRow},
    rules::visibility::{results_hidden, run_visibility, ResultsSetting, Viewer},
};

/// The qualifier's settings that decide what is shown.
pub fn setting(q: &QualifierRow) -> ResultsSetting {
    ResultsSetting {
        hide_results: q.hide_results,
        is_active: q.is_active,
    }
}

/// A qualifier, with what the viewer may do in it.
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
        created_at: q.created_at,
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
        par_updated_at: l.par_updated_at.filter(|_| par),
        play_count: l.play_count,
    }
}

/// A pool with its permalinks as the viewer sees them.
pub fn pool((pool, links, remaining): PoolWithLinks, q: ResultsSetting, viewer: &Viewer) -> Pool {
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
        opened_at: r.opened_at,
        timeout_at: r.timeout_at,
        start_time: r.start_time,
        end_time: r.end_time.filter(|_| shown),
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
        server_now: now,
    }
}

impl Qualifiers {
    /// One qualifier as the actor sees it.
    pub async fn qualifier_view(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
    ) -> Result<Qualifier, Error> {
        let viewer = self.viewer(authorizer, org_id, actor).await?;
        let q = self.qualifier(org_id, qualifier_id).await?;
        Ok(qualifier(q, &viewer))
    }

    /// One page of the organization's qualifiers as the actor sees them.
    pub async fn qualifiers_view(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<Qualifier>, Error> {
        let viewer = self.viewer(authorizer, org_id, actor).await?;
        Ok(self
            .qualifiers(org_id, page)
            .await?
            .map(|q| qualifier(q, &viewer)))
    }

    /// A pool as the actor sees it, without its permalinks (what create and update answer).
    pub async fn pool_view(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        pool_id: i64,
    ) -> Result<Pool, Error> {
        let viewer = self.viewer(authorizer, org_id, actor).await?;
        let p = self.pool(org_id, pool_id).await?;
        let q = self.qualifier(org_id, p.qualifier_id).await?;
        Ok(pool((p, Vec::new(), 0), setting(&q), &viewer))
    }

    /// A permalink as the actor sees it.
    pub async fn permalink_view(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        permalink_id: i64,
    ) -> Result<Permalink, Error> {
        let viewer = self.viewer(authorizer, org_id, actor).await?;
        let l = self.permalink(org_id, permalink_id).await?;
        let q = self.qualifier(org_id, l.qualifier_id).await?;
        Ok(permalink(l, setting(&q), &viewer))
    }

    /// One run as the actor sees it at `now`.
    pub async fn race_view(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        now: i64,
    ) -> Result<Race, Error> {
        let viewer = self.viewer(authorizer, org_id, actor).await?;
        let r = self.race(org_id, race_id).await?;
        let q = self.qualifier(org_id, r.qualifier_id).await?;
        Ok(race(r, setting(&q), &viewer, now))
    }

    /// The qualifier's runs (filtered) as the actor sees them.
    pub async fn races_view(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
        filter: RaceFilter,
        now: i64,
    ) -> Result<Vec<Race>, Error> {
        let viewer = self.viewer(authorizer, org_id, actor).await?;
        let q = setting(&self.qualifier(org_id, qualifier_id).await?);
        Ok(self
            .races(org_id, qualifier_id, filter)
            .await?
            .into_iter()
            .map(|r| race(r, q, &viewer, now))
            .collect())
    }

    /// The qualifier's pools, with the runs the actor has left in each.
    pub async fn pools_view(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<Pool>, Error> {
        let viewer = self.viewer(authorizer, org_id, actor).await?;
        let q = setting(&self.qualifier(org_id, qualifier_id).await?);
        Ok(self
            .pools(org_id, qualifier_id, Some(viewer.user_id), page)
            .await?
            .map(|p| pool(p, q, &viewer)))
    }

    /// The ranks asked for of the standings, or none (`hidden`) while results are hidden from
    /// the actor.
    pub async fn leaderboard_view(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
        ranks: RankRange,
    ) -> Result<LeaderboardView, Error> {
        let viewer = self.viewer(authorizer, org_id, actor).await?;
        let q = self.qualifier(org_id, qualifier_id).await?;
        if results_hidden(setting(&q), &viewer) {
            return Ok(LeaderboardView {
                entries: Vec::new(),
                hidden: true,
                total: 0,
            });
        }
        let board = self.standings(org_id, qualifier_id).await?;
        let entries = board
            .iter()
            .skip(ranks.skip())
            .take(ranks.limit())
            .map(|(s, display_name)| LeaderboardEntry {
                rank: s.rank,
                user_id: s.user_id,
                display_name: display_name.clone(),
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
            total: u32::try_from(board.len()).unwrap_or(u32::MAX),
        })
    }

    /// The actor's view of a qualifier: settings, pools with the runs they have left, their
    /// runs, and whether they may start one now.
    pub async fn dashboard(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
        now: i64,
    ) -> Result<DashboardView, Error> {
        let viewer = self.viewer(authorizer, org_id, actor).await?;
        let me = viewer.user_id;
        let q = self.qualifier(org_id, qualifier_id).await?;
        let (can_start, reattempts_used) = self.start_check(org_id, &q, me).await?;
        // The pools to start a run in: a picker, so the first page of the maximum size (200),
        // oldest first as before.
        let first = sdk::page::PageRequest {
            limit: Some(sdk::page::MAX_LIMIT),
            before_id: None,
        };
        let results = setting(&q);
        let mut pools: Vec<Pool> = self
            .pools(org_id, qualifier_id, Some(me), &first)
            .await?
            .items
            .into_iter()
            .map(|p| pool(p, results, &viewer))
            .collect();
        pools.reverse();
        let my_races = self
            .races(
                org_id,
                qualifier_id,
                RaceFilter {
                    user_id: Some(me),
                    ..Default::default()
                },
            )
            .await?
            .into_iter()
            .map(|r| race(r, results, &viewer, now))
            .collect();
        Ok(DashboardView {
            qualifier: qualifier(q, &viewer),
            pools,
            my_races,
            reattempts_used,
            can_start: can_start.map_err(|e| e.message()),
        })
    }
}
