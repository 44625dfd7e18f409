//! A run from start to finish: eligibility and the seed draw, Ready (the countdown), Finish,
//! Forfeit, the VOD and notes, reattempts, a timeout moved by hand, and the Discord thread a run
//! is played in.

use rand::Rng;
use sdk::{Actor, Error};
use serde_json::json;
use sqlx::AnyConnection;

use super::Qualifiers;
use crate::{
    events::{RaceFinished, RaceForfeited, RaceReattempted, RaceStarted},
    repo::{self, QualifierRow, RaceFilter, RaceRow},
    rules::{self, RaceStatus},
};

impl Qualifiers {
    /// A run of the organization, as stored (for adapters that render it themselves, use
    /// [`Qualifiers::race_view`], which applies what the viewer may see).
    pub async fn race(&self, org_id: i64, race_id: i64) -> Result<RaceRow, Error> {
        Self::race_in(&mut *self.conn().await?, org_id, race_id).await
    }

    /// The qualifier's runs as stored (see [`Qualifiers::races_view`]).
    pub async fn races(
        &self,
        org_id: i64,
        qualifier_id: i64,
        filter: RaceFilter,
    ) -> Result<Vec<RaceRow>, Error> {
        self.qualifier(org_id, qualifier_id).await?;
        repo::races(&mut *self.conn().await?, qualifier_id, filter).await
    }

    /// Whether `user_id` may start a run in the qualifier now (the reason when not), and their
    /// reattempts used.
    pub async fn start_check(
        &self,
        org_id: i64,
        q: &QualifierRow,
        user_id: i64,
    ) -> Result<(Result<(), Error>, i64), Error> {
        let mut conn = self.conn().await?;
        Self::start_check_in(&mut conn, org_id, q, user_id).await
    }

    /// [`Qualifiers::start_check`] on `conn` (inside the start's transaction).
    pub(super) async fn start_check_in(
        conn: &mut AnyConnection,
        org_id: i64,
        q: &QualifierRow,
        user_id: i64,
    ) -> Result<(Result<(), Error>, i64), Error> {
        let (active, member, racetime_linked) = repo::user_standing(conn, org_id, user_id).await?;
        let (live, reattempts) = repo::user_counts(conn, q.id, user_id).await?;
        let facts = rules::StartFacts {
            qualifier_active: q.is_active,
            user_active: active,
            racetime_required: q.require_racetime,
            racetime_linked,
            is_member: member,
            has_live_race: live > 0,
        };
        Ok((rules::check_can_start(&facts), reattempts))
    }

    /// Opens a run for the actor in `pool_id`: eligibility, then a permalink drawn with pool
    /// balancing. The run is pending until Ready.
    pub async fn start_run(
        &self,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
        pool_id: i64,
        now: i64,
    ) -> Result<RaceRow, Error> {
        let user_id = actor.id()?;
        let mut tx = self.begin().await?;
        // Starts are serialized per qualifier too: the live-race check and play counts hold.
        if !repo::lock_qualifier(&mut tx, org_id, qualifier_id).await? {
            return Err(Error::not_found(format!(
                "There is no async qualifier {qualifier_id} here."
            )));
        }
        let q = repo::qualifier(&mut tx, org_id, qualifier_id)
            .await?
            .ok_or_else(|| Error::not_found("That qualifier does not exist."))?;
        Self::start_check_in(&mut tx, org_id, &q, user_id)
            .await?
            .0?;
        let pool = repo::pool(&mut tx, org_id, pool_id)
            .await?
            .filter(|p| p.qualifier_id == qualifier_id)
            .ok_or_else(|| Error::invalid("pool_id", "Choose one of this qualifier's pools."))?;
        let used = repo::used_per_pool(&mut tx, qualifier_id, user_id)
            .await?
            .into_iter()
            .find(|(p, _)| *p == pool_id)
            .map(|(_, n)| n)
            .unwrap_or(0);
        if rules::remaining_runs(q.runs_per_pool, used) == 0 {
            return Err(Error::conflict(format!(
                "You have run all {} of your runs in the pool {}; choose another pool.",
                q.runs_per_pool, pool.name
            )));
        }
        let candidates = repo::candidates(&mut tx, pool_id, user_id).await?;
        let permalink_id =
            rules::choose_permalink(&candidates, |n| rand::thread_rng().gen_range(0..n.max(1)))?;
        let race_id = repo::insert_race(
            &mut tx,
            &repo::NewRace {
                qualifier_id,
                permalink_id,
                user_id,
                opened_at: now,
                timeout_at: now + rules::PENDING_TIMEOUT_MS,
            },
        )
        .await?;
        actor.audit(
            &mut tx,
            Some(org_id),
            "async_qualifier.race_start",
            json!({"qualifier_id": qualifier_id, "race_id": race_id, "pool_id": pool_id, "permalink_id": permalink_id}),
        )
        .await?;
        let race = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        self.events.emit(
            Some(org_id),
            Some(user_id),
            RaceStarted {
                qualifier_id,
                race_id,
                user_id,
                permalink_id,
            },
        );
        Ok(race)
    }

    /// "Ready": the clock starts after the 10-second countdown.
    pub async fn ready_run(
        &self,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        now: i64,
    ) -> Result<RaceRow, Error> {
        let mut tx = self.begin().await?;
        let race = Self::locked_race(&mut tx, org_id, race_id).await?;
        Self::own(&race, actor)?;
        if race.status != RaceStatus::Pending {
            return Err(Error::conflict(format!(
                "This run is {}; only a pending run can be started.",
                race.status.label().to_lowercase()
            )));
        }
        if now >= race.timeout_at {
            return Err(Error::conflict(
                "This run timed out before it was started; it will be forfeited.",
            ));
        }
        let start = now + rules::COUNTDOWN_MS;
        if !repo::transition(
            &mut tx,
            race_id,
            RaceStatus::Pending,
            RaceStatus::InProgress,
            Some(start),
            None,
            now,
        )
        .await?
        {
            return Err(Error::conflict(
                "This run was changed meanwhile; reload it.",
            ));
        }
        Self::commit_race_change(
            tx,
            actor,
            org_id,
            race_id,
            "async_qualifier.race_ready",
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id, "start_time": start}),
        )
        .await
    }

    /// "Finish": the end time is now; par and scores of the permalink are recomputed.
    pub async fn finish_run(
        &self,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        now: i64,
    ) -> Result<RaceRow, Error> {
        let mut tx = self.begin().await?;
        let race = Self::locked_race(&mut tx, org_id, race_id).await?;
        let user_id = Self::own(&race, actor)?;
        if race.status != RaceStatus::InProgress {
            return Err(Error::conflict(format!(
                "This run is {}; only a run in progress can be finished.",
                race.status.label().to_lowercase()
            )));
        }
        let start = race.start_time.unwrap_or(now);
        if now < start {
            return Err(Error::conflict(
                "The countdown has not ended yet; the clock starts at the end of it.",
            ));
        }
        repo::transition(
            &mut tx,
            race_id,
            RaceStatus::InProgress,
            RaceStatus::Finished,
            None,
            Some(now),
            now,
        )
        .await?;
        let computed = Self::recalc_permalink(&mut tx, race.permalink_id, now).await?;
        let elapsed = (now - start) as f64 / 1000.0;
        actor.audit(
            &mut tx,
            Some(org_id),
            "async_qualifier.race_finish",
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id, "elapsed_seconds": elapsed}),
        )
        .await?;
        let race = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        self.events.emit(
            Some(org_id),
            Some(user_id),
            RaceFinished {
                qualifier_id: race.qualifier_id,
                race_id,
                user_id,
                elapsed_seconds: elapsed,
            },
        );
        self.recalculated(
            org_id,
            actor,
            race.qualifier_id,
            usize::from(computed),
            "finish",
        );
        Ok(race)
    }

    /// "Forfeit" (the runner, or the timeout task as the system): score 0, permalink recomputed.
    pub async fn forfeit_run(
        &self,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        now: i64,
    ) -> Result<RaceRow, Error> {
        self.forfeit(org_id, actor, race_id, now, "runner").await
    }

    /// Forfeits a live run: the runner's own (`reason` `runner`) or any run for the system
    /// (`timeout`).
    pub(super) async fn forfeit(
        &self,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        now: i64,
        reason: &str,
    ) -> Result<RaceRow, Error> {
        // The timeout task's forfeits say so in the audit log and the recalculation trigger.
        let timed_out = reason == "timeout";
        let mut tx = self.begin().await?;
        let race = Self::locked_race(&mut tx, org_id, race_id).await?;
        if actor.user_id().is_some() {
            Self::own(&race, actor)?;
        }
        if !race.status.is_live() {
            return Err(Error::conflict(format!(
                "This run is already {}.",
                race.status.label().to_lowercase()
            )));
        }
        repo::transition(
            &mut tx,
            race_id,
            race.status,
            RaceStatus::Forfeit,
            None,
            None,
            now,
        )
        .await?;
        let computed = Self::recalc_permalink(&mut tx, race.permalink_id, now).await?;
        actor.audit(
            &mut tx,
            Some(org_id),
            if timed_out {
                "async_qualifier.race_timeout"
            } else {
                "async_qualifier.race_forfeit"
            },
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id, "user_id": race.user_id, "was": race.status.as_str()}),
        )
        .await?;
        let updated = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        self.events.emit(
            Some(org_id),
            actor.user_id(),
            RaceForfeited {
                qualifier_id: race.qualifier_id,
                race_id,
                user_id: race.user_id,
                reason: reason.to_string(),
            },
        );
        self.recalculated(
            org_id,
            actor,
            race.qualifier_id,
            usize::from(computed),
            if timed_out { "timeout" } else { "forfeit" },
        );
        Ok(updated)
    }

    /// After the run: the VOD link and notes (≤ 4000 characters).
    pub async fn submit_vod(
        &self,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        vod_url: &str,
        notes: &str,
        now: i64,
    ) -> Result<RaceRow, Error> {
        let vod_url = rules::clean_url("vod_url", vod_url, true)?;
        let notes = rules::clean_text("notes", notes, rules::NOTES_MAX)?;
        let mut tx = self.begin().await?;
        let race = Self::locked_race(&mut tx, org_id, race_id).await?;
        Self::own(&race, actor)?;
        if race.status.is_live() {
            return Err(Error::conflict(
                "Finish or forfeit the run first; then add the VOD and notes.",
            ));
        }
        repo::set_submission(&mut tx, race_id, &vod_url, &notes, now).await?;
        Self::commit_race_change(
            tx,
            actor,
            org_id,
            race_id,
            "async_qualifier.race_vod",
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id, "vod_url": vod_url}),
        )
        .await
    }

    /// The runner gives up a finished or forfeited run to run the pool again (on another seed).
    pub async fn reattempt_race(
        &self,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        now: i64,
    ) -> Result<RaceRow, Error> {
        let mut tx = self.begin().await?;
        let race = Self::locked_race(&mut tx, org_id, race_id).await?;
        let user_id = actor.id()?;
        let q = repo::qualifier(&mut tx, org_id, race.qualifier_id)
            .await?
            .ok_or_else(|| Error::not_found("That qualifier does not exist."))?;
        let (_, used) = repo::user_counts(&mut tx, q.id, race.user_id).await?;
        rules::check_reattempt(
            race.user_id == user_id,
            race.status,
            race.reattempted,
            q.max_reattempts,
            used,
        )?;
        repo::set_reattempted(&mut tx, race_id, now).await?;
        let computed = Self::recalc_permalink(&mut tx, race.permalink_id, now).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "async_qualifier.race_reattempt",
                json!({"qualifier_id": q.id, "race_id": race_id, "reattempts_used": used + 1}),
            )
            .await?;
        let updated = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        self.events.emit(
            Some(org_id),
            Some(user_id),
            RaceReattempted {
                qualifier_id: q.id,
                race_id,
                user_id,
            },
        );
        self.recalculated(org_id, actor, q.id, usize::from(computed), "reattempt");
        Ok(updated)
    }

    /// Moves a pending run's timeout `minutes` later (the Discord `/async_extend_timeout`); the
    /// warning may then be sent again for the new deadline.
    pub async fn extend_timeout(
        &self,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        minutes: i64,
        now: i64,
    ) -> Result<RaceRow, Error> {
        if !(1..=24 * 60).contains(&minutes) {
            return Err(Error::invalid("minutes", "Extend by 1 to 1440 minutes."));
        }
        let mut tx = self.begin().await?;
        let race = Self::locked_race(&mut tx, org_id, race_id).await?;
        if race.status != RaceStatus::Pending {
            return Err(Error::conflict(
                "Only a pending run's timeout can be extended.",
            ));
        }
        let timeout = race.timeout_at.max(now) + minutes * 60_000;
        repo::extend_timeout(&mut tx, race_id, timeout, now).await?;
        Self::commit_race_change(
            tx,
            actor,
            org_id,
            race_id,
            "async_qualifier.race_extend",
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id, "minutes": minutes}),
        )
        .await
    }

    /// Records the private thread a run was opened in (its buttons and timeout warning go there),
    /// with its audit entry, in one transaction.
    pub async fn set_discord_thread(
        &self,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        thread_id: &str,
        now: i64,
    ) -> Result<RaceRow, Error> {
        let mut tx = self.begin().await?;
        let race = Self::locked_race(&mut tx, org_id, race_id).await?;
        repo::set_discord_thread(&mut tx, race_id, thread_id, now).await?;
        actor.audit(
            &mut tx,
            Some(org_id),
            "async_qualifier.race_thread",
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id, "thread_id": thread_id}),
        )
        .await?;
        let race = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        Ok(race)
    }

    /// The run of a Discord thread (for the thread's buttons and `/async_extend_timeout`).
    pub async fn race_by_thread(&self, org_id: i64, thread_id: &str) -> Result<RaceRow, Error> {
        repo::race_by_thread(&mut *self.conn().await?, org_id, thread_id)
            .await?
            .ok_or_else(|| Error::not_found("This thread is not an async qualifier run."))
    }

    /// Whether the actor may be offered to forfeit this run (Discord asks for confirmation
    /// first): only the runner, as for the forfeit itself, which checks the rest.
    pub async fn check_forfeit(
        &self,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
    ) -> Result<RaceRow, Error> {
        let race = self.race(org_id, race_id).await?;
        Self::own(&race, actor)?;
        Ok(race)
    }
}
