//! What the scheduler shows and takes: schedules, task views, run records (browser and server).

use serde::{Deserialize, Serialize};

/// The shortest interval a plugin's built-in task may have (plugin code, trusted).
pub const MIN_INTERVAL_SECONDS: i64 = 1;
/// The shortest interval an organization's task may have, and the most often its cron
/// expression may fire (once a minute). Organization tasks are set up by organization admins and
/// most of them post to Discord through the one site-wide bot, whose rate limits every
/// organization shares: one organization's task every second would hammer Discord and the
/// database for everybody. Nothing an organization schedules needs to run more often.
pub const MIN_ORG_INTERVAL_SECONDS: i64 = 60;
/// How many active tasks one organization may have at once (paused ones do not count).
pub const MAX_ACTIVE_TASKS_PER_ORG: i64 = 50;

/// When a task is due. Cron expressions are UTC, 5 fields (crontab) or 6 (seconds first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Schedule {
    Interval {
        seconds: i64,
    },
    Cron {
        expression: String,
    },
    /// Epoch ms in Rust; an RFC 3339 UTC string on the wire, like every API time.
    Once {
        #[serde(with = "crate::time::rfc3339")]
        #[schemars(schema_with = "crate::openapi::date_time")]
        at: i64,
    },
}

impl Schedule {
    pub fn kind(&self) -> &'static str {
        match self {
            Schedule::Interval { .. } => "interval",
            Schedule::Cron { .. } => "cron",
            Schedule::Once { .. } => "once",
        }
    }

    /// For people: "every 5 minutes", "cron 0 3 * * * (UTC)", "once at …".
    pub fn describe(&self) -> String {
        match self {
            Schedule::Interval { seconds } => {
                format!("every {}", crate::time::describe_seconds(*seconds))
            }
            Schedule::Cron { expression } => format!("cron `{}` (UTC)", expression.trim()),
            Schedule::Once { at } => format!("once at {}", crate::time::format_utc(*at)),
        }
    }
}

/// A plugin's built-in task as the site admin sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BuiltinTaskView {
    /// `<plugin>.<name>`
    pub key: String,
    pub plugin_id: String,
    pub description: String,
    pub schedule: Schedule,
    pub schedule_text: String,
    pub active_by_default: bool,
    /// The site admin's choice; None = the default.
    pub active_override: Option<bool>,
    pub active: bool,
    /// False while the plugin is off for the whole site: the task does not run then.
    pub plugin_running: bool,
    #[serde(default, with = "crate::time::rfc3339::option")]
    #[schemars(schema_with = "crate::openapi::optional_date_time")]
    pub next_run_at: Option<i64>,
    #[serde(default, with = "crate::time::rfc3339::option")]
    #[schemars(schema_with = "crate::openapi::optional_date_time")]
    pub last_run_at: Option<i64>,
    pub last_status: Option<String>,
    pub last_error: Option<String>,
}

/// A kind of task an organization can schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TaskTypeView {
    /// `<plugin>.<name>`
    pub key: String,
    pub plugin_id: String,
    pub plugin_name: String,
    pub description: String,
    pub config_schema: Option<serde_json::Value>,
}

/// An organization's scheduled task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrgTaskView {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub task_type: String,
    pub schedule: Schedule,
    pub schedule_text: String,
    pub config: serde_json::Value,
    pub active: bool,
    #[serde(default, with = "crate::time::rfc3339::option")]
    #[schemars(schema_with = "crate::openapi::optional_date_time")]
    pub next_run_at: Option<i64>,
    #[serde(default, with = "crate::time::rfc3339::option")]
    #[schemars(schema_with = "crate::openapi::optional_date_time")]
    pub last_run_at: Option<i64>,
    pub last_status: Option<String>,
    pub last_error: Option<String>,
    pub created_by: Option<i64>,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub created_at: i64,
}

/// What an organization admin sends to create or change a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrgTaskInput {
    pub name: String,
    pub task_type: String,
    pub schedule: Schedule,
    #[serde(default = "empty_object")]
    pub config: serde_json::Value,
    #[serde(default = "yes")]
    pub active: bool,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(Default::default())
}

fn yes() -> bool {
    true
}

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TaskRunView {
    pub id: i64,
    pub task_key: String,
    /// The built-in's key or the organization task's name.
    pub task_name: String,
    pub org_id: Option<i64>,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub due_at: i64,
    /// `schedule` or `manual`.
    pub trigger: String,
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(schema_with = "crate::openapi::date_time")]
    pub started_at: i64,
    #[serde(default, with = "crate::time::rfc3339::option")]
    #[schemars(schema_with = "crate::openapi::optional_date_time")]
    pub finished_at: Option<i64>,
    /// `running`, `success` or `failed`.
    pub status: String,
    pub error: Option<String>,
    pub duration_ms: Option<i64>,
    pub instance: String,
}
