//! Reviews: the runner asks for one; a reviewer (holding `async_race:review`, and
//! `async_race:approve` or `async_race:reject` for the decision) accepts or rejects a finished
//! run, optionally correcting its time; the queue of runs waiting for one.

use sdk::{context::Rights, Actor, Error};
use serde_json::json;

use super::Qualifiers;
use crate::{
    actions,
    events::RaceReviewed,
    model::Race,
    repo::{self, RaceFilter, RaceRow},
    rules::{self, RaceStatus, ReviewStatus},
};

/// A reviewer's decision on a run.
#[derive(Debug, Clone)]
pub struct Review {
    pub status: ReviewStatus,
    pub notes: String,
    /// The corrected elapsed time in seconds (start becomes end − this).
    pub elapsed_override_seconds: Option<f64>,
}

impl Qualifiers {
    /// The runner asks reviewers to look at a finished run; the reason is required.
    pub async fn request_review(
        &self,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        reason: &str,
        now: i64,
    ) -> Result<RaceRow, Error> {
        let reason = rules::clean_text("reason", reason, rules::NOTES_MAX)?;
        if reason.is_empty() {
            return Err(Error::invalid(
                "reason",
                "Say what the reviewers should look at.",
            ));
        }
        let mut tx = self.begin().await?;
        let race = Self::locked_race(&mut tx, org_id, race_id).await?;
        Self::own(&race, actor)?;
        if race.status != RaceStatus::Finished || race.reattempted {
            return Err(Error::conflict(
                "Only finished runs that were not reattempted can be reviewed.",
            ));
        }
        repo::request_review(&mut tx, race_id, &reason, now).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "async_qualifier.review_request",
                json!({"qualifier_id": race.qualifier_id, "race_id": race_id}),
            )
            .await?;
        let race = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        Ok(race)
    }

    /// A reviewer accepts (`async_race:approve`) or rejects (`async_race:reject`) a finished
    /// run, optionally correcting its elapsed time (start = end − override), which recomputes
    /// the permalink.
    pub async fn review_race(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        decision: &Review,
        now: i64,
    ) -> Result<RaceRow, Error> {
        let reviewer = actor.id()?;
        self.require(authorizer, org_id, actor, actions::REVIEW)
            .await?;
        let needed = match decision.status {
            ReviewStatus::Rejected => actions::REJECT,
            _ => actions::APPROVE,
        };
        self.require(authorizer, org_id, actor, needed).await?;
        let Review {
            status,
            ref notes,
            elapsed_override_seconds,
        } = *decision;
        let notes = rules::clean_text("notes", notes, rules::NOTES_MAX)?;
        if status == ReviewStatus::Pending {
            return Err(Error::invalid("status", "Choose accepted or rejected."));
        }
        let mut tx = self.begin().await?;
        let race = Self::locked_race(&mut tx, org_id, race_id).await?;
        rules::check_review(reviewer, race.user_id, race.status, race.reattempted)?;
        let start = match elapsed_override_seconds {
            Some(seconds) => {
                let end = race
                    .end_time
                    .ok_or_else(|| Error::conflict("This run has no end time to correct from."))?;
                Some(rules::start_for_override(end, seconds)?)
            }
            None => None,
        };
        repo::set_review(&mut tx, race_id, status, reviewer, &notes, start, now).await?;
        let computed = if start.is_some() {
            Some(Self::recalc_permalink(&mut tx, race.permalink_id, now).await?)
        } else {
            None
        };
        actor.audit(
            &mut tx,
            Some(org_id),
            "async_qualifier.race_review",
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id, "status": status.as_str(),
                   "elapsed_override_seconds": elapsed_override_seconds,
                   "previous_start_time": race.start_time}),
        )
        .await?;
        let updated = Self::race_in(&mut tx, org_id, race_id).await?;
        // Staged: a notification outbox queues the runner's message with the verdict.
        let staged = self
            .events
            .stage(
                &mut tx,
                Some(org_id),
                Some(reviewer),
                RaceReviewed {
                    qualifier_id: race.qualifier_id,
                    race_id,
                    reviewer_id: reviewer,
                    review_status: status.as_str().to_string(),
                    elapsed_override_seconds,
                },
            )
            .await?;
        tx.commit().await?;
        self.events.publish(staged);
        if let Some(computed) = computed {
            self.recalculated(
                org_id,
                actor,
                race.qualifier_id,
                usize::from(computed),
                "review",
            );
        }
        Ok(updated)
    }

    /// Finished, non-reattempted runs waiting for review, newest first, a page at a time: for
    /// reviewers only.
    pub async fn review_queue(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
        page: sdk::page::PageRequest,
        now: i64,
    ) -> Result<sdk::page::Page<Race>, Error> {
        self.require(authorizer, org_id, actor, actions::REVIEW)
            .await?;
        let races = self
            .races_view(
                authorizer,
                org_id,
                actor,
                qualifier_id,
                RaceFilter {
                    review_queue: true,
                    page: Some(page),
                    ..Default::default()
                },
                now,
            )
            .await?;
        Ok(sdk::page::Page::from_rows(races, &page, |r| r.id))
    }
}
