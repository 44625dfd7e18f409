//! The pages. `Routes` is mounted by the app under `/org/{org_id}/notes` (paths here are
//! relative to that), inside the plugin gate and the organization's frame. One file a page.

mod entries;

use leptos::prelude::*;
use leptos_router::{components::Route, StaticSegment};

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("") view=entries::EntriesPage/> }.into_inner()
}
