//! Racer verification: an organization names the racetime.gg categories that count, a minimum
//! number of finished races (forfeits and DQs optionally counted, optionally within a window)
//! and a Discord role; its members who linked racetime.gg are counted, and those who qualify get
//! the role in the organization's linked Discord servers (docs/upstreams/racetime.md §6.5, §7).
//!
//! How the pieces fit:
//! - `rules::verification` decides: what a page of races counts for a member, when reading may
//!   stop, what input is acceptable.
//! - here, [`count_races`] reads a member's history page by page
//!   (`GET /user/<id>/races/data?show_entrants=true&per_page=100&page=N`, a pause between pages,
//!   5xx and network errors retried with backoff, 404 = no visible races), and
//!   `Racetime::check_member` stores the result and grants the role — the grant audited in the
//!   transaction that stores it, and never asked for again once given.
//! - Who checks: an admin (`racetime:verify`) now, for everyone (`run_verification`, bounded by
//!   a [`Budget`] so a request ends in time); a member for themself (`verify_me`); and the
//!   hourly task [`TASK`] for every active verification, at most [`TASK_USERS`] members a run,
//!   the longest unchecked first, with the run's due time as `now`.
//! - `repo::verification` is the SQL; the API and the page (`api::verification`,
//!   `ui::verification`) only call the methods below.
//!
//! - The role is given through the bot's REST client (`DiscordRest::add_member_role`) in each
//!   Discord server linked to the verification's own organization, never another's; a member
//!   without Discord, an organization without a server or a site without a bot is told so on
//!   the member's row, and the grant is tried again at the next check.
//!
//! [`Pacing`] is passed in rather than fixed so tests can read pages without pausing (the task
//! takes it from the deployment setting [`PAUSE_SETTING`]; a request uses the shorter
//! [`Pacing::REQUEST`]). A run stops after three members in a row could not be read: racetime.gg
//! is down, and the rest wait for the next run.

use std::{
    collections::{hash_map::Entry, HashMap},
    sync::Arc,
    time::{Duration, Instant},
};

use sdk::{
    page::{Page, PageRequest},
    plugin::LoadContext,
    tasks::{handler, BuiltinTask, Schedule},
    Actor, Error,
};
use serde_json::json;

mod checks;
mod history;

pub use history::{count_races, Counted};

use super::{Racetime, Runtime};
use crate::{
    actions,
    model::{Verification, VerificationInput, VerificationResult, VerificationRun},
    repo::{
        self,
        verification::{Candidate, Checked, Pick},
    },
    rules::verification::{self as rules, Criteria, RacesPage},
};

/// The hourly re-check's name (`racetime.verification`).
pub const TASK: &str = "verification";
/// At most this many (member, verification) checks per hourly run.
pub const TASK_USERS: i64 = 200;
/// Deployment setting: the pause between two pages of one history, in milliseconds (default
/// [`Pacing::DEFAULT`]'s 200 ms); retries wait five times as long, doubling.
pub const PAUSE_SETTING: &str = "RACETIME_VERIFY_PAUSE_MS";
/// A member asking again within this long gets their last result instead of a new check (each
/// check is requests to racetime.gg).
pub const VERIFY_ME_COOLDOWN_MS: i64 = 60_000;

/// A run stops after this many members in a row could not be read from racetime.gg.
const MAX_FAILURES_IN_A_ROW: u32 = 3;

/// How requests to racetime.gg are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// Between two pages of a history.
    pub between_pages: Duration,
    /// Before the first retry of a failed page; each further retry waits twice as long.
    pub first_retry: Duration,
    /// Tries per page (at least one).
    pub attempts: u32,
    /// How long one try may take.
    pub timeout: Duration,
}

impl Pacing {
    /// A short pause between pages, three tries a page (1 s, then 2 s between them), each
    /// within the shared client's time limit (the task's).
    pub const DEFAULT: Self = Self {
        between_pages: Duration::from_millis(200),
        first_retry: Duration::from_secs(1),
        attempts: 3,
        timeout: sdk::http::TIMEOUT,
    };

    /// A request's: the same pause, but two short tries, so the answer comes in time.
    pub const REQUEST: Self = Self {
        between_pages: Duration::from_millis(200),
        first_retry: Duration::from_millis(500),
        attempts: 2,
        timeout: Duration::from_secs(4),
    };

    /// No pauses at all (tests).
    pub const fn immediate() -> Self {
        Self {
            between_pages: Duration::ZERO,
            first_retry: Duration::ZERO,
            attempts: 3,
            timeout: sdk::http::TIMEOUT,
        }
    }

    /// From [`PAUSE_SETTING`]: milliseconds between pages; anything unreadable is the default.
    pub fn from_setting(ms: Option<&str>) -> Self {
        match ms.and_then(|m| m.trim().parse::<u64>().ok()) {
            Some(ms) => Self {
                between_pages: Duration::from_millis(ms),
                first_retry: Duration::from_millis(ms.saturating_mul(5)),
                ..Self::DEFAULT
            },
            None => Self::DEFAULT,
        }
    }
}

/// How much one call may check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// (member, verification) checks at most.
    pub users: i64,
    /// No new check starts after this long.
    pub time: Option<Duration>,
}

impl Budget {
    /// A request's: it must answer well within the request time limit (30 s).
    pub const REQUEST: Self = Self {
        users: 100,
        time: Some(Duration::from_secs(15)),
    };
    /// The hourly task's.
    pub const TASK: Self = Self {
        users: TASK_USERS,
        time: None,
    };
}

/// Registers verification's hourly re-check.
pub fn register_tasks(ctx: &LoadContext, runtime: Arc<Runtime>) -> Result<(), Error> {
    let pacing = Pacing::from_setting(ctx.setting(PAUSE_SETTING).as_deref());
    ctx.task(BuiltinTask {
        name: TASK.into(),
        description: format!(
            "RaceTime.gg: re-check racer verifications (up to {TASK_USERS} members an hour, the longest unchecked first) and give qualifying members their Discord role"
        ),
        schedule: Schedule::Interval { seconds: 3600 },
        active_by_default: true,
        handler: handler(move |run| {
            let runtime = Arc::clone(&runtime);
            async move {
                let service = runtime.service()?;
                let done = service
                    .recheck_verifications(run.due_at, pacing, Budget::TASK)
                    .await?;
                if done.failed > 0 {
                    // The run is recorded as failed; each member's row says why.
                    return Err(Error::upstream(
                        "RaceTime.gg",
                        format!(
                            "{} of {} verification checks could not read racetime.gg; the results say why",
                            done.failed, done.checked
                        ),
                    ));
                }
                Ok(())
            }
        }),
    })
}

/// At most this many verifications per organization (listed whole, and `verify_me` answers
/// one result per verification).
pub const MAX_VERIFICATIONS: i64 = 20;

impl Racetime {
    /// The organization's verifications.
    pub async fn verifications(
        &self,
        org_id: i64,
        actor: &Actor,
    ) -> Result<Vec<Verification>, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::VERIFY).await?;
        repo::verification::list(self.db(), org_id).await
    }

    /// Creates (`id` None) or changes a verification. A new role id means nobody has the new
    /// role yet: qualified members get it at their next check.
    pub async fn save_verification(
        &self,
        org_id: i64,
        actor: &Actor,
        id: Option<i64>,
        input: &VerificationInput,
        now: i64,
    ) -> Result<Verification, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::VERIFY).await?;
        let input = rules::check_input(input)?;
        let mut tx = self.db().begin().await?;
        let id = match id {
            None => {
                let existing = repo::verification::list(self.db(), org_id).await?.len() as i64;
                if existing >= MAX_VERIFICATIONS {
                    return Err(Error::conflict(format!(
                        "An organization has at most {MAX_VERIFICATIONS} racer verifications: change one instead."
                    )));
                }
                repo::verification::insert(&mut tx, org_id, &input, now).await?
            }
            Some(id) => {
                let before = repo::verification::get(&mut tx, org_id, id)
                    .await?
                    .ok_or_else(not_found)?;
                repo::verification::update(&mut tx, org_id, id, &input, now).await?;
                if before.discord_role_id != input.discord_role_id {
                    repo::verification::forget_grants(&mut tx, org_id, id).await?;
                }
                id
            }
        };
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "racetime.verification_save",
                json!({
                    "verification_id": id, "name": input.name, "categories": input.categories,
                    "min_races": input.min_races, "count_forfeits": input.count_forfeits,
                    "count_dq": input.count_dq, "window_days": input.window_days,
                    "discord_role_id": input.discord_role_id, "is_active": input.is_active,
                }),
            )
            .await?;
        let saved = repo::verification::get(&mut tx, org_id, id)
            .await?
            .ok_or_else(not_found)?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Deletes a verification and its results (roles already given stay in Discord).
    pub async fn delete_verification(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
    ) -> Result<(), Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::VERIFY).await?;
        let mut tx = self.db().begin().await?;
        if !repo::verification::delete(&mut tx, org_id, id).await? {
            return Err(not_found());
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "racetime.verification_delete",
                json!({"verification_id": id}),
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Who was checked for the verification: counts, who qualifies, roles given, errors.
    pub async fn verification_results(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        page: &PageRequest,
    ) -> Result<Page<VerificationResult>, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::VERIFY).await?;
        let mut conn = self.db().pool().acquire().await?;
        repo::verification::get(&mut conn, org_id, id)
            .await?
            .ok_or_else(not_found)?;
        drop(conn);
        repo::verification::results_page(self.db(), org_id, id, page).await
    }

    /// Checks the verification's members now (an admin's "check everyone now"), the longest
    /// unchecked first, as far as `budget` allows; the rest are left for the next run.
    pub async fn run_verification(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        now: i64,
        pacing: Pacing,
        budget: Budget,
    ) -> Result<VerificationRun, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::VERIFY).await?;
        let mut tx = self.db().begin().await?;
        let verification = repo::verification::get(&mut tx, org_id, id)
            .await?
            .ok_or_else(not_found)?;
        if !verification.is_active {
            return Err(Error::conflict(
                "This verification is switched off: switch it on to check its members.",
            ));
        }
        // Asking racetime.gg about every member (and giving roles) is the admin's action.
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "racetime.verification_run",
                json!({"verification_id": id}),
            )
            .await?;
        tx.commit().await?;
        let pick = Pick {
            orgs: vec![org_id],
            verification_id: Some(id),
            user_id: None,
            active_only: true,
        };
        self.check_candidates(actor, &pick, now, pacing, budget)
            .await
    }

    /// A member checks themself against every active verification of the organization; their
    /// results. A check younger than [`VERIFY_ME_COOLDOWN_MS`] is answered as it stands.
    pub async fn verify_me(
        &self,
        org_id: i64,
        actor: &Actor,
        now: i64,
        pacing: Pacing,
    ) -> Result<Vec<VerificationResult>, Error> {
        self.require_enabled(org_id).await?;
        let user = actor.require_user()?;
        // Any member may, for themself only: no action is needed beyond belonging.
        if !self.platform.authorizer.is_member(user.id, org_id).await? {
            return Err(Error::forbidden(
                "You are not a member of this organization.",
            ));
        }
        let active = repo::verification::list(self.db(), org_id)
            .await?
            .into_iter()
            .filter(|v| v.is_active)
            .count();
        if active == 0 {
            return Err(Error::not_found(
                "This organization has no active racer verification.",
            ));
        }
        let pick = Pick {
            orgs: vec![org_id],
            verification_id: None,
            user_id: Some(user.id),
            active_only: true,
        };
        // One row per active verification of the organization.
        let (candidates, _) = repo::verification::candidates(self.db(), &pick, 1000).await?;
        if candidates.is_empty() {
            return Err(Error::invalid(
                "racetime",
                "Link your racetime.gg account on your profile first: verification counts the races of the linked account.",
            ));
        }
        let due: Vec<Candidate> = candidates
            .into_iter()
            .filter(|c| {
                c.checked_racetime_id.as_deref() != Some(c.racetime_id.as_str())
                    || c.checked_at
                        .is_none_or(|at| now - at >= VERIFY_ME_COOLDOWN_MS)
            })
            .collect();
        let budget = Budget {
            users: i64::MAX,
            time: None,
        };
        self.check_list(actor, due, 0, now, pacing, budget).await?;
        repo::verification::results(self.db(), org_id, None, Some(user.id)).await
    }

    /// The hourly re-check: every active verification of every organization with the plugin
    /// on, the longest unchecked members first, at most `budget`.
    pub async fn recheck_verifications(
        &self,
        now: i64,
        pacing: Pacing,
        budget: Budget,
    ) -> Result<VerificationRun, Error> {
        let mut orgs: Vec<i64> = Vec::new();
        for (org_id, _) in repo::verification::active(self.db()).await? {
            if !orgs.contains(&org_id)
                && self
                    .platform
                    .plugins
                    .is_enabled(org_id, crate::PLUGIN_ID)
                    .await?
            {
                orgs.push(org_id);
            }
        }
        let pick = Pick {
            orgs,
            verification_id: None,
            user_id: None,
            active_only: true,
        };
        self.check_candidates(&Actor::system(), &pick, now, pacing, budget)
            .await
    }
}

fn not_found() -> Error {
    Error::not_found("There is no such racer verification in this organization.")
}
