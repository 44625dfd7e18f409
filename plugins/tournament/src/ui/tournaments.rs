//! The tournament list, and creating a tournament (its form serves editing too).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use sdk::{
    page::PageRequest,
    ui::{
        Badge, Button, ButtonKind, Checkbox, EmptyState, ErrorNotice, FormError, PageHeader, Pager,
        SkeletonRows, SuccessNotice, TextArea, TextField, Tone, TABLE, TD, TH,
    },
    Error,
};
use serde_json::Value;

use crate::{
    api::{list_tournaments, my_rights, CreateTournament, Register, UpdateTournament},
    model::Tournament,
};

use super::*;

#[component]
pub(super) fn TournamentsPage() -> impl IntoView {
    let org_id = param("org_id");
    let archived = RwSignal::new(false);
    let join = ServerAction::<Register>::new();
    let rights = Resource::new(move || org_id.get(), my_rights);
    let before = RwSignal::new(None::<i64>);
    let list = Resource::new(
        move || {
            (
                org_id.get(),
                archived.get(),
                join.version().get(),
                before.get(),
            )
        },
        |(org, archived, _, before)| list_tournaments(org, archived, PageRequest::after(before)),
    );
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=5/> }>
            {move || Suspend::new(async move {
                let org = org_id.get_untracked();
                match rights.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(rights) => view! {
                        {header(org, rights, "Tournaments".into(), "all")}
                        <div class="mt-4 flex flex-wrap items-center justify-between gap-3">
                            <Checkbox label="Show archived" name="archived" checked=archived/>
                            {rights.create_tournament.then(|| view! { <a id="new-tournament" class=PRIMARY_LINK href=format!("{}/new", base(org))>"New tournament"</a> })}
                        </div>
                        {move || join.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
                        <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
                            {move || list.get().map(|result| match result {
                                Err(error) => view! { <ErrorNotice error/> }.into_any(),
                                Ok(page) if page.items.is_empty() => view! { <EmptyState title="No tournaments yet" detail="When the organizers create one, it appears here."/> }.into_any(),
                                Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                                    <div class="mt-4 overflow-x-auto">
                                        <table class=TABLE id="tournament-list">
                                            <thead><tr><th class=TH>"Tournament"</th><th class=TH>"Status"</th><th class=TH>"Players"</th><th class=TH></th></tr></thead>
                                            <tbody>
                                                {list.into_iter().map(|t| {
                                                    let id = t.id;
                                                    let can_join = t.self_registration && t.is_active && t.archived_at.is_none() && !t.joined;
                                                    view! {
                                                        <tr>
                                                            <td class=TD>
                                                                <a class=LINK href=format!("{}/t/{id}", base(org))>{t.name.clone()}</a>
                                                                <div class=MUTED>{t.description.clone()}</div>
                                                            </td>
                                                            <td class=TD>{tournament_badges(&t)}</td>
                                                            <td class=TD>{t.player_count}{t.joined.then_some(" (you play)")}</td>
                                                            <td class=TD>{can_join.then(|| view! {
                                                                <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { join.dispatch(Register { org_id: org, tournament_id: id }); })>"Join"</Button>
                                                            })}</td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                    <Pager before next/>
                                }.into_any() }
                            })}
                        </Transition>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

pub(super) fn tournament_badges(t: &Tournament) -> impl IntoView {
    view! {
        <div class="flex flex-wrap gap-1">
            {if t.archived_at.is_some() {
                view! { <Badge>"Archived"</Badge> }.into_any()
            } else if t.is_active {
                view! { <Badge tone=Tone::Good>"Active"</Badge> }.into_any()
            } else {
                view! { <Badge>"Inactive"</Badge> }.into_any()
            }}
            {t.onsite.then(|| view! { <Badge tone=Tone::Accent>"Onsite"</Badge> })}
            {t.self_registration.then(|| view! { <Badge>"Open registration"</Badge> })}
        </div>
    }
}

#[component]
pub(super) fn NewTournamentPage() -> impl IntoView {
    let org_id = param("org_id");
    let create = ServerAction::<CreateTournament>::new();
    let update = ServerAction::<UpdateTournament>::new();
    view! {
        <Title text="New tournament"/>
        <PageHeader title="New tournament"/>
        <TournamentForm org=org_id.get_untracked() existing=None create update/>
    }
}

/// Create or edit a tournament.
#[component]
pub(super) fn TournamentForm(
    org: i64,
    existing: Option<Tournament>,
    create: ServerAction<CreateTournament>,
    update: ServerAction<UpdateTournament>,
) -> impl IntoView {
    let id = existing.as_ref().map(|t| t.id);
    let text =
        |f: fn(&Tournament) -> String| RwSignal::new(existing.as_ref().map(f).unwrap_or_default());
    let name = text(|t| t.name.clone());
    let description = text(|t| t.description.clone());
    let randomizer = text(|t| t.randomizer.clone().unwrap_or_default());
    let preset = text(|t| t.preset.clone().unwrap_or_default());
    let schema = text(|t| {
        t.settings_form_schema
            .as_ref()
            .and_then(|s| serde_json::to_string_pretty(s).ok())
            .unwrap_or_default()
    });
    let flag = |f: fn(&Tournament) -> bool, default: bool| {
        RwSignal::new(existing.as_ref().map(f).unwrap_or(default))
    };
    let active = flag(|t| t.is_active, true);
    let onsite = flag(|t| t.onsite, false);
    let tracker = flag(|t| t.tracker_enabled, false);
    let registration = flag(|t| t.self_registration, false);
    let public_feed = flag(|t| t.public_feed, false);
    let local_error = RwSignal::new(None::<Error>);
    let error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| create.value().get().and_then(|r| r.err()))
            .or_else(|| update.value().get().and_then(|r| r.err()))
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(t)) = create.value().get() {
            navigate(&format!("{}/t/{}", base(org), t.id), Default::default());
        }
    });
    let saved = Signal::derive(move || matches!(update.value().get(), Some(Ok(_))));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let text = schema.get_untracked();
        let settings_form_schema = if text.trim().is_empty() {
            None
        } else {
            match serde_json::from_str::<Value>(&text) {
                Ok(value) => Some(value),
                Err(e) => {
                    local_error.set(Some(Error::invalid(
                        "settings_form_schema",
                        format!("This is not JSON: {e}."),
                    )));
                    return;
                }
            }
        };
        match id {
            None => {
                create.dispatch(CreateTournament {
                    org_id: org,
                    name: name.get_untracked(),
                    description: description.get_untracked(),
                    is_active: Some(active.get_untracked()),
                    onsite: onsite.get_untracked(),
                    tracker_enabled: tracker.get_untracked(),
                    self_registration: registration.get_untracked(),
                    settings_form_schema,
                    randomizer: randomizer.get_untracked(),
                    preset: preset.get_untracked(),
                    public_feed: public_feed.get_untracked(),
                });
            }
            Some(tournament_id) => {
                update.dispatch(UpdateTournament {
                    org_id: org,
                    tournament_id,
                    name: name.get_untracked(),
                    description: description.get_untracked(),
                    is_active: active.get_untracked(),
                    onsite: onsite.get_untracked(),
                    tracker_enabled: tracker.get_untracked(),
                    self_registration: registration.get_untracked(),
                    settings_form_schema,
                    randomizer: randomizer.get_untracked(),
                    preset: preset.get_untracked(),
                    public_feed: public_feed.get_untracked(),
                });
            }
        }
    };
    let busy = Signal::derive(move || create.pending().get() || update.pending().get());
    view! {
        <form id="tournament-form" class="grid max-w-2xl gap-4" on:submit=submit>
            <TextField label="Name" name="name" value=name error required=true/>
            <TextArea label="Description" name="description" value=description error/>
            <Checkbox label="Active" name="is_active" checked=active/>
            <Checkbox label="Onsite (stations are entered at check-in)" name="onsite" checked=onsite/>
            <Checkbox label="Trackers wanted" name="tracker_enabled" checked=tracker/>
            <Checkbox label="Members may register themselves" name="self_registration" checked=registration/>
            <Checkbox label="Public calendar feed (anyone with its address sees the matches' times, titles and players; not comments, crew or streams)" name="public_feed" checked=public_feed/>
            <TextArea label="Settings form (JSON Schema)" name="settings_form_schema" value=schema error rows=6
                help="Optional. An object schema players fill in per game, e.g. {\"type\": \"object\", \"properties\": {\"mode\": {\"type\": \"string\", \"enum\": [\"open\", \"standard\"]}}}."/>
            <div class="grid gap-4 sm:grid-cols-2">
                <TextField label="Randomizer" name="randomizer" value=randomizer error help="For seed rolling later, e.g. alttpr."/>
                <TextField label="Preset" name="preset" value=preset error/>
            </div>
            <FormError error fields=&["name", "description", "settings_form_schema", "randomizer", "preset"]/>
            <Show when=move || saved.get()><SuccessNotice message="Saved."/></Show>
            <div><Button button_type="submit" busy>{if id.is_some() { "Save" } else { "Create tournament" }}</Button></div>
        </form>
    }
}
