//! One tournament: its players, matches, public feed and settings.

use leptos::prelude::*;
use sdk::{
    page::PageRequest,
    ui::{Button, ButtonKind, Card, ErrorNotice, Pager, SearchField, Select, SkeletonRows},
};

use crate::{
    api::{
        get_tournament, list_matches, list_players, my_rights, AddPlayer, ArchiveTournament,
        CreateMatch, CreateTournament, RemovePlayer, UpdateTournament,
    },
    model::Person,
};

use super::{calendar::*, rows::*, schedule::ScheduleForm, tournaments::*, *};

#[component]
pub(super) fn TournamentPage() -> impl IntoView {
    let org_id = param("org_id");
    let tournament_id = param("tournament_id");
    let actions = RowActions::new();
    let created = ServerAction::<CreateMatch>::new();
    let create = ServerAction::<CreateTournament>::new();
    let update = ServerAction::<UpdateTournament>::new();
    let archive = ServerAction::<ArchiveTournament>::new();
    let add = ServerAction::<AddPlayer>::new();
    let remove = ServerAction::<RemovePlayer>::new();
    let rights = Resource::new(move || org_id.get(), my_rights);
    let (rotate, public_feeds) = tournament_feed_state(move || org_id.get());
    let lists = PageLists::new(org_id);
    let tournament = Resource::new(
        move || {
            (
                org_id.get(),
                tournament_id.get(),
                update.version().get(),
                archive.version().get(),
            )
        },
        |(org, t, _, _)| get_tournament(org, t),
    );
    let players_before = RwSignal::new(None::<i64>);
    let players = Resource::new(
        move || {
            (
                org_id.get(),
                tournament_id.get(),
                add.version().get() + remove.version().get() + created.version().get(),
                players_before.get(),
            )
        },
        |(org, t, _, before)| list_players(org, t, PageRequest::after(before)),
    );
    let before = RwSignal::new(None::<i64>);
    let matches = Resource::new(
        move || {
            (
                org_id.get(),
                tournament_id.get(),
                actions.version() + created.version().get(),
                before.get(),
            )
        },
        |(org, t, _, before)| {
            list_matches(
                org,
                Some(t),
                None,
                None,
                None,
                None,
                false,
                PageRequest::after(before),
            )
        },
    );
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                let org = org_id.get_untracked();
                let tid = tournament_id.get_untracked();
                lists.ready().await;
                match (rights.await, tournament.await) {
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(rights), Ok(t)) => {
                        let archived = t.archived_at.is_some();
                        view! {
                            {header(org, rights, t.name.clone(), "all")}
                            <div class="mt-2">{tournament_badges(&t)}</div>
                            <p class="mt-2 text-sm">{t.description.clone()}</p>
                            <div class="mt-4 grid gap-6 lg:grid-cols-[1fr_22rem]">
                                <section class="space-y-4">
                                    {move || actions.error().map(|error| view! { <ErrorNotice error/> })}
                                    <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
                                        {move || matches.get().map(|result| match result {
                                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                                            Ok(page) => view! {
                                                {upcoming_and_past(page.items, rights, actions)}
                                                <Pager before next=page.next_before_id/>
                                            }.into_any(),
                                        })}
                                    </Transition>
                                </section>
                                <aside class="space-y-4">
                                    {(rights.schedule && !archived).then(|| view! { <ScheduleForm org fixed_tournament=Some(tid) created lists/> })}
                                    <Card title="Players">
                                        <Transition fallback=|| view! { <SkeletonRows rows=3/> }>
                                            {move || players.get().map(|result| match result {
                                                Err(error) => view! { <ErrorNotice error/> }.into_any(),
                                                Ok(page) => { let next = page.next_before_id; view! {
                                                    <ul id="players" class="grid gap-1 text-sm">
                                                        {page.items.into_iter().map(|p| {
                                                            let user = p.user_id;
                                                            view! {
                                                                <li class="flex items-center justify-between gap-2">
                                                                    <span>{p.display_name}</span>
                                                                    {rights.manage_tournament.then(|| view! {
                                                                        <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { remove.dispatch(RemovePlayer { org_id: org, tournament_id: tid, user_id: user }); })>"Remove"</Button>
                                                                    })}
                                                                </li>
                                                            }
                                                        }).collect_view()}
                                                    </ul>
                                                    <Pager before=players_before next/>
                                                }.into_any() }
                                            })}
                                        </Transition>
                                        {rights.manage_tournament.then(|| view! { <AddPerson lists name="player" label="Add player" on_add=Callback::new(move |user_id| { add.dispatch(AddPlayer { org_id: org, tournament_id: tid, user_id }); })/> })}
                                        {move || add.value().get().and_then(|r| r.err()).or_else(|| remove.value().get().and_then(|r| r.err())).map(|error| view! { <ErrorNotice error/> })}
                                    </Card>
                                    {t.public_feed.then(|| view! { <TournamentFeed org tournament_id=tid manage=rights.manage_tournament rotate feeds=public_feeds/> })}
                                    {rights.manage_tournament.then(|| view! {
                                        <Card title="Settings">
                                            <TournamentForm org existing=Some(t.clone()) create update/>
                                            <div class="mt-4">
                                                <Button kind=ButtonKind::Secondary busy=archive.pending() on_click=Callback::new(move |_| { archive.dispatch(ArchiveTournament { org_id: org, tournament_id: tid, archived: !archived }); })>
                                                    {if archived { "Unarchive" } else { "Archive" }}
                                                </Button>
                                            </div>
                                        </Card>
                                    })}
                                </aside>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// A member picker (for managers): find and choose someone, and press the button. `name` keeps
/// the fields' ids apart when a page has more than one picker.
#[component]
pub(super) fn AddPerson(
    lists: PageLists,
    name: &'static str,
    #[prop(into)] label: String,
    on_add: Callback<i64>,
) -> impl IntoView {
    let members = lists.members;
    let chosen = RwSignal::new(String::new());
    let options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Choose a member…".to_string())];
        if let Some(Ok(list)) = members.get() {
            options.extend(
                list.into_iter()
                    .map(|p: Person| (p.user_id.to_string(), p.display_name)),
            );
        }
        options
    });
    let button = label.clone();
    view! {
        <form class="mt-3 flex flex-wrap items-end gap-2" on:submit=move |ev| {
            ev.prevent_default();
            if let Ok(user) = chosen.get_untracked().parse::<i64>() {
                on_add.run(user);
            }
        }>
            <SearchField label="Find a member" name=format!("{name}-search") query=lists.member_query placeholder=format!("part of a name ({MEMBER_PICKER_SIZE} are listed until you search)")/>
            <div class="grow"><Select label name="user_id" value=chosen options/></div>
            <Button button_type="submit" kind=ButtonKind::Secondary>{button}</Button>
        </form>
    }
}
