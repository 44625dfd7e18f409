//! The parts of the match page that change it: crew, seed, settings submissions, edit, delete.

use leptos::prelude::*;
use sdk::{
    ui::{
        Badge, Button, ButtonKind, Card, ErrorNotice, FormError, SchemaForm, SearchField, Select,
        SkeletonRows, SuccessNotice, TextArea, TextField, Tone,
    },
    Error,
};
use serde_json::Value;

use crate::{
    api::{
        AddCrew, ApproveCrew, CrewSignup, CrewWithdraw, DeleteMatch, RollMatchSeed, SetMatchSeed,
        SubmitMatchSettings, UpdateMatch,
    },
    model::{CrewRole, Match, Rights, StreamChannel},
};

use super::{match_page::*, rows::*, tournament::AddPerson, *};

#[component]
pub(super) fn CrewList(
    m: Match,
    rights: Rights,
    a: MatchActions,
    plays: bool,
    lists: PageLists,
) -> impl IntoView {
    let (org, id) = (m.org_id, m.id);
    let me = rights.user_id;
    let over = m.status.is_over();
    let role = RwSignal::new("commentator".to_string());
    let trackers_wanted = m.trackers_wanted;
    let my_roles: Vec<CrewRole> = m
        .crew
        .iter()
        .filter(|c| c.user_id == me)
        .map(|c| c.role)
        .collect();
    // As on the schedule: a role the tournament does not take stays listed for someone who
    // holds it, so they can withdraw.
    let listed = my_roles.clone();
    let role_options = Signal::derive(move || {
        CrewRole::ALL
            .into_iter()
            .filter(|r| r.taken_by(trackers_wanted) || listed.contains(r))
            .map(|r| (r.key().to_string(), r.label().to_string()))
            .collect::<Vec<_>>()
    });
    let rows = m
        .crew
        .iter()
        .map(|c| {
            let crew_id = c.id;
            let approved = c.approved;
            let (role_label, name) = (c.role.label(), c.display_name.clone());
            view! {
                <li class="flex items-center justify-between gap-2" id=format!("crew-{crew_id}")>
                    <span>
                        <Badge tone=if approved { Tone::Good } else { Tone::Neutral }>{role_label}</Badge>
                        " " {name} " "
                        <span class=MUTED>{if approved { "approved" } else { "waiting for approval" }}</span>
                    </span>
                    {rights.approve_crew.then(|| view! {
                        <Button kind=if approved { ButtonKind::Secondary } else { ButtonKind::Primary } id=format!("approve-{crew_id}")
                            on_click=Callback::new(move |_| { a.approve.dispatch(ApproveCrew { org_id: org, crew_id, approved: Some(!approved) }); })>
                            {if approved { "Unapprove" } else { "Approve" }}
                        </Button>
                    })}
                </li>
            }
        })
        .collect_view();
    let signup = (rights.crew_signup && !plays && !over).then(|| {
        let mine = my_roles.clone();
        view! {
            <form class="mt-3 flex items-end gap-2" on:submit=move |ev| {
                ev.prevent_default();
                let chosen = role.get_untracked();
                if mine.iter().any(|r| r.key() == chosen) {
                    a.rows.withdraw.dispatch(CrewWithdraw { org_id: org, match_id: id, role: chosen });
                } else {
                    a.rows.signup.dispatch(CrewSignup { org_id: org, match_id: id, role: chosen });
                }
            }>
                <div class="grow"><Select label="Role" name="role" value=role options=role_options/></div>
                <Button button_type="submit" kind=ButtonKind::Secondary>"Sign up / withdraw"</Button>
            </form>
        }
    });
    let add = (rights.approve_crew && rights.schedule && !over).then(|| {
        view! {
            <AddPerson lists name="crew" label="Add as crew (approved)" on_add=Callback::new(move |user_id| {
                a.add_crew.dispatch(AddCrew { org_id: org, match_id: id, user_id, role: role.get_untracked() });
            })/>
        }
    });
    view! {
        {if m.crew.is_empty() {
            view! { <p class=MUTED>"Nobody has signed up yet."</p> }.into_any()
        } else {
            view! { <ul class="grid gap-1 text-sm" id="crew-list">{rows}</ul> }.into_any()
        }}
        {signup}
        {add}
    }
}

#[component]
pub(super) fn SeedForm(m: Match, a: MatchActions) -> impl IntoView {
    let (org, id) = (m.org_id, m.id);
    let url = RwSignal::new(m.seed.as_ref().map(|s| s.url.clone()).unwrap_or_default());
    let description = RwSignal::new(
        m.seed
            .as_ref()
            .map(|s| s.description.clone())
            .unwrap_or_default(),
    );
    let error = Signal::derive(move || a.seed.value().get().and_then(|r| r.err()));
    let roll_error = Signal::derive(move || a.roll_seed.value().get().and_then(|r| r.err()));
    view! {
        <form class="mt-3 grid gap-2" on:submit=move |ev| {
            ev.prevent_default();
            a.seed.dispatch(SetMatchSeed { org_id: org, match_id: id, url: url.get_untracked(), description: description.get_untracked() });
        }>
            <TextField label="Seed link" name="url" value=url error help="Empty clears the seed."/>
            <TextField label="Description" name="description" value=description error/>
            <FormError error fields=&["url", "description"]/>
            <div class="flex flex-wrap gap-2">
                <Button button_type="submit" kind=ButtonKind::Secondary busy=a.seed.pending()>"Save seed"</Button>
                // Rolls from the tournament's randomizer and preset (the presets plugin keeps it
                // in the seed history).
                <Button id="roll-match-seed" kind=ButtonKind::Secondary busy=a.roll_seed.pending()
                    on_click=Callback::new(move |_| { a.roll_seed.dispatch(RollMatchSeed { org_id: org, match_id: id }); })>
                    "Roll seed"
                </Button>
            </div>
            <Show when=move || a.roll_seed.pending().get()>
                <p class=MUTED role="status">"Rolling on the randomizer's site… this can take up to a minute."</p>
            </Show>
            <FormError error=roll_error/>
        </form>
    }
}

/// A player's settings for one game, from the tournament's form; errors on their fields.
#[component]
pub(super) fn SettingsForm(
    org: i64,
    match_id: i64,
    schema: Value,
    a: MatchActions,
) -> impl IntoView {
    let value = RwSignal::new(Value::Object(Default::default()));
    let game = RwSignal::new("1".to_string());
    let notes = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<Error>);
    let server_error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| a.settings.value().get().and_then(|r| r.err()))
    });
    // The server names settings fields `settings.<key>`; the form names them `<key>`.
    let form_error = Signal::derive(move || {
        server_error.get().map(|e| match e {
            Error::Invalid { field, message } => Error::Invalid {
                field: field
                    .strip_prefix("settings.")
                    .unwrap_or(&field)
                    .to_string(),
                message,
            },
            other => other,
        })
    });
    let saved = Signal::derive(move || matches!(a.settings.value().get(), Some(Ok(_))));
    view! {
        <form id="settings-form" class="mb-4 grid gap-3" on:submit=move |ev| {
            ev.prevent_default();
            local_error.set(None);
            let Ok(game_number) = game.get_untracked().trim().parse::<i64>() else {
                local_error.set(Some(Error::invalid("game_number", "Enter the game's number (1, 2, …).")));
                return;
            };
            a.settings.dispatch(SubmitMatchSettings { org_id: org, match_id, game_number, settings: value.get_untracked(), notes: notes.get_untracked() });
        }>
            <TextField label="Game number" name="game_number" value=game error=server_error input_type="number"/>
            <SchemaForm schema value error=form_error/>
            <TextArea label="Notes" name="notes" value=notes error=server_error rows=2/>
            <FormError error=server_error fields=&["game_number", "notes"]/>
            <Show when=move || saved.get()><SuccessNotice message="Settings submitted."/></Show>
            <div><Button button_type="submit" busy=a.settings.pending()>"Submit settings"</Button></div>
        </form>
    }
}

#[component]
pub(super) fn EditMatchForm(
    m: Match,
    a: MatchActions,
    lists: PageLists,
    lock: Option<crate::api::FieldLockInfo>,
) -> impl IntoView {
    // Fields another plugin keeps (SpeedGaming) are shown read-only, saying why; the service
    // refuses changes to them anyway.
    let locked = lock.is_some();
    let lock_note = lock.map(|l| {
        view! {
            <p id="match-lock-note" class="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-900/30 dark:text-amber-100">
                {format!(
                    "The title, time, players and stream channel come from {}: {} Change them there.",
                    l.holder, l.reason
                )}
            </p>
        }
    });
    let (org, id) = (m.org_id, m.id);
    let title = RwSignal::new(m.title.clone());
    let at = RwSignal::new(String::new());
    let scheduled = m.scheduled_at;
    // The viewer's zone is known only in the browser: fill the time there.
    Effect::new(move |_| at.set(instant_to_local(scheduled)));
    let comment = RwSignal::new(m.comment.clone());
    let stream = RwSignal::new(
        m.stream_channel
            .as_ref()
            .map(|c| c.id.to_string())
            .unwrap_or_default(),
    );
    let players = RwSignal::new(m.players.iter().map(|p| p.user_id).collect::<Vec<_>>());
    let PageLists {
        members,
        member_query,
        streams,
        ..
    } = lists;
    let local_error = RwSignal::new(None::<Error>);
    let error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| a.update.value().get().and_then(|r| r.err()))
    });
    let saved = Signal::derive(move || matches!(a.update.value().get(), Some(Ok(_))));
    let stream_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "No stream".to_string())];
        if let Some(Ok(list)) = streams.get() {
            options.extend(
                list.into_iter()
                    .map(|c: StreamChannel| (c.id.to_string(), c.name)),
            );
        }
        options
    });
    view! {
        <form id="edit-match-form" class="grid gap-3" on:submit=move |ev| {
            ev.prevent_default();
            local_error.set(None);
            let scheduled_at = match local_to_rfc3339(&at.get_untracked()) {
                Ok(at) => at,
                Err(e) => { local_error.set(Some(e)); return; }
            };
            a.update.dispatch(UpdateMatch {
                org_id: org,
                match_id: id,
                title: title.get_untracked(),
                scheduled_at,
                player_ids: players.get_untracked(),
                stream_channel_id: stream.get_untracked().parse().ok(),
                comment: comment.get_untracked(),
            });
        }>
            {lock_note}
            <fieldset id="match-synced-fields" class="grid gap-3" disabled=locked>
            <TextField label="Title" name="title" value=title error/>
            <TextField label="Time (your time zone)" name="scheduled_at" value=at error input_type="datetime-local" help="Empty makes the match pending."/>
            <fieldset class="grid gap-1">
                <legend class="text-sm font-medium">"Players"</legend>
                <SearchField label="Find a member" name="players-search" query=member_query placeholder=format!("part of a name ({MEMBER_PICKER_SIZE} are listed until you search)")/>
                <Suspense fallback=|| view! { <SkeletonRows rows=2/> }>
                    {move || members.get().map(|result| match result {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) => list.into_iter().map(|p| {
                            let user = p.user_id;
                            view! {
                                <label class="flex items-center gap-2 text-sm">
                                    <input type="checkbox" name="player_ids" value=user.to_string()
                                        prop:checked=move || players.with(|ps| ps.contains(&user))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            players.update(|ps| { ps.retain(|u| *u != user); if on { ps.push(user); } });
                                        }/>
                                    {p.display_name}
                                </label>
                            }
                        }).collect_view().into_any(),
                    })}
                </Suspense>
            </fieldset>
            <Select label="Stream channel" name="stream_channel_id" value=stream options=stream_options/>
            </fieldset>
            <TextArea label="Comment" name="comment" value=comment error rows=2/>
            <FormError error fields=&["title", "scheduled_at", "comment"]/>
            <Show when=move || saved.get()><SuccessNotice message="Saved."/></Show>
            <div><Button button_type="submit" busy=a.update.pending()>"Save match"</Button></div>
        </form>
    }
}

#[component]
pub(super) fn DeleteMatch(org: i64, match_id: i64, a: MatchActions) -> impl IntoView {
    let asked = RwSignal::new(false);
    view! {
        <Card title="Delete match">
            <Show when=move || asked.get() fallback=move || view! {
                <Button kind=ButtonKind::Danger id="delete-match" on_click=Callback::new(move |_| asked.set(true))>"Delete this match"</Button>
            }>
                <p class="text-sm">"Delete the match with its crew, seed and settings? This cannot be undone."</p>
                <div class="mt-2 flex gap-2">
                    <Button kind=ButtonKind::Danger id="confirm-delete" busy=a.delete.pending() on_click=Callback::new(move |_| { a.delete.dispatch(DeleteMatch { org_id: org, match_id }); })>"Yes, delete"</Button>
                    <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| asked.set(false))>"Keep it"</Button>
                </div>
            </Show>
        </Card>
    }
}
