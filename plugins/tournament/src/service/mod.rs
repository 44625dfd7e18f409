//! Every tournament operation, callable from the web (server functions), other plugins (RaceTime,
//! SpeedGaming, randomizers — through the published service) and tasks alike: each takes the
//! organization, the [`Actor`] and `now`, and never looks at a request.
//!
//! How a write goes: one transaction (on a match, its first statement takes the match's row lock
//! — [`crate::repo::lock_match`]), the rule from [`crate::rules`] applied to what was read under it, the
//! writes, the audit entry ([`Actor::audit`], inside the transaction), commit — and only then its
//! events.
//!
//! Who may see what is decided here too, so the API, the pages and the feeds agree: the caller's
//! [`Rights`](crate::model::Rights) ([`rights`]), whose settings submissions a caller reads
//! ([`settings`]), which feed shows what ([`calendar`]). The authorizer is handed in by the
//! adapter that has it (the published service is built at load time, before any request).
//!
//! One file per feature: [`tournaments`] (and self-registration), [`players`], [`streams`],
//! [`matches`] (reading, editing, seeds), [`flow`] (status steps and results), [`holds`],
//! [`crew`], [`settings`], [`calendar`], [`rights`].
//!
//! What integration plugins use: [`Tournaments::hold`] / [`Tournaments::release`] (a linked race
//! room stops managers from moving the match by hand), [`Tournaments::advance`] /
//! [`Tournaments::set_result`] with `as_holder` (the room opened, started, finished), and
//! [`Tournaments::set_seed`] (a rolled seed).

use std::sync::Arc;

use sdk::{context::Platform, db::Db, events::EventBus, Actor, Error};

pub mod calendar;
pub mod crew;
pub mod flow;
pub mod holds;
pub mod matches;
pub mod players;
pub mod rights;
pub mod seeds;
pub mod settings;
pub mod streams;
pub mod sync;
pub mod tournaments;

pub use flow::StepRequest;
pub use matches::MatchInput;
pub use streams::StreamChannelInput;
pub use sync::{OnCreated, SyncOutcome, SyncSource, SyncedMatch};
pub use tournaments::TournamentInput;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Publishes one staged event (its envelope is inside) once the write committed.
type Publish = Box<dyn FnOnce(&EventBus) + Send>;

/// The events a write staged in its transaction, waiting for the commit to publish them.
#[derive(Default)]
struct Staged(Vec<Publish>);

/// The tournament service (published for other plugins).
#[derive(Debug, Clone)]
pub struct Tournaments {
    db: Db,
    events: Arc<EventBus>,
}

fn no_tournament(id: i64) -> Error {
    Error::not_found(format!("There is no tournament {id} here."))
}

fn no_match(id: i64) -> Error {
    Error::not_found(format!("There is no match {id} here."))
}

/// The user whose view a read is for (`joined`, "mine"); 0 — nobody — for the system.
fn viewer(actor: &Actor) -> i64 {
    actor.user_id().unwrap_or(0)
}

impl Tournaments {
    pub fn new(db: Db, events: Arc<EventBus>) -> Self {
        Self { db, events }
    }

    pub fn from_platform(platform: &Platform) -> Self {
        Self::new(platform.db.clone(), Arc::clone(&platform.events))
    }

    async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, Error> {
        Ok(self.db.pool().acquire().await?)
    }

    async fn begin(&self) -> Result<Tx, Error> {
        Ok(self.db.begin().await?)
    }

    /// Stages `event` inside the write's transaction: in-transaction listeners (a notification
    /// outbox) write with the cause; it is published once [`Tournaments::commit`] committed.
    async fn stage<E: sdk::events::Event>(
        &self,
        tx: &mut Tx,
        staged: &mut Staged,
        org_id: i64,
        actor: &Actor,
        event: E,
    ) -> Result<(), Error> {
        let envelope = self
            .events
            .stage(tx, Some(org_id), actor.user_id(), event)
            .await?;
        staged.0.push(Box::new(move |bus: &EventBus| {
            bus.publish(envelope);
        }));
        Ok(())
    }

    /// Emits after commit without staging: for tournament-level and settings events, which no
    /// in-transaction listener needs (match and crew events are staged).
    fn emit<E: sdk::events::Event>(&self, org_id: i64, actor: &Actor, event: E) {
        self.events.emit(Some(org_id), actor.user_id(), event);
    }

    /// Commits the write, then publishes the events it staged (after-commit listeners, other
    /// instances).
    async fn commit(&self, tx: Tx, staged: Staged) -> Result<(), Error> {
        tx.commit().await?;
        for publish in staged.0 {
            publish(&self.events);
        }
        Ok(())
    }
}
