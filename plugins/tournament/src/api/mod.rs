//! Server functions: the JSON API under `/api/p/tournament/`, one file per feature like the
//! service. Every call takes `org_id` first and is guard (`require_plugin` with the action, which
//! lets the caller in at all) → service (which decides what else they may see or do) → DTO.
//! Instants are RFC 3339 UTC, in and out; this layer parses them, and status keys, into what the
//! service takes.

pub mod calendar;
pub mod crew;
pub mod matches;
pub mod rights;
pub mod settings;
pub mod streams;
pub mod sync;
pub mod tournaments;

pub use calendar::*;
pub use crew::*;
pub use matches::*;
pub use rights::*;
pub use settings::*;
pub use streams::*;
pub use sync::*;
pub use tournaments::*;

/// The actions, where they were before they moved to the crate root.
pub use crate::actions;

#[cfg(feature = "ssr")]
mod guard {
    use sdk::{
        auth::guard::require_plugin,
        context::{platform, Platform},
        Actor, Error,
    };

    use crate::{model::MatchStatus, service::Tournaments, PLUGIN_ID};

    /// A request past the guard: the organization, who calls, the platform (its authorizer and
    /// base URL, for the service calls that need them) and the service.
    pub struct Guarded {
        pub org_id: i64,
        pub actor: Actor,
        pub platform: Platform,
        pub service: Tournaments,
    }

    /// Lets the caller in if they may take `action` in the organization and the plugin is on.
    pub async fn guard(org_id: i64, action: &str) -> Result<Guarded, Error> {
        // The request's context is only there until the first await: read it first.
        let platform = platform()?;
        let scope = require_plugin(org_id, PLUGIN_ID, action).await?;
        let service = Tournaments::from_platform(&platform);
        Ok(Guarded {
            org_id: scope.org_id,
            actor: Actor::from(&scope),
            platform,
            service,
        })
    }

    pub fn now() -> i64 {
        sdk::time::now_ms()
    }

    /// An optional status key from the client (`scheduled`, `checked_in`, …); empty means none.
    pub fn status_key(field: &str, text: Option<&str>) -> Result<Option<MatchStatus>, Error> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => MatchStatus::parse(text).map(Some).ok_or_else(|| {
                Error::invalid(
                    field,
                    "Use one of pending, scheduled, checked_in, in_progress, finished, recorded.",
                )
            }),
        }
    }

    /// The status the caller saw before a step.
    pub fn seen_status(text: Option<&str>) -> Result<Option<MatchStatus>, Error> {
        status_key("from", text)
    }

    /// An optional RFC 3339 instant from the client; empty means none.
    pub fn instant(field: &str, text: Option<&str>) -> Result<Option<i64>, Error> {
        sdk::input::optional_instant(field, text)
    }
}
