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
    Lazy, ParamSegment, StaticSegment,
};

pub use layout::Layout;
use pages::{
    account::{ApiKeysPage, LoginPage, ProfilePage},
    admin::{AdminAuditPage, AdminOrgsPage, AdminRequestsPage, AdminSettingsPage, AdminUsersPage},
    admin_sign_in::AdminSignInPage,
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
                // The build's stylesheet, in the build's own folder (`pkg/<hash>`; see the
                // server's `assets`), linked here in the server-only shell so the client need not
                // know it.
                <link rel="stylesheet" id="leptos" href=format!("/{}/{}.css", options.site_pkg_dir, options.output_name)/>
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

// The main wasm module holds the shell, the layout and the pages most visits start on (home,
// sign-in, an organization's overview); every other page, and every plugin's, loads on demand
// (sdk::ui::lazy), in three groups: your account, an organization's administration, the site's.
sdk::lazy_page!(account_pages: ProfileRoute => ProfilePage);
sdk::lazy_page!(account_pages: ApiKeysRoute => ApiKeysPage);
sdk::lazy_page!(account_pages: MyOrgsRoute => MyOrgsPage);
sdk::lazy_page!(account_pages: InviteRoute => InvitePage);
sdk::lazy_page!(org_admin_pages: OrgMembersRoute => OrgMembersPage);
sdk::lazy_page!(org_admin_pages: OrgRolesRoute => OrgRolesPage);
sdk::lazy_page!(org_admin_pages: OrgInvitesRoute => OrgInvitesPage);
sdk::lazy_page!(org_admin_pages: OrgAuditRoute => OrgAuditPage);
sdk::lazy_page!(org_admin_pages: OrgSettingsRoute => OrgSettingsPage);
sdk::lazy_page!(org_admin_pages: OrgPluginsRoute => OrgPluginsPage);
sdk::lazy_page!(org_admin_pages: OrgTasksRoute => OrgTasksPage);
sdk::lazy_page!(org_admin_pages: OrgPluginSettingsRoute => OrgPluginSettingsPage);
sdk::lazy_page!(site_admin_pages: AdminUsersRoute => AdminUsersPage);
sdk::lazy_page!(site_admin_pages: AdminOrgsRoute => AdminOrgsPage);
sdk::lazy_page!(site_admin_pages: AdminRequestsRoute => AdminRequestsPage);
sdk::lazy_page!(site_admin_pages: AdminAuditRoute => AdminAuditPage);
sdk::lazy_page!(site_admin_pages: AdminSettingsRoute => AdminSettingsPage);
sdk::lazy_page!(site_admin_pages: AdminPluginsRoute => AdminPluginsPage);
sdk::lazy_page!(site_admin_pages: AdminTasksRoute => AdminTasksPage);
sdk::lazy_page!(site_admin_pages: AdminEventsRoute => AdminEventsPage);
sdk::lazy_page!(site_admin_pages: AdminBotRoute => AdminBotPage);
sdk::lazy_page!(site_admin_pages: AdminSignInRoute => AdminSignInPage);

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
                    <Route path=StaticSegment("profile") view={Lazy::<ProfileRoute>::new()}/>
                    <Route path=(StaticSegment("profile"), StaticSegment("api-keys")) view={Lazy::<ApiKeysRoute>::new()}/>
                    <Route path=StaticSegment("orgs") view={Lazy::<MyOrgsRoute>::new()}/>
                    <Route path=(StaticSegment("invite"), ParamSegment("slug")) view={Lazy::<InviteRoute>::new()}/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id")) view=OrgOverviewPage/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("members")) view={Lazy::<OrgMembersRoute>::new()}/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("roles")) view={Lazy::<OrgRolesRoute>::new()}/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("invites")) view={Lazy::<OrgInvitesRoute>::new()}/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("audit")) view={Lazy::<OrgAuditRoute>::new()}/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("settings")) view={Lazy::<OrgSettingsRoute>::new()}/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("plugins")) view={Lazy::<OrgPluginsRoute>::new()}/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("tasks")) view={Lazy::<OrgTasksRoute>::new()}/>
                    <Route path=(StaticSegment("org"), ParamSegment("org_id"), StaticSegment("plugins"), ParamSegment("plugin_id")) view={Lazy::<OrgPluginSettingsRoute>::new()}/>
                    <Route path=StaticSegment("admin") view={Lazy::<AdminUsersRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("orgs")) view={Lazy::<AdminOrgsRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("requests")) view={Lazy::<AdminRequestsRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("audit")) view={Lazy::<AdminAuditRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("settings")) view={Lazy::<AdminSettingsRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("plugins")) view={Lazy::<AdminPluginsRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("tasks")) view={Lazy::<AdminTasksRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("events")) view={Lazy::<AdminEventsRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("bot")) view={Lazy::<AdminBotRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), StaticSegment("sign-in")) view={Lazy::<AdminSignInRoute>::new()}/>
                    <plugins::PluginRoutes/>
                </Routes>
            </Layout>
        </Router>
    }
}
