//! One sync of one linked tournament, and the import task over every linked tournament.
//!
//! A run first claims the link (`speedgaming_links.running_since`): runs of one link never
//! overlap — the import task on any instance and "sync now" — so an episode cannot become two
//! matches; a claim is released when the run is recorded (and counts as abandoned after 10
//! minutes). Then: read the schedule for the window (2 h back, 7 days ahead); if that fails,
//! record the run as failed with the reason and stop — nothing is deleted. Otherwise, for each
//! episode find its people ([`super::people`]) and stream channel and hand the tournament
//! service what the match should be (`sync_match` writes only what differs; a new match and
//! its `speedgaming_episodes` row are written in one transaction). Then, over the episodes
//! imported before: a known episode missing from the answer while its time is well inside the
//! window (5 minutes from either edge) is counted (`missing_runs`), and its match is deleted
//! only at the second successful run in a row without it, and only while it is merely
//! scheduled (never checked in, under way or finished). Nothing is deleted or counted when an
//! episode of the answer could not be read (it might be one of them), nor when the answer holds
//! no episode at all while known unfinished ones are in the window (a wrong slug or an outage
//! answering `[]`): that run is recorded as partial with a warning. Matches whose time is 4 h
//! past are finished. The run's counts, a short list of the changes and the episodes that could
//! not be imported are kept on the link for the page.

use std::collections::{BTreeMap, BTreeSet};

use sdk::{Actor, Error};
use tournament::{
    model::CrewRole,
    service::{OnCreated, SyncOutcome, SyncSource, SyncedMatch, Tournaments},
};

use super::{upstream, SpeedGaming};
use crate::{
    model::{Link, Summary},
    repo::{self, episodes::KnownEpisode, links::LinkRow},
    rules::{self, list_push, Episode, Schedule, HOLDER},
    PLUGIN_ID,
};

/// Why a run did not start: another run of the same link holds it.
const ALREADY_RUNNING: &str =
    "A sync of this tournament is already running; try again in a moment.";

/// What the import task did: (links synced, links whose run failed with the first reason).
#[derive(Debug, Default)]
pub struct ImportPass {
    pub synced: usize,
    pub failed: Vec<(i64, String)>,
}

impl SpeedGaming {
    /// "Sync now" on the page: one run for the tournament, as `actor` (managing it).
    pub async fn sync_now(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
        now: i64,
    ) -> Result<Link, Error> {
        self.require(actor, org_id, Self::MANAGE).await?;
        let row = {
            let mut conn = self.db().pool().acquire().await?;
            repo::links::by_tournament(&mut conn, org_id, tournament_id).await?
        }
        .ok_or_else(|| {
            Error::not_found(format!(
                "Tournament {tournament_id} is not linked to a SpeedGaming event."
            ))
        })?;
        if !row.sync_enabled {
            return Err(Error::conflict(
                "The sync of this tournament is off: switch it on to sync.",
            ));
        }
        // A failed run is recorded on the link and shown there, not returned as an error; only
        // a run already under way is refused.
        if let Err(e) = self.sync_link(&row, now).await {
            if e.message() == ALREADY_RUNNING {
                return Err(Error::conflict(ALREADY_RUNNING));
            }
        }
        self.link(org_id, tournament_id).await
    }

    /// Every linked tournament with its sync on, of every organization with the plugin on (the
    /// import task; the task engine runs each slot once across instances).
    pub async fn import_all(&self, now: i64) -> Result<ImportPass, Error> {
        let mut pass = ImportPass::default();
        for link in repo::links::syncing(self.db()).await? {
            if !self
                .platform
                .plugins
                .is_enabled(link.organization_id, PLUGIN_ID)
                .await?
            {
                continue;
            }
            match self.sync_link(&link, now).await {
                Ok(_) => pass.synced += 1,
                // "Sync now" (or another instance) is running it: that run is this slot's.
                Err(e) if e.message() == ALREADY_RUNNING => {}
                Err(e) => pass.failed.push((link.tournament_id, e.message())),
            }
        }
        Ok(pass)
    }

    /// One run for one link, recorded on the link (failed with its reason, or ok with its
    /// summary) — unless another run of the link is under way: then nothing is done and the
    /// error says so (a conflict).
    pub async fn sync_link(&self, link: &LinkRow, now: i64) -> Result<Summary, Error> {
        if !repo::links::claim_run(self.db(), link.id, now).await? {
            return Err(Error::conflict(ALREADY_RUNNING));
        }
        let outcome = self.run(link, now).await;
        if let Err(e) = self.record(link, &outcome, now).await {
            // The claim must not outlive the run, even when recording it failed.
            let _ = repo::links::release_run(self.db(), link.id).await;
            return Err(e);
        }
        outcome
    }

    async fn record(
        &self,
        link: &LinkRow,
        outcome: &Result<Summary, Error>,
        now: i64,
    ) -> Result<(), Error> {
        match &outcome {
            Ok(summary) => {
                let status = if summary.errors.is_empty() {
                    "ok"
                } else {
                    "partial"
                };
                let error = summary.errors.first().map(String::as_str);
                repo::links::record_run(self.db(), link.id, status, error, Some(summary), now)
                    .await?;
            }
            Err(e) => {
                repo::links::record_run(
                    self.db(),
                    link.id,
                    "failed",
                    Some(&e.message()),
                    None,
                    now,
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn run(&self, link: &LinkRow, now: i64) -> Result<Summary, Error> {
        let config = self
            .platform
            .plugins
            .effective_config(link.organization_id, PLUGIN_ID)
            .await?;
        let (from, to) = rules::window(now);
        let schedule =
            upstream::fetch_schedule(&rules::base_url(&config), &link.event_slug, from, to).await?;
        self.apply(link, &schedule, now).await
    }

    /// Brings the tournament in line with `schedule` (read at `now`).
    pub async fn apply(
        &self,
        link: &LinkRow,
        schedule: &Schedule,
        now: i64,
    ) -> Result<Summary, Error> {
        let tournaments = self.tournaments()?;
        let (org_id, tournament_id) = (link.organization_id, link.tournament_id);
        let mut summary = Summary {
            episodes: u32::try_from(schedule.episodes.len()).unwrap_or(u32::MAX),
            ..Summary::default()
        };
        let known: BTreeMap<i64, KnownEpisode> = {
            let mut conn = self.db().pool().acquire().await?;
            repo::episodes::known(&mut conn, org_id, tournament_id).await?
        }
        .into_iter()
        .map(|k| (k.episode_id, k))
        .collect();
        let reason = format!(
            "the schedule of the SpeedGaming event `{}` is imported every 5 minutes.",
            link.event_slug
        );
        let source = SyncSource {
            holder: HOLDER,
            reason: &reason,
        };
        let mut listed = BTreeSet::new();
        for episode in &schedule.episodes {
            listed.insert(episode.id);
            let known_match = known.get(&episode.id).map(|k| k.match_id);
            if let Err(e) = self
                .import_episode(
                    &tournaments,
                    link,
                    episode,
                    known_match,
                    source,
                    &mut summary,
                    now,
                )
                .await
            {
                list_push(
                    &mut summary.errors,
                    format!("Episode {}: {}", episode.id, e.message()),
                );
            }
        }
        for (id, why) in &schedule.unreadable {
            listed.extend(*id);
            let which = id.map_or_else(|| "An episode".to_string(), |id| format!("Episode {id}"));
            list_push(
                &mut summary.errors,
                format!("{which} could not be read: {why}"),
            );
        }
        let known = {
            let mut conn = self.db().pool().acquire().await?;
            repo::episodes::known(&mut conn, org_id, tournament_id).await?
        };
        // An unreadable episode without an id could be any of the known ones: count none
        // missing. An answer without any episode while known ones should be listed is more
        // likely a wrong slug or an outage than a cancelled schedule: count none either.
        let unfinished_in_window = known
            .iter()
            .any(|k| k.finished_at.is_none() && rules::vanished(k.scheduled_at, false, now));
        let mut may_delete = schedule.unreadable.iter().all(|(id, _)| id.is_some());
        if schedule.episodes.is_empty() && schedule.unreadable.is_empty() && unfinished_in_window {
            may_delete = false;
            list_push(
                &mut summary.errors,
                format!(
                    "SpeedGaming listed no episode for `{}` although matches of it are \
                     scheduled in the window: nothing was deleted. Check the event slug.",
                    link.event_slug
                ),
            );
        }
        for k in known.iter().filter(|k| k.finished_at.is_none()) {
            let listed = listed.contains(&k.episode_id);
            if listed && k.missing_runs != 0 {
                let mut conn = self.db().pool().acquire().await?;
                repo::episodes::reset_missing(&mut conn, tournament_id, k.episode_id).await?;
            }
            if may_delete && rules::vanished(k.scheduled_at, listed, now) {
                let missing = {
                    let mut conn = self.db().pool().acquire().await?;
                    repo::episodes::count_missing(&mut conn, tournament_id, k.episode_id).await?
                };
                if rules::delete_due(missing)
                    && tournaments
                        .sync_delete(org_id, k.match_id, HOLDER, now)
                        .await?
                {
                    summary.deleted += 1;
                    list_push(
                        &mut summary.changes,
                        format!(
                            "Deleted match {} (episode {} is no longer on the schedule)",
                            k.match_id, k.episode_id
                        ),
                    );
                }
            } else if k
                .scheduled_at
                .is_some_and(|at| rules::auto_finish_due(at, now))
                && tournaments
                    .sync_finish(org_id, k.match_id, HOLDER, now)
                    .await?
            {
                summary.finished += 1;
                list_push(
                    &mut summary.changes,
                    format!("Finished match {} (4 hours after its time)", k.match_id),
                );
            }
        }
        Ok(summary)
    }

    #[allow(clippy::too_many_arguments)]
    async fn import_episode(
        &self,
        tournaments: &Tournaments,
        link: &LinkRow,
        episode: &Episode,
        known_match: Option<i64>,
        source: SyncSource<'_>,
        summary: &mut Summary,
        now: i64,
    ) -> Result<(), Error> {
        let org_id = link.organization_id;
        let scheduled_at = rules::parse_when(episode).map_err(|why| Error::invalid("when", why))?;
        let mut player_ids = Vec::new();
        for person in rules::players(episode) {
            let found = self.find_person(org_id, &person, now).await?;
            summary.placeholders += u32::from(found.created);
            if !player_ids.contains(&found.user_id) {
                player_ids.push(found.user_id);
            }
        }
        let mut crew: Vec<(i64, CrewRole)> = Vec::new();
        for (person, role) in rules::approved_crew(episode) {
            let found = self.find_person(org_id, &person, now).await?;
            summary.placeholders += u32::from(found.created);
            if !crew.contains(&(found.user_id, role)) {
                crew.push((found.user_id, role));
            }
        }
        let stream_channel_id = match rules::stream_channel(episode) {
            Some((name, url)) => {
                let (id, created) = tournaments
                    .ensure_stream_channel(org_id, &name, &url, HOLDER, now)
                    .await?;
                if created {
                    list_push(
                        &mut summary.changes,
                        format!("Added the stream channel {name}"),
                    );
                }
                Some(id)
            }
            None => None,
        };
        let want = SyncedMatch {
            title: rules::match_title(episode),
            scheduled_at,
            player_ids,
            stream_channel_id,
            crew,
        };
        let (tournament_id, episode_id) = (link.tournament_id, episode.id);
        // The episode's row is written in the transaction creating the match.
        let remember: OnCreated<'_> = &move |conn, match_id| {
            Box::pin(repo::episodes::remember(
                conn,
                org_id,
                tournament_id,
                episode_id,
                match_id,
            ))
        };
        let outcome = tournaments
            .sync_match(
                org_id,
                tournament_id,
                known_match,
                &want,
                source,
                remember,
                now,
            )
            .await?;
        match outcome {
            SyncOutcome::Created(match_id) => {
                summary.created += 1;
                list_push(
                    &mut summary.changes,
                    format!(
                        "Created match {match_id} (episode {}: {})",
                        episode.id, want.title
                    ),
                );
            }
            SyncOutcome::Updated { match_id, what } => {
                summary.updated += 1;
                list_push(
                    &mut summary.changes,
                    format!(
                        "Updated match {match_id} (episode {}: {})",
                        episode.id,
                        what.join(", ")
                    ),
                );
            }
            SyncOutcome::Unchanged(_) | SyncOutcome::Finished(_) => summary.unchanged += 1,
        }
        Ok(())
    }
}
