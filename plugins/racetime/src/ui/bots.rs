//! The site's RaceTime.gg bots (site admins): each category bot's status as racetime.gg last
//! answered (connected, credentials refused, unreachable) with its last error, a form to
//! register one (the client secret is sent once and never shown back), "Check" to ask
//! racetime.gg for a token now, and granting the bot to this organization or taking it back.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use sdk::ui::{
    time::LocalTime, Badge, Button, ButtonKind, Card, Checkbox, EmptyState, ErrorNotice, FormError,
    SkeletonRows, TextField, Tone, TABLE, TD, TH,
};

use crate::{
    api::{bots, CheckBot, GrantBot, SaveBot},
    model::BotInput,
};

fn status_tone(status: &str) -> Tone {
    match status {
        "connected" => Tone::Good,
        "auth_failed" | "error" => Tone::Bad,
        _ => Tone::Neutral,
    }
}

#[component]
pub fn BotsPage() -> impl IntoView {
    let params = use_params_map();
    let org_id = Memo::new(move |_| {
        params.with(|p| {
            p.get("org_id")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        })
    });
    let save = ServerAction::<SaveBot>::new();
    let grant = ServerAction::<GrantBot>::new();
    let check = ServerAction::<CheckBot>::new();
    let list = Resource::new(
        move || {
            (
                save.version().get(),
                grant.version().get(),
                check.version().get(),
            )
        },
        |_| bots(),
    );
    let (category, name, client_id, secret) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let active = RwSignal::new(true);
    let editing = RwSignal::new(None::<i64>);
    let error = Signal::derive(move || {
        save.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| grant.value().get().and_then(|r| r.err()))
            .or_else(|| check.value().get().and_then(|r| r.err()))
    });
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            secret.set(String::new());
            editing.set(None);
        }
    });
    view! {
        <div class="grid gap-4 md:grid-cols-3">
            <Card title="Register a bot">
                <form id="racetime-bot" class="flex flex-col gap-3" on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(SaveBot {
                        bot: BotInput {
                            category: category.get_untracked(),
                            name: name.get_untracked(),
                            client_id: client_id.get_untracked(),
                            client_secret: secret.get_untracked(),
                            is_active: active.get_untracked(),
                        },
                        bot_id: editing.get_untracked(),
                    });
                }>
                    <TextField label="Category (as in its racetime.gg address)" name="category" value=category error placeholder="alttpr"/>
                    <TextField label="Bot name on racetime.gg" name="name" value=name error/>
                    <TextField label="Client id" name="client_id" value=client_id error/>
                    <TextField label="Client secret (empty: keep the stored one)" name="client_secret" value=secret error input_type="password"/>
                    <Checkbox label="Active" name="is_active" checked=active/>
                    <FormError error fields=&["category", "name", "client_id", "client_secret"]/>
                    <div><Button button_type="submit" busy=save.pending()>
                        {move || if editing.get().is_some() { "Save bot" } else { "Register bot" }}
                    </Button></div>
                </form>
            </Card>
            <div class="md:col-span-2">
                <Transition fallback=|| view! { <SkeletonRows rows=3/> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(all) if all.is_empty() => view! { <EmptyState title="No RaceTime.gg bots yet"/> }.into_any(),
                            Ok(all) => view! {
                                <table class=TABLE id="racetime-bots">
                                    <thead><tr><th class=TH>"Bot"</th><th class=TH>"Status"</th><th class=TH>"Token until"</th><th class=TH></th></tr></thead>
                                    <tbody>{all.into_iter().map(|b| {
                                        let id = b.id;
                                        let granted = b.organizations.contains(&org_id.get_untracked());
                                        let edit = b.clone();
                                        view! {
                                            <tr data-bot=b.id>
                                                <td class=TD>{format!("{} ({})", b.name, b.category)}<p class="text-xs text-slate-500">{b.client_id.clone()}</p></td>
                                                <td class=TD>
                                                    <Badge tone=status_tone(&b.status)>{b.status.replace('_', " ")}</Badge>
                                                    {(!b.is_active).then(|| view! { " " <Badge>"switched off"</Badge> })}
                                                    {b.last_error.clone().map(|e| view! { <p class="text-xs text-rose-600">{e}</p> })}
                                                </td>
                                                <td class=TD>{b.token_expires_at.map(|at| view! { <LocalTime epoch_ms=at/> })}</td>
                                                <td class=TD>
                                                    <div class="flex flex-wrap gap-2">
                                                        <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { check.dispatch(CheckBot { bot_id: id }); })>"Check"</Button>
                                                        <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| {
                                                            category.set(edit.category.clone());
                                                            name.set(edit.name.clone());
                                                            client_id.set(edit.client_id.clone());
                                                            active.set(edit.is_active);
                                                            editing.set(Some(id));
                                                        })>"Edit"</Button>
                                                        <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| {
                                                            grant.dispatch(GrantBot { bot_id: id, org_id: org_id.get_untracked(), granted: !granted });
                                                        })>{if granted { "Take back from this organization" } else { "Grant to this organization" }}</Button>
                                                    </div>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}</tbody>
                                </table>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </div>
    }
}
