//! Events this plugin emits: none yet. The match's own events (`MatchStatusChanged` with
//! `by_holder: "RaceTime.gg"`, `MatchFinished`) are emitted by the tournament plugin when the
//! race moves the match.
