//! The events this plugin emits (`provides.events` in plugin.toml), after the change committed.

use serde::{Deserialize, Serialize};

/// A message used up its attempts (or could never be sent) and waits for an admin's retry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeliveryDeadLettered {
    pub delivery_id: i64,
    pub user_id: i64,
    pub event_type: String,
    pub error: String,
}

#[cfg(feature = "ssr")]
impl sdk::events::Event for DeliveryDeadLettered {
    const NAME: &'static str = "notifications.delivery_dead_lettered";
}
