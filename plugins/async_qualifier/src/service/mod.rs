//! Every operation of async qualifiers, callable from the web (server functions), the Discord
//! adapters (`crate::commands`) and the scheduled tasks alike: each takes the organization, the
//! acting [`Actor`] (the system for the scheduler) and `now`, and never looks at a request.
//!
//! Rights and visibility are decided here, so every adapter gets the same answer: what a caller
//! may do ([`rights`]: `my_rights`, reviewers' approve/reject), and what they see of runs, pools,
//! par times and the leaderboard under `hide_results` ([`views`], through
//! [`crate::rules::visibility`]). The methods that decide take the request's authorizer
//! (`platform.authorizer`) next to the actor; the guard in front of a server function, and the
//! bot's dispatch in front of a command, have already checked the plugin and the base action.
//!
//! How a write goes: one transaction that first takes the qualifier's lock
//! ([`repo::lock_qualifier`]) when scores are involved, re-reads the race under it, applies the
//! rule from [`crate::rules`], writes, recomputes par and scores of the permalink in the same
//! transaction, records the audit entry ([`Actor::audit`]) in it, commits — and only then emits
//! its events. So two finishes on one permalink at the same moment are applied one after the
//! other, and the second recomputation sees the first finish.
//!
//! One file per feature: [`qualifiers`] (settings), [`pools`] (pools and permalinks), [`runs`]
//! (a run from start to finish, reattempts, timeouts moved by hand), [`review`], [`standings`]
//! (par, scores, the leaderboard), [`timeouts`] (the 60-second task), [`log`] (the qualifier's
//! audit log), [`rights`], [`views`] and [`discord`] (the embed, the buttons' ids, the timer).

pub mod discord;
pub mod log;
pub mod pools;
pub mod qualifiers;
pub mod review;
pub mod rights;
pub mod runs;
pub mod standings;
pub mod timeouts;
pub mod views;

use std::sync::Arc;

use sdk::{bot::BotRuntime, context::Platform, db::Db, events::EventBus, Actor, Error};
use sqlx::AnyConnection;

pub use qualifiers::QualifierInput;
pub use review::Review;
pub use standings::RankRange;

use crate::{
    events::ScoresRecalculated,
    repo::{self, RaceRow},
};

/// The async qualifier service (published for other plugins and used by every adapter).
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

    /// The service over the request's platform (what a server function builds).
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

    /// A run of the organization, read on `conn` (inside a transaction: under its lock).
    async fn race_in(
        conn: &mut AnyConnection,
        org_id: i64,
        race_id: i64,
    ) -> Result<RaceRow, Error> {
        repo::race(conn, org_id, race_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no run {race_id} here.")))
    }

    /// Locks the race's qualifier (first, before any read) and reads the race under the lock.
    async fn locked_race(tx: &mut Tx<'_>, org_id: i64, race_id: i64) -> Result<RaceRow, Error> {
        if !repo::lock_qualifier_of_race(tx, org_id, race_id).await? {
            return Err(Error::not_found(format!("There is no run {race_id} here.")));
        }
        Self::race_in(tx, org_id, race_id).await
    }

    /// The end of a change to one run: its audit entry, the run as it now reads, the commit.
    async fn commit_race_change(
        mut tx: Tx<'static>,
        actor: &Actor,
        org_id: i64,
        race_id: i64,
        action: &str,
        details: serde_json::Value,
    ) -> Result<RaceRow, Error> {
        actor.audit(&mut tx, Some(org_id), action, details).await?;
        let race = Self::race_in(&mut tx, org_id, race_id).await?;
        tx.commit().await?;
        Ok(race)
    }

    /// The actor's id when the run is theirs; a run is only ever changed by its runner.
    fn own(race: &RaceRow, actor: &Actor) -> Result<i64, Error> {
        let user_id = actor.id()?;
        if race.user_id == user_id {
            Ok(user_id)
        } else {
            Err(Error::forbidden("This is someone else's run."))
        }
    }

    /// Tells listeners that scores changed (after the commit).
    fn recalculated(&self, org_id: i64, actor: &Actor, qualifier_id: i64, n: usize, why: &str) {
        self.events.emit(
            Some(org_id),
            actor.user_id(),
            ScoresRecalculated {
                qualifier_id,
                permalinks: n,
                trigger: why.to_string(),
            },
        );
    }
}
