//! The platform a plugin's tasks and listeners reach, once the server started.
//!
//! A plugin registers its tasks and listeners in `on_load`, before the platform they need
//! exists; the host hands the platform over in `on_start`. [`StartedPlatform`] is the one place
//! that hand-over lives: the plugin keeps a clone in every closure it registers, sets it in
//! `on_start`, and a closure that runs before that (it cannot in a running server) gets a clear
//! internal error naming the plugin instead of a panic.

use std::sync::{Arc, RwLock};

use crate::{context::Platform, Error};

/// A cheap-to-clone handle to the platform, set in `on_start`.
#[derive(Clone)]
pub struct StartedPlatform {
    plugin: &'static str,
    platform: Arc<RwLock<Option<Platform>>>,
}

impl std::fmt::Debug for StartedPlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartedPlatform")
            .field("plugin", &self.plugin)
            .field("started", &self.try_get().is_some())
            .finish()
    }
}

impl StartedPlatform {
    /// Not started yet; `plugin` names the plugin in the error a too-early call gets.
    pub fn new(plugin: &'static str) -> Self {
        Self {
            plugin,
            platform: Arc::new(RwLock::new(None)),
        }
    }

    /// Hands the platform over (a later start, as a test restarting a world does, replaces it).
    pub fn set(&self, platform: Platform) {
        match self.platform.write() {
            Ok(mut slot) => *slot = Some(platform),
            Err(poisoned) => *poisoned.into_inner() = Some(platform),
        }
    }

    /// The platform, or `None` before `on_start`.
    pub fn try_get(&self) -> Option<Platform> {
        match self.platform.read() {
            Ok(slot) => slot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The platform, or an internal error (logged with the plugin's name and the caller).
    #[track_caller]
    pub fn get(&self) -> Result<Platform, Error> {
        match self.try_get() {
            Some(platform) => Ok(platform),
            None => Err(Error::internal(format_args!(
                "the {} plugin has not started",
                self.plugin
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn before_start_a_call_is_an_internal_error_not_a_panic() {
        let started = StartedPlatform::new("speedgaming");
        let clone = started.clone();
        assert!(clone.try_get().is_none());
        assert!(matches!(clone.get(), Err(Error::Internal)));
        assert!(format!("{clone:?}").contains("started: false"));
    }
}
