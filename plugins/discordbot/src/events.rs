//! Events this plugin emits (`provides.events` in plugin.toml). Other plugins listen with
//! `LoadContext::listen::<BotReady, _, _>(…)`; with PostgreSQL they reach every instance.

use serde::{Deserialize, Serialize};

/// The bot is connected to Discord's gateway and can answer commands: after a fresh session
/// (READY) or a resumed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BotReady {
    /// The bot's Discord user name.
    pub bot_user: String,
    /// The instance holding the gateway.
    pub instance: String,
    /// True when an interrupted session was resumed rather than started anew.
    pub resumed: bool,
}

/// The bot lost its gateway connection (it reconnects by itself while it holds the lease), or
/// stopped: the server is shutting down, or another instance took the gateway over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BotDisconnected {
    pub instance: String,
    pub reason: String,
}

#[cfg(feature = "ssr")]
mod names {
    use super::*;
    use sdk::events::Event;

    impl Event for BotReady {
        const NAME: &'static str = "discordbot.ready";
    }
    impl Event for BotDisconnected {
        const NAME: &'static str = "discordbot.disconnected";
    }
}
