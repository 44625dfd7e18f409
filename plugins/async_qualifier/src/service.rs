//! Every operation of async qualifiers, callable from the web (server functions), Discord
//! adapters and scheduled tasks alike: each takes the organization, the acting user (or none for
//! the scheduler) and `now`, and never looks at a request.
//!
//! How a write goes: one transaction that first takes the qualifier's lock
//! ([`repo::lock_qualifier`]) when scores are involved, re-reads the race under it, applies the
//! rule from [`crate::rules`], writes, recomputes par and scores of the permalink in the same
//! transaction, records the audit entry, commits — and only then emits its events. So two
//! finishes on one permalink at the same moment are applied one after the other, and the second
//! recomputation sees the first finish.

use std::sync::Arc;

use rand::Rng;
use sdk::{
    audit::{self, AuditEntry},
    bot::BotRuntime,
    context::Platform,
    db::Db,
    events::EventBus,
    Error,
};
use serde_json::json;
use sqlx::AnyConnection;

use crate::{
    events::{
        RaceFinished, RaceForfeited, RaceReattempted, RaceReviewed, RaceStarted,
        ScoresRecalculated, TimeoutWarning,
    },
    repo::{self, PermalinkRow, PoolRow, QualifierFields, QualifierRow, RaceFilter, RaceRow},
    rules::{self, RaceStatus, ReviewStatus, Standing, TimeoutAction},
};

/// How many audit entries the qualifier log reads at a time, and how many such reads one page
/// may take: a page costs at most 2 000 rows whatever the organization's history.
const LOG_SCAN_BATCH: i64 = 500;
const LOG_SCAN_BATCHES: usize = 4;

/// Who acts, from where (for the audit log). The scheduler acts as nobody.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub ip: Option<String>,
}

impl Actor {
    pub fn user(user_id: i64) -> Self {
        Self {
            user_id: Some(user_id),
            ip: None,
        }
    }

    pub fn system() -> Self {
        Self::default()
    }

    fn id(&self) -> Result<i64, Error> {
        self.user_id
            .ok_or_else(|| Error::unauthenticated("Sign in to do this."))
    }
}

/// What a qualifier is created or changed with.
#[derive(Debug, Clone)]
pub struct QualifierInput {
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub hide_results: bool,
    pub discord_channel_id: String,
    pub runs_per_pool: i64,
    pub max_reattempts: i64,
    pub require_racetime: bool,
}

impl QualifierInput {
    fn clean(&self) -> Result<QualifierFields, Error> {
        rules::check_limits(self.runs_per_pool, self.max_reattempts)?;
        Ok(QualifierFields {
            name: rules::clean_name("name", &self.name, 100)?,
            description: rules::clean_text("description", &self.description, rules::NOTES_MAX)?,
            is_active: self.is_active,
            hide_results: self.hide_results,
            discord_channel_id: rules::clean_channel(&self.discord_channel_id)?,
            runs_per_pool: self.runs_per_pool,
            max_reattempts: self.max_reattempts,
            require_racetime: self.require_racetime,
        })
    }
}

/// A reviewer's decision on a run.
#[derive(Debug, Clone)]
pub struct Review {
    pub status: ReviewStatus,
    pub notes: String,
    /// The corrected elapsed time in seconds (start becomes end − this).
    pub elapsed_override_seconds: Option<f64>,
}

/// The async qualifier service (published for other plugins and used by the Discord adapters).
#[derive(Debug, Clone)]
pub struct Qualifiers {
    db: Db,
    events: Arc<EventBus>,
    /// The site's bot: a qualifier's Discord channel must be in a server linked to its
    /// organization (`sdk::bot::channels`), checked when saved and before each post.
    bot: Arc<BotRuntime>,
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

impl Qualifiers {
    /// Without a bot (nothing is posted, channels are not checked; see `sdk::bot::channels`).
    pub fn new(db: Db, events: Arc<EventBus>) -> Self {
        Self {
            db,
            events,
            bot: Arc::default(),
        }
    }

    /// With the site's bot (the plugin's own service has it).
    pub fn with_bot(mut self, bot: Arc<BotRuntime>) -> Self {
        self.bot = bot;
        self
    }

    pub fn from_platform(platform: &Platform) -> Self {
        Self::new(platform.db.clone(), Arc::clone(&platform.events))
            .with_bot(platform.plugins.bot())
    }

    /// A new channel must be in a Discord server linked to the organization.
    async fn check_channel(
        &self,
        org_id: i64,
        channel: Option<&str>,
        before: Option<&str>,
    ) -> Result<(), Error> {
        match channel {
            Some(channel) if Some(channel) != before => {
                sdk::bot::channels::check_channel_on_save(
                    &self.bot,
                    &self.db,
                    org_id,
                    "discord_channel_id",
                    channel,
                )
                .await
            }
            _ => Ok(()),
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, Error> {
        Ok(self.db.pool().acquire().await?)
    }

    async fn begin(&self) -> Result<Tx<'static>, Error> {
        Ok(self.db.begin().await?)
    }

    async fn audit(
        conn: &mut AnyConnection,
        actor: &Actor,
        org_id: i64,
        action: &str,
        details: serde_json::Value,
    ) -> Result<(), Error> {
        audit::record(
            conn,
            AuditEntry {
                user_id: actor.user_id,
                org_id: Some(org_id),
                action,
                details,
                ip: actor.ip.as_deref(),
            },
        )
        .await
    }

    // -----------------------------------------------------------------------------------------
    // Qualifiers, pools, permalinks

    pub async fn qualifier(&self, org_id: i64, id: i64) -> Result<QualifierRow, Error> {
        repo::qualifier(&mut *self.conn().await?, org_id, id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no async qualifier {id} here.")))
    }

    /// One page of the organization's qualifiers, newest first.
    pub async fn qualifiers(
        &self,
        org_id: i64,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<QualifierRow>, Error> {
        repo::qualifiers(&mut *self.conn().await?, org_id, page).await
    }

    pub async fn create_qualifier(
        &self,
        org_id: i64,
        actor: &Actor,
        input: &QualifierInput,
        now: i64,
    ) -> Result<QualifierRow, Error> {
        let fields = input.clean()?;
        self.check_channel(org_id, fields.discord_channel_id.as_deref(), None)
            .await?;
        let mut tx = self.begin().await?;
        let id = repo::insert_qualifier(&mut tx, org_id, &fields, actor.id()?, now).await?;
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.create",
            json!({"qualifier_id": id, "name": fields.name}),
        )
        .await?;
        tx.commit().await?;
        self.qualifier(org_id, id).await
    }

    pub async fn update_qualifier(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        input: &QualifierInput,
        now: i64,
    ) -> Result<QualifierRow, Error> {
        let fields = input.clean()?;
        let before = self.qualifier(org_id, id).await?;
        self.check_channel(
            org_id,
            fields.discord_channel_id.as_deref(),
            before.discord_channel_id.as_deref(),
        )
        .await?;
        let mut tx = self.begin().await?;
        repo::update_qualifier(&mut tx, org_id, id, &fields, now).await?;
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.update",
            json!({"qualifier_id": id, "name": fields.name, "was_active": before.is_active,
                   "is_active": fields.is_active, "runs_per_pool": fields.runs_per_pool,
                   "max_reattempts": fields.max_reattempts, "hide_results": fields.hide_results}),
        )
        .await?;
        tx.commit().await?;
        self.qualifier(org_id, id).await
    }

    pub async fn create_pool(
        &self,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
        name: &str,
        description: &str,
        now: i64,
    ) -> Result<PoolRow, Error> {
        let name = rules::clean_name("name", name, 100)?;
        let description = rules::clean_text("description", description, rules::NOTES_MAX)?;
        self.qualifier(org_id, qualifier_id).await?;
        let mut tx = self.begin().await?;
        let id = repo::insert_pool(&mut tx, qualifier_id, &name, &description, now).await?;
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.pool_create",
            json!({"qualifier_id": qualifier_id, "pool_id": id, "name": name}),
        )
        .await?;
        tx.commit().await?;
        self.pool(org_id, id).await
    }

    pub async fn update_pool(
        &self,
        org_id: i64,
        actor: &Actor,
        pool_id: i64,
        name: &str,
        description: &str,
    ) -> Result<PoolRow, Error> {
        let name = rules::clean_name("name", name, 100)?;
        let description = rules::clean_text("description", description, rules::NOTES_MAX)?;
        let pool = self.pool(org_id, pool_id).await?;
        let mut tx = self.begin().await?;
        repo::update_pool(&mut tx, pool_id, &name, &description).await?;
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.pool_update",
            json!({"qualifier_id": pool.qualifier_id, "pool_id": pool_id, "name": name}),
        )
        .await?;
        tx.commit().await?;
        self.pool(org_id, pool_id).await
    }

    pub async fn pool(&self, org_id: i64, pool_id: i64) -> Result<PoolRow, Error> {
        repo::pool(&mut *self.conn().await?, org_id, pool_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no pool {pool_id} here.")))
    }

    pub async fn create_permalink(
        &self,
        org_id: i64,
        actor: &Actor,
        pool_id: i64,
        url: &str,
        notes: &str,
        now: i64,
    ) -> Result<PermalinkRow, Error> {
        let url = rules::clean_url("url", url, false)?;
        let notes = rules::clean_text("notes", notes, rules::NOTES_MAX)?;
        let pool = self.pool(org_id, pool_id).await?;
        let mut tx = self.begin().await?;
        let id = repo::insert_permalink(&mut tx, pool_id, &url, &notes, now).await?;
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.permalink_create",
            json!({"qualifier_id": pool.qualifier_id, "pool_id": pool_id, "permalink_id": id, "url": url}),
        )
        .await?;
        tx.commit().await?;
        self.permalink(org_id, id).await
    }

    pub async fn update_permalink(
        &self,
        org_id: i64,
        actor: &Actor,
        permalink_id: i64,
        url: &str,
        notes: &str,
    ) -> Result<PermalinkRow, Error> {
        let url = rules::clean_url("url", url, false)?;
        let notes = rules::clean_text("notes", notes, rules::NOTES_MAX)?;
        let link = self.permalink(org_id, permalink_id).await?;
        let mut tx = self.begin().await?;
        repo::update_permalink(&mut tx, permalink_id, &url, &notes).await?;
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.permalink_update",
            json!({"qualifier_id": link.qualifier_id, "permalink_id": permalink_id, "url": url}),
        )
        .await?;
        tx.commit().await?;
        self.permalink(org_id, permalink_id).await
    }

    pub async fn permalink(&self, org_id: i64, permalink_id: i64) -> Result<PermalinkRow, Error> {
        repo::permalink(&mut *self.conn().await?, org_id, permalink_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no permalink {permalink_id} here.")))
    }

    /// One page of the qualifier's pools (newest first) with their permalinks and the runs
    /// `user_id` has left in each.
    pub async fn pools(
        &self,
        org_id: i64,
        qualifier_id: i64,
        user_id: Option<i64>,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<(PoolRow, Vec<PermalinkRow>, i64)>, Error> {
        let q = self.qualifier(org_id, qualifier_id).await?;
        let mut conn = self.conn().await?;
        let pools = repo::pools_page(&mut conn, qualifier_id, page).await?;
        let links = repo::permalinks(&mut conn, qualifier_id).await?;
        let used = match user_id {
            Some(user) => repo::used_per_pool(&mut conn, qualifier_id, user).await?,
            None => Vec::new(),
        };
        Ok(pools.map(|pool| {
            let mine = used
                .iter()
                .find(|(p, _)| *p == pool.id)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            let of_pool = links
                .iter()
                .filter(|l| l.pool_id == pool.id)
                .cloned()
                .collect();
            (pool, of_pool, rules::remaining_runs(q.runs_per_pool, mine))
        }))
    }

    // -----------------------------------------------------------------------------------------
    // Runs

    pub async fn race(&self, org_id: i64, race_id: i64) -> Result<RaceRow, Error> {
        Self::race_in(&mut *self.conn().await?, org_id, race_id).await
    }

    async fn race_in(
        conn: &mut AnyConnection,
        org_id: i64,
        race_id: i64,
    ) -> Result<RaceRow, Error> {
        repo::race(conn, org_id, race_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no run {race_id} here.")))
    }

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

    async fn start_check_in(
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
        Self::audit(
            &mut tx,
            actor,
            org_id,
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

    fn own(race: &RaceRow, actor: &Actor) -> Result<i64, Error> {
        let user_id = actor.id()?;
        if race.user_id == user_id {
            Ok(user_id)
        } else {
            Err(Error::forbidden("This is someone else's run."))
        }
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
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.race_ready",
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id, "start_time": start}),
        )
        .await?;
        let race = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        Ok(race)
    }

    /// Recomputes par and scores of one permalink inside the caller's transaction. False when it
    /// has no finished runs (par and scores stay as they are).
    pub async fn recalc_permalink(
        conn: &mut AnyConnection,
        permalink_id: i64,
        now: i64,
    ) -> Result<bool, Error> {
        let timings = repo::timings(conn, permalink_id).await?;
        let Some(scored) = rules::score_permalink(&timings) else {
            return Ok(false);
        };
        repo::set_par(conn, permalink_id, scored.par, now).await?;
        for (race_id, score) in scored.scores {
            repo::set_score(conn, race_id, score, now).await?;
        }
        Ok(true)
    }

    /// Locks the race's qualifier (first, before any read) and reads the race under the lock.
    async fn locked_race(tx: &mut Tx<'_>, org_id: i64, race_id: i64) -> Result<RaceRow, Error> {
        if !repo::lock_qualifier_of_race(tx, org_id, race_id).await? {
            return Err(Error::not_found(format!("There is no run {race_id} here.")));
        }
        Self::race_in(tx, org_id, race_id).await
    }

    fn recalculated(&self, org_id: i64, actor: &Actor, qualifier_id: i64, n: usize, why: &str) {
        self.events.emit(
            Some(org_id),
            actor.user_id,
            ScoresRecalculated {
                qualifier_id,
                permalinks: n,
                trigger: why.to_string(),
            },
        );
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
        Self::audit(
            &mut tx,
            actor,
            org_id,
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

    async fn forfeit(
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
        if actor.user_id.is_some() {
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
        Self::audit(
            &mut tx,
            actor,
            org_id,
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
            actor.user_id,
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
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.race_vod",
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id, "vod_url": vod_url}),
        )
        .await?;
        let race = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        Ok(race)
    }

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
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.review_request",
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id}),
        )
        .await?;
        let race = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        Ok(race)
    }

    /// A reviewer accepts or rejects a finished run, optionally correcting its elapsed time
    /// (start = end − override), which recomputes the permalink.
    pub async fn review_race(
        &self,
        org_id: i64,
        actor: &Actor,
        race_id: i64,
        decision: &Review,
        now: i64,
    ) -> Result<RaceRow, Error> {
        let reviewer = actor.id()?;
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
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.race_review",
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id, "status": status.as_str(),
                   "elapsed_override_seconds": elapsed_override_seconds,
                   "previous_start_time": race.start_time}),
        )
        .await?;
        let updated = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        self.events.emit(
            Some(org_id),
            Some(reviewer),
            RaceReviewed {
                qualifier_id: race.qualifier_id,
                race_id,
                reviewer_id: reviewer,
                review_status: status.as_str().to_string(),
                elapsed_override_seconds,
            },
        );
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
        Self::audit(
            &mut tx,
            actor,
            org_id,
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
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.race_extend",
            json!({"qualifier_id": race.qualifier_id, "race_id": race_id, "minutes": minutes}),
        )
        .await?;
        let race = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        Ok(race)
    }

    // -----------------------------------------------------------------------------------------
    // Discord: what the adapters need besides the operations above

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
        Self::audit(
            &mut tx,
            actor,
            org_id,
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

    /// The qualifier posted in a Discord channel (for the "Start New Async Run" button).
    pub async fn qualifier_by_channel(
        &self,
        org_id: i64,
        channel_id: &str,
    ) -> Result<QualifierRow, Error> {
        repo::qualifier_by_channel(&mut *self.conn().await?, org_id, channel_id)
            .await?
            .ok_or_else(|| Error::not_found("No async qualifier is posted in this channel."))
    }

    // -----------------------------------------------------------------------------------------
    // Scores

    /// Recomputes every permalink of the qualifier in one transaction under its lock.
    pub async fn recalculate(
        &self,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
        now: i64,
        trigger: &str,
    ) -> Result<usize, Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_qualifier(&mut tx, org_id, qualifier_id).await? {
            return Err(Error::not_found(format!(
                "There is no async qualifier {qualifier_id} here."
            )));
        }
        let mut computed = 0;
        for permalink_id in repo::permalink_ids(&mut tx, qualifier_id).await? {
            if Self::recalc_permalink(&mut tx, permalink_id, now).await? {
                computed += 1;
            }
        }
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "async_qualifier.recalculate",
            json!({"qualifier_id": qualifier_id, "permalinks": computed, "trigger": trigger}),
        )
        .await?;
        tx.commit().await?;
        self.recalculated(org_id, actor, qualifier_id, computed, trigger);
        Ok(computed)
    }

    /// The hourly task: every active qualifier on the site. One failing qualifier does not stop
    /// the others; the first error is returned after all were tried.
    pub async fn recalculate_active(&self, now: i64) -> Result<usize, Error> {
        let qualifiers = repo::active_qualifiers(&mut *self.conn().await?).await?;
        let mut first_error = None;
        let mut done = 0;
        for q in qualifiers {
            match self
                .recalculate(q.org_id, &Actor::system(), q.id, now, "hourly")
                .await
            {
                Ok(_) => done += 1,
                Err(e) => {
                    tracing::warn!(qualifier = q.id, error = %e, "hourly recalculation failed");
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }

    /// The standings with the runners' names.
    pub async fn leaderboard(
        &self,
        org_id: i64,
        qualifier_id: i64,
    ) -> Result<Vec<(Standing, String)>, Error> {
        self.qualifier(org_id, qualifier_id).await?;
        let mut conn = self.conn().await?;
        let q = repo::qualifier(&mut conn, org_id, qualifier_id)
            .await?
            .ok_or_else(|| Error::not_found("That qualifier does not exist."))?;
        let pools: Vec<i64> = repo::pools(&mut conn, qualifier_id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let (races, names) = repo::board(&mut conn, qualifier_id).await?;
        let standings = rules::leaderboard(&pools, q.runs_per_pool.max(1) as usize, &races);
        Ok(standings
            .into_iter()
            .map(|s| {
                let name = names
                    .binary_search_by_key(&s.user_id, |(id, _)| *id)
                    .ok()
                    .and_then(|i| names.get(i))
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                (s, name)
            })
            .collect())
    }

    // -----------------------------------------------------------------------------------------
    // Timeouts

    /// The 60-second task: warns pending runs once, 10 minutes before their timeout (posting in
    /// the qualifier's Discord channel when there is one and the site has a bot), and forfeits
    /// runs past their timeout. Returns (warned, forfeited).
    pub async fn run_timeouts(
        &self,
        now: i64,
        bot: Option<&BotRuntime>,
    ) -> Result<(usize, usize), Error> {
        let live = repo::live_races(&mut *self.conn().await?).await?;
        let (mut warned, mut forfeited) = (0, 0);
        for race in live {
            let action = rules::timeout_action(
                race.status,
                race.timeout_at,
                race.warned_at.is_some(),
                race.start_time,
                now,
            );
            match action {
                TimeoutAction::Nothing => {}
                TimeoutAction::Warn => {
                    if self.warn(&race, now, bot).await? {
                        warned += 1;
                    }
                }
                TimeoutAction::Forfeit => {
                    match self
                        .forfeit(race.org_id, &Actor::system(), race.id, now, "timeout")
                        .await
                    {
                        Ok(_) => forfeited += 1,
                        // Finished or forfeited meanwhile: nothing to do.
                        Err(Error::Conflict { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok((warned, forfeited))
    }

    /// Sets "warned" (once: a second call finds it set) and then tells the runner.
    async fn warn(
        &self,
        race: &RaceRow,
        now: i64,
        bot: Option<&BotRuntime>,
    ) -> Result<bool, Error> {
        let mut tx = self.begin().await?;
        if !repo::mark_warned(&mut tx, race.id, now).await? {
            return Ok(false);
        }
        let q = repo::qualifier(&mut tx, race.org_id, race.qualifier_id).await?;
        let minutes = ((race.timeout_at - now).max(0) + 59_999) / 60_000;
        let text = format!(
            "<@{}> your async run #{} in {} has not been started; it will be forfeited in {} minute{} unless you press Ready.",
            race.user_id,
            race.id,
            q.as_ref().map(|q| q.name.as_str()).unwrap_or("the qualifier"),
            minutes,
            if minutes == 1 { "" } else { "s" }
        );
        Self::audit(
            &mut tx,
            &Actor::system(),
            race.org_id,
            "async_qualifier.timeout_warning",
            json!({"qualifier_id": race.qualifier_id, "race_id": race.id, "timeout_at": race.timeout_at}),
        )
        .await?;
        tx.commit().await?;
        let channel = race
            .discord_thread_id
            .clone()
            .or_else(|| q.and_then(|q| q.discord_channel_id));
        let posted = match (channel, bot) {
            (Some(channel), Some(bot)) if bot.rest().is_ok() => {
                // Only into a channel (or the run's thread) of a server still linked to the
                // organization.
                let checked = sdk::bot::channels::checked_rest(
                    bot,
                    &self.db,
                    race.org_id,
                    "discord_channel_id",
                    &channel,
                )
                .await;
                match checked {
                    Ok(rest) => match rest.post_message(&channel, &text).await {
                        Ok(_) => true,
                        Err(e) => {
                            tracing::warn!(race = race.id, error = %e, "timeout warning not posted");
                            false
                        }
                    },
                    Err(e) => {
                        tracing::warn!(race = race.id, error = %e, "timeout warning not posted");
                        false
                    }
                }
            }
            _ => false,
        };
        self.events.emit(
            Some(race.org_id),
            None,
            TimeoutWarning {
                qualifier_id: race.qualifier_id,
                race_id: race.id,
                user_id: race.user_id,
                timeout_at: race.timeout_at,
                posted,
            },
        );
        Ok(true)
    }

    /// The qualifiers' audit log (newest first).
    /// One page of what was done in the qualifier, newest first. Its entries are the
    /// organization's `async_qualifier.*` audit entries naming it, found by reading the log
    /// backwards in batches from `page.before_id`; at most [`LOG_SCAN_BATCHES`] batches per page,
    /// so a page may hold fewer entries than asked, and `next_before_id` says where the next
    /// read goes on (None once the log is read to its start).
    pub async fn audit_log(
        &self,
        org_id: i64,
        qualifier_id: i64,
        page: sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<sdk::identity::model::AuditRecord>, Error> {
        self.qualifier(org_id, qualifier_id).await?;
        let wanted = page.limit() as usize;
        let mut before = page.before_id;
        let mut items = Vec::new();
        for _ in 0..LOG_SCAN_BATCHES {
            let batch = sdk::identity::audit_log::list(
                &self.db,
                &sdk::identity::model::AuditFilter {
                    org_id: Some(org_id),
                    action: Some("async_qualifier.".into()),
                    before_id: before,
                    limit: Some(LOG_SCAN_BATCH),
                    ..Default::default()
                },
            )
            .await?;
            let read_to_start = batch.len() < LOG_SCAN_BATCH as usize;
            for record in batch {
                before = Some(record.id);
                let names_it = serde_json::from_str::<serde_json::Value>(&record.details)
                    .ok()
                    .and_then(|d| d.get("qualifier_id").and_then(|v| v.as_i64()))
                    == Some(qualifier_id);
                if names_it {
                    items.push(record);
                    if items.len() == wanted {
                        return Ok(sdk::page::Page {
                            items,
                            next_before_id: before,
                        });
                    }
                }
            }
            if read_to_start {
                return Ok(sdk::page::Page {
                    items,
                    next_before_id: None,
                });
            }
        }
        Ok(sdk::page::Page {
            items,
            next_before_id: before,
        })
    }
}
