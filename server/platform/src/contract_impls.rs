//! The registry and the authorizer behind the SDK's traits, which is all plugins see of them.

use std::{
    any::{Any, TypeId},
    sync::Arc,
};

use async_trait::async_trait;
use sdk::{
    auth::CurrentUser,
    bot::BotRuntime,
    context::{Decision, Plugins, Rights},
    events::EventBus,
    Error,
};
use serde_json::Value;

use crate::{Authorizer, PluginHost};

#[async_trait]
impl Rights for Authorizer {
    async fn decide(
        &self,
        user: &CurrentUser,
        org_id: i64,
        action: &str,
    ) -> Result<Decision, Error> {
        Authorizer::decide(self, user, org_id, action).await
    }

    async fn is_member(&self, user_id: i64, org_id: i64) -> Result<bool, Error> {
        Authorizer::is_member(self, user_id, org_id).await
    }

    fn membership_changed(&self, org_id: i64, user_id: i64) {
        self.invalidate_member(org_id, user_id);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

#[async_trait]
impl Plugins for PluginHost {
    async fn is_enabled(&self, org_id: i64, plugin_id: &str) -> Result<bool, Error> {
        PluginHost::is_enabled(self, org_id, plugin_id).await
    }

    async fn ensure_enabled(&self, org_id: i64, plugin_id: &str) -> Result<(), Error> {
        PluginHost::ensure_enabled(self, org_id, plugin_id).await
    }

    async fn is_running(&self, plugin_id: &str) -> Result<bool, Error> {
        PluginHost::is_running(self, plugin_id).await
    }

    async fn enabled_plugins(&self, org_id: i64) -> Result<Vec<String>, Error> {
        PluginHost::enabled_plugins(self, org_id).await
    }

    async fn effective_config(&self, org_id: i64, plugin_id: &str) -> Result<Value, Error> {
        PluginHost::effective_config(self, org_id, plugin_id).await
    }

    fn name_of(&self, plugin_id: &str) -> String {
        PluginHost::name_of(self, plugin_id)
    }

    fn bot(&self) -> Arc<BotRuntime> {
        PluginHost::bot(self)
    }

    fn events(&self) -> Arc<EventBus> {
        PluginHost::events(self)
    }

    fn randomizers(&self) -> Arc<sdk::randomizer::RandomizerRegistry> {
        PluginHost::randomizers(self)
    }

    fn service_by_type(
        &self,
        consumer: &str,
        wanted: TypeId,
        type_name: &'static str,
    ) -> Result<Arc<dyn Any + Send + Sync>, Error> {
        PluginHost::service_by_type(self, consumer, wanted, type_name)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}
