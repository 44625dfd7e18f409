//! Runtime services' pages: Site admin → Tasks, Events, Bot; and an organization's Tasks tab.
//!
//! Times come from the server (epoch ms) and are shown in UTC with a relative hint measured
//! against the server's clock sent with the data.//!
//! One module per page: `admin_tasks` (built-in and organization tasks, recent runs),
//! `admin_events` (listener failures, recent events), `admin_bot` (the Discord bot's status,
//! commands and linked servers), `org_tasks` (an organization's tasks and the new-task form).
//! What several pages show the same way — a run's status badge, a time with its relative hint,
//! the runs table — is here.

mod admin_bot;
mod admin_events;
mod admin_tasks;
mod org_tasks;

use leptos::prelude::*;
use sdk::{
    tasks::model::TaskRunView,
    time::{format_utc, relative},
    ui::{Badge, EmptyState, Tone, TABLE, TD, TH},
};

pub use admin_bot::AdminBotPage;
pub use admin_events::AdminEventsPage;
pub use admin_tasks::AdminTasksPage;
pub use org_tasks::OrgTasksPage;

fn status_badge(status: Option<&str>) -> AnyView {
    match status {
        Some("success") => view! { <Badge tone=Tone::Good>"success"</Badge> }.into_any(),
        Some("failed") => view! { <Badge tone=Tone::Bad>"failed"</Badge> }.into_any(),
        Some("running") => view! { <Badge tone=Tone::Accent>"running"</Badge> }.into_any(),
        Some("skipped") => view! { <Badge tone=Tone::Warning>"skipped"</Badge> }.into_any(),
        Some(other) => {
            let other = other.to_string();
            view! { <Badge>{other}</Badge> }.into_any()
        }
        None => view! { <span class="text-xs text-slate-500">"never ran"</span> }.into_any(),
    }
}

fn when(at: Option<i64>, now: i64) -> AnyView {
    match at {
        Some(at) => view! {
            <div class="whitespace-nowrap">{format_utc(at)}</div>
            <div class="text-xs text-slate-500">{relative(at, now)}</div>
        }
        .into_any(),
        None => view! { <span class="text-slate-500">"—"</span> }.into_any(),
    }
}

/// The runs table shared by the admin and organization pages.
#[component]
fn RunsTable(runs: Vec<TaskRunView>, now: i64) -> impl IntoView {
    if runs.is_empty() {
        return view! { <EmptyState title="No runs yet" detail="Runs appear here as tasks fire or are run by hand."/> }.into_any();
    }
    view! {
        <div class="overflow-x-auto">
        <table class=TABLE id="task-runs">
            <thead><tr>
                <th class=TH>"Task"</th><th class=TH>"Due"</th><th class=TH>"Trigger"</th>
                <th class=TH>"Status"</th><th class=TH>"Duration"</th><th class=TH>"Instance"</th>
            </tr></thead>
            <tbody>
            {runs.into_iter().map(|r| view! {
                <tr data-run=r.id data-task=r.task_key.clone()>
                    <td class=TD>
                        <div class="font-medium">{r.task_name.clone()}</div>
                        <div class="text-xs text-slate-500">{r.task_key.clone()}</div>
                    </td>
                    <td class=TD>{when(Some(r.due_at), now)}</td>
                    <td class=TD>{r.trigger.clone()}</td>
                    <td class=TD>
                        {status_badge(Some(&r.status))}
                        {r.error.clone().map(|e| view! { <div class="run-error mt-1 max-w-sm text-xs text-red-700 dark:text-red-300">{e}</div> })}
                    </td>
                    <td class=TD>{r.duration_ms.map(|d| format!("{d} ms")).unwrap_or_else(|| "—".into())}</td>
                    <td class=TD><span class="text-xs">{r.instance.clone()}</span></td>
                </tr>
            }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}
