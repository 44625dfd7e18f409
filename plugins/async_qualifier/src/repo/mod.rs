//! The SQL of qualifiers, pools, permalinks and races. Rules live in `rules` and `service`; these
//! functions only read and write rows. Every function takes a connection (`&mut *tx` inside a
//! transaction, an acquired pool connection otherwise), and every lookup from outside is bounded
//! by the organization id the guard handed out. Rows are read with `sqlx::FromRow`: booleans
//! through `sdk::db::Flag`, statuses from their stored text.
//!
//! One file per feature, all re-exported here: [`qualifiers`], [`pools`] (and permalinks),
//! [`races`], [`scores`].

pub mod pools;
pub mod qualifiers;
pub mod races;
pub mod scores;

pub use pools::*;
pub use qualifiers::*;
pub use races::*;
pub use scores::*;
