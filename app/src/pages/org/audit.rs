//! An organization's Audit log tab, and [`AuditTable`], the filtered, paged log it shares with
//! the site admin's audit page (`org_id` None: the whole site).

use leptos::prelude::*;
use sdk::{
    identity::model::AuditFilter,
    time::format_utc,
    ui::{Button, ButtonKind, EmptyState, Pager, SkeletonRows, TextField, TABLE, TD, TH},
};

use crate::api::orgs::audit_log;
use crate::pages::shared::LoadError;

use super::OrgFrame;

#[component]
pub fn OrgAuditPage() -> impl IntoView {
    view! { <OrgFrame current="audit" page=|overview| view! { <AuditTable org_id=Some(overview.organization.id)/> }.into_any()/> }
}

/// The audit log with filters; `org_id` None is the whole site (superadmins).
#[component]
pub fn AuditTable(org_id: Option<i64>) -> impl IntoView {
    let action = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let applied = RwSignal::new((String::new(), String::new()));
    let before = RwSignal::new(None::<i64>);
    let entries = Resource::new(
        move || (applied.get(), before.get()),
        move |((action, user), before_id)| {
            audit_log(AuditFilter {
                org_id,
                user_id: user.trim().parse().ok(),
                action: (!action.trim().is_empty()).then_some(action),
                before_id,
                limit: Some(i64::from(sdk::page::MAX_LIMIT)),
            })
        },
    );
    view! {
        <form class="mb-4 flex flex-wrap items-end gap-3" on:submit=move |ev| {
            ev.prevent_default();
            before.set(None);
            applied.set((action.get_untracked(), user.get_untracked()));
        }>
            <TextField label="Action starts with" name="action" value=action placeholder="member."/>
            <TextField label="User id" name="audit_user" value=user/>
            <Button button_type="submit" kind=ButtonKind::Secondary>"Filter"</Button>
        </form>
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! { <EmptyState title="Nothing logged yet"/> }.into_any(),
                    Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                        <div class="overflow-x-auto">
                            <table id="audit" class=TABLE>
                                <thead><tr><th class=TH>"When"</th><th class=TH>"Who"</th><th class=TH>"Action"</th><th class=TH>"Details"</th><th class=TH>"From"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|e| view! {
                                        <tr>
                                            <td class=TD>{format_utc(e.created_at)}</td>
                                            <td class=TD>
                                                {e.username.unwrap_or_else(|| "—".into())}
                                                {e.impersonated_by_name.map(|by| view! { <span class="block text-xs text-amber-700">{format!("impersonated by {by}")}</span> })}
                                            </td>
                                            <td class=TD><code>{e.action}</code></td>
                                            <td class=format!("{TD} max-w-md break-all font-mono text-xs")>{e.details}</td>
                                            <td class=TD>{e.ip_address.unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager before next/>
                    }.into_any() }
                }
            })}
        </Suspense>
    }
}
