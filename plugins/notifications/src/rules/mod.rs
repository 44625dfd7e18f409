//! The plugin's rules, pure: no database, no clock (callers pass `now`), unit tested in each
//! file. `kinds` (what a user can be told, and by which channel), `quiet` (quiet hours in the
//! user's time zone), `delivery` (retries, reminders, idempotency keys), `messages` (the text).

pub mod delivery;
pub mod kinds;
pub mod messages;
pub mod quiet;

pub use delivery::*;
pub use kinds::*;
pub use quiet::*;
