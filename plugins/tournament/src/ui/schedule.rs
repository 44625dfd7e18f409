//! The schedule: filters, upcoming and past matches, the public feeds, and scheduling a match.

use leptos::prelude::*;
use sdk::{
    page::PageRequest,
    ui::{
        Button, Card, Checkbox, ErrorNotice, FormError, Pager, SearchField, Select, SkeletonRows,
        SuccessNotice, TextArea, TextField,
    },
    Error,
};

use crate::{
    api::{list_matches, my_rights, CreateMatch},
    model::MatchStatus,
};

use super::{calendar::*, rows::*, *};

#[component]
pub(super) fn SchedulePage() -> impl IntoView {
    let org_id = param("org_id");
    let actions = RowActions::new();
    let created = ServerAction::<CreateMatch>::new();
    let tournament = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let stream = RwSignal::new(String::new());
    let mine = RwSignal::new(false);
    let rights = Resource::new(move || org_id.get(), my_rights);
    let feeds = schedule_feed_state(move || org_id.get());
    let lists = PageLists::new(org_id);
    let PageLists {
        tournaments,
        streams,
        ..
    } = lists;
    let before = RwSignal::new(None::<i64>);
    let matches = Resource::new(
        move || {
            (
                org_id.get(),
                tournament.get(),
                status.get(),
                stream.get(),
                mine.get(),
                actions.version() + created.version().get(),
                before.get(),
            )
        },
        |(org, tournament, status, stream, mine, _, before)| {
            list_matches(
                org,
                tournament.parse().ok(),
                None,
                None,
                Some(status).filter(|s| !s.is_empty()),
                stream.parse().ok(),
                mine,
                PageRequest::after(before),
            )
        },
    );
    let tournament_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "All tournaments".to_string())];
        if let Some(Ok(list)) = tournaments.get() {
            options.extend(list.into_iter().map(|t| (t.id.to_string(), t.name)));
        }
        options
    });
    let status_options = Signal::derive(|| {
        let mut options = vec![(String::new(), "Any status".to_string())];
        options.extend(
            MatchStatus::ALL
                .into_iter()
                .map(|s| (s.key().to_string(), s.label().to_string())),
        );
        options
    });
    let stream_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Any stream".to_string())];
        if let Some(Ok(list)) = streams.get() {
            options.extend(list.into_iter().map(|c| (c.id.to_string(), c.name)));
        }
        options
    });
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                let org = org_id.get_untracked();
                lists.ready().await;
                match rights.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(rights) => view! {
                        {header(org, rights, "Schedule".into(), "")}
                        <div class="mt-4 grid gap-6 lg:grid-cols-[1fr_22rem]">
                            <div class="space-y-4">
                                <form id="schedule-filters" class="grid gap-3 sm:grid-cols-4" on:submit=|ev| ev.prevent_default()>
                                    <Select label="Tournament" name="tournament" value=tournament options=tournament_options/>
                                    <Select label="Status" name="status" value=status options=status_options/>
                                    <Select label="Stream" name="stream" value=stream options=stream_options/>
                                    <div class="self-end"><Checkbox label="Only my matches" name="mine" checked=mine/></div>
                                </form>
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
                            </div>
                            <aside class="space-y-4">
                                {rights.schedule.then(|| view! { <ScheduleForm org fixed_tournament=None created lists/> })}
                                <ScheduleFeeds feeds/>
                            </aside>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A manager schedules a match (in a chosen tournament, or the page's).
#[component]
pub(super) fn ScheduleForm(
    org: i64,
    fixed_tournament: Option<i64>,
    created: ServerAction<CreateMatch>,
    lists: PageLists,
) -> impl IntoView {
    let PageLists {
        members,
        member_query,
        tournaments,
        streams,
    } = lists;
    let tournament = RwSignal::new(fixed_tournament.map(|t| t.to_string()).unwrap_or_default());
    let title = RwSignal::new(String::new());
    let at = RwSignal::new(String::new());
    let stream = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let players = RwSignal::new(Vec::<i64>::new());
    let local_error = RwSignal::new(None::<Error>);
    let error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| created.value().get().and_then(|r| r.err()))
    });
    let done = Signal::derive(move || matches!(created.value().get(), Some(Ok(_))));
    Effect::new(move |_| {
        if let Some(Ok(_)) = created.value().get() {
            players.set(Vec::new());
            title.set(String::new());
        }
    });
    let tournament_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Choose…".to_string())];
        if let Some(Ok(list)) = tournaments.get() {
            options.extend(list.into_iter().map(|t| (t.id.to_string(), t.name)));
        }
        options
    });
    let stream_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "No stream".to_string())];
        if let Some(Ok(list)) = streams.get() {
            options.extend(
                list.into_iter()
                    .filter(|c| c.is_active)
                    .map(|c| (c.id.to_string(), c.name)),
            );
        }
        options
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let Ok(tournament_id) = tournament.get_untracked().parse::<i64>() else {
            local_error.set(Some(Error::invalid(
                "tournament_id",
                "Choose the tournament.",
            )));
            return;
        };
        let scheduled_at = match local_to_rfc3339(&at.get_untracked()) {
            Ok(at) => at,
            Err(e) => {
                local_error.set(Some(e));
                return;
            }
        };
        created.dispatch(CreateMatch {
            org_id: org,
            tournament_id,
            title: title.get_untracked(),
            scheduled_at,
            player_ids: players.get_untracked(),
            stream_channel_id: stream.get_untracked().parse().ok(),
            comment: comment.get_untracked(),
        });
    };
    view! {
        <Card title="Schedule a match">
            <form id="schedule-form" class="grid gap-3" on:submit=submit>
                {fixed_tournament.is_none().then(|| view! { <Select label="Tournament" name="tournament_id" value=tournament options=tournament_options/> })}
                <TextField label="Title" name="title" value=title error help="Optional, e.g. Quarterfinal 2."/>
                <TextField label="Time (your time zone)" name="scheduled_at" value=at error input_type="datetime-local" help="Leave empty to keep it pending."/>
                <fieldset class="grid gap-1">
                    <legend class="text-sm font-medium">"Players (two or more)"</legend>
                    <SearchField label="Find a member" name="players-search" query=member_query placeholder=format!("part of a name ({MEMBER_PICKER_SIZE} are listed until you search)")/>
                    <Suspense fallback=|| view! { <SkeletonRows rows=2/> }>
                        {move || members.get().map(|result| match result {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(list) => view! {
                                <div class="max-h-48 overflow-y-auto rounded border border-slate-200 p-2 dark:border-slate-700">
                                    {list.into_iter().map(|p| {
                                        let user = p.user_id;
                                        view! {
                                            <label class="flex items-center gap-2 text-sm">
                                                <input type="checkbox" name="player_ids" value=user.to_string()
                                                    prop:checked=move || players.with(|ps| ps.contains(&user))
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        players.update(|ps| {
                                                            ps.retain(|u| *u != user);
                                                            if on { ps.push(user); }
                                                        });
                                                    }/>
                                                {p.display_name}
                                            </label>
                                        }
                                    }).collect_view()}
                                </div>
                            }.into_any(),
                        })}
                    </Suspense>
                </fieldset>
                <Select label="Stream channel" name="stream_channel_id" value=stream options=stream_options/>
                <TextArea label="Comment" name="comment" value=comment error rows=2/>
                <FormError error fields=&["tournament_id", "title", "scheduled_at", "comment"]/>
                <Show when=move || done.get()><SuccessNotice message="Match scheduled."/></Show>
                <div><Button button_type="submit" busy=created.pending() id="schedule-submit">"Schedule match"</Button></div>
            </form>
        </Card>
    }
}
