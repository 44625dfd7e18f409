//! The events this plugin emits: none. What it does is visible on its page (each tournament's
//! events, last sync and last error) and in the audit log (settings changes).
