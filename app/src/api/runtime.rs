//! Runtime services: scheduled tasks (site admins' built-ins, organizations' own tasks, history),
//! the event log, and the Discord bot's status.
//!
//! Organization functions take `org_id` first and need `scheduled_task:read|create|update|
//! delete|run` there; site-admin functions need global ADMIN.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use sdk::{
    runtime::{BotStatus, EventRecord, LinkedGuild, ListenerFailure},
    tasks::model::{BuiltinTaskView, OrgTaskInput, OrgTaskView, TaskRunView, TaskTypeView},
};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::support::*;
#[cfg(feature = "ssr")]
use platform::tasks::engine::Scheduler;
#[cfg(feature = "ssr")]
use sdk::{auth::GlobalLevel, Actor};

#[cfg(feature = "ssr")]
fn scheduler() -> Result<Scheduler, sdk::Error> {
    Ok(Scheduler::new(&platform()?))
}

/// Every organization's tasks, for the site admin: the built-in ones, and a page of the
/// organizations' own (newest first; more with `org_tasks_next_before_id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TaskOverview {
    pub builtins: Vec<BuiltinTaskView>,
    pub org_tasks: Vec<OrgTaskView>,
    pub org_tasks_next_before_id: Option<i64>,
    /// The server's clock (epoch ms), so "next run in …" is measured from the same clock.
    pub now: i64,
}

#[server(prefix = "/api/core", endpoint = "admin_tasks", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_tasks(
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<TaskOverview, sdk::Error> {
    require_level(GlobalLevel::Admin)?;
    let scheduler = scheduler()?;
    let builtins = scheduler.builtin_views().await?;
    let org_tasks = scheduler.all_org_tasks(&page).await?;
    Ok(TaskOverview {
        builtins,
        org_tasks: org_tasks.items,
        org_tasks_next_before_id: org_tasks.next_before_id,
        now: sdk::time::now_ms(),
    })
}
sdk::api_doc!(AdminTasks, "site role ADMIN or higher");

/// Switches a built-in task on or off for the whole site (`active: null` goes back to the
/// task's default).
#[server(prefix = "/api/core", endpoint = "admin_set_builtin_task", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_set_builtin_task(
    key: String,
    #[server(default)] active: Option<bool>,
) -> Result<BuiltinTaskView, sdk::Error> {
    let user = require_level(GlobalLevel::Admin)?;
    scheduler()?
        .set_builtin_active(&key, active, &Actor::user(user.clone()).from_ip(ip()))
        .await
}
sdk::api_doc!(AdminSetBuiltinTask, "site role ADMIN or higher");

/// Runs a built-in task now; returns the run's id (its outcome appears in the history).
#[server(prefix = "/api/core", endpoint = "admin_run_builtin_task", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_run_builtin_task(key: String) -> Result<i64, sdk::Error> {
    let user = require_level(GlobalLevel::Admin)?;
    scheduler()?
        .run_builtin_now(&key, &Actor::user(user.clone()).from_ip(ip()))
        .await
}
sdk::api_doc!(AdminRunBuiltinTask, "site role ADMIN or higher");

/// Runs of every task (or of one task key: `builtin:<plugin>.<name>`, `org:<id>`), newest
/// first, a page at a time.
#[server(prefix = "/api/core", endpoint = "admin_task_runs", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_task_runs(
    #[server(default)] task_key: Option<String>,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<TaskRunView>, sdk::Error> {
    require_level(GlobalLevel::Admin)?;
    scheduler()?
        .history_page(None, task_key.as_deref(), &page)
        .await
}
sdk::api_doc!(AdminTaskRuns, "site role ADMIN or higher");

/// One run, to follow a manual run: site admins see any; members with `scheduled_task:read`
/// their organization's.
#[server(prefix = "/api/core", endpoint = "get_task_run", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_task_run(
    #[server(default)] org_id: Option<i64>,
    run_id: i64,
) -> Result<TaskRunView, sdk::Error> {
    let not_found = || sdk::Error::not_found(format!("There is no task run {run_id}."));
    match org_id {
        Some(org_id) => {
            require(org_id, "scheduled_task:read").await?;
            let run = scheduler()?.run(run_id).await?.ok_or_else(not_found)?;
            if run.org_id == Some(org_id) {
                Ok(run)
            } else {
                Err(not_found())
            }
        }
        None => {
            require_level(GlobalLevel::Admin)?;
            scheduler()?.run(run_id).await?.ok_or_else(not_found)
        }
    }
}
sdk::api_doc!(GetTaskRun, "site role ADMIN or higher");

/// The events this instance delivered lately and the listeners that failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EventLog {
    pub instance: String,
    pub events: Vec<EventRecord>,
    pub failures: Vec<ListenerFailure>,
}

#[server(prefix = "/api/core", endpoint = "admin_events", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_events() -> Result<EventLog, sdk::Error> {
    require_level(GlobalLevel::Admin)?;
    let bus = platform()?.events;
    let mut events = bus.recent_events();
    events.reverse();
    let mut failures = bus.recent_failures();
    failures.reverse();
    Ok(EventLog {
        instance: bus.instance().to_string(),
        events,
        failures,
    })
}
sdk::api_doc!(AdminEvents, "site role ADMIN or higher");

/// The bot as the site admin sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BotOverview {
    pub status: BotStatus,
    /// Slash commands the plugins contribute, with their plugin.
    pub commands: Vec<(String, String)>,
    pub guilds: Vec<LinkedGuild>,
}

#[server(prefix = "/api/core", endpoint = "admin_bot", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_bot() -> Result<BotOverview, sdk::Error> {
    require_level(GlobalLevel::Admin)?;
    let platform = platform()?;
    let bot = platform.plugins.bot();
    Ok(BotOverview {
        status: bot.status(),
        commands: bot
            .commands
            .all()
            .into_iter()
            .map(|c| (c.command.name, c.plugin_id))
            .collect(),
        guilds: sdk::bot::linked_guilds(&platform.db, None).await?,
    })
}
sdk::api_doc!(AdminBot, "site role ADMIN or higher");

// ----- an organization's tasks -----

/// The organization's tasks (at most `platform::tasks::engine::MAX_ORG_TASKS`, so listed whole), the
/// task types it can use, and its 50 most recent runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrgTasks {
    pub tasks: Vec<OrgTaskView>,
    pub types: Vec<TaskTypeView>,
    pub runs: Vec<TaskRunView>,
    pub now: i64,
}

#[server(prefix = "/api/core", endpoint = "list_org_tasks", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_org_tasks(org_id: i64) -> Result<OrgTasks, sdk::Error> {
    require(org_id, "scheduled_task:read").await?;
    let scheduler = scheduler()?;
    Ok(OrgTasks {
        tasks: scheduler.org_tasks(org_id).await?,
        types: scheduler.task_types(org_id).await?,
        runs: scheduler.history(Some(org_id), None, 50).await?,
        now: sdk::time::now_ms(),
    })
}
sdk::api_doc!(ListOrgTasks, "`scheduled_task:read` in the organization");

#[server(prefix = "/api/core", endpoint = "create_org_task", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn create_org_task(org_id: i64, task: OrgTaskInput) -> Result<OrgTaskView, sdk::Error> {
    let scope = require(org_id, "scheduled_task:create").await?;
    scheduler()?
        .create_org_task(org_id, task, &Actor::from(&scope))
        .await
}
sdk::api_doc!(CreateOrgTask, "`scheduled_task:create` in the organization");

#[server(prefix = "/api/core", endpoint = "update_org_task", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn update_org_task(
    org_id: i64,
    task_id: i64,
    task: OrgTaskInput,
) -> Result<OrgTaskView, sdk::Error> {
    let scope = require(org_id, "scheduled_task:update").await?;
    scheduler()?
        .update_org_task(org_id, task_id, task, &Actor::from(&scope))
        .await
}
sdk::api_doc!(UpdateOrgTask, "`scheduled_task:update` in the organization");

#[server(prefix = "/api/core", endpoint = "delete_org_task", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn delete_org_task(org_id: i64, task_id: i64) -> Result<(), sdk::Error> {
    let scope = require(org_id, "scheduled_task:delete").await?;
    scheduler()?
        .delete_org_task(org_id, task_id, &Actor::from(&scope))
        .await
}
sdk::api_doc!(DeleteOrgTask, "`scheduled_task:delete` in the organization");

/// Runs the task now; returns the run's id.
#[server(prefix = "/api/core", endpoint = "run_org_task", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn run_org_task(org_id: i64, task_id: i64) -> Result<i64, sdk::Error> {
    let scope = require(org_id, "scheduled_task:run").await?;
    scheduler()?
        .run_org_task_now(org_id, task_id, &Actor::from(&scope))
        .await
}
sdk::api_doc!(RunOrgTask, "`scheduled_task:run` in the organization");
