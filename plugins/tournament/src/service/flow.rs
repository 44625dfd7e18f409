//! The status flow: one step forward or back under the match's row lock, as `rules::advance` /
//! `rules::revert` decide from what was read under it, and results (which finish a match in
//! progress). Holds of other plugins stop every actor but their holder ([`super::holds`]).

use sdk::{Actor, Error};
use serde_json::json;

use super::{no_match, Staged, Tournaments, Tx};
use crate::{
    events::{MatchFinished, MatchStatusChanged, MatchUpdated},
    model::{Match, MatchStatus, RankInput, StationInput},
    repo::{self, MatchRow},
    rules::{self, FlowFacts},
};

/// A status step: forward (advance) or back (revert). `expected` is the status the person saw
/// (a step from another status is refused); `stations` check in an onsite match; `as_holder` is
/// the plugin acting, whose own hold does not stop it.
#[derive(Debug, Clone, Default)]
pub struct StepRequest {
    pub forward: bool,
    pub expected: Option<MatchStatus>,
    pub stations: Vec<StationInput>,
    pub as_holder: Option<String>,
}

impl Tournaments {
    async fn flow_facts(
        tx: &mut Tx,
        org_id: i64,
        id: i64,
        as_holder: Option<&str>,
    ) -> Result<(MatchRow, FlowFacts), Error> {
        let row = repo::match_by_id(tx, org_id, id)
            .await?
            .ok_or_else(|| no_match(id))?;
        let players = repo::match_players(tx, &[id]).await?;
        let facts = FlowFacts {
            times: row.times,
            holds: repo::holds(tx, &[id])
                .await?
                .into_iter()
                .map(|(_, h)| h)
                .collect(),
            acting_holder: as_holder.map(str::to_string),
            onsite: row.onsite,
            result_complete: !players.is_empty()
                && players.iter().all(|(_, p)| p.finish_rank.is_some()),
            player_ids: players.into_iter().map(|(_, p)| p.user_id).collect(),
            stations: Vec::new(),
            expected: None,
        };
        Ok((row, facts))
    }

    /// One step forward. `stations` are needed to check in an onsite match; `as_holder` is the
    /// plugin acting (its own hold does not stop it).
    pub async fn advance(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        stations: &[StationInput],
        as_holder: Option<&str>,
        now: i64,
    ) -> Result<Match, Error> {
        let request = StepRequest {
            forward: true,
            expected: None,
            stations: stations.to_vec(),
            as_holder: as_holder.map(str::to_string),
        };
        self.step(org_id, actor, id, &request, now).await
    }

    /// One step back, clearing the current status's timestamp.
    pub async fn revert(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        as_holder: Option<&str>,
        now: i64,
    ) -> Result<Match, Error> {
        let request = StepRequest {
            forward: false,
            expected: None,
            stations: Vec::new(),
            as_holder: as_holder.map(str::to_string),
        };
        self.step(org_id, actor, id, &request, now).await
    }

    /// One status step, forward or back (see [`StepRequest`]).
    pub async fn step(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        request: &StepRequest,
        now: i64,
    ) -> Result<Match, Error> {
        let as_holder = request.as_holder.as_deref();
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        let (row, mut facts) = Self::flow_facts(&mut tx, org_id, id, as_holder).await?;
        facts.stations = request.stations.clone();
        facts.expected = request.expected;
        let step = if request.forward {
            rules::advance(&facts, now)?
        } else {
            rules::revert(&facts)?
        };
        repo::set_times(&mut tx, id, &step.times, now).await?;
        for (user, station) in &step.stations {
            repo::set_station(&mut tx, id, *user, Some(station)).await?;
        }
        if step.to == MatchStatus::Scheduled {
            repo::clear_stations(&mut tx, id).await?;
        }
        let action = if request.forward {
            "match.advance"
        } else {
            "match.revert"
        };
        actor.audit(&mut tx, Some(org_id), action, json!({"match_id": id, "from": step.from.key(), "to": step.to.key(), "by_holder": as_holder})).await?;
        let ranks: Vec<(i64, i64)> = repo::match_players(&mut tx, &[id])
            .await?
            .into_iter()
            .filter_map(|(_, p)| p.finish_rank.map(|r| (p.user_id, r)))
            .collect();
        let mut staged = Staged::default();
        self.status_events(
            &mut tx,
            &mut staged,
            org_id,
            actor,
            &row,
            (step.from, step.to),
            as_holder,
            ranks,
        )
        .await?;
        self.commit(tx, staged).await?;
        self.get_match(org_id, id).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn status_events(
        &self,
        tx: &mut Tx,
        staged: &mut Staged,
        org_id: i64,
        actor: &Actor,
        row: &MatchRow,
        (from, to): (MatchStatus, MatchStatus),
        as_holder: Option<&str>,
        ranks: Vec<(i64, i64)>,
    ) -> Result<(), Error> {
        self.stage(
            tx,
            staged,
            org_id,
            actor,
            MatchStatusChanged {
                tournament_id: row.tournament_id,
                match_id: row.id,
                from: from.key().into(),
                to: to.key().into(),
                by_holder: as_holder.map(str::to_string),
            },
        )
        .await?;
        if to == MatchStatus::Finished && from < to {
            self.stage(
                tx,
                staged,
                org_id,
                actor,
                MatchFinished {
                    tournament_id: row.tournament_id,
                    match_id: row.id,
                    ranks,
                },
            )
            .await?;
        }
        Ok(())
    }

    /// Records finish ranks. A match in progress becomes Finished with them.
    pub async fn set_result(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        ranks: &[RankInput],
        as_holder: Option<&str>,
        now: i64,
    ) -> Result<Match, Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        let (row, facts) = Self::flow_facts(&mut tx, org_id, id, as_holder).await?;
        let from = MatchStatus::of(&facts.times);
        let ranks = rules::check_result(from, &facts.player_ids, ranks)?;
        for (user, rank) in &ranks {
            repo::set_rank(&mut tx, id, *user, Some(*rank)).await?;
        }
        let finishes = from == MatchStatus::InProgress;
        if finishes {
            // Finishing is a status step: holds apply as they do to advance.
            let step = rules::advance(
                &FlowFacts {
                    result_complete: true,
                    ..facts.clone()
                },
                now,
            )?;
            repo::set_times(&mut tx, id, &step.times, now).await?;
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "match.result",
                json!({"match_id": id, "ranks": ranks, "finished": finishes}),
            )
            .await?;
        let mut staged = Staged::default();
        if finishes {
            let step = (from, MatchStatus::Finished);
            self.status_events(
                &mut tx,
                &mut staged,
                org_id,
                actor,
                &row,
                step,
                as_holder,
                ranks,
            )
            .await?;
        } else {
            self.stage(
                &mut tx,
                &mut staged,
                org_id,
                actor,
                MatchUpdated {
                    tournament_id: row.tournament_id,
                    match_id: id,
                    what: "result".into(),
                },
            )
            .await?;
        }
        self.commit(tx, staged).await?;
        self.get_match(org_id, id).await
    }
}
