//! What a server function finds in its Leptos context (server side only).
//!
//! The server provides these values for every request (`leptos_routes_with_context`), so a
//! server function reaches the database without globals.

use leptos::prelude::use_context;

use crate::{db::Db, Error};

/// The database handle of this request.
pub fn db() -> Result<Db, Error> {
    use_context::<Db>().ok_or_else(|| Error::internal("no database in the request context"))
}
