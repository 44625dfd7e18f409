//! The pages under `/org/{org_id}/tournaments`: the schedule (filters, upcoming and past matches
//! in the viewer's time zone with a relative countdown, crew badges, one-click crew sign-up,
//! managers' inline steps, scheduling), My matches (with the private calendar link), the
//! tournament list, a tournament (players, its matches, settings), one match (status steps,
//! stations, result, crew approval, seed, settings submissions, edit, delete) and the stream
//! channels. Every page creates its resources and actions at its top; lists refetch when an
//! action's version changes. Times are the server's; the browser only shows them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::{Outlet, ParentRoute, Route},
    hooks::{use_navigate, use_params_map},
    ParamSegment, StaticSegment,
};
use sdk::{
    page::PageRequest,
    ui::{
        time::{viewer_zone, LocalTime},
        Badge, Button, ButtonKind, Card, Checkbox, EmptyState, ErrorNotice, FormError, PageHeader,
        Pager, SchemaForm, Select, SkeletonRows, SuccessNotice, Tabs, TextArea, TextField, Tone,
        TABLE, TD, TH,
    },
    Error,
};
use serde_json::Value;

use crate::{
    api::{
        get_match, get_tournament, list_match_settings, list_matches, list_members, list_players,
        list_stream_channels, list_tournaments, match_settings_form, my_rights, AddCrew, AddPlayer,
        AdvanceMatch, ApproveCrew, ArchiveTournament, CreateMatch, CreateStreamChannel,
        CreateTournament, CrewSignup, CrewWithdraw, DeleteMatch, Register, RemovePlayer,
        RevertMatch, SetMatchResult, SetMatchSeed, SubmitMatchSettings, UpdateMatch,
        UpdateStreamChannel, UpdateTournament,
    },
    model::{
        CrewRole, Match, MatchStatus, Person, RankInput, Rights, StationInput, StreamChannel,
        Tournament,
    },
};

mod calendar;
use calendar::{
    my_feed_state, schedule_feed_state, tournament_feed_state, MyFeed, ScheduleFeeds,
    TournamentFeed,
};

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment("") view=Outlet>
            <Route path=StaticSegment("") view=SchedulePage/>
            <Route path=StaticSegment("mine") view=MyMatchesPage/>
            <Route path=StaticSegment("all") view=TournamentsPage/>
            <Route path=StaticSegment("new") view=NewTournamentPage/>
            <Route path=StaticSegment("streams") view=StreamsPage/>
            <Route path=(StaticSegment("t"), ParamSegment("tournament_id")) view=TournamentPage/>
            <Route path=(StaticSegment("match"), ParamSegment("match_id")) view=MatchPage/>
        </ParentRoute>
    }
    .into_inner()
}

fn param(name: &'static str) -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|p| p.get(name).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
    })
}

const LINK: &str = "text-indigo-600 hover:underline dark:text-indigo-400";
const PRIMARY_LINK: &str = "inline-flex items-center rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500";
const MUTED: &str = "text-xs text-slate-500 dark:text-slate-400";

fn base(org: i64) -> String {
    format!("/org/{org}/tournaments")
}

/// An RFC 3339 instant from the API in the viewer's zone with a relative hint, or `none`.
fn when(text: &Option<String>, none: &'static str) -> AnyView {
    match text
        .as_deref()
        .and_then(|t| sdk::time::parse_rfc3339(t).ok())
    {
        Some(epoch_ms) => view! { <LocalTime epoch_ms relative=true/> }.into_any(),
        None => none.into_any(),
    }
}

/// A `datetime-local` value (the viewer's zone) as the RFC 3339 UTC text the API takes.
fn local_to_rfc3339(value: &str) -> Result<Option<String>, Error> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    sdk::time::local_input_to_utc(value, viewer_zone().as_deref())
        .map(|ms| Some(sdk::time::rfc3339_utc(ms)))
        .map_err(|message| Error::invalid("scheduled_at", message))
}

/// An RFC 3339 instant as a `datetime-local` value in the viewer's zone.
fn rfc3339_to_local(text: &Option<String>) -> String {
    text.as_deref()
        .and_then(|t| sdk::time::parse_rfc3339(t).ok())
        .map(|ms| {
            let offset = sdk::time::zone_offset(viewer_zone().as_deref(), ms).unwrap_or(0);
            sdk::time::to_local_input(ms, offset)
        })
        .unwrap_or_default()
}

fn status_badge(status: MatchStatus) -> impl IntoView {
    let tone = match status {
        MatchStatus::Pending => Tone::Neutral,
        MatchStatus::Scheduled => Tone::Accent,
        MatchStatus::CheckedIn | MatchStatus::InProgress => Tone::Warning,
        MatchStatus::Finished | MatchStatus::Recorded => Tone::Good,
    };
    view! { <Badge tone>{status.label()}</Badge> }
}

fn match_name(m: &Match) -> String {
    let players = m
        .players
        .iter()
        .map(|p| p.display_name.as_str())
        .collect::<Vec<_>>()
        .join(" vs ");
    if m.title.is_empty() {
        players
    } else {
        format!("{} — {players}", m.title)
    }
}

/// The page title and the tabs the caller may use.
fn header(org: i64, rights: Rights, title: String, current: &str) -> impl IntoView {
    let root = base(org);
    let mut tabs = vec![
        (root.clone(), "Schedule".to_string()),
        (format!("{root}/mine"), "My matches".to_string()),
        (format!("{root}/all"), "Tournaments".to_string()),
    ];
    if rights.manage_streams {
        tabs.push((format!("{root}/streams"), "Stream channels".to_string()));
    }
    let current = if current.is_empty() {
        root
    } else {
        format!("{root}/{current}")
    };
    view! {
        <Title text=title.clone()/>
        <PageHeader title=title/>
        <Tabs tabs current/>
    }
}

fn action_error<T>(action: ServerAction<T>) -> Option<Error>
where
    T: leptos::server_fn::ServerFn<Output = Match, Error = Error> + Clone + Send + Sync + 'static,
{
    action.value().get().and_then(|r| r.err())
}

// ---------------------------------------------------------------------------------------------
// The row every match list shows

/// What a row of the schedule can do, shared by every row of a page.
#[derive(Clone, Copy)]
struct RowActions {
    signup: ServerAction<CrewSignup>,
    withdraw: ServerAction<CrewWithdraw>,
    advance: ServerAction<AdvanceMatch>,
    revert: ServerAction<RevertMatch>,
}

impl RowActions {
    fn new() -> Self {
        Self {
            signup: ServerAction::new(),
            withdraw: ServerAction::new(),
            advance: ServerAction::new(),
            revert: ServerAction::new(),
        }
    }

    /// Changes whenever one of the actions finished (lists refetch on it).
    fn version(&self) -> usize {
        self.signup.version().get()
            + self.withdraw.version().get()
            + self.advance.version().get()
            + self.revert.version().get()
    }

    fn error(&self) -> Option<Error> {
        action_error(self.advance)
            .or_else(|| action_error(self.revert))
            .or_else(|| action_error(self.signup))
            .or_else(|| action_error(self.withdraw))
    }
}

/// The page a picker inside a form reads: the first, of the maximum size.
fn picker_page() -> PageRequest {
    PageRequest {
        limit: Some(sdk::page::MAX_LIMIT),
        before_id: None,
    }
}

/// The lists forms pick from, created once at the top of a page (resources created inside a
/// suspended view would be created again when it re-renders, with new form state).
#[derive(Clone, Copy)]
struct PageLists {
    members: Resource<Result<Vec<Person>, Error>>,
    tournaments: Resource<Result<Vec<Tournament>, Error>>,
    streams: Resource<Result<Vec<StreamChannel>, Error>>,
}

impl PageLists {
    fn new(org_id: Memo<i64>) -> Self {
        Self {
            members: Resource::new(move || org_id.get(), list_members),
            // A picker: the first page of the maximum size (200) is enough to choose from.
            tournaments: Resource::new(
                move || org_id.get(),
                |org| async move {
                    list_tournaments(org, false, picker_page())
                        .await
                        .map(|page| page.items)
                },
            ),
            // A picker too: the first page of the maximum size.
            streams: Resource::new(
                move || org_id.get(),
                |org| async move {
                    list_stream_channels(org, picker_page())
                        .await
                        .map(|page| page.items)
                },
            ),
        }
    }

    /// Waits for the pickers' lists. A page awaits this in its Suspense before rendering a form
    /// that shows them: read unawaited, the server may render before a list arrives and the
    /// browser after, and the two pages would not hydrate.
    async fn ready(self) {
        let _ = (
            self.members.await,
            self.tournaments.await,
            self.streams.await,
        );
    }
}

#[component]
fn MatchRow(m: Match, rights: Rights, actions: RowActions) -> impl IntoView {
    let org = m.org_id;
    let id = m.id;
    let me = rights.user_id;
    let plays = m.players.iter().any(|p| p.user_id == me);
    let over = m.status.is_over();
    let from = m.status.key().to_string();
    let crew_view = m
        .crew
        .iter()
        .map(|c| {
            let tone = if c.approved {
                Tone::Good
            } else {
                Tone::Neutral
            };
            let text = format!(
                "{}: {}{}",
                c.role.label(),
                c.display_name,
                if c.approved { "" } else { " (pending)" }
            );
            view! { <Badge tone>{text}</Badge> }
        })
        .collect_view();
    let trackers_wanted = m.trackers_wanted;
    let signup_buttons = (rights.crew_signup && !plays && !over).then(|| {
        CrewRole::ALL
            .into_iter()
            .filter_map(|role| {
                let mine = m.crew.iter().any(|c| c.user_id == me && c.role == role);
                // A tracker sign-up is offered only where the tournament uses trackers; someone
                // already signed up can still withdraw.
                if !role.taken_by(trackers_wanted) && !mine {
                    return None;
                }
                let verb = match role {
                    CrewRole::Commentator => "Commentate",
                    CrewRole::Tracker => "Track",
                    CrewRole::Restreamer => "Restream",
                };
                Some(if mine {
                    view! {
                        <Button kind=ButtonKind::Secondary id=format!("withdraw-{}-{id}", role.key())
                            on_click=Callback::new(move |_| { actions.withdraw.dispatch(CrewWithdraw { org_id: org, match_id: id, role: role.key().into() }); })>
                            {format!("Withdraw as {}", role.label().to_lowercase())}
                        </Button>
                    }
                    .into_any()
                } else {
                    view! {
                        <Button kind=ButtonKind::Secondary id=format!("signup-{}-{id}", role.key())
                            on_click=Callback::new(move |_| { actions.signup.dispatch(CrewSignup { org_id: org, match_id: id, role: role.key().into() }); })>
                            {verb}
                        </Button>
                    }
                    .into_any()
                })
            })
            .collect_view()
    });
    let steps = rights.advance.then(|| {
        let (f1, f2) = (from.clone(), from.clone());
        let onsite_check_in = m.onsite && m.status == MatchStatus::Scheduled;
        view! {
            {(m.status.next().is_some() && m.status != MatchStatus::Pending && !onsite_check_in).then(|| view! {
                <Button id=format!("advance-{id}") on_click=Callback::new(move |_| { actions.advance.dispatch(AdvanceMatch { org_id: org, match_id: id, stations: Vec::new(), from: Some(f1.clone()) }); })>
                    {m.status.next().map(|s| format!("→ {}", s.label())).unwrap_or_default()}
                </Button>
            })}
            {m.status.previous().is_some().then(|| view! {
                <Button kind=ButtonKind::Secondary id=format!("revert-{id}") on_click=Callback::new(move |_| { actions.revert.dispatch(RevertMatch { org_id: org, match_id: id, from: Some(f2.clone()) }); })>
                    {m.status.previous().map(|s| format!("← {}", s.label())).unwrap_or_default()}
                </Button>
            })}
        }
    });
    let stream = m.stream_channel.clone().map(|c| {
        view! { <a class=LINK href=c.stream_url.clone() target="_blank" rel="noopener">{c.name.clone()}</a> }
    });
    view! {
        <li id=format!("match-{id}") class="flex flex-col gap-2 rounded-lg border border-slate-200 p-3 dark:border-slate-700 sm:flex-row sm:items-start sm:justify-between">
            <div class="min-w-0 space-y-1">
                <div class="text-sm font-semibold tabular-nums">{when(&m.scheduled_at, "Not scheduled yet")}</div>
                <a class=format!("{LINK} font-medium") href=format!("{}/match/{id}", base(org))>{match_name(&m)}</a>
                <div class=MUTED>{m.tournament_name.clone()} {stream.map(|s| view! { " · " {s} })}</div>
                <div class="flex flex-wrap gap-1">{status_badge(m.status)} {crew_view}</div>
            </div>
            <div class="flex flex-wrap gap-2">{signup_buttons} {steps}</div>
        </li>
    }
}

fn match_list(
    list: Vec<Match>,
    rights: Rights,
    actions: RowActions,
    empty: &'static str,
) -> AnyView {
    if list.is_empty() {
        return view! { <p class=MUTED>{empty}</p> }.into_any();
    }
    view! {
        <ul class="grid gap-2">
            {list.into_iter().map(|m| view! { <MatchRow m rights actions/> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Upcoming (not over) and past matches, as two sections.
fn upcoming_and_past(list: Vec<Match>, rights: Rights, actions: RowActions) -> impl IntoView {
    let (mut upcoming, mut past): (Vec<Match>, Vec<Match>) =
        list.into_iter().partition(|m| !m.status.is_over());
    past.reverse();
    upcoming.sort_by_key(|m| m.scheduled_at.is_none());
    view! {
        <section id="upcoming" class="space-y-2">
            <h2 class="text-base font-semibold">"Upcoming"</h2>
            {match_list(upcoming, rights, actions, "No upcoming matches.")}
        </section>
        <section id="past" class="space-y-2">
            <h2 class="text-base font-semibold">"Past"</h2>
            {match_list(past, rights, actions, "No past matches yet.")}
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Schedule

#[component]
fn SchedulePage() -> impl IntoView {
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
fn ScheduleForm(
    org: i64,
    fixed_tournament: Option<i64>,
    created: ServerAction<CreateMatch>,
    lists: PageLists,
) -> impl IntoView {
    let PageLists {
        members,
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

// ---------------------------------------------------------------------------------------------
// My matches

#[component]
fn MyMatchesPage() -> impl IntoView {
    let org_id = param("org_id");
    let actions = RowActions::new();
    let rights = Resource::new(move || org_id.get(), my_rights);
    let (reset, feeds) = my_feed_state(move || org_id.get());
    let before = RwSignal::new(None::<i64>);
    let matches = Resource::new(
        move || (org_id.get(), actions.version(), before.get()),
        |(org, _, before)| {
            list_matches(
                org,
                None,
                None,
                None,
                None,
                None,
                true,
                PageRequest::after(before),
            )
        },
    );
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                let org = org_id.get_untracked();
                match rights.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(rights) => view! {
                        {header(org, rights, "My matches".into(), "mine")}
                        <div class="mt-4 grid gap-6 lg:grid-cols-[1fr_22rem]">
                            <div class="space-y-4" id="my-matches">
                                {move || actions.error().map(|error| view! { <ErrorNotice error/> })}
                                <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
                                    {move || matches.get().map(|result| match result {
                                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                                        Ok(page) if page.items.is_empty() => view! {
                                            <EmptyState title="No matches for you yet" detail="Matches you play in or crew appear here."/>
                                        }.into_any(),
                                        Ok(page) => view! {
                                            {upcoming_and_past(page.items, rights, actions)}
                                            <Pager before next=page.next_before_id/>
                                        }.into_any(),
                                    })}
                                </Transition>
                            </div>
                            <aside>
                                <MyFeed org reset feeds/>
                            </aside>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

// ---------------------------------------------------------------------------------------------
// Tournaments

#[component]
fn TournamentsPage() -> impl IntoView {
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

fn tournament_badges(t: &Tournament) -> impl IntoView {
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
fn NewTournamentPage() -> impl IntoView {
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
fn TournamentForm(
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

#[component]
fn TournamentPage() -> impl IntoView {
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
                                        {rights.manage_tournament.then(|| view! { <AddPerson members=lists.members label="Add player" on_add=Callback::new(move |user_id| { add.dispatch(AddPlayer { org_id: org, tournament_id: tid, user_id }); })/> })}
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

/// A member picker (for managers): choose someone and press the button.
#[component]
fn AddPerson(
    members: Resource<Result<Vec<Person>, Error>>,
    #[prop(into)] label: String,
    on_add: Callback<i64>,
) -> impl IntoView {
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
        <form class="mt-3 flex items-end gap-2" on:submit=move |ev| {
            ev.prevent_default();
            if let Ok(user) = chosen.get_untracked().parse::<i64>() {
                on_add.run(user);
            }
        }>
            <div class="grow"><Select label name="user_id" value=chosen options/></div>
            <Button button_type="submit" kind=ButtonKind::Secondary>{button}</Button>
        </form>
    }
}

// ---------------------------------------------------------------------------------------------
// One match

#[derive(Clone, Copy)]
struct MatchActions {
    rows: RowActions,
    result: ServerAction<SetMatchResult>,
    seed: ServerAction<SetMatchSeed>,
    approve: ServerAction<ApproveCrew>,
    add_crew: ServerAction<AddCrew>,
    settings: ServerAction<SubmitMatchSettings>,
    update: ServerAction<UpdateMatch>,
    delete: ServerAction<DeleteMatch>,
}

impl MatchActions {
    fn version(&self) -> usize {
        self.rows.version()
            + self.result.version().get()
            + self.seed.version().get()
            + self.approve.version().get()
            + self.add_crew.version().get()
            + self.settings.version().get()
            + self.update.version().get()
    }
}

#[component]
fn MatchPage() -> impl IntoView {
    let org_id = param("org_id");
    let match_id = param("match_id");
    let a = MatchActions {
        rows: RowActions::new(),
        result: ServerAction::new(),
        seed: ServerAction::new(),
        approve: ServerAction::new(),
        add_crew: ServerAction::new(),
        settings: ServerAction::new(),
        update: ServerAction::new(),
        delete: ServerAction::new(),
    };
    let rights = Resource::new(move || org_id.get(), my_rights);
    let lists = PageLists::new(org_id);
    let data = Resource::new(
        move || (org_id.get(), match_id.get(), a.version()),
        |(org, id, _)| get_match(org, id),
    );
    // One server function per resource: during server rendering, a second call after an await
    // would run without the request's context.
    let form = Resource::new(
        move || (org_id.get(), match_id.get()),
        |(org, id)| match_settings_form(org, id),
    );
    let submissions = Resource::new(
        move || (org_id.get(), match_id.get(), a.settings.version().get()),
        |(org, id, _)| list_match_settings(org, id),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = a.delete.value().get() {
            navigate(&base(org_id.get_untracked()), Default::default());
        }
    });
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=8/> }>
            {move || Suspend::new(async move {
                let org = org_id.get_untracked();
                lists.ready().await;
                match (rights.await, data.await, form.await) {
                    (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(rights), Ok(m), Ok(schema)) => view! {
                        {header(org, rights, match_name(&m), "")}
                        <MatchDetails m=m.clone() schema rights a submissions lists/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MatchDetails(
    m: Match,
    schema: Option<Value>,
    rights: Rights,
    a: MatchActions,
    submissions: Resource<Result<Vec<crate::model::SettingsSubmission>, Error>>,
    lists: PageLists,
) -> impl IntoView {
    let org = m.org_id;
    let id = m.id;
    let me = rights.user_id;
    let plays = m.players.iter().any(|p| p.user_id == me);
    let timeline = [
        ("Scheduled", m.scheduled_at.clone()),
        ("Checked in", m.checked_in_at.clone()),
        ("Started", m.started_at.clone()),
        ("Finished", m.finished_at.clone()),
        ("Recorded", m.confirmed_at.clone()),
    ]
    .into_iter()
    .map(|(label, at)| view! { <dt class=MUTED>{label}</dt><dd class="text-sm">{when(&at, "—")}</dd> })
    .collect_view();
    let holds = m
        .holds
        .iter()
        .map(|h| {
            let (holder, reason) = (h.holder.clone(), h.reason.clone());
            view! { <p class="text-sm" role="status"><Badge tone=Tone::Warning>{holder}</Badge>" "{reason}</p> }
        })
        .collect_view();
    let error = move || {
        a.rows
            .error()
            .or_else(|| a.result.value().get().and_then(|r| r.err()))
            .or_else(|| a.approve.value().get().and_then(|r| r.err()))
            .or_else(|| a.add_crew.value().get().and_then(|r| r.err()))
            .or_else(|| a.delete.value().get().and_then(|r| r.err()))
    };
    let status = m.status;
    let tournament_name = m.tournament_name.clone();
    let stream = m.stream_channel.clone().map(|c| view! { <p class="mt-2 text-sm">"Stream: "<a class=LINK href=c.stream_url.clone()>{c.name.clone()}</a></p> });
    let comment = (!m.comment.is_empty()).then(|| {
        let comment = m.comment.clone();
        view! { <p class="mt-2 whitespace-pre-line text-sm">{comment}</p> }
    });
    let steps = rights
        .advance
        .then(|| view! { <StepControls m=m.clone() a/> });
    let status_card = view! {
        <Card title="Status">
            <div class="flex flex-wrap items-center gap-2">{status_badge(status)} <span class=MUTED>{tournament_name}</span></div>
            {holds}
            <dl class="mt-3 grid grid-cols-[8rem_1fr] gap-1">{timeline}</dl>
            {stream}
            {comment}
            {move || error().map(|error| view! { <ErrorNotice error/> })}
            {steps}
        </Card>
    };
    let player_rows = m
        .players
        .iter()
        .map(|p| {
            let rank = p
                .finish_rank
                .map(|r| view! { <span class="font-semibold">{format!("#{r} ")}</span> });
            let station = p
                .station
                .clone()
                .map(|s| view! { <span class=MUTED>{format!(" · station {s}")}</span> });
            let name = p.display_name.clone();
            view! { <li>{rank}{name}{station}</li> }
        })
        .collect_view();
    let result = (rights.advance
        && matches!(m.status, MatchStatus::InProgress | MatchStatus::Finished))
    .then(|| view! { <ResultForm m=m.clone() a/> });
    let players_card = view! {
        <Card title="Players">
            <ul class="grid gap-1 text-sm" id="match-players">{player_rows}</ul>
            {result}
        </Card>
    };
    let crew = view! { <CrewList m=m.clone() rights a plays members=lists.members/> };
    let crew_card = view! { <Card title="Crew">{crew}</Card> };
    let seed_view = match m.seed.clone() {
        Some(seed) => view! {
            <p class="text-sm"><a id="seed-link" class=LINK href=seed.url.clone() target="_blank" rel="noopener">{seed.url.clone()}</a></p>
            <p class=MUTED>{seed.description.clone()}</p>
        }
        .into_any(),
        None => view! { <p class=MUTED>"No seed yet."</p> }.into_any(),
    };
    let seed_form = rights
        .update_match
        .then(|| view! { <SeedForm m=m.clone() a/> });
    let seed_card = view! { <Card title="Seed">{seed_view}{seed_form}</Card> };
    let settings_card = m.has_settings_form.then(|| {
        let form = (plays && rights.crew_signup).then(|| {
            let schema = schema.clone().unwrap_or(Value::Null);
            view! { <SettingsForm org match_id=id schema a/> }
        });
        let list = view! {
            <Transition fallback=|| view! { <SkeletonRows rows=2/> }>
                {move || submissions.get().map(|result| match result {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class=MUTED>"No settings submitted yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class=TABLE id="settings-submissions">
                            <thead><tr><th class=TH>"Game"</th><th class=TH>"Player"</th><th class=TH>"Settings"</th><th class=TH>"Notes"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|s| view! {
                                    <tr>
                                        <td class=TD>{s.game_number}</td>
                                        <td class=TD>{s.display_name}</td>
                                        <td class=TD><code class="text-xs">{s.settings.to_string()}</code></td>
                                        <td class=TD>{s.notes}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        };
        view! { <Card title="Settings">{form}{list}</Card> }
    });
    let edit_card = rights.update_match.then(|| {
        let form = view! { <EditMatchForm m=m.clone() a lists/> };
        view! { <Card title="Edit match">{form}</Card> }
    });
    let delete_card = rights
        .delete_match
        .then(|| view! { <DeleteMatch org match_id=id a/> });
    view! {
        <div class="mt-4 grid gap-6 lg:grid-cols-2">
            {status_card}
            {players_card}
            {crew_card}
            {seed_card}
            {settings_card}
            {edit_card}
            {delete_card}
        </div>
    }
}

/// Advance / revert, with station inputs for checking in an onsite match.
#[component]
fn StepControls(m: Match, a: MatchActions) -> impl IntoView {
    let (org, id) = (m.org_id, m.id);
    let from = m.status.key().to_string();
    let needs_stations = m.onsite && m.status == MatchStatus::Scheduled;
    let stations: Vec<(i64, String, RwSignal<String>)> = m
        .players
        .iter()
        .map(|p| {
            (
                p.user_id,
                p.display_name.clone(),
                RwSignal::new(String::new()),
            )
        })
        .collect();
    let inputs = needs_stations.then(|| {
        stations
            .iter()
            .map(|(user, name, value)| view! { <TextField label=format!("Station of {name}") name=format!("station-{user}") value=*value/> })
            .collect_view()
    });
    let (f1, f2) = (from.clone(), from);
    let advance = move |_| {
        let stations = stations
            .iter()
            .filter(|_| needs_stations)
            .map(|(user, _, value)| StationInput {
                user_id: *user,
                station: value.get_untracked(),
            })
            .collect();
        a.rows.advance.dispatch(AdvanceMatch {
            org_id: org,
            match_id: id,
            stations,
            from: Some(f1.clone()),
        });
    };
    view! {
        <div class="mt-4 grid gap-2">
            {inputs}
            <div class="flex flex-wrap gap-2">
                {m.status.next().filter(|_| m.status != MatchStatus::Pending).map(|next| view! {
                    <Button id="advance" busy=a.rows.advance.pending() on_click=Callback::new(advance)>{format!("Advance to {}", next.label())}</Button>
                })}
                {m.status.previous().map(|previous| view! {
                    <Button id="revert" kind=ButtonKind::Secondary busy=a.rows.revert.pending()
                        on_click=Callback::new(move |_| { a.rows.revert.dispatch(RevertMatch { org_id: org, match_id: id, from: Some(f2.clone()) }); })>
                        {format!("Back to {}", previous.label())}
                    </Button>
                })}
            </div>
        </div>
    }
}

/// Finish ranks, one per player (1 = winner; equal ranks are ties).
#[component]
fn ResultForm(m: Match, a: MatchActions) -> impl IntoView {
    let (org, id) = (m.org_id, m.id);
    let ranks: Vec<(i64, String, RwSignal<String>)> = m
        .players
        .iter()
        .map(|p| {
            (
                p.user_id,
                p.display_name.clone(),
                RwSignal::new(p.finish_rank.map(|r| r.to_string()).unwrap_or_default()),
            )
        })
        .collect();
    let local_error = RwSignal::new(None::<Error>);
    let error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| a.result.value().get().and_then(|r| r.err()))
    });
    let inputs = ranks
        .iter()
        .map(|(user, name, value)| view! { <TextField label=format!("Rank of {name}") name=format!("rank-{user}") value=*value input_type="number"/> })
        .collect_view();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let mut given = Vec::new();
        for (user, name, value) in &ranks {
            match value.get_untracked().trim().parse::<i64>() {
                Ok(rank) => given.push(RankInput {
                    user_id: *user,
                    rank,
                }),
                Err(_) => {
                    local_error.set(Some(Error::invalid(
                        "ranks",
                        format!("Enter a rank for {name} (1 = winner)."),
                    )));
                    return;
                }
            }
        }
        a.result.dispatch(SetMatchResult {
            org_id: org,
            match_id: id,
            ranks: given,
        });
    };
    view! {
        <form id="result-form" class="mt-4 grid gap-2" on:submit=submit>
            {inputs}
            <FormError error fields=&[]/>
            <div><Button button_type="submit" busy=a.result.pending()>"Record result"</Button></div>
        </form>
    }
}

#[component]
fn CrewList(
    m: Match,
    rights: Rights,
    a: MatchActions,
    plays: bool,
    members: Resource<Result<Vec<Person>, Error>>,
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
            <AddPerson members label="Add as crew (approved)" on_add=Callback::new(move |user_id| {
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
fn SeedForm(m: Match, a: MatchActions) -> impl IntoView {
    let (org, id) = (m.org_id, m.id);
    let url = RwSignal::new(m.seed.as_ref().map(|s| s.url.clone()).unwrap_or_default());
    let description = RwSignal::new(
        m.seed
            .as_ref()
            .map(|s| s.description.clone())
            .unwrap_or_default(),
    );
    let error = Signal::derive(move || a.seed.value().get().and_then(|r| r.err()));
    view! {
        <form class="mt-3 grid gap-2" on:submit=move |ev| {
            ev.prevent_default();
            a.seed.dispatch(SetMatchSeed { org_id: org, match_id: id, url: url.get_untracked(), description: description.get_untracked() });
        }>
            <TextField label="Seed link" name="url" value=url error help="Empty clears the seed."/>
            <TextField label="Description" name="description" value=description error/>
            <FormError error fields=&["url", "description"]/>
            <div><Button button_type="submit" kind=ButtonKind::Secondary busy=a.seed.pending()>"Save seed"</Button></div>
        </form>
    }
}

/// A player's settings for one game, from the tournament's form; errors on their fields.
#[component]
fn SettingsForm(org: i64, match_id: i64, schema: Value, a: MatchActions) -> impl IntoView {
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
fn EditMatchForm(m: Match, a: MatchActions, lists: PageLists) -> impl IntoView {
    let (org, id) = (m.org_id, m.id);
    let title = RwSignal::new(m.title.clone());
    let at = RwSignal::new(String::new());
    let scheduled = m.scheduled_at.clone();
    // The viewer's zone is known only in the browser: fill the time there.
    Effect::new(move |_| at.set(rfc3339_to_local(&scheduled)));
    let comment = RwSignal::new(m.comment.clone());
    let stream = RwSignal::new(
        m.stream_channel
            .as_ref()
            .map(|c| c.id.to_string())
            .unwrap_or_default(),
    );
    let players = RwSignal::new(m.players.iter().map(|p| p.user_id).collect::<Vec<_>>());
    let PageLists {
        members, streams, ..
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
            <TextField label="Title" name="title" value=title error/>
            <TextField label="Time (your time zone)" name="scheduled_at" value=at error input_type="datetime-local" help="Empty makes the match pending."/>
            <fieldset class="grid gap-1">
                <legend class="text-sm font-medium">"Players"</legend>
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
            <TextArea label="Comment" name="comment" value=comment error rows=2/>
            <FormError error fields=&["title", "scheduled_at", "comment"]/>
            <Show when=move || saved.get()><SuccessNotice message="Saved."/></Show>
            <div><Button button_type="submit" busy=a.update.pending()>"Save match"</Button></div>
        </form>
    }
}

#[component]
fn DeleteMatch(org: i64, match_id: i64, a: MatchActions) -> impl IntoView {
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

// ---------------------------------------------------------------------------------------------
// Stream channels

#[component]
fn StreamsPage() -> impl IntoView {
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
