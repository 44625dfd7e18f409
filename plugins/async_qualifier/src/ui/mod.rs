//! The pages under `/org/{org_id}/async`: the qualifier list, a qualifier's dashboard (pools with
//! the runs left, start a run, my runs), the run page (Ready → 10-second countdown → live timer,
//! Finish / Forfeit with confirmation, then VOD and notes or a review request), the leaderboard,
//! pools and permalinks, player and permalink histories, the review queue, settings and the audit
//! log. Every page creates its resources and actions at its top, outside any suspense; clocks
//! tick in the browser from the server's instants and decide nothing.
//!
//! This file holds the routes and what several pages share (links, badges, the qualifier's
//! header and tabs, the runs table); each page is in its own file.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::{Outlet, ParentRoute, Route},
    hooks::{use_navigate, use_params_map},
    Lazy, ParamSegment, StaticSegment,
};
use sdk::{
    ui::{
        time::LocalTime, Badge, Button, ButtonKind, Card, Checkbox, EmptyState, ErrorNotice,
        FormError, PageHeader, Pager, SkeletonRows, SuccessNotice, Tabs, TextArea, TextField, Tone,
        TABLE, TD, TH,
    },
    Error,
};

use crate::{
    api::{
        audit_log, dashboard, get_qualifier, get_race, leaderboard, list_pools, list_qualifiers,
        list_races, my_rights, review_queue, CreatePermalink, CreatePool, CreateQualifier,
        FinishRun, ForfeitRun, PostDiscordEmbed, ReadyRun, ReattemptRace, Recalculate,
        RequestReview, ReviewRace, StartRun, SubmitVod, UpdateQualifier,
    },
    model::{Qualifier, Race, RaceStatus, ReviewStatus, Rights},
    rules::{hms, COUNTDOWN_MS, NOTES_MAX},
};

mod admin;
mod dashboard;
mod history;
mod leaderboard;
mod pools;
mod qualifiers;
mod review;
mod run;

use admin::{AdminPage, AuditPage};
use dashboard::DashboardPage;
use history::{PermalinkPage, PlayerPage};
use leaderboard::LeaderboardPage;
use pools::PoolsPage;
use qualifiers::{ListPage, NewQualifierPage};
pub use review::parse_duration;
use review::ReviewPage;
use run::RunPage;

// The pages load on demand, as one module (sdk::ui::lazy).
sdk::lazy_page!(async_qualifier_pages: AsyncListRoute => ListPage);
sdk::lazy_page!(async_qualifier_pages: AsyncNewRoute => NewQualifierPage);
sdk::lazy_page!(async_qualifier_pages: AsyncDashboardRoute => DashboardPage);
sdk::lazy_page!(async_qualifier_pages: AsyncLeaderboardRoute => LeaderboardPage);
sdk::lazy_page!(async_qualifier_pages: AsyncPoolsRoute => PoolsPage);
sdk::lazy_page!(async_qualifier_pages: AsyncReviewRoute => ReviewPage);
sdk::lazy_page!(async_qualifier_pages: AsyncAdminRoute => AdminPage);
sdk::lazy_page!(async_qualifier_pages: AsyncAuditRoute => AuditPage);
sdk::lazy_page!(async_qualifier_pages: AsyncPlayerRoute => PlayerPage);
sdk::lazy_page!(async_qualifier_pages: AsyncPermalinkRoute => PermalinkPage);
sdk::lazy_page!(async_qualifier_pages: AsyncRunRoute => RunPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment("") view=Outlet>
            <Route path=StaticSegment("") view={Lazy::<AsyncListRoute>::new()}/>
            <Route path=StaticSegment("new") view={Lazy::<AsyncNewRoute>::new()}/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id")) view={Lazy::<AsyncDashboardRoute>::new()}/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("leaderboard")) view={Lazy::<AsyncLeaderboardRoute>::new()}/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("pools")) view={Lazy::<AsyncPoolsRoute>::new()}/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("review")) view={Lazy::<AsyncReviewRoute>::new()}/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("admin")) view={Lazy::<AsyncAdminRoute>::new()}/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("audit")) view={Lazy::<AsyncAuditRoute>::new()}/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("player"), ParamSegment("user_id")) view={Lazy::<AsyncPlayerRoute>::new()}/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("permalink"), ParamSegment("permalink_id")) view={Lazy::<AsyncPermalinkRoute>::new()}/>
            <Route path=(StaticSegment("race"), ParamSegment("race_id")) view={Lazy::<AsyncRunRoute>::new()}/>
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

fn base(org: i64) -> String {
    format!("/org/{org}/async")
}

/// An instant from the API in the viewer's time zone (profile or browser), or "—".
fn when(instant: Option<i64>) -> AnyView {
    match instant {
        Some(epoch_ms) => view! { <LocalTime epoch_ms/> }.into_any(),
        None => "—".into_any(),
    }
}

fn seconds(value: Option<f64>) -> String {
    value.map(hms).unwrap_or_else(|| "—".into())
}

fn score_text(value: Option<f64>, decimals: usize) -> String {
    value
        .map(|s| format!("{s:.decimals$}"))
        .unwrap_or_else(|| "—".into())
}

fn status_badge(status: RaceStatus) -> impl IntoView {
    let tone = match status {
        RaceStatus::Pending => Tone::Warning,
        RaceStatus::InProgress => Tone::Accent,
        RaceStatus::Finished => Tone::Good,
        RaceStatus::Forfeit | RaceStatus::Disqualified => Tone::Bad,
    };
    view! { <Badge tone>{status.label()}</Badge> }
}

fn review_badge(status: ReviewStatus) -> impl IntoView {
    match status {
        ReviewStatus::Pending => view! { <Badge>"Review pending"</Badge> }.into_any(),
        ReviewStatus::Accepted => view! { <Badge tone=Tone::Good>"Accepted"</Badge> }.into_any(),
        ReviewStatus::Rejected => view! { <Badge tone=Tone::Bad>"Rejected"</Badge> }.into_any(),
    }
}

/// The qualifier's title and tabs (only the tabs the caller may use).
fn header(q: &Qualifier, rights: Rights, current: &str) -> impl IntoView {
    let root = format!("{}/q/{}", base(q.org_id), q.id);
    let mut tabs = vec![
        (root.clone(), "Dashboard".to_string()),
        (format!("{root}/leaderboard"), "Leaderboard".to_string()),
        (format!("{root}/pools"), "Pools".to_string()),
    ];
    if rights.review {
        tabs.push((format!("{root}/review"), "Review queue".to_string()));
    }
    if rights.manage {
        tabs.push((format!("{root}/admin"), "Settings".to_string()));
    }
    if rights.audit {
        tabs.push((format!("{root}/audit"), "Audit log".to_string()));
    }
    let current = if current.is_empty() {
        root
    } else {
        format!("{root}/{current}")
    };
    let (active, hidden) = (q.is_active, q.hide_results);
    view! {
        <Title text=q.name.clone()/>
        <PageHeader title=q.name.clone() subtitle=q.description.clone()>
            <div class="flex gap-2">
                {if active {
                    view! { <Badge tone=Tone::Good>"Open"</Badge> }.into_any()
                } else {
                    view! { <Badge>"Closed"</Badge> }.into_any()
                }}
                {hidden.then(|| view! { <Badge tone=Tone::Warning>"Results hidden"</Badge> })}
            </div>
        </PageHeader>
        <Tabs tabs current/>
    }
}

fn reattempts_text(max: i64) -> String {
    match max {
        n if n < 0 => "unlimited".into(),
        0 => "none".into(),
        n => n.to_string(),
    }
}

/// Loads the qualifier and the caller's rights (every qualifier page shows them in its header).
type QualifierResources = (
    Resource<Result<Qualifier, Error>>,
    Resource<Result<Rights, Error>>,
);

fn qualifier_resources(org_id: Memo<i64>, qualifier_id: Memo<i64>) -> QualifierResources {
    (
        Resource::new(
            move || (org_id.get(), qualifier_id.get()),
            |(org, q)| get_qualifier(org, q),
        ),
        Resource::new(move || org_id.get(), my_rights),
    )
}

/// A table of runs linking to each run (and, with `show_runner`, to each runner's history).
#[component]
fn RacesTable(races: Vec<Race>, org: i64, show_runner: bool) -> impl IntoView {
    if races.is_empty() {
        return view! { <p class="text-sm text-slate-500">"No runs yet."</p> }.into_any();
    }
    view! {
        <div class="overflow-x-auto">
        <table class=TABLE>
            <thead><tr>
                <th class=TH>"Run"</th>
                {show_runner.then(|| view! { <th class=TH>"Runner"</th> })}
                <th class=TH>"Pool"</th><th class=TH>"Status"</th><th class=TH>"Time"</th><th class=TH>"Score"</th>
            </tr></thead>
            <tbody>
                {races.into_iter().map(|r| view! {
                    <tr>
                        <td class=TD><a class=LINK href=format!("{}/race/{}", base(org), r.id)>{format!("#{}", r.id)}</a>
                            {r.reattempted.then(|| view! { " " <Badge>"Reattempted"</Badge> })}</td>
                        {show_runner.then(|| view! { <td class=TD><a class=LINK href=format!("{}/q/{}/player/{}", base(org), r.qualifier_id, r.user_id)>{r.display_name.clone()}</a></td> })}
                        <td class=TD>{r.pool_name.clone()}</td>
                        <td class=TD>{status_badge(r.status)}</td>
                        <td class=TD>{seconds(r.elapsed_seconds)}</td>
                        <td class=TD>{score_text(r.score, 3)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}
