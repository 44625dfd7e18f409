//! The pages. `Routes` is mounted by the app under `/org/{org_id}/notes` (paths here are
//! relative to that), inside the plugin gate and the organization's frame. One file a page.

mod entries;

use leptos::prelude::*;
use leptos_router::{components::Route, Lazy, StaticSegment};

use entries::EntriesPage;

// The page loads on demand (sdk::ui::lazy).
sdk::lazy_page!(notes_pages: NotesEntriesRoute => EntriesPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("") view={Lazy::<NotesEntriesRoute>::new()}/> }.into_inner()
}
