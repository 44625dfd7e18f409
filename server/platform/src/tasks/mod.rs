//! The scheduler that runs plugins' tasks. What a task is (built-in or organization task, its
//! schedule and handler) is contract and lives in `sdk::tasks`; this module is the engine.

pub use sdk::tasks::*;

pub mod engine;
