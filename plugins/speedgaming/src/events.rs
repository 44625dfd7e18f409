//! The events this plugin emits: none of its own. Every change a sync makes is a change of a
//! match, and the tournament plugin emits it (`tournament::events::MatchScheduled` with the
//! previous time, `MatchUpdated`, `MatchDeleted`, `MatchStatusChanged`, `MatchFinished`) with
//! the system as the actor, so listeners (notifications, Discord events, race rooms) follow
//! synced matches exactly as they follow matches edited by hand.
