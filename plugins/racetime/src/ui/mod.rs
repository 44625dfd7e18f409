//! The pages. `Routes` is mounted by the app under `/org/{org_id}/racetime` (paths here are
//! relative to that), inside the plugin gate and the organization's frame. One file a page:
//! `rooms` (the organization's rooms, opening one on demand), `settings` (room profiles and
//! each tournament's room settings), `verification` (racer verification), `match/:match_id`
//! (a match's room panel, linked from the match page), `bots` (the site's bots, site admins).

mod bots;
mod rooms;
mod settings;
mod verification;

use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, ParentRoute, Route},
    Lazy, ParamSegment, StaticSegment,
};

use bots::BotsPage;
use rooms::{MatchRoomPage, RoomsPage};
use settings::SettingsPage;
use verification::VerificationPage;

// Each page loads on demand (sdk::ui::lazy).
sdk::lazy_page!(racetime_pages: RacetimeRoomsRoute => RoomsPage);
sdk::lazy_page!(racetime_pages: RacetimeSettingsRoute => SettingsPage);
sdk::lazy_page!(racetime_pages: RacetimeVerificationRoute => VerificationPage);
sdk::lazy_page!(racetime_pages: RacetimeMatchRoute => MatchRoomPage);
sdk::lazy_page!(racetime_pages: RacetimeBotsRoute => BotsPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment("") view=Outlet>
        <Route path=StaticSegment("") view={Lazy::<RacetimeRoomsRoute>::new()}/>
        <Route path=StaticSegment("settings") view={Lazy::<RacetimeSettingsRoute>::new()}/>
        <Route path=StaticSegment("verification") view={Lazy::<RacetimeVerificationRoute>::new()}/>
        <Route path=(StaticSegment("match"), ParamSegment("match_id")) view={Lazy::<RacetimeMatchRoute>::new()}/>
        <Route path=StaticSegment("bots") view={Lazy::<RacetimeBotsRoute>::new()}/>
        </ParentRoute>
    }
    .into_inner()
}
