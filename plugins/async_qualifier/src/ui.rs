//! The pages under `/org/{org_id}/async`.

use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, ParentRoute, Route},
    StaticSegment,
};

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment("") view=Outlet>
            <Route path=StaticSegment("") view=|| view! { <p>"Async qualifiers"</p> }/>
        </ParentRoute>
    }
    .into_inner()
}
