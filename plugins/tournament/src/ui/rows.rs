//! The row every match list shows (schedule, My matches, a tournament), its actions, and the
//! lists the pages' forms pick from.

use leptos::prelude::*;
use sdk::{
    page::PageRequest,
    ui::{Badge, Button, ButtonKind, Tone},
    Error,
};

use crate::{
    api::{
        list_members, list_stream_channels, list_tournaments, AdvanceMatch, CrewSignup,
        CrewWithdraw, RevertMatch,
    },
    model::{CrewRole, Match, MatchStatus, Person, Rights, StreamChannel, Tournament},
};

use super::*;

/// What a row of the schedule can do, shared by every row of a page.
#[derive(Clone, Copy)]
pub(super) struct RowActions {
    pub(super) signup: ServerAction<CrewSignup>,
    pub(super) withdraw: ServerAction<CrewWithdraw>,
    pub(super) advance: ServerAction<AdvanceMatch>,
    pub(super) revert: ServerAction<RevertMatch>,
}

impl RowActions {
    pub(super) fn new() -> Self {
        Self {
            signup: ServerAction::new(),
            withdraw: ServerAction::new(),
            advance: ServerAction::new(),
            revert: ServerAction::new(),
        }
    }

    /// Changes whenever one of the actions finished (lists refetch on it).
    pub(super) fn version(&self) -> usize {
        self.signup.version().get()
            + self.withdraw.version().get()
            + self.advance.version().get()
            + self.revert.version().get()
    }

    pub(super) fn error(&self) -> Option<Error> {
        action_error(self.advance)
            .or_else(|| action_error(self.revert))
            .or_else(|| action_error(self.signup))
            .or_else(|| action_error(self.withdraw))
    }
}

/// The page a picker inside a form reads: the first, of the maximum size.
pub(super) fn picker_page() -> PageRequest {
    PageRequest {
        limit: Some(sdk::page::MAX_LIMIT),
        before_id: None,
    }
}

/// How many members a member picker lists before a search: enough for a small organization,
/// and a big one (hundreds) does not render and ship its whole list on every page that has a
/// form; the search field finds anyone else.
pub(super) const MEMBER_PICKER_SIZE: u32 = 25;

/// The lists forms pick from, created once at the top of a page (resources created inside a
/// suspended view would be created again when it re-renders, with new form state).
#[derive(Clone, Copy)]
pub(super) struct PageLists {
    /// The members whose name contains `member_query`, the first [`MEMBER_PICKER_SIZE`] (a
    /// search narrows a big organization down to whom the manager is looking for).
    pub(super) members: Resource<Result<Vec<Person>, Error>>,
    pub(super) member_query: RwSignal<String>,
    pub(super) tournaments: Resource<Result<Vec<Tournament>, Error>>,
    pub(super) streams: Resource<Result<Vec<StreamChannel>, Error>>,
}

impl PageLists {
    pub(super) fn new(org_id: Memo<i64>) -> Self {
        let member_query = RwSignal::new(String::new());
        Self {
            members: Resource::new(
                move || (org_id.get(), member_query.get()),
                |(org, q)| async move {
                    let first = PageRequest {
                        limit: Some(MEMBER_PICKER_SIZE),
                        before_id: None,
                    };
                    list_members(org, q, first).await.map(|page| page.items)
                },
            ),
            member_query,
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
    pub(super) async fn ready(self) {
        let _ = (
            self.members.await,
            self.tournaments.await,
            self.streams.await,
        );
    }
}

#[component]
pub(super) fn MatchRow(m: Match, rights: Rights, actions: RowActions) -> impl IntoView {
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
                <a class=format!("{LINK} font-medium") href=m.path()>{m.name()}</a>
                <div class=MUTED>{m.tournament_name.clone()} {stream.map(|s| view! { " · " {s} })}</div>
                <div class="flex flex-wrap gap-1">{status_badge(m.status)} {crew_view}</div>
            </div>
            <div class="flex flex-wrap gap-2">{signup_buttons} {steps}</div>
        </li>
    }
}

pub(super) fn match_list(
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
pub(super) fn upcoming_and_past(
    list: Vec<Match>,
    rights: Rights,
    actions: RowActions,
) -> impl IntoView {
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
