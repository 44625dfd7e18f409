//! The pages. `Routes` is mounted by the app under `/org/{org_id}/notifications` (paths here are
//! relative to that), inside the plugin gate and the organization's frame. One file a page:
//! `settings` (My notifications: subscriptions, quiet hours, the test message, what was sent
//! to me) and `log` (the organization's delivery log, for admins).

mod log;
mod settings;

use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, ParentRoute, Route},
    Lazy, StaticSegment,
};

use log::LogPage;
use settings::SettingsPage;

// The pages load on demand (sdk::ui::lazy).
sdk::lazy_page!(notifications_pages: NotificationsSettingsRoute => SettingsPage);
sdk::lazy_page!(notifications_pages: NotificationsLogRoute => LogPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment("") view=Outlet>
            <Route path=StaticSegment("") view={Lazy::<NotificationsSettingsRoute>::new()}/>
            <Route path=StaticSegment("log") view={Lazy::<NotificationsLogRoute>::new()}/>
        </ParentRoute>
    }
    .into_inner()
}

/// The organization id of the route.
fn org_id() -> Memo<i64> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| {
        params.with(|p| {
            p.get("org_id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        })
    })
}

/// A status as people read it.
fn status_label(status: &str) -> &'static str {
    match status {
        "pending" => "Waiting",
        "sent" => "Sent",
        "dead" => "Failed",
        "cancelled" => "Not sent",
        _ => "Unknown",
    }
}

/// A kind of notification as people read it.
fn kind_label(key: &str) -> &'static str {
    crate::rules::EventType::from_key(key).map_or("Other", |t| t.label())
}
