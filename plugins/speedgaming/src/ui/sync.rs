//! The sync page: per linked tournament its event, whether the sync is on, the last run (when,
//! ok / failed, what it changed, its errors) with "Sync now" and a switch; above it the form
//! that links a tournament to an event. Managing (`tournament:update`) shows the form and the
//! buttons; the server checks again.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use sdk::{
    page::PageRequest,
    ui::{
        time::LocalTime, Badge, Button, ButtonKind, Card, Checkbox, EmptyState, ErrorNotice,
        FormError, Pager, Select, SkeletonRows, TextField, Tone, TABLE, TD, TH,
    },
};

use crate::{
    api::{list_links, list_tournament_choices, my_rights, SaveLink, SyncNow},
    model::{Link, Summary},
};

#[component]
pub fn SyncPage() -> impl IntoView {
    let params = use_params_map();
    let org_id = Memo::new(move |_| {
        params.with(|p| {
            p.get("org_id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        })
    });
    let save = ServerAction::<SaveLink>::new();
    let sync = ServerAction::<SyncNow>::new();
    let before = RwSignal::new(None::<i64>);
    let rights = Resource::new(move || org_id.get(), my_rights);
    let choices = Resource::new(
        move || org_id.get(),
        |org| list_tournament_choices(org, PageRequest::default()),
    );
    let links = Resource::new(
        move || {
            (
                org_id.get(),
                save.version().get(),
                sync.version().get(),
                before.get(),
            )
        },
        |(org, _, _, before)| list_links(org, PageRequest::after(before)),
    );
    view! {
        <div class="flex flex-col gap-4">
            <p class="text-sm text-slate-600 dark:text-slate-300">
                "A linked tournament's matches follow its event on SpeedGaming: every 5 minutes the schedule (2 hours back, 7 days ahead) is imported. While its sync is on, the title, time, players and stream channel of its matches can only change on SpeedGaming."
            </p>
            <Suspense fallback=|| view! { <SkeletonRows rows=2/> }>
                {move || Suspend::new(async move {
                    let manage = rights.await.map(|r| r.manage).unwrap_or(false);
                    if !manage {
                        return ().into_any();
                    }
                    match choices.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) => view! { <LinkForm org_id save choices=page.items/> }.into_any(),
                    }
                })}
            </Suspense>
            {move || sync.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
            <Suspense fallback=|| view! { <SkeletonRows rows=4/> }>
                {move || Suspend::new(async move {
                    let manage = rights.await.map(|r| r.manage).unwrap_or(false);
                    match links.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) if page.items.is_empty() => view! {
                            <EmptyState title="No tournament follows a SpeedGaming event yet"/>
                        }.into_any(),
                        Ok(page) => {
                            let next = page.next_before_id;
                            view! {
                                <table class=TABLE id="speedgaming-links">
                                    <thead><tr>
                                        <th class=TH>"Tournament"</th>
                                        <th class=TH>"Event"</th>
                                        <th class=TH>"Sync"</th>
                                        <th class=TH>"Last run"</th>
                                        <th class=TH>"What changed"</th>
                                        <th class=TH></th>
                                    </tr></thead>
                                    <tbody>
                                        {page.items.into_iter().map(|link| view! {
                                            <LinkRow link manage save sync org_id/>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <Pager before next/>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Links a tournament to an event slug, with its sync on or off.
#[component]
fn LinkForm(
    org_id: Memo<i64>,
    save: ServerAction<SaveLink>,
    choices: Vec<crate::model::TournamentChoice>,
) -> impl IntoView {
    let first = choices
        .first()
        .map(|t| t.id.to_string())
        .unwrap_or_default();
    let options: Vec<(String, String)> = choices
        .into_iter()
        .map(|t| (t.id.to_string(), t.name))
        .collect();
    let tournament = RwSignal::new(first);
    let slug = RwSignal::new(String::new());
    let enabled = RwSignal::new(true);
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            slug.set(String::new());
        }
    });
    view! {
        <Card title="Link a tournament to a SpeedGaming event">
            <form id="speedgaming-link" class="grid gap-3 md:grid-cols-4 md:items-end" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveLink {
                    org_id: org_id.get_untracked(),
                    tournament_id: tournament.get_untracked().parse().unwrap_or(0),
                    event_slug: slug.get_untracked(),
                    sync_enabled: enabled.get_untracked(),
                });
            }>
                <Select label="Tournament" name="tournament_id" value=tournament options=Signal::derive(move || options.clone())/>
                <TextField label="Event slug (speedgaming.org/…)" name="event_slug" value=slug error/>
                <Checkbox label="Sync on" name="sync_enabled" checked=enabled/>
                <div><Button button_type="submit" busy=save.pending()>"Save link"</Button></div>
            </form>
            <FormError error fields=&["event_slug"]/>
        </Card>
    }
}

fn counts(summary: &Summary) -> String {
    format!(
        "{} episodes: {} created, {} updated, {} unchanged, {} finished, {} deleted, {} placeholders",
        summary.episodes,
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.finished,
        summary.deleted,
        summary.placeholders
    )
}

#[component]
fn LinkRow(
    link: Link,
    manage: bool,
    save: ServerAction<SaveLink>,
    sync: ServerAction<SyncNow>,
    org_id: Memo<i64>,
) -> impl IntoView {
    let tournament_id = link.tournament_id;
    let slug = link.event_slug.clone();
    let enabled = link.sync_enabled;
    let status = match link.last_status.as_deref() {
        None => view! { <Badge>"Not run yet"</Badge> }.into_any(),
        Some("ok") => view! { <Badge tone=Tone::Good>"OK"</Badge> }.into_any(),
        Some("partial") => {
            view! { <Badge tone=Tone::Warning>"Some episodes failed"</Badge> }.into_any()
        }
        Some(_) => view! { <Badge tone=Tone::Bad>"Failed"</Badge> }.into_any(),
    };
    let summary = link.last_summary.clone();
    view! {
        <tr data-tournament=tournament_id.to_string() class="speedgaming-link">
            <td class=TD>
                <a class="text-indigo-600 hover:underline dark:text-indigo-400"
                   href=format!("/org/{}/tournaments/t/{tournament_id}", link.organization_id)>
                    {link.tournament_name.clone()}
                </a>
            </td>
            <td class=TD><code>{link.event_slug.clone()}</code></td>
            <td class=TD data-sync=if enabled { "on" } else { "off" }>{if enabled { "On" } else { "Off" }}</td>
            <td class=TD>
                <div class="flex flex-col gap-1">
                    <span data-status=link.last_status.clone().unwrap_or_default()>{status}</span>
                    {link.last_run_at.map(|at| view! { <LocalTime epoch_ms=at/> })}
                    {link.last_error.clone().map(|e| view! {
                        <span class="speedgaming-error text-xs text-red-700 dark:text-red-400">{e}</span>
                    })}
                </div>
            </td>
            <td class=TD>
                {summary.map(|s| view! {
                    <div class="flex flex-col gap-1 text-xs">
                        <span class="speedgaming-counts">{counts(&s)}</span>
                        <ul class="list-disc pl-4">
                            {s.changes.iter().map(|c| view! { <li class="speedgaming-change">{c.clone()}</li> }).collect_view()}
                        </ul>
                        {(!s.errors.is_empty()).then(|| view! {
                            <ul class="list-disc pl-4 text-red-700 dark:text-red-400">
                                {s.errors.iter().map(|e| view! { <li class="speedgaming-episode-error">{e.clone()}</li> }).collect_view()}
                            </ul>
                        })}
                    </div>
                })}
            </td>
            <td class=TD>
                {manage.then(|| {
                    let slug = slug.clone();
                    view! {
                        <div class="flex flex-col gap-2">
                            {enabled.then(|| view! {
                                <Button id=format!("speedgaming-sync-{tournament_id}") busy=sync.pending()
                                    on_click=Callback::new(move |_| {
                                        sync.dispatch(SyncNow { org_id: org_id.get_untracked(), tournament_id });
                                    })>"Sync now"</Button>
                            })}
                            <Button kind=ButtonKind::Secondary id=format!("speedgaming-toggle-{tournament_id}") busy=save.pending()
                                on_click=Callback::new(move |_| {
                                    save.dispatch(SaveLink {
                                        org_id: org_id.get_untracked(),
                                        tournament_id,
                                        event_slug: slug.clone(),
                                        sync_enabled: !enabled,
                                    });
                                })>{if enabled { "Switch sync off" } else { "Switch sync on" }}</Button>
                        </div>
                    }
                })}
            </td>
        </tr>
    }
}
