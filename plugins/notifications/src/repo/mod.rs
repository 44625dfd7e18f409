//! The SQL, in the portable subset both backends run (`$1` placeholders, epoch-millisecond
//! times, `RETURNING`, `ON CONFLICT`). Every query is scoped by the organization id it was
//! given (the worker's claim is by row id: it serves every organization). Rows are read with
//! `FromRow`.
//!
//! - `settings`: subscriptions and quiet hours.
//! - `outbox`: queueing (idempotent), claiming with a lease, finishing, the delivery logs.
//! - `sources`: reads of the tournament's tables and the users' Discord accounts, on the
//!   connection of the transaction that staged the event, so a listener sees the cause's own
//!   uncommitted rows.

pub mod outbox;
pub mod settings;
pub mod sources;
