//! Site admin → Events: what this server instance delivered lately — the listeners that failed
//! and the recent events.

use leptos::prelude::*;
use leptos_meta::Title;
use sdk::ui::{Button, ButtonKind, Card, EmptyState, SkeletonRows, TABLE, TD, TH};

use super::when;
use crate::{
    api::runtime::admin_events,
    pages::{admin::admin_tabs, shared::LoadError},
};

#[component]
pub fn AdminEventsPage() -> impl IntoView {
    let refresh = RwSignal::new(0usize);
    let log = Resource::new(move || refresh.get(), |_| admin_events());
    view! {
        <Title text="Events · Site admin"/>
        {admin_tabs("/admin/events")}
        <div class="mb-4 flex justify-end">
            <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| refresh.update(|n| *n += 1))>"Refresh"</Button>
        </div>
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match log.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(log) => {
                        let now = sdk::time::now_ms();
                        view! {
                            <p class="mb-4 text-sm text-slate-600 dark:text-slate-300">
                                "What this server instance (" <code>{log.instance.clone()}</code> ") delivered lately. Events from other instances arrive over PostgreSQL and are listed as they are delivered here."
                            </p>
                            <Card title="Listener failures">
                                {if log.failures.is_empty() {
                                    view! { <EmptyState title="No listener has failed"/> }.into_any()
                                } else {
                                    view! {
                                        <div class="overflow-x-auto">
                                        <table class=TABLE id="listener-failures">
                                            <thead><tr><th class=TH>"When"</th><th class=TH>"Event"</th><th class=TH>"Listener"</th><th class=TH>"Organization"</th><th class=TH>"Error"</th></tr></thead>
                                            <tbody>
                                            {log.failures.into_iter().map(|f| view! {
                                                <tr>
                                                    <td class=TD>{when(Some(f.at), now)}</td>
                                                    <td class=TD><code>{f.event.clone()}</code></td>
                                                    <td class=TD>{f.listener.clone()}</td>
                                                    <td class=TD>{f.org_id.map(|o| format!("#{o}")).unwrap_or_else(|| "—".into())}</td>
                                                    <td class=TD><span class="text-xs text-red-700 dark:text-red-300">{f.error.clone()}</span></td>
                                                </tr>
                                            }).collect_view()}
                                            </tbody>
                                        </table>
                                        </div>
                                    }.into_any()
                                }}
                            </Card>
                            <div class="mt-6">
                                <Card title="Recent events">
                                    {if log.events.is_empty() {
                                        view! { <EmptyState title="No events yet"/> }.into_any()
                                    } else {
                                        view! {
                                            <div class="overflow-x-auto">
                                            <table class=TABLE id="recent-events">
                                                <thead><tr><th class=TH>"When"</th><th class=TH>"Event"</th><th class=TH>"Organization"</th><th class=TH>"By"</th><th class=TH>"Listeners"</th></tr></thead>
                                                <tbody>
                                                {log.events.into_iter().map(|e| view! {
                                                    <tr data-event=e.name.clone()>
                                                        <td class=TD>{when(Some(e.at), now)}</td>
                                                        <td class=TD><code>{e.name.clone()}</code></td>
                                                        <td class=TD>{e.org_id.map(|o| format!("#{o}")).unwrap_or_else(|| "—".into())}</td>
                                                        <td class=TD>{e.actor.map(|a| format!("user {a}")).unwrap_or_else(|| "system".into())}</td>
                                                        <td class=TD>{e.listeners}</td>
                                                    </tr>
                                                }).collect_view()}
                                                </tbody>
                                            </table>
                                            </div>
                                        }.into_any()
                                    }}
                                </Card>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
