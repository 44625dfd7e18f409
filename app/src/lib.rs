//! The SahaBot web app: the HTML shell, the layout every page shares, the core pages, and the
//! router.
//!
//! The same code renders on the server (feature `ssr`) and hydrates in the browser (feature
//! `hydrate`, through the `frontend` crate). Server functions live next to the pages that call
//! them ([`api`]); their bodies run only on the server, the browser gets an HTTP stub.

// Release builds keep every view's full type (no `erase_components`); the larger pages nest deep
// enough to pass rustc's default limit of 128.
#![recursion_limit = "256"]

pub mod api;
mod layout;
mod pages;
mod plugin_gate;
pub mod plugins;
pub mod session;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    ParamSegment, StaticSegment,
};

pub use layout::Layout;
use pages::{
    account::{ApiKeysPage, LoginPage, ProfilePage},
    admin::{AdminAuditPage, AdminOrgsPage, AdminRequestsPage, AdminSettingsPage, AdminUsersPage},
    home::HomePage,
    not_found::NotFound,
    org::{
        OrgAuditPage, OrgInvitesPage, OrgMembersPage, OrgOverviewPage, OrgRolesPage,
        OrgSettingsPage,
    },
    orgs::{InvitePage, MyOrgsPage},
    plugins::{AdminPluginsPage, OrgPluginSettingsPage, OrgPluginsPage},
    runtime::{AdminBotPage, AdminEventsPage, AdminTasksPage, OrgTasksPage},
};

/// The product name, shown in the header and the page titles.
pub const PRODUCT_NAME: &str = "SahaBot";

/// The HTML document around the app (server side).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en" class="h-full">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // The build's content-hashed stylesheet (`pkg/current` names it; see the server's
                // `assets`), linked here in the server-only shell so the client need not know it.
                <link rel="stylesheet" id="leptos" href=format!("/pkg/{}.css", options.output_name)/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="h-full bg-slate-50 text-slate-900 antialiased dark:bg-slate-900 dark:text-slate-100">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    session::provide_session();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { PRODUCT_NAME.to_string() } else { format!("{page} · {PRODUCT_NAME}") }
        }/>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage/>
                    <Route path=StaticSegment("login") view=LoginPage/>
                    <Route path=StaticSegment("profile") view=ProfilePage/>
                    <Route path=(StaticSegment("profile"), StaticSegment("api-keys")) view=ApiKeysPage/>
                    <Route path=StaticSegment("orgs") view=MyOrgsPage/>
                    <Route path=(StaticSegment("invite"), ParamSegment("slug")) view=InvitePage/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id")) view=OrgOverviewPage/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("members")) view=OrgMembersPage/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("roles")) view=OrgRolesPage/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("invites")) view=OrgInvitesPage/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("audit")) view=OrgAuditPage/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("settings")) view=OrgSettingsPage/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("plugins")) view=OrgPluginsPage/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("tasks")) view=OrgTasksPage/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("plugins"), ParamSegment("plugin_id")) view=OrgPluginSettingsPage/>
                    <Route path=StaticSegment("admin") view=AdminUsersPage/>
                    <Route path=(StaticSegment("admin"), StaticSegment("orgs")) view=AdminOrgsPage/>
                    <Route path=(StaticSegment("admin"), StaticSegment("requests")) view=AdminRequestsPage/>
                    <Route path=(StaticSegment("admin"), StaticSegment("audit")) view=AdminAuditPage/>
                    <Route path=(StaticSegment("admin"), StaticSegment("settings")) view=AdminSettingsPage/>
                    <Route path=(StaticSegment("admin"), StaticSegment("plugins")) view=AdminPluginsPage/>
                    <Route path=(StaticSegment("admin"), StaticSegment("tasks")) view=AdminTasksPage/>
                    <Route path=(StaticSegment("admin"), StaticSegment("events")) view=AdminEventsPage/>
                    <Route path=(StaticSegment("admin"), StaticSegment("bot")) view=AdminBotPage/>
                    <plugins::PluginRoutes/>
                </Routes>
            </Layout>
        </Router>
    }
}
