//! The organization's stream channels.

use leptos::prelude::*;
use sdk::{
    page::PageRequest,
    ui::{
        Badge, Button, ButtonKind, Card, Checkbox, EmptyState, ErrorNotice, FormError, Pager,
        SkeletonRows, TextField, Tone, TABLE, TD, TH,
    },
};

use crate::api::{list_stream_channels, my_rights, CreateStreamChannel, UpdateStreamChannel};

use super::*;

#[component]
pub(super) fn StreamsPage() -> impl IntoView {
    let org_id = param("org_id");
    let create = ServerAction::<CreateStreamChannel>::new();
    let update = ServerAction::<UpdateStreamChannel>::new();
    let rights = Resource::new(move || org_id.get(), my_rights);
    let before = RwSignal::new(None::<i64>);
    let list = Resource::new(
        move || {
            (
                org_id.get(),
                create.version().get() + update.version().get(),
                before.get(),
            )
        },
        |(org, _, before)| list_stream_channels(org, PageRequest::after(before)),
    );
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let active = RwSignal::new(true);
    let editing = RwSignal::new(None::<i64>);
    let error = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| update.value().get().and_then(|r| r.err()))
    });
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_)))
            || matches!(update.value().get(), Some(Ok(_)))
        {
            name.set(String::new());
            url.set(String::new());
            active.set(true);
            editing.set(None);
        }
    });
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=4/> }>
            {move || Suspend::new(async move {
                let org = org_id.get_untracked();
                match rights.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(rights) => view! {
                        {header(org, rights, "Stream channels".into(), "streams")}
                        <div class="mt-4 grid gap-6 lg:grid-cols-[1fr_22rem]">
                            <Transition fallback=|| view! { <SkeletonRows rows=3/> }>
                                {move || list.get().map(|result| match result {
                                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                                    Ok(page) if page.items.is_empty() => view! { <EmptyState title="No stream channels yet" detail="Add the channels your matches are shown on."/> }.into_any(),
                                    Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                                        <div>
                                        <table class=TABLE id="stream-list">
                                            <thead><tr><th class=TH>"Channel"</th><th class=TH>"Status"</th><th class=TH></th></tr></thead>
                                            <tbody>
                                                {list.into_iter().map(|c| {
                                                    let edit = c.clone();
                                                    let toggle = c.clone();
                                                    view! {
                                                        <tr>
                                                            <td class=TD><a class=LINK href=c.stream_url.clone()>{c.name.clone()}</a><div class=MUTED>{c.stream_url.clone()}</div></td>
                                                            <td class=TD>{if c.is_active { view! { <Badge tone=Tone::Good>"Active"</Badge> }.into_any() } else { view! { <Badge>"Inactive"</Badge> }.into_any() }}</td>
                                                            <td class=TD>
                                                                <div class="flex gap-2">
                                                                    <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| {
                                                                        editing.set(Some(edit.id));
                                                                        name.set(edit.name.clone());
                                                                        url.set(edit.stream_url.clone());
                                                                        active.set(edit.is_active);
                                                                    })>"Edit"</Button>
                                                                    <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| {
                                                                        update.dispatch(UpdateStreamChannel { org_id: org, stream_channel_id: toggle.id, name: toggle.name.clone(), stream_url: toggle.stream_url.clone(), is_active: !toggle.is_active });
                                                                    })>{if c.is_active { "Deactivate" } else { "Activate" }}</Button>
                                                                </div>
                                                            </td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                        <Pager before next/>
                                        </div>
                                    }.into_any() }
                                })}
                            </Transition>
                            <Card title="Add or edit a channel">
                                <form id="stream-form" class="grid gap-3" on:submit=move |ev| {
                                    ev.prevent_default();
                                    match editing.get_untracked() {
                                        None => { create.dispatch(CreateStreamChannel { org_id: org, name: name.get_untracked(), stream_url: url.get_untracked(), is_active: Some(active.get_untracked()) }); }
                                        Some(id) => { update.dispatch(UpdateStreamChannel { org_id: org, stream_channel_id: id, name: name.get_untracked(), stream_url: url.get_untracked(), is_active: active.get_untracked() }); }
                                    }
                                }>
                                    <TextField label="Name" name="name" value=name error required=true/>
                                    <TextField label="Stream URL" name="stream_url" value=url error help="e.g. https://twitch.tv/yourchannel"/>
                                    <Checkbox label="Active" name="is_active" checked=active/>
                                    <FormError error fields=&["name", "stream_url"]/>
                                    <div class="flex gap-2">
                                        <Button button_type="submit" busy=Signal::derive(move || create.pending().get() || update.pending().get())>
                                            {move || if editing.get().is_some() { "Save channel" } else { "Add channel" }}
                                        </Button>
                                        <Show when=move || editing.get().is_some()>
                                            <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { editing.set(None); name.set(String::new()); url.set(String::new()); })>"Cancel"</Button>
                                        </Show>
                                    </div>
                                </form>
                            </Card>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
