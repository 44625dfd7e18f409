//! What a plugin sees of the running platform (server side only).
//!
//! The server provides one [`Platform`] for every request (`leptos_routes_with_context`), and
//! hands the same one to `Plugin::on_start`, so a server function or a long-lived task reaches
//! the database, the rights check and the plugin registry without globals.
//!
//! The registry and the authorizer are implemented by the `platform` crate (the host), which
//! plugins do not depend on; here they are the two traits [`Plugins`] and [`Rights`], holding
//! exactly what a plugin may ask. That keeps the host's inside out of every plugin's build: a
//! change in the registry recompiles the server, not the plugins.

use std::{
    any::{Any, TypeId},
    sync::Arc,
};

use async_trait::async_trait;
use leptos::prelude::use_context;
use serde_json::Value;

use crate::{
    auth::{actions::ActionRegistry, CurrentUser},
    bot::BotRuntime,
    db::Db,
    events::EventBus,
    Error,
};

/// The shared services of the running platform, as plugins see them.
#[derive(Debug, Clone)]
pub struct Platform {
    pub db: Db,
    /// Who may do what in which organization.
    pub authorizer: Arc<dyn Rights>,
    /// Every action the platform and its plugins define.
    pub actions: Arc<ActionRegistry>,
    /// Loaded plugins, their enablement per organization, configuration and services.
    pub plugins: Arc<dyn Plugins>,
    /// Typed events between plugins (the same bus the plugins' listeners are registered on).
    pub events: Arc<EventBus>,
    /// Where users reach the site, without a trailing slash (for links we hand out).
    pub base_url: String,
}

/// The answer to "may this user do this here?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    NotMember,
    Denied,
}

/// The authorizer, as plugins use it.
#[async_trait]
pub trait Rights: Send + Sync + std::fmt::Debug {
    /// Site ADMIN+ → allowed; not a member → NotMember; a DENY wins; any ALLOW; else Denied.
    async fn decide(
        &self,
        user: &CurrentUser,
        org_id: i64,
        action: &str,
    ) -> Result<Decision, Error>;

    async fn allowed(&self, user: &CurrentUser, org_id: i64, action: &str) -> Result<bool, Error> {
        Ok(self.decide(user, org_id, action).await? == Decision::Allowed)
    }

    async fn is_member(&self, user_id: i64, org_id: i64) -> Result<bool, Error>;

    /// A plugin added `user_id` to (or removed them from) the organization, after its commit:
    /// what was remembered about them there is dropped on every instance, so their rights
    /// follow at once.
    fn membership_changed(&self, org_id: i64, user_id: i64);

    /// The implementation itself, for the host's own code and its tests (plugins cannot name
    /// it, so they cannot use this).
    fn as_any(&self) -> &dyn Any;

    /// The same, shared.
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

/// The plugin registry, as plugins use it.
#[async_trait]
pub trait Plugins: Send + Sync + std::fmt::Debug {
    /// On for this organization (loaded, active, enabled there, dependencies on too).
    async fn is_enabled(&self, org_id: i64, plugin_id: &str) -> Result<bool, Error>;

    /// NotEnabled (HTTP 404, naming the plugin) unless [`Plugins::is_enabled`].
    async fn ensure_enabled(&self, org_id: i64, plugin_id: &str) -> Result<(), Error>;

    /// Loaded and active on the site, and not switched off by `DISABLED_PLUGINS`.
    async fn is_running(&self, plugin_id: &str) -> Result<bool, Error>;

    /// The ids of the plugins on for this organization.
    async fn enabled_plugins(&self, org_id: i64) -> Result<Vec<String>, Error>;

    /// The organization's configuration of the plugin: its overrides ▸ the install's ▸ the
    /// schema's defaults ▸ the code's.
    async fn effective_config(&self, org_id: i64, plugin_id: &str) -> Result<Value, Error>;

    /// The plugin's display name (its id when unknown).
    fn name_of(&self, plugin_id: &str) -> String;

    /// The Discord bot's shared state (status, REST client, commands).
    fn bot(&self) -> Arc<BotRuntime>;

    /// The event bus.
    fn events(&self) -> Arc<EventBus>;

    /// Every loaded randomizer, with the plugin providing each (see [`crate::randomizer`]).
    fn randomizers(&self) -> Arc<crate::randomizer::RandomizerRegistry>;

    /// The service of type `wanted` (named `type_name` in errors), if `consumer` declared its
    /// provider as a dependency. Use [`Plugins::service`](trait.Plugins.html#method.service).
    fn service_by_type(
        &self,
        consumer: &str,
        wanted: TypeId,
        type_name: &'static str,
    ) -> Result<Arc<dyn Any + Send + Sync>, Error>;

    /// The implementation itself, for the host's own code and its tests.
    fn as_any(&self) -> &dyn Any;

    /// The same, shared.
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

impl dyn Plugins {
    /// A service published by another plugin. `consumer` must declare the provider as a
    /// dependency in its manifest.
    pub fn service<T: Any + Send + Sync>(&self, consumer: &str) -> Result<Arc<T>, Error> {
        let type_name = std::any::type_name::<T>();
        self.service_by_type(consumer, TypeId::of::<T>(), type_name)?
            .downcast::<T>()
            .map_err(|_| Error::internal(format!("the service {type_name} has another type")))
    }
}

pub fn platform() -> Result<Platform, Error> {
    use_context::<Platform>().ok_or_else(|| Error::internal("no platform in the request context"))
}

/// The database handle of this request.
pub fn db() -> Result<Db, Error> {
    platform().map(|p| p.db)
}
