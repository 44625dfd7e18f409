//! The events this plugin emits, for other plugins' listeners (and its own). Each has a stable
//! name; the bus delivers it with its organization, actor and time.

use serde::{Deserialize, Serialize};

/// Someone added an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EntryAdded {
    pub entry_id: i64,
}

#[cfg(feature = "ssr")]
impl sdk::events::Event for EntryAdded {
    const NAME: &'static str = "__ID__.entry_added";
}
