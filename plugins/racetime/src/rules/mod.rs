//! Pure rules, with `now` (and any randomness) passed in; unit tested in each file.
//! - [`rooms`] — when a match's room opens, its goal, info text and `startrace` form;
//! - [`race`] — reading racetime.gg's room JSON, and what a race's state means for its match;
//! - [`presets`] — which preset a room's seed is rolled from;
//! - [`chat`] — the `!commands` players type in a room.

pub mod chat;
pub mod presets;
pub mod race;
pub mod rooms;
pub mod verification;
