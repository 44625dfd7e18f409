//! The gate around every plugin's pages.
//!
//! During server rendering the decision is made before anything streams: the server puts the
//! organization's enabled plugins into the request (`OrgPluginsSnapshot`), the gate reads it
//! synchronously and, when the plugin is off, renders the "not enabled" page with HTTP 404. The
//! same snapshot travels to the browser for hydration (`SharedValue`). After hydration — a
//! client-side navigation, or another organization — the gate asks the server.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use sdk::{
    plugin::OrgPluginsSnapshot,
    ui::{EmptyState, SkeletonRows},
};

use crate::{
    api::plugins::org_enabled_plugins,
    pages::{
        org::OrgFrame,
        shared::{org_id_param, LoadError},
    },
};

#[component]
pub fn PluginGate(
    plugin_id: &'static str,
    plugin_name: &'static str,
    route: &'static str,
) -> impl IntoView {
    let org_id = org_id_param();
    let snapshot: Option<OrgPluginsSnapshot> = SharedValue::new(server_snapshot).into_inner();
    // (org id, is the plugin on) as the server saw it for this request.
    let seen: Option<(i64, bool)> =
        snapshot.map(|s| (s.org_id, s.enabled.iter().any(|p| p == plugin_id)));
    let from_snapshot = move |org: i64| seen.filter(|(o, _)| *o == org).map(|(_, on)| on);
    let fetched = LocalResource::new(move || {
        let org = org_id.get();
        let known = from_snapshot(org).is_some();
        async move {
            if known {
                None
            } else {
                Some(org_enabled_plugins(org).await)
            }
        }
    });
    move || {
        let org = org_id.get();
        let decision = match from_snapshot(org) {
            Some(on) => Some(Ok(on)),
            None => fetched
                .get()
                .flatten()
                .map(|r| r.map(|list| list.iter().any(|p| p == plugin_id))),
        };
        match decision {
            None => view! { <SkeletonRows rows=4/> }.into_any(),
            Some(Err(error)) => view! { <LoadError error/> }.into_any(),
            Some(Ok(false)) => view! { <NotEnabled plugin_name/> }.into_any(),
            Some(Ok(true)) => {
                view! { <OrgFrame current=route page=|_| view! { <Outlet/> }.into_any()/> }
                    .into_any()
            }
        }
    }
}

/// The organization's enabled plugins as the server put them into this request.
fn server_snapshot() -> Option<OrgPluginsSnapshot> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<OrgPluginsSnapshot>().cloned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[component]
fn NotEnabled(plugin_name: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=format!("{plugin_name} is not enabled")/>
        <EmptyState
            title=format!("{plugin_name} is not enabled")
            detail=format!("This organization has not enabled {plugin_name}. An organization admin can switch it on under the organization's Plugins tab.")
        >
            <a href="/orgs" class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2">
                "Back to my organizations"
            </a>
        </EmptyState>
    }
}
