//! The SQL, in the portable subset both backends run (`$1` placeholders, epoch-millisecond
//! times, `RETURNING`, `ON CONFLICT`). Every query of an organization's rows takes the
//! organization id the service was given; rows are read with `FromRow`.
//!
//! [`links`]: the tournaments linked to events and their last run. [`episodes`]: which match an
//! episode became. [`people`]: finding users for SpeedGaming's people, placeholders and their
//! clean-up.

pub mod episodes;
pub mod links;
pub mod people;
