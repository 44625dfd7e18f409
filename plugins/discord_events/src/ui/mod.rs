//! The page. `Routes` is mounted by the app under `/org/{org_id}/discord-events` (paths here are
//! relative to that), inside the plugin gate and the organization's frame. One file a page:
//! `events` — per tournament settings, the status list and "Reconcile now".

mod events;

use leptos::prelude::*;
use leptos_router::{components::Route, Lazy, StaticSegment};

use events::EventsPage;

// The page loads on demand (sdk::ui::lazy).
sdk::lazy_page!(discord_events_pages: DiscordEventsRoute => EventsPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("") view={Lazy::<DiscordEventsRoute>::new()}/> }.into_inner()
}
