//! An organization's pages: overview, members, roles, invites, audit log, settings. Each sits in
//! [`OrgFrame`], which loads the overview once and shows only the tabs the viewer may use.//!
//! Here: the frame ([`OrgFrame`], the header and tabs) and the Overview tab. Each other tab has a
//! module: `members`, `roles`, `invites`, `audit` (with [`AuditTable`], also used by the site
//! admin's audit page), `settings`. The pages are re-exported, so `pages::org::X` is unchanged.

mod audit;
mod invites;
mod members;
mod roles;
mod settings;

use leptos::prelude::*;
use leptos_meta::Title;
use sdk::{
    time::format_utc,
    ui::{Badge, Card, PageHeader, SkeletonRows, Tabs, Tone},
};

use super::shared::{org_id_param, LoadError};
use crate::api::orgs::{org_overview, OrgSummary};

pub use audit::{AuditTable, OrgAuditPage};
pub use invites::OrgInvitesPage;
pub use members::OrgMembersPage;
pub use roles::OrgRolesPage;
pub use settings::OrgSettingsPage;

/// The organization header and tabs around a page; `page` gets the loaded overview.
///
/// `page` runs inside the overview's suspense, which may run it more than once while rendering
/// on the server: a page that loads data of its own creates its resources *before* the frame
/// and captures them in `page` (see `pages::plugins`). `refresh` reloads the overview (and so the
/// tabs) when it changes.
#[component]
pub(crate) fn OrgFrame<F>(
    current: &'static str,
    page: F,
    #[prop(optional, into)] refresh: Option<Signal<usize>>,
) -> impl IntoView
where
    F: Fn(OrgSummary) -> AnyView + Clone + Send + Sync + 'static,
{
    let org_id = org_id_param();
    let overview = Resource::new(
        move || (org_id.get(), refresh.map(|r| r.get())),
        |(org_id, _)| org_overview(org_id),
    );
    view! {
        <Transition fallback=|| view! { <SkeletonRows rows=5/> }>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    match overview.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(overview) => view! {
                            {org_header(&overview, current)}
                            {page(overview)}
                        }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// Only the header and tabs, for pages that render beside it rather than inside it (a plugin's
/// pages, behind the plugin gate).
// Called from the gate that the generated plugin routes mount; rustc's dead-code pass does not
// see that use through `#[component(transparent)]` (the gate's tests and the browser tests do).
#[allow(dead_code)]
pub(crate) fn org_header_only(current: &'static str) -> impl IntoView {
    let org_id = org_id_param();
    let overview = Resource::new(move || org_id.get(), org_overview);
    view! {
        <Transition fallback=|| view! { <SkeletonRows rows=2/> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(overview) => org_header(&overview, current).into_any(),
                }
            })}
        </Transition>
    }
}

fn org_header(overview: &OrgSummary, current: &'static str) -> impl IntoView {
    let id = overview.organization.id;
    let may = |action: &str| overview.allowed.iter().any(|a| a == action);
    let mut tabs = vec![(format!("/org/{id}"), "Overview".to_string())];
    for (path, label, action) in [
        ("members", "Members", "member:read"),
        ("roles", "Roles", "member:read"),
        ("invites", "Invites", "member:invite"),
        ("audit", "Audit log", "organization:audit"),
        ("settings", "Settings", "organization:update"),
        ("plugins", "Plugins", "organization:plugins"),
        ("tasks", "Tasks", "scheduled_task:read"),
    ] {
        if may(action) {
            tabs.push((format!("/org/{id}/{path}"), label.to_string()));
        }
    }
    // Entries of the plugins this organization has on (already filtered by the actions they
    // need).
    for entry in &overview.plugin_nav {
        tabs.push((entry.path.clone(), entry.label.clone()));
    }
    let current = if current.is_empty() {
        format!("/org/{id}")
    } else {
        format!("/org/{id}/{current}")
    };
    view! {
        <Title text=overview.organization.name.clone()/>
        <PageHeader title=overview.organization.name.clone() subtitle=overview.organization.description.clone()/>
        <Tabs tabs current/>
    }
}

#[component]
pub fn OrgOverviewPage() -> impl IntoView {
    view! { <OrgFrame current="" page=|overview| view! { <Overview overview/> }.into_any()/> }
}

#[component]
fn Overview(overview: OrgSummary) -> impl IntoView {
    view! {
        <div class="grid gap-4 md:grid-cols-3">
            <Card title="Members"><p class="text-3xl font-bold">{overview.member_count}</p></Card>
            <Card title="Your roles">
                {if overview.my_roles.is_empty() {
                    view! { <p class="text-sm text-slate-500">"Member (no roles)"</p> }.into_any()
                } else {
                    view! { <div id="my-roles" class="flex flex-wrap gap-2">{overview.my_roles.into_iter().map(|r| view! { <Badge tone=Tone::Accent>{r}</Badge> }).collect_view()}</div> }.into_any()
                }}
            </Card>
            <Card title="Created"><p class="text-sm">{format_utc(overview.organization.created_at)}</p></Card>
        </div>
    }
}
