//! The pages under `/org/{org_id}/tournaments`: the schedule (filters, upcoming and past matches
//! in the viewer's time zone with a relative countdown, crew badges, one-click crew sign-up,
//! managers' inline steps, scheduling), My matches (with the private calendar link), the
//! tournament list, a tournament (players, its matches, settings), one match (status steps,
//! stations, result, crew approval, seed, settings submissions, edit, delete) and the stream
//! channels. Every page creates its resources and actions at its top; lists refetch when an
//! action's version changes. Times are the server's; the browser only shows them.
//!
//! One file per page: `schedule`, `my_matches`, `tournaments` (the list and a new tournament),
//! `tournament`, `match_page` (its forms in `match_forms`), `streams`. `rows` holds the match row
//! every list shows and the pickers' lists a page awaits before its forms (`PageLists::ready`);
//! `calendar` the feed cards, whose resources the pages make at their top, outside any Suspense,
//! so the server and the browser render the same thing. This module keeps the routes and the
//! helpers every page uses.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::{Outlet, ParentRoute, Route},
    hooks::use_params_map,
    Lazy, ParamSegment, StaticSegment,
};
use sdk::{
    ui::{
        time::{viewer_zone, LocalTime},
        Badge, PageHeader, Tabs, Tone,
    },
    Error,
};

use crate::model::{Match, MatchStatus, Rights};

mod calendar;
mod match_forms;
mod match_page;
mod my_matches;
mod rows;
mod schedule;
mod streams;
mod tournament;
mod tournaments;

use match_page::MatchPage;
use my_matches::MyMatchesPage;
use schedule::SchedulePage;
use streams::StreamsPage;
use tournament::TournamentPage;
use tournaments::{NewTournamentPage, TournamentsPage};

// The pages load on demand, as one module (sdk::ui::lazy).
sdk::lazy_page!(tournament_pages: TournamentScheduleRoute => SchedulePage);
sdk::lazy_page!(tournament_pages: TournamentMyMatchesRoute => MyMatchesPage);
sdk::lazy_page!(tournament_pages: TournamentListRoute => TournamentsPage);
sdk::lazy_page!(tournament_pages: TournamentNewRoute => NewTournamentPage);
sdk::lazy_page!(tournament_pages: TournamentStreamsRoute => StreamsPage);
sdk::lazy_page!(tournament_pages: TournamentPageRoute => TournamentPage);
sdk::lazy_page!(tournament_pages: TournamentMatchRoute => MatchPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment("") view=Outlet>
            <Route path=StaticSegment("") view={Lazy::<TournamentScheduleRoute>::new()}/>
            <Route path=StaticSegment("mine") view={Lazy::<TournamentMyMatchesRoute>::new()}/>
            <Route path=StaticSegment("all") view={Lazy::<TournamentListRoute>::new()}/>
            <Route path=StaticSegment("new") view={Lazy::<TournamentNewRoute>::new()}/>
            <Route path=StaticSegment("streams") view={Lazy::<TournamentStreamsRoute>::new()}/>
            <Route path=(StaticSegment("t"), ParamSegment("tournament_id")) view={Lazy::<TournamentPageRoute>::new()}/>
            <Route path=(StaticSegment("match"), ParamSegment("match_id")) view={Lazy::<TournamentMatchRoute>::new()}/>
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

/// An instant from the API in the viewer's zone with a relative hint, or `none`.
fn when(at: &Option<i64>, none: &'static str) -> AnyView {
    match *at {
        Some(epoch_ms) => view! { <LocalTime epoch_ms relative=true/> }.into_any(),
        None => none.into_any(),
    }
}

/// A `datetime-local` value (the viewer's zone) as the RFC 3339 UTC text the API takes.
fn local_to_rfc3339(value: &str) -> Result<Option<sdk::time::TimeText>, Error> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    sdk::time::local_input_to_utc(value, viewer_zone().as_deref())
        .map(|ms| Some(sdk::time::TimeText::of(ms)))
        .map_err(|message| Error::invalid("scheduled_at", message))
}

/// An instant as a `datetime-local` value in the viewer's zone.
fn instant_to_local(at: Option<i64>) -> String {
    at.map(|ms| {
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
