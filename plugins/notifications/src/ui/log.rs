//! The organization's delivery log (admins): every message with its status, attempts and last
//! error, newest first, filtered by status, with "Send again" on failed ones.

use leptos::prelude::*;
use sdk::{
    page::PageRequest,
    ui::{
        time::LocalTime, Badge, Button, ButtonKind, EmptyState, ErrorNotice, PageHeader, Pager,
        Select, SkeletonRows, TABLE, TD, TH,
    },
};

use super::{kind_label, org_id, settings::status_tone, status_label};
use crate::api::{org_deliveries, RetryDelivery};

#[component]
pub fn LogPage() -> impl IntoView {
    let org_id = org_id();
    let retry = ServerAction::<RetryDelivery>::new();
    let status = RwSignal::new(String::new());
    let before = RwSignal::new(None::<i64>);
    let log = Resource::new(
        move || {
            (
                org_id.get(),
                retry.version().get(),
                status.get(),
                before.get(),
            )
        },
        |(org, _, status, before)| {
            org_deliveries(
                org,
                Some(status).filter(|s| !s.is_empty()),
                PageRequest::after(before),
            )
        },
    );
    let options = vec![
        (String::new(), "Every status".to_string()),
        ("pending".to_string(), "Waiting".to_string()),
        ("sent".to_string(), "Sent".to_string()),
        ("dead".to_string(), "Failed".to_string()),
        ("cancelled".to_string(), "Not sent".to_string()),
    ];
    Effect::new(move |_| {
        status.track();
        before.set(None);
    });
    view! {
        <PageHeader title="Delivery log" subtitle="Every notification of this organization: who it went to, whether it was sent, and why not."/>
        <div class="mb-4 max-w-xs">
            <Select label="Status" name="status" value=status options=Signal::derive(move || options.clone())/>
        </div>
        {move || retry.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
        <Suspense fallback=|| view! { <SkeletonRows rows=5/> }>
            {move || Suspend::new(async move {
                match log.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! { <EmptyState title="No notifications here"/> }.into_any(),
                    Ok(page) => {
                        let next = page.next_before_id;
                        view! {
                            <table class=TABLE id="notifications-org-log">
                                <thead><tr>
                                    <th class=TH>"To"</th><th class=TH>"Notification"</th><th class=TH>"Status"</th>
                                    <th class=TH>"Attempts"</th><th class=TH>"Queued"</th><th class=TH></th>
                                </tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|d| {
                                        let tone = status_tone(&d.status);
                                        let label = status_label(&d.status);
                                        let dead = d.status == "dead";
                                        let id = d.id;
                                        view! {
                                            <tr data-status=d.status.clone() data-id=id.to_string()>
                                                <td class=TD>{d.recipient}</td>
                                                <td class=TD>
                                                    <div class="font-medium">{d.subject}</div>
                                                    <div class="text-xs text-slate-500">{kind_label(&d.event_type)}</div>
                                                    {d.last_error.map(|e| view! { <div class="last-error text-xs text-red-600 dark:text-red-400">{e}</div> })}
                                                </td>
                                                <td class=TD><Badge tone>{label}</Badge></td>
                                                <td class=TD>{d.attempts}</td>
                                                <td class=TD><LocalTime epoch_ms=d.created_at/></td>
                                                <td class=TD>
                                                    {dead.then(|| view! {
                                                        <Button kind=ButtonKind::Secondary id=format!("notifications-retry-{id}") busy=retry.pending()
                                                            on_click=Callback::new(move |_| { retry.dispatch(RetryDelivery { org_id: org_id.get_untracked(), delivery_id: id }); })>
                                                            "Send again"
                                                        </Button>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pager before next/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
