//! The pages. `Routes` is mounted by the app under `/org/{org_id}/speedgaming` (paths here are
//! relative to that), inside the plugin gate and the organization's frame. One file a page.

mod sync;

use leptos::prelude::*;
use leptos_router::{components::Route, Lazy, StaticSegment};

use sync::SyncPage;

// The page loads on demand (sdk::ui::lazy).
sdk::lazy_page!(speedgaming_pages: SpeedgamingSyncRoute => SyncPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("") view={Lazy::<SpeedgamingSyncRoute>::new()}/> }
        .into_inner()
}
