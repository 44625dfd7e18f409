//! Site administration: users, impersonation, global settings and the MOTD banner.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use platform::{identity::settings, identity::users};
#[cfg(feature = "ssr")]
use sdk::auth::GlobalLevel;
use sdk::identity::model::{AdminUserUpdate, Setting, UserInfo};

#[cfg(feature = "ssr")]
use super::support::*;

#[server(prefix = "/api/core", endpoint = "search_users", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn search_users(
    #[server(default)] query: String,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<UserInfo>, sdk::Error> {
    require_level(GlobalLevel::Admin)?;
    users::search(&platform()?.db, &query, &page).await
}
sdk::api_doc!(SearchUsers, "site role ADMIN or higher");

#[server(prefix = "/api/core", endpoint = "admin_update_user", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn admin_update_user(
    user_id: i64,
    update: AdminUserUpdate,
) -> Result<UserInfo, sdk::Error> {
    let actor = require_level(GlobalLevel::Admin)?;
    let platform = platform()?;
    let updated =
        users::admin_update(&platform.db, &actor, user_id, &update, ip().as_deref()).await?;
    platform.authorizer.invalidate_user(user_id);
    Ok(updated)
}
sdk::api_doc!(AdminUpdateUser, "site role ADMIN or higher");

/// SUPERADMIN acts as another user until [`stop_impersonating`].
#[server(prefix = "/api/core", endpoint = "impersonate", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn impersonate(user_id: i64) -> Result<(), sdk::Error> {
    let actor = require_level(GlobalLevel::Superadmin)?;
    if actor.impersonated_by.is_some() {
        return Err(sdk::Error::conflict("Stop impersonating first."));
    }
    let platform = platform()?;
    let target = users::active(&platform.db, user_id).await?.ok_or_else(|| {
        sdk::Error::invalid("user_id", format!("There is no active user {user_id}."))
    })?;
    session_set_impersonation(Some(target.id)).await?;
    record_impersonation(&platform.db, actor.id, "user.impersonate", target.id).await
}
sdk::api_doc!(Impersonate, "site role SUPERADMIN");

#[server(prefix = "/api/core", endpoint = "stop_impersonating", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn stop_impersonating() -> Result<(), sdk::Error> {
    let user = require_user()?;
    let Some(real) = user.impersonated_by else {
        return Err(sdk::Error::conflict("You are not impersonating anyone."));
    };
    session_set_impersonation(None).await?;
    record_impersonation(&platform()?.db, real, "user.stop_impersonating", user.id).await
}
sdk::api_doc!(StopImpersonating, "signed in");

#[cfg(feature = "ssr")]
async fn session_set_impersonation(target: Option<i64>) -> Result<(), sdk::Error> {
    let session: tower_sessions::Session = leptos_axum::extract().await.map_err(|_| {
        sdk::Error::unauthenticated("Impersonation needs a browser session, not an API token.")
    })?;
    let result = match target {
        Some(id) => {
            session
                .insert(sdk::auth::guard::SESSION_IMPERSONATING, id)
                .await
        }
        None => session
            .remove_value(sdk::auth::guard::SESSION_IMPERSONATING)
            .await
            .map(|_| ()),
    };
    result.map_err(sdk::Error::internal)
}

#[cfg(feature = "ssr")]
async fn record_impersonation(
    db: &sdk::db::Db,
    actor: i64,
    action: &str,
    target: i64,
) -> Result<(), sdk::Error> {
    sdk::audit::record(
        db.pool(),
        sdk::audit::AuditEntry {
            user_id: Some(actor),
            org_id: None,
            action,
            details: serde_json::json!({"user_id": target}),
            ip: ip().as_deref(),
        },
    )
    .await
}

/// Public settings for everyone; all of them for site admins.
#[server(prefix = "/api/core", endpoint = "list_settings", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_settings() -> Result<Vec<Setting>, sdk::Error> {
    let is_admin = caller()
        .user
        .is_some_and(|u| u.is_at_least(GlobalLevel::Admin));
    settings::list(&platform()?.db, !is_admin).await
}
sdk::api_doc!(
    ListSettings,
    "anyone; site role ADMIN or higher also sees the private settings"
);

#[server(prefix = "/api/core", endpoint = "set_setting", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn set_setting(
    key: String,
    value: String,
    #[server(default)] is_public: bool,
) -> Result<(), sdk::Error> {
    let actor = require_level(GlobalLevel::Superadmin)?;
    let host = platform()?;
    settings::set(&host.db, &actor, &key, &value, is_public, ip().as_deref()).await?;
    host.motd.forget();
    Ok(())
}
sdk::api_doc!(SetSetting, "site role SUPERADMIN");

/// The banner shown to everyone, if any.
#[server(prefix = "/api/core", endpoint = "motd", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn motd() -> Result<Option<String>, sdk::Error> {
    let host = platform()?;
    host.motd.get(&host.db).await
}
sdk::api_doc!(Motd, "anyone");

/// The server's Discord sign-in set-up, from the request's context.
#[cfg(feature = "ssr")]
fn discord_setup(
) -> Result<std::sync::Arc<platform::identity::discord_sign_in::DiscordSignInSetup>, sdk::Error> {
    use_context::<platform::identity::discord_sign_in::DiscordSetupContext>()
        .map(|c| c.0)
        .ok_or_else(|| sdk::Error::internal("the Discord sign-in set-up is not in the context"))
}

/// Site admin → Sign-in: whether Discord sign-in is configured and where, and the redirect URLs
/// to register with the Discord application (from the site's base URL). Never the secret.
#[server(prefix = "/api/core", endpoint = "discord_sign_in_setup", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn discord_sign_in_setup() -> Result<sdk::identity::model::DiscordSignInReport, sdk::Error>
{
    require_level(GlobalLevel::Admin)?;
    // The bot plugin's "add to server" link comes back to the same application.
    Ok(discord_setup()?.report(&[(
        discordbot::settings::LINK_CALLBACK_PATH,
        "adding the bot to a Discord server (the Discord bot plugin)",
    )]))
}
sdk::api_doc!(DiscordSignInSetup, "site role ADMIN or higher");

/// Asks Discord, now, whether it accepts the configured application's client id and secret.
#[server(prefix = "/api/core", endpoint = "check_discord_sign_in", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn check_discord_sign_in() -> Result<sdk::identity::model::DiscordSignInCheck, sdk::Error>
{
    require_level(GlobalLevel::Admin)?;
    Ok(discord_setup()?.check(sdk::db::now_ms()).await)
}
sdk::api_doc!(CheckDiscordSignIn, "site role ADMIN or higher");
