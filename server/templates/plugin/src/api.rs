//! Server functions: the JSON API under `/api/p/__ID__/`. Each is guard → service → DTO; the
//! guard answers NotEnabled (404) when the organization has not switched the plugin on.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::Entry;
#[cfg(feature = "ssr")]
use crate::{service, PLUGIN_ID};
#[cfg(feature = "ssr")]
use sdk::auth::guard::require_plugin;

/// The organization's entries, newest first, a page at a time.
#[server(prefix = "/api/p/__ID__", endpoint = "list_entries", input = Json, output = Json)]
pub async fn list_entries(
    org_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Entry>, sdk::Error> {
    let scope = require_plugin(org_id, PLUGIN_ID, "__ID__:read").await?;
    service::list(&scope, &page).await
}

/// Adds an entry (at most the organization's `max_length` characters).
#[server(prefix = "/api/p/__ID__", endpoint = "add_entry", input = Json, output = Json)]
pub async fn add_entry(org_id: i64, text: String) -> Result<Entry, sdk::Error> {
    let scope = require_plugin(org_id, PLUGIN_ID, "__ID__:write").await?;
    service::add(&scope, &text).await
}
