//! The entries page: a form to add one, and the list, a page at a time.
//!
//! The pattern every page follows: a `Resource` keyed on what it shows and on the version of
//! the action that changes it (so a successful add refetches the list), the action's error
//! shown by the field it names, and instants shown in the viewer's time zone (`LocalTime`).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use sdk::{
    page::PageRequest,
    ui::{
        time::LocalTime, Button, Card, EmptyState, ErrorNotice, FormError, Pager, SkeletonRows,
        TextField, TABLE, TD, TH,
    },
};

use crate::api::{list_entries, AddEntry};

#[component]
pub fn EntriesPage() -> impl IntoView {
    let params = use_params_map();
    let org_id = Memo::new(move |_| {
        params.with(|p| {
            p.get("org_id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        })
    });
    let add = ServerAction::<AddEntry>::new();
    let before = RwSignal::new(None::<i64>);
    let entries = Resource::new(
        move || (org_id.get(), add.version().get(), before.get()),
        |(org, _, before)| list_entries(org, PageRequest::after(before)),
    );
    let text = RwSignal::new(String::new());
    let error = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            text.set(String::new());
        }
    });
    view! {
        <div class="grid gap-4 md:grid-cols-3">
            <Card title="Add an entry">
                <form id="__ID__-add" class="flex flex-col gap-3" on:submit=move |ev| {
                    ev.prevent_default();
                    add.dispatch(AddEntry { org_id: org_id.get_untracked(), text: text.get_untracked() });
                }>
                    <TextField label="Text" name="text" value=text error/>
                    <FormError error fields=&["text"]/>
                    <div><Button button_type="submit" busy=add.pending()>"Add"</Button></div>
                </form>
            </Card>
            <div class="md:col-span-2">
                <Suspense fallback=|| view! { <SkeletonRows rows=4/> }>
                    {move || Suspend::new(async move {
                        match entries.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! { <EmptyState title="No entries yet"/> }.into_any(),
                            Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                                <table class=TABLE id="__ID__-entries">
                                    <thead><tr><th class=TH>"Entry"</th><th class=TH>"Added"</th></tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|e| view! {
                                            <tr><td class=TD>{e.text}</td><td class=TD><LocalTime epoch_ms=e.created_at/></td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <Pager before next/>
                            }.into_any() }
                        }
                    })}
                </Suspense>
            </div>
        </div>
    }
}
