//! Runtime services' pages: Site admin → Tasks, Events, Bot; and an organization's Tasks tab.
//!
//! Times come from the server (epoch ms) and are shown in UTC with a relative hint measured
//! against the server's clock sent with the data.

use leptos::prelude::*;
use leptos_meta::Title;
use sdk::{
    tasks::model::{OrgTaskInput, OrgTaskView, Schedule, TaskRunView, TaskTypeView},
    time::{format_utc, parse_utc, relative},
    ui::{
        Badge, Button, ButtonKind, Card, EmptyState, ErrorNotice, FormError, Pager, Select,
        SkeletonRows, SuccessNotice, TextArea, TextField, Tone, TABLE, TD, TH,
    },
};

use super::{
    admin::admin_tabs,
    org::OrgFrame,
    shared::{failed, org_id_param, LoadError},
};
use crate::api::{
    orgs::OrgSummary,
    runtime::{
        admin_bot, admin_events, admin_task_runs, admin_tasks, list_org_tasks, AdminRunBuiltinTask,
        AdminSetBuiltinTask, CreateOrgTask, DeleteOrgTask, OrgTasks, RunOrgTask, UpdateOrgTask,
    },
};

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

#[component]
pub fn AdminEventsPage() -> impl IntoView {
    let refresh = RwSignal::new(0usize);
    let log = Resource::new(move || refresh.get(), |_| admin_events());
    view! {
        <Title text="Events · Site admin"/>
        {admin_tabs("/admin/events")}
        <div class="mb-4 flex justify-end">
            <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| refresh.update(|n| *n += 1))>"Refresh"</Button>
        </div>
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match log.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(log) => {
                        let now = sdk::time::now_ms();
                        view! {
                            <p class="mb-4 text-sm text-slate-600 dark:text-slate-300">
                                "What this server instance (" <code>{log.instance.clone()}</code> ") delivered lately. Events from other instances arrive over PostgreSQL and are listed as they are delivered here."
                            </p>
                            <Card title="Listener failures">
                                {if log.failures.is_empty() {
                                    view! { <EmptyState title="No listener has failed"/> }.into_any()
                                } else {
                                    view! {
                                        <div class="overflow-x-auto">
                                        <table class=TABLE id="listener-failures">
                                            <thead><tr><th class=TH>"When"</th><th class=TH>"Event"</th><th class=TH>"Listener"</th><th class=TH>"Organization"</th><th class=TH>"Error"</th></tr></thead>
                                            <tbody>
                                            {log.failures.into_iter().map(|f| view! {
                                                <tr>
                                                    <td class=TD>{when(Some(f.at), now)}</td>
                                                    <td class=TD><code>{f.event.clone()}</code></td>
                                                    <td class=TD>{f.listener.clone()}</td>
                                                    <td class=TD>{f.org_id.map(|o| format!("#{o}")).unwrap_or_else(|| "—".into())}</td>
                                                    <td class=TD><span class="text-xs text-red-700 dark:text-red-300">{f.error.clone()}</span></td>
                                                </tr>
                                            }).collect_view()}
                                            </tbody>
                                        </table>
                                        </div>
                                    }.into_any()
                                }}
                            </Card>
                            <div class="mt-6">
                                <Card title="Recent events">
                                    {if log.events.is_empty() {
                                        view! { <EmptyState title="No events yet"/> }.into_any()
                                    } else {
                                        view! {
                                            <div class="overflow-x-auto">
                                            <table class=TABLE id="recent-events">
                                                <thead><tr><th class=TH>"When"</th><th class=TH>"Event"</th><th class=TH>"Organization"</th><th class=TH>"By"</th><th class=TH>"Listeners"</th></tr></thead>
                                                <tbody>
                                                {log.events.into_iter().map(|e| view! {
                                                    <tr data-event=e.name.clone()>
                                                        <td class=TD>{when(Some(e.at), now)}</td>
                                                        <td class=TD><code>{e.name.clone()}</code></td>
                                                        <td class=TD>{e.org_id.map(|o| format!("#{o}")).unwrap_or_else(|| "—".into())}</td>
                                                        <td class=TD>{e.actor.map(|a| format!("user {a}")).unwrap_or_else(|| "system".into())}</td>
                                                        <td class=TD>{e.listeners}</td>
                                                    </tr>
                                                }).collect_view()}
                                                </tbody>
                                            </table>
                                            </div>
                                        }.into_any()
                                    }}
                                </Card>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminBotPage() -> impl IntoView {
    let bot = Resource::new(|| (), |_| admin_bot());
    view! {
        <Title text="Discord bot · Site admin"/>
        {admin_tabs("/admin/bot")}
        <Suspense fallback=|| view! { <SkeletonRows rows=4/> }>
            {move || Suspend::new(async move {
                match bot.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(bot) => {
                        let s = bot.status.clone();
                        let now = sdk::time::now_ms();
                        view! {
                            <Card title="Status">
                                <div id="bot-status" class="flex flex-col gap-2 text-sm">
                                    {if !s.configured {
                                        view! { <p><Badge>"off"</Badge> " The bot is off: no DISCORD_TOKEN is configured. Set it and restart to connect the bot."</p> }.into_any()
                                    } else if s.connected {
                                        view! { <p><Badge tone=Tone::Good>"connected"</Badge> {format!(" as {}", s.bot_user.clone().unwrap_or_default())}</p> }.into_any()
                                    } else if s.holds_gateway {
                                        view! { <p><Badge tone=Tone::Warning>"connecting"</Badge> " This instance holds the gateway and is connecting."</p> }.into_any()
                                    } else {
                                        view! { <p><Badge>"standby"</Badge> " Another instance holds the gateway; this one takes over if it stops."</p> }.into_any()
                                    }}
                                    {s.gateway_instance.clone().map(|i| view! { <p>"Gateway held by instance " <code>{i}</code></p> })}
                                    {s.ready_at.map(|at| view! { <p>{format!("Ready since {} ({})", format_utc(at), relative(at, now))}</p> })}
                                    {s.last_error.clone().map(|e| view! { <p class="text-red-700 dark:text-red-300">{format!("Last problem: {e}")}</p> })}
                                </div>
                            </Card>
                            <div class="mt-6 grid gap-6 lg:grid-cols-2">
                                <Card title="Commands">
                                    {if bot.commands.is_empty() {
                                        view! { <EmptyState title="No plugin contributes a command"/> }.into_any()
                                    } else {
                                        view! {
                                            <ul id="bot-commands" class="flex flex-col gap-1 text-sm">
                                                {bot.commands.iter().map(|(name, plugin)| {
                                                    let registered = s.commands_registered.contains(name);
                                                    view! {
                                                        <li><code>{format!("/{name}")}</code> <span class="text-xs text-slate-500">{format!(" from {plugin}")}</span>
                                                        {registered.then(|| view! { " " <Badge tone=Tone::Good>"registered"</Badge> })}</li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </Card>
                                <Card title="Linked Discord servers">
                                    {if bot.guilds.is_empty() {
                                        view! { <EmptyState title="No Discord server is linked" detail="Organization admins link their servers from their organization's Discord page."/> }.into_any()
                                    } else {
                                        view! {
                                            <ul id="bot-guilds" class="flex flex-col gap-1 text-sm">
                                                {bot.guilds.into_iter().map(|g| view! {
                                                    <li>{g.guild_name.clone()} <span class="text-xs text-slate-500">{format!(" ({}) → ", g.guild_id)}</span>
                                                    <a class="text-indigo-600 hover:underline dark:text-indigo-400" href=format!("/org/{}", g.org_id)>{g.org_name.clone()}</a></li>
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </Card>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

// ----- an organization's tasks -----

#[component]
pub fn OrgTasksPage() -> impl IntoView {
    // Created once, outside the frame (see `OrgFrame`).
    let org_id = org_id_param();
    let create = ServerAction::<CreateOrgTask>::new();
    let update = ServerAction::<UpdateOrgTask>::new();
    let delete = ServerAction::<DeleteOrgTask>::new();
    let run = ServerAction::<RunOrgTask>::new();
    let refresh = RwSignal::new(0usize);
    let data = Resource::new(
        move || {
            (
                org_id.get(),
                create.version().get(),
                update.version().get(),
                delete.version().get(),
                run.version().get(),
                refresh.get(),
            )
        },
        |(org_id, ..)| list_org_tasks(org_id),
    );
    let actions = TaskActions {
        create,
        update,
        delete,
        run,
        refresh,
        form: TaskForm::new(),
    };
    // A created task clears the name for the next one (once per creation, here where the form
    // lives, not in the form that each reload rebuilds).
    let name = actions.form.name;
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            name.set(String::new());
        }
    });
    view! {
        <OrgFrame current="tasks" page=move |overview| view! { <OrgTasksBody overview data actions/> }.into_any()/>
    }
}

/// The new-task form's fields. They live with the page, not inside the list's suspense: every
/// action reloads the list, and a form rebuilt with it would lose what the user typed (and hide
/// the field an error is about).
#[derive(Clone, Copy)]
struct TaskForm {
    name: RwSignal<String>,
    task_type: RwSignal<String>,
    kind: RwSignal<String>,
    interval: RwSignal<String>,
    cron: RwSignal<String>,
    run_at: RwSignal<String>,
    config: RwSignal<String>,
    local_error: RwSignal<Option<sdk::Error>>,
}

impl TaskForm {
    fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            task_type: RwSignal::new(String::new()),
            kind: RwSignal::new("interval".to_string()),
            interval: RwSignal::new("3600".to_string()),
            cron: RwSignal::new("0 * * * *".to_string()),
            run_at: RwSignal::new(String::new()),
            config: RwSignal::new("{}".to_string()),
            local_error: RwSignal::new(None),
        }
    }
}

#[derive(Clone, Copy)]
struct TaskActions {
    create: ServerAction<CreateOrgTask>,
    update: ServerAction<UpdateOrgTask>,
    delete: ServerAction<DeleteOrgTask>,
    run: ServerAction<RunOrgTask>,
    refresh: RwSignal<usize>,
    form: TaskForm,
}

#[component]
fn OrgTasksBody(
    overview: OrgSummary,
    data: Resource<Result<OrgTasks, sdk::Error>>,
    actions: TaskActions,
) -> impl IntoView {
    let org_id = overview.organization.id;
    let may = |action: &str| overview.allowed.iter().any(|a| a == action);
    let (may_create, may_update, may_delete, may_run) = (
        may("scheduled_task:create"),
        may("scheduled_task:update"),
        may("scheduled_task:delete"),
        may("scheduled_task:run"),
    );
    let TaskActions {
        create,
        update,
        delete,
        run,
        refresh,
        form,
    } = actions;
    let list_error = Signal::derive(move || {
        failed(update.value().get())
            .or_else(|| failed(delete.value().get()))
            .or_else(|| failed(run.value().get()))
    });
    view! {
        {move || list_error.get().map(|error| view! { <ErrorNotice error/> })}
        {move || run.value().get().and_then(|r| r.ok()).map(|id| view! { <SuccessNotice message=format!("Started run {id}. Refresh to see how it went.")/> })}
        <Suspense fallback=|| view! { <SkeletonRows rows=5/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(data) => {
                        let now = data.now;
                        let types = data.types.clone();
                        view! {
                            <div class="grid gap-6 lg:grid-cols-3">
                                <div class="lg:col-span-2">
                                    <Card title="Scheduled tasks">
                                        <div class="mb-3 flex justify-end">
                                            <Button kind=ButtonKind::Secondary id="refresh-tasks" on_click=Callback::new(move |_| refresh.update(|n| *n += 1))>"Refresh"</Button>
                                        </div>
                                        {if data.tasks.is_empty() {
                                            view! { <EmptyState title="No scheduled tasks" detail="Tasks come from the plugins this organization has on."/> }.into_any()
                                        } else {
                                            view! {
                                                <div class="overflow-x-auto">
                                                <table class=TABLE id="org-tasks">
                                                    <thead><tr><th class=TH>"Task"</th><th class=TH>"Schedule"</th><th class=TH>"Next run"</th><th class=TH>"Last run"</th><th class=TH></th></tr></thead>
                                                    <tbody>
                                                    {data.tasks.into_iter().map(|t| task_row(t, org_id, now, (may_update, may_delete, may_run), (update, delete, run))).collect_view()}
                                                    </tbody>
                                                </table>
                                                </div>
                                            }.into_any()
                                        }}
                                    </Card>
                                </div>
                                {may_create.then(|| view! { <NewTaskForm org_id types create form/> })}
                            </div>
                            <div class="mt-6">
                                <Card title="Recent runs">
                                    <RunsTable runs=data.runs now/>
                                </Card>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn task_row(
    t: OrgTaskView,
    org_id: i64,
    now: i64,
    (may_update, may_delete, may_run): (bool, bool, bool),
    (update, delete, run): (
        ServerAction<UpdateOrgTask>,
        ServerAction<DeleteOrgTask>,
        ServerAction<RunOrgTask>,
    ),
) -> impl IntoView {
    let id = t.id;
    let toggled = OrgTaskInput {
        name: t.name.clone(),
        task_type: t.task_type.clone(),
        schedule: t.schedule.clone(),
        config: t.config.clone(),
        active: !t.active,
    };
    let confirm_delete = RwSignal::new(false);
    view! {
        <tr data-task=t.name.clone()>
            <td class=TD>
                <div class="font-medium">{t.name.clone()}</div>
                <div class="text-xs text-slate-500">{t.task_type.clone()}</div>
            </td>
            <td class=TD>{t.schedule_text.clone()}{(!t.active).then(|| view! { " " <Badge>"paused"</Badge> })}</td>
            <td class=TD>{when(t.next_run_at, now)}</td>
            <td class=TD>
                {status_badge(t.last_status.as_deref())}
                {t.last_error.clone().map(|e| view! { <div class="task-error mt-1 max-w-xs text-xs text-red-700 dark:text-red-300">{e}</div> })}
            </td>
            <td class=TD>
                <div class="flex flex-wrap justify-end gap-2">
                    {may_run.then(|| view! { <Button on_click=Callback::new(move |_| { run.dispatch(RunOrgTask { org_id, task_id: id }); })>"Run now"</Button> })}
                    {may_update.then(|| {
                        let label = if toggled.active { "Resume" } else { "Pause" };
                        let toggled = toggled.clone();
                        view! { <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { update.dispatch(UpdateOrgTask { org_id, task_id: id, task: toggled.clone() }); })>{label}</Button> }
                    })}
                    {may_delete.then(|| view! {
                        <Show when=move || confirm_delete.get() fallback=move || view! {
                            <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| confirm_delete.set(true))>"Delete"</Button>
                        }>
                            <Button kind=ButtonKind::Danger on_click=Callback::new(move |_| { delete.dispatch(DeleteOrgTask { org_id, task_id: id }); })>"Really delete"</Button>
                        </Show>
                    })}
                </div>
            </td>
        </tr>
    }
}

#[component]
fn NewTaskForm(
    org_id: i64,
    types: Vec<TaskTypeView>,
    create: ServerAction<CreateOrgTask>,
    form: TaskForm,
) -> impl IntoView {
    let TaskForm {
        name,
        task_type,
        kind,
        interval,
        cron,
        run_at,
        config,
        local_error,
    } = form;
    if !types.iter().any(|t| t.key == task_type.get_untracked()) {
        task_type.set(types.first().map(|t| t.key.clone()).unwrap_or_default());
    }
    let error = Signal::derive(move || local_error.get().or_else(|| failed(create.value().get())));
    let type_options: Vec<(String, String)> = types
        .iter()
        .map(|t| {
            (
                t.key.clone(),
                format!("{} ({})", t.description, t.plugin_name),
            )
        })
        .collect();
    let descriptions = StoredValue::new(types);
    let help = move || {
        descriptions.with_value(|types| {
            types
                .iter()
                .find(|t| t.key == task_type.get())
                .and_then(|t| t.config_schema.as_ref())
                .map(|schema| format!("Config (JSON). Schema: {schema}"))
                .unwrap_or_else(|| "Config (JSON object)".to_string())
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let schedule = match kind.get_untracked().as_str() {
            "interval" => {
                match interval.get_untracked().trim().parse::<i64>() {
                    Ok(seconds) => Schedule::Interval { seconds },
                    Err(_) => {
                        local_error.set(Some(sdk::Error::invalid("interval_seconds", "Enter the interval as a whole number of seconds, e.g. 3600 for hourly.")));
                        return;
                    }
                }
            }
            "cron" => Schedule::Cron {
                expression: cron.get_untracked(),
            },
            _ => match parse_utc(&run_at.get_untracked()) {
                Ok(at) => Schedule::Once { at },
                Err(message) => {
                    local_error.set(Some(sdk::Error::invalid("run_at", message)));
                    return;
                }
            },
        };
        let config_value = match serde_json::from_str::<serde_json::Value>(&config.get_untracked())
        {
            Ok(v) => v,
            Err(e) => {
                local_error.set(Some(sdk::Error::invalid(
                    "config",
                    format!("The config is not valid JSON: {e}"),
                )));
                return;
            }
        };
        create.dispatch(CreateOrgTask {
            org_id,
            task: OrgTaskInput {
                name: name.get_untracked(),
                task_type: task_type.get_untracked(),
                schedule,
                config: config_value,
                active: true,
            },
        });
    };
    view! {
        <Card title="New task">
            {if type_options.is_empty() {
                view! { <EmptyState title="No task types" detail="None of the plugins this organization has on offers tasks."/> }.into_any()
            } else {
                view! {
                    <form id="new-task" class="flex flex-col gap-4" on:submit=submit>
                        <TextField label="Name" name="name" value=name error required=true/>
                        <Select label="Type" name="task_type" value=task_type options=Signal::derive(move || type_options.clone())/>
                        <Select label="Schedule" name="schedule" value=kind options=Signal::derive(|| vec![
                            ("interval".to_string(), "Every N seconds".to_string()),
                            ("cron".to_string(), "Cron expression (UTC)".to_string()),
                            ("once".to_string(), "Once".to_string()),
                        ])/>
                        <Show when=move || kind.get() == "interval">
                            <TextField label="Interval (seconds)" name="interval_seconds" value=interval error input_type="number"/>
                        </Show>
                        <Show when=move || kind.get() == "cron">
                            <TextField label="Cron expression" name="cron" value=cron error help="5 fields as in crontab (minute hour day month weekday) or 6 with seconds first; UTC. Example: 0 3 * * * runs at 03:00 every day."/>
                        </Show>
                        <Show when=move || kind.get() == "once">
                            <TextField label="Run at (UTC)" name="run_at" value=run_at error placeholder="2026-12-01 18:00"/>
                        </Show>
                        <TextArea label="Config" name="config" value=config error help=help() rows=3/>
                        <FormError error fields=&["name", "interval_seconds", "cron", "run_at", "config"]/>
                        <Button button_type="submit" busy=create.pending()>"Schedule task"</Button>
                        {move || matches!(create.value().get(), Some(Ok(_))).then(|| view! { <SuccessNotice message="Task scheduled."/> })}
                    </form>
                }.into_any()
            }}
        </Card>
    }
}
