//! Site admin → Tasks: every plugin's built-in tasks (switch on or off, back to the default, run
//! now), the tasks organizations scheduled (run now), and the recent runs of all of them.

use leptos::prelude::*;
use leptos_meta::Title;
use sdk::{
    time::relative,
    ui::{
        Badge, Button, ButtonKind, Card, EmptyState, ErrorNotice, Pager, SkeletonRows,
        SuccessNotice, Tone, TABLE, TD, TH,
    },
};

use super::{status_badge, when, RunsTable};
use crate::{
    api::runtime::{
        admin_task_runs, admin_tasks, AdminRunBuiltinTask, AdminSetBuiltinTask, RunOrgTask,
    },
    pages::{
        admin::admin_tabs,
        shared::{failed, LoadError},
    },
};

#[component]
pub fn AdminTasksPage() -> impl IntoView {
    let set = ServerAction::<AdminSetBuiltinTask>::new();
    let run = ServerAction::<AdminRunBuiltinTask>::new();
    let run_org = ServerAction::<RunOrgTask>::new();
    let refresh = RwSignal::new(0usize);
    let changes = move || {
        (
            set.version().get(),
            run.version().get(),
            run_org.version().get(),
            refresh.get(),
        )
    };
    let org_tasks_before = RwSignal::new(None::<i64>);
    let tasks = Resource::new(
        move || (changes(), org_tasks_before.get()),
        |(_, before)| admin_tasks(sdk::page::PageRequest::after(before)),
    );
    let before = RwSignal::new(None::<i64>);
    let runs = Resource::new(
        move || (changes(), before.get()),
        |(_, before)| admin_task_runs(None, sdk::page::PageRequest::after(before)),
    );
    view! {
        <Title text="Tasks · Site admin"/>
        {admin_tabs("/admin/tasks")}
        {move || failed(set.value().get()).map(|error| view! { <ErrorNotice error/> })}
        {move || failed(run.value().get()).map(|error| view! { <ErrorNotice error/> })}
        {move || failed(run_org.value().get()).map(|error| view! { <ErrorNotice error/> })}
        {move || run.value().get().and_then(|r| r.ok()).or_else(|| run_org.value().get().and_then(|r| r.ok())).map(|id| view! { <SuccessNotice message=format!("Started run {id}; refresh to see how it went.")/> })}
        <div class="mb-4 flex justify-end">
            <Button kind=ButtonKind::Secondary id="refresh-tasks" on_click=Callback::new(move |_| refresh.update(|n| *n += 1))>"Refresh"</Button>
        </div>
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match tasks.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(all) => {
                        let now = all.now;
                        view! {
                            <Card title="Built-in tasks">
                                {if all.builtins.is_empty() {
                                    view! { <EmptyState title="No plugin registers a built-in task"/> }.into_any()
                                } else {
                                    view! {
                                        <div class="overflow-x-auto">
                                        <table class=TABLE id="builtin-tasks">
                                            <thead><tr>
                                                <th class=TH>"Task"</th><th class=TH>"Schedule"</th><th class=TH>"State"</th>
                                                <th class=TH>"Next run"</th><th class=TH>"Last run"</th><th class=TH></th>
                                            </tr></thead>
                                            <tbody>
                                            {all.builtins.into_iter().map(|t| {
                                                let key_toggle = t.key.clone();
                                                let key_default = t.key.clone();
                                                let key_run = t.key.clone();
                                                let active = t.active;
                                                let overridden = t.active_override.is_some();
                                                view! {
                                                    <tr data-task=t.key.clone()>
                                                        <td class=TD>
                                                            <div class="font-medium">{t.key.clone()}</div>
                                                            <div class="text-xs text-slate-500">{t.description.clone()}</div>
                                                        </td>
                                                        <td class=TD>{t.schedule_text.clone()}</td>
                                                        <td class=TD>
                                                            {if !t.plugin_running {
                                                                view! { <Badge tone=Tone::Warning>"plugin off"</Badge> }.into_any()
                                                            } else if active {
                                                                view! { <Badge tone=Tone::Good>"on"</Badge> }.into_any()
                                                            } else {
                                                                view! { <Badge>"off"</Badge> }.into_any()
                                                            }}
                                                            <div class="text-xs text-slate-500">{if overridden { "set by a site admin" } else { "default" }}</div>
                                                        </td>
                                                        <td class=TD>{when(t.next_run_at, now)}</td>
                                                        <td class=TD>
                                                            {status_badge(t.last_status.as_deref())}
                                                            {t.last_run_at.map(|at| view! { <div class="text-xs text-slate-500">{relative(at, now)}</div> })}
                                                            {t.last_error.clone().map(|e| view! { <div class="mt-1 max-w-xs text-xs text-red-700 dark:text-red-300">{e}</div> })}
                                                        </td>
                                                        <td class=TD>
                                                            <div class="flex flex-wrap justify-end gap-2">
                                                                <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { set.dispatch(AdminSetBuiltinTask { key: key_toggle.clone(), active: Some(!active) }); })>
                                                                    {if active { "Switch off" } else { "Switch on" }}
                                                                </Button>
                                                                <Show when=move || overridden>
                                                                    {
                                                                        let key_default = key_default.clone();
                                                                        view! { <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { set.dispatch(AdminSetBuiltinTask { key: key_default.clone(), active: None }); })>"Use default"</Button> }
                                                                    }
                                                                </Show>
                                                                <Button on_click=Callback::new(move |_| { run.dispatch(AdminRunBuiltinTask { key: key_run.clone() }); })>"Run now"</Button>
                                                            </div>
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                            </tbody>
                                        </table>
                                        </div>
                                    }.into_any()
                                }}
                            </Card>
                            <div class="mt-6">
                                <Card title="Organization tasks">
                                    {if all.org_tasks.is_empty() {
                                        view! { <EmptyState title="No organization has scheduled a task"/> }.into_any()
                                    } else {
                                        view! {
                                            <div class="overflow-x-auto">
                                            <table class=TABLE id="all-org-tasks">
                                                <thead><tr>
                                                    <th class=TH>"Organization"</th><th class=TH>"Task"</th><th class=TH>"Schedule"</th>
                                                    <th class=TH>"Next run"</th><th class=TH>"Last run"</th><th class=TH></th>
                                                </tr></thead>
                                                <tbody>
                                                {all.org_tasks.into_iter().map(|t| {
                                                    let (org_id, task_id) = (t.org_id, t.id);
                                                    view! {
                                                    <tr>
                                                        <td class=TD><a class="text-indigo-600 hover:underline dark:text-indigo-400" href=format!("/org/{}/tasks", t.org_id)>{format!("#{}", t.org_id)}</a></td>
                                                        <td class=TD><div class="font-medium">{t.name.clone()}</div><div class="text-xs text-slate-500">{t.task_type.clone()}</div></td>
                                                        <td class=TD>{t.schedule_text.clone()}{(!t.active).then(|| view! { " " <Badge>"paused"</Badge> })}</td>
                                                        <td class=TD>{when(t.next_run_at, now)}</td>
                                                        <td class=TD>{status_badge(t.last_status.as_deref())}</td>
                                                        <td class=TD><Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { run_org.dispatch(RunOrgTask { org_id, task_id }); })>"Run now"</Button></td>
                                                    </tr>
                                                    }
                                                }).collect_view()}
                                                </tbody>
                                            </table>
                                            </div>
                                            <Pager before=org_tasks_before next=all.org_tasks_next_before_id/>
                                        }.into_any()
                                    }}
                                </Card>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
        <div class="mt-6">
            <Card title="Recent runs">
                <Suspense fallback=|| view! { <SkeletonRows rows=4/> }>
                    {move || Suspend::new(async move {
                        match runs.await {
                            Err(error) => view! { <LoadError error/> }.into_any(),
                            Ok(page) => { let next = page.next_before_id; view! {
                                <RunsTable runs=page.items now=sdk::time::now_ms()/>
                                <Pager before next/>
                            }.into_any() }
                        }
                    })}
                </Suspense>
            </Card>
        </div>
    }
}
