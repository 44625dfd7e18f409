//! Scheduled tasks: what plugins contribute, and the engine that runs them.
//!
//! Two kinds of task:
//! - **Built-in tasks** ([`BuiltinTask`]): a plugin registers them in `on_load` with a fixed
//!   schedule; they run once per due time for the whole site. Site admins can switch one off or
//!   back on (the override is stored in `builtin_tasks`) and run any of them now.
//! - **Organization tasks**: rows of `scheduled_tasks` that an organization's admins create
//!   (action `scheduled_task:*`) from a [`TaskType`] a plugin registered, with their own schedule
//!   and JSON config. They run only while the plugin is enabled for that organization.
//!
//! The scheduler (the `platform` crate's task engine) decides what is due from the database, claims each run by inserting
//! a unique (task, due time) row into `task_runs` — so several instances on one PostgreSQL run
//! it once — records how it went, and sets the next due time from the schedule. A failed run is
//! recorded and waits for its next slot like any other: there is no retry loop.

pub mod model;
#[cfg(feature = "ssr")]
pub mod schedule;

pub use model::Schedule;

#[cfg(feature = "ssr")]
pub use registry::*;

#[cfg(feature = "ssr")]
mod registry {
    use std::{
        collections::BTreeMap,
        sync::{Arc, RwLock},
    };

    use futures::future::BoxFuture;
    use serde_json::Value;

    use super::Schedule;
    use crate::Error;

    /// What a task's code gets for one run.
    #[derive(Debug, Clone)]
    pub struct TaskRun {
        /// `builtin:<plugin>.<name>` or `org:<id>`.
        pub task_key: String,
        /// The organization, for organization tasks.
        pub org_id: Option<i64>,
        /// The organization task's config (always an object; `{}` for built-ins).
        pub config: Value,
        /// The slot this run is for (epoch ms); for "run now", when it was asked for.
        pub due_at: i64,
        /// `schedule` or `manual`.
        pub trigger: String,
    }

    pub type TaskHandler =
        Arc<dyn Fn(TaskRun) -> BoxFuture<'static, Result<(), Error>> + Send + Sync>;

    /// Wraps an async closure as a [`TaskHandler`].
    pub fn handler<F, Fut>(f: F) -> TaskHandler
    where
        F: Fn(TaskRun) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), Error>> + Send + 'static,
    {
        Arc::new(move |run| Box::pin(f(run)))
    }

    /// A task a plugin runs for the whole site on a fixed schedule.
    #[derive(Clone)]
    pub struct BuiltinTask {
        /// Unique within the plugin; the task's key is `<plugin>.<name>`.
        pub name: String,
        pub description: String,
        pub schedule: Schedule,
        /// Whether it runs before a site admin says otherwise.
        pub active_by_default: bool,
        pub handler: TaskHandler,
    }

    /// A kind of task organizations can schedule themselves.
    #[derive(Clone)]
    pub struct TaskType {
        /// Unique within the plugin; stored as `<plugin>.<name>` in `scheduled_tasks.task_type`.
        pub name: String,
        pub description: String,
        /// JSON Schema of the task's config; `None` accepts any object.
        pub config_schema: Option<Value>,
        pub handler: TaskHandler,
    }

    /// A registered built-in task with its owner.
    #[derive(Clone)]
    pub struct RegisteredTask {
        pub key: String,
        pub plugin_id: String,
        pub task: BuiltinTask,
    }

    /// A registered task type with its owner.
    #[derive(Clone)]
    pub struct RegisteredType {
        pub key: String,
        pub plugin_id: String,
        pub task_type: TaskType,
    }

    /// Everything plugins registered, by key. Dropped per plugin on reload or failure.
    #[derive(Default)]
    pub struct TaskRegistry {
        builtins: RwLock<BTreeMap<String, RegisteredTask>>,
        types: RwLock<BTreeMap<String, RegisteredType>>,
    }

    impl std::fmt::Debug for TaskRegistry {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("TaskRegistry")
                .field("builtins", &self.builtin_keys())
                .field(
                    "types",
                    &self
                        .types()
                        .iter()
                        .map(|t| t.key.clone())
                        .collect::<Vec<_>>(),
                )
                .finish()
        }
    }

    impl TaskRegistry {
        /// Registers `task` for `plugin_id`; its schedule must be valid.
        pub fn add_builtin(&self, plugin_id: &str, task: BuiltinTask) -> Result<(), Error> {
            task.schedule.validate().map_err(|e| {
                Error::internal(format!(
                    "plugin {plugin_id}: task {} has an invalid schedule: {}",
                    task.name,
                    e.message()
                ))
            })?;
            let key = format!("{plugin_id}.{}", task.name);
            let mut builtins = self.builtins.write().map_err(Error::internal)?;
            builtins.insert(
                key.clone(),
                RegisteredTask {
                    key,
                    plugin_id: plugin_id.to_string(),
                    task,
                },
            );
            Ok(())
        }

        pub fn add_type(&self, plugin_id: &str, task_type: TaskType) -> Result<(), Error> {
            let key = format!("{plugin_id}.{}", task_type.name);
            let mut types = self.types.write().map_err(Error::internal)?;
            types.insert(
                key.clone(),
                RegisteredType {
                    key,
                    plugin_id: plugin_id.to_string(),
                    task_type,
                },
            );
            Ok(())
        }

        pub fn remove_owner(&self, plugin_id: &str) {
            if let Ok(mut b) = self.builtins.write() {
                b.retain(|_, t| t.plugin_id != plugin_id);
            }
            if let Ok(mut t) = self.types.write() {
                t.retain(|_, t| t.plugin_id != plugin_id);
            }
        }

        pub fn builtins(&self) -> Vec<RegisteredTask> {
            self.builtins
                .read()
                .map(|b| b.values().cloned().collect())
                .unwrap_or_default()
        }

        pub fn builtin(&self, key: &str) -> Option<RegisteredTask> {
            self.builtins.read().ok()?.get(key).cloned()
        }

        pub fn builtin_keys(&self) -> Vec<String> {
            self.builtins
                .read()
                .map(|b| b.keys().cloned().collect())
                .unwrap_or_default()
        }

        pub fn types(&self) -> Vec<RegisteredType> {
            self.types
                .read()
                .map(|t| t.values().cloned().collect())
                .unwrap_or_default()
        }

        pub fn task_type(&self, key: &str) -> Option<RegisteredType> {
            self.types.read().ok()?.get(key).cloned()
        }
    }
}
