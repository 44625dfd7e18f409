//! Plain HTTP GET endpoints a plugin serves besides its pages and server functions — things a
//! program other than our browser app fetches without a session: calendar feeds today, later
//! exports. The server mounts them at `/p/{plugin_id}/{*path}` and hands the rest of the path
//! and the query to the plugin's one handler, which routes within it.
//!
//! The handler decides everything the guard would: which organization the path names, whether
//! the plugin is on for it (`platform.plugins.ensure_enabled`), and what secret in the path
//! grants access. That secret must be random (`crate::auth::tokens::new_secret`), never an id
//! anyone can count to; a per-user secret is stored as its hash (`crate::auth::tokens::hash`) and
//! its owner's access is checked again on every request, since no session does it. The server
//! keeps every non-numeric segment after `/p/{plugin_id}/{kind}/` out of its request log
//! (`server/src/deadline.rs`). Errors become the status of their kind with the message as plain
//! text; answer "not found" for every secret that does not open the feed, so a prober learns
//! nothing.

use std::{
    collections::BTreeMap,
    sync::{Arc, RwLock},
};

use futures::future::BoxFuture;

use crate::{context::Platform, Error};

/// What a feed handler gets.
#[derive(Clone)]
pub struct FeedRequest {
    /// The path after `/p/{plugin_id}/`, e.g. `calendar/3/{token}.ics`.
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub platform: Platform,
}

/// What a feed handler answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedResponse {
    /// e.g. `text/calendar; charset=utf-8`.
    pub content_type: String,
    pub body: String,
}

pub type FeedHandler =
    Arc<dyn Fn(FeedRequest) -> BoxFuture<'static, Result<FeedResponse, Error>> + Send + Sync>;

/// The feed handler of each plugin that has one.
#[derive(Default)]
pub struct FeedRegistry {
    handlers: RwLock<BTreeMap<String, FeedHandler>>,
}

impl std::fmt::Debug for FeedRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<String> = self
            .handlers
            .read()
            .map(|h| h.keys().cloned().collect())
            .unwrap_or_default();
        f.debug_list().entries(ids).finish()
    }
}

impl FeedRegistry {
    pub fn set(&self, plugin_id: &str, handler: FeedHandler) -> Result<(), Error> {
        self.handlers
            .write()
            .map_err(Error::internal)?
            .insert(plugin_id.to_string(), handler);
        Ok(())
    }

    pub fn get(&self, plugin_id: &str) -> Option<FeedHandler> {
        self.handlers.read().ok()?.get(plugin_id).cloned()
    }

    pub fn remove_owner(&self, plugin_id: &str) {
        if let Ok(mut handlers) = self.handlers.write() {
            handlers.remove(plugin_id);
        }
    }

    /// Runs `plugin_id`'s handler; a plugin without one is "not found".
    pub async fn serve(
        &self,
        plugin_id: &str,
        request: FeedRequest,
    ) -> Result<FeedResponse, Error> {
        let handler = self
            .get(plugin_id)
            .ok_or_else(|| Error::not_found("There is nothing at this address."))?;
        handler(request).await
    }
}
