//! The pages. `Routes` is mounted by the app under `/org/{org_id}/__ROUTE__` (paths here are
//! relative to that), inside the plugin gate and the organization's frame. One file a page.

mod entries;

use leptos::prelude::*;
use leptos_router::{components::Route, Lazy, StaticSegment};

use entries::EntriesPage;

// The page loads on demand (sdk::ui::lazy).
sdk::lazy_page!(__ID___pages: __TYPE__EntriesRoute => EntriesPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("") view={Lazy::<__TYPE__EntriesRoute>::new()}/> }.into_inner()
}
