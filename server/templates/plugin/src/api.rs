//! Server functions: the JSON API under `/api/p/__ID__/`. Each is guard → service → DTO: the
//! guard answers NotEnabled (404) when the organization has not switched the plugin on and
//! Forbidden without the action; the service decides everything else.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use sdk::page::{Page, PageRequest};

use crate::model::Entry;
#[cfg(feature = "ssr")]
use crate::{actions, service::Entries, PLUGIN_ID};
#[cfg(feature = "ssr")]
use sdk::{auth::guard::require_plugin, context::platform, Actor};

/// The organization's entries, newest first, a page at a time.
#[server(prefix = "/api/p/__ID__", endpoint = "list_entries", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_entries(
    org_id: i64,
    #[server(default)] page: PageRequest,
) -> Result<Page<Entry>, sdk::Error> {
    // The request's context is there until the first await: read it first.
    let service = Entries::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::READ).await?;
    service.list(org_id, &Actor::from(&scope), &page).await
}
sdk::api_doc!(
    ListEntries,
    "`__ID__:read` in the organization, with __ID__ enabled"
);

/// Adds an entry (at most the organization's `max_length` characters).
#[server(prefix = "/api/p/__ID__", endpoint = "add_entry", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn add_entry(org_id: i64, text: String) -> Result<Entry, sdk::Error> {
    let service = Entries::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::WRITE).await?;
    let now = sdk::time::now_ms();
    service.add(org_id, &Actor::from(&scope), &text, now).await
}
sdk::api_doc!(
    AddEntry,
    "`__ID__:write` in the organization, with __ID__ enabled"
);
