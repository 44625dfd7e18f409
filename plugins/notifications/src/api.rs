//! Server functions: the JSON API under `/api/p/notifications/`. Each is guard → service → DTO:
//! the guard answers NotEnabled (404) when the organization has not switched the plugin on and
//! Forbidden without the action; the service decides everything else.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use sdk::page::{Page, PageRequest};

use crate::model::{Delivery, MySettings, Rights, SubscriptionInput};
#[cfg(feature = "ssr")]
use crate::{actions, service::Notifications, PLUGIN_ID};
#[cfg(feature = "ssr")]
use sdk::{auth::guard::require_plugin, context::platform, Actor};

/// What the caller may do on the notification pages.
#[server(prefix = "/api/p/notifications", endpoint = "my_rights", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn my_rights(org_id: i64) -> Result<Rights, sdk::Error> {
    // The request's context is there until the first await: read it first.
    let service = Notifications::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::SUBSCRIBE).await?;
    service.rights(org_id, &Actor::from(&scope)).await
}
sdk::api_doc!(
    MyRights,
    "`notifications:subscribe` in the organization (every member), with notifications enabled"
);

/// The caller's notification settings in the organization (defaults filled in).
#[server(prefix = "/api/p/notifications", endpoint = "get_settings", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_settings(org_id: i64) -> Result<MySettings, sdk::Error> {
    let service = Notifications::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::SUBSCRIBE).await?;
    service.my_settings(org_id, &Actor::from(&scope)).await
}
sdk::api_doc!(
    GetSettings,
    "`notifications:subscribe` in the organization (every member), with notifications enabled"
);

/// Saves the caller's choices per kind of notification (kinds not listed keep theirs) and
/// their quiet hours (`HH:MM` in their profile's time zone; both blank: none).
#[server(prefix = "/api/p/notifications", endpoint = "save_settings", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn save_settings(
    org_id: i64,
    subscriptions: Vec<SubscriptionInput>,
    #[server(default)] quiet_start: Option<String>,
    #[server(default)] quiet_end: Option<String>,
) -> Result<MySettings, sdk::Error> {
    let service = Notifications::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::SUBSCRIBE).await?;
    let now = sdk::time::now_ms();
    service
        .save_settings(
            org_id,
            &Actor::from(&scope),
            &subscriptions,
            quiet_start.as_deref(),
            quiet_end.as_deref(),
            now,
        )
        .await
}
sdk::api_doc!(
    SaveSettings,
    "`notifications:subscribe` in the organization (every member), with notifications enabled"
);

/// Sends the caller a test notification now; the delivery after the first try (sent, or the
/// reason it was not).
#[server(prefix = "/api/p/notifications", endpoint = "send_test", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn send_test(org_id: i64) -> Result<Delivery, sdk::Error> {
    let service = Notifications::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::SUBSCRIBE).await?;
    let now = sdk::time::now_ms();
    service.send_test(org_id, &Actor::from(&scope), now).await
}
sdk::api_doc!(
    SendTest,
    "`notifications:subscribe` in the organization (every member), with notifications enabled; the caller needs a linked Discord account"
);

/// What was sent to the caller in the organization, newest first, a page at a time.
#[server(prefix = "/api/p/notifications", endpoint = "my_deliveries", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn my_deliveries(
    org_id: i64,
    #[server(default)] page: PageRequest,
) -> Result<Page<Delivery>, sdk::Error> {
    let service = Notifications::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::SUBSCRIBE).await?;
    service
        .my_deliveries(org_id, &Actor::from(&scope), &page)
        .await
}
sdk::api_doc!(
    MyDeliveries,
    "`notifications:subscribe` in the organization (every member), with notifications enabled"
);

/// Every delivery of the organization, newest first, a page at a time; `status` (`pending`,
/// `sent`, `dead`, `cancelled`) narrows it.
#[server(prefix = "/api/p/notifications", endpoint = "org_deliveries", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn org_deliveries(
    org_id: i64,
    #[server(default)] status: Option<String>,
    #[server(default)] page: PageRequest,
) -> Result<Page<Delivery>, sdk::Error> {
    let service = Notifications::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::ADMIN).await?;
    service
        .org_deliveries(org_id, &Actor::from(&scope), status.as_deref(), &page)
        .await
}
sdk::api_doc!(
    OrgDeliveries,
    "`notifications:admin` in the organization, with notifications enabled"
);

/// Sends a dead letter again (fresh attempts, tried at once); the delivery after that try.
#[server(prefix = "/api/p/notifications", endpoint = "retry_delivery", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn retry_delivery(org_id: i64, delivery_id: i64) -> Result<Delivery, sdk::Error> {
    let service = Notifications::from_platform(&platform()?);
    let scope = require_plugin(org_id, PLUGIN_ID, actions::ADMIN).await?;
    let now = sdk::time::now_ms();
    service
        .retry(org_id, &Actor::from(&scope), delivery_id, now)
        .await
}
sdk::api_doc!(
    RetryDelivery,
    "`notifications:admin` in the organization, with notifications enabled"
);
