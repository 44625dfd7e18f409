//! An organization's Tasks tab: its scheduled tasks (run, pause or resume, delete, as the
//! viewer's actions allow), the form for a new one, and the recent runs. The page owns the
//! server actions and the form's fields ([`TaskActions`], [`TaskForm`]) so reloading the list
//! after an action keeps what the user typed.

use leptos::prelude::*;
use sdk::{
    tasks::model::{OrgTaskInput, OrgTaskView, Schedule, TaskTypeView},
    time::parse_utc,
    ui::{
        Badge, Button, ButtonKind, Card, EmptyState, ErrorNotice, FormError, Select, SkeletonRows,
        SuccessNotice, TextArea, TextField, TABLE, TD, TH,
    },
};

use super::{status_badge, when, RunsTable};
use crate::{
    api::{
        orgs::OrgSummary,
        runtime::{
            list_org_tasks, CreateOrgTask, DeleteOrgTask, OrgTasks, RunOrgTask, UpdateOrgTask,
        },
    },
    pages::{
        org::OrgFrame,
        shared::{failed, org_id_param, LoadError},
    },
};

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
