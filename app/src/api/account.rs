//! The signed-in user's own account: who am I, profile, API tokens, impersonation.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use platform::{identity::tokens, identity::users};
use sdk::{
    auth::CurrentUser,
    identity::model::{ApiToken, CreatedToken, ProfileUpdate, RacetimeStatus, UserInfo},
};

#[cfg(feature = "ssr")]
use super::support::*;

/// The caller, or null when nobody is signed in.
#[server(prefix = "/api/core", endpoint = "whoami", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn whoami() -> Result<Option<CurrentUser>, sdk::Error> {
    Ok(caller().user)
}
sdk::api_doc!(Whoami, "anyone");

#[server(prefix = "/api/core", endpoint = "my_profile", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn my_profile() -> Result<UserInfo, sdk::Error> {
    let user = require_user()?;
    users::get(&platform()?.db, user.id).await
}
sdk::api_doc!(MyProfile, "signed in");

#[server(prefix = "/api/core", endpoint = "update_profile", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn update_profile(update: ProfileUpdate) -> Result<UserInfo, sdk::Error> {
    let user = require_user()?;
    users::update_profile(&platform()?.db, user.id, &update, ip().as_deref()).await
}
sdk::api_doc!(UpdateProfile, "signed in");

/// Every IANA time-zone name the server accepts on the profile, sorted.
#[server(prefix = "/api/core", endpoint = "time_zones", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn time_zones() -> Result<Vec<String>, sdk::Error> {
    Ok(sdk::time::zone_names())
}
sdk::api_doc!(TimeZones, "anyone");

/// The caller's RaceTime.gg link, and whether this site can link accounts at all.
#[server(prefix = "/api/core", endpoint = "my_racetime", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn my_racetime() -> Result<RacetimeStatus, sdk::Error> {
    let user = require_user()?;
    let configured = use_context::<platform::identity::racetime::RacetimeLinking>()
        .is_some_and(|linking| linking.0.is_some());
    let profile = users::get(&platform()?.db, user.id).await?;
    Ok(RacetimeStatus {
        configured,
        linked_name: profile
            .racetime_id
            .map(|_| profile.racetime_name.unwrap_or_default()),
    })
}
sdk::api_doc!(MyRacetime, "signed in");

/// Removes the caller's RaceTime.gg link (linking goes through `/auth/racetime/link`).
#[server(prefix = "/api/core", endpoint = "unlink_racetime", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn unlink_racetime() -> Result<UserInfo, sdk::Error> {
    let user = require_user()?;
    users::unlink_racetime(&platform()?.db, user.id, ip().as_deref()).await
}
sdk::api_doc!(UnlinkRacetime, "signed in");

/// Creates an API token for the caller, expiring at `expires_at` (RFC 3339) if given. The token
/// itself is in the answer and nowhere else.
#[server(prefix = "/api/core", endpoint = "create_api_token", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn create_api_token(
    name: String,
    #[server(default)] expires_at: Option<sdk::time::TimeText>,
) -> Result<CreatedToken, sdk::Error> {
    let user = require_session_user("create API tokens")?;
    let expires_at = sdk::input::optional_instant("expires_at", expires_at.as_deref())?;
    tokens::create(&platform()?.db, user.id, &name, expires_at, ip().as_deref()).await
}
sdk::api_doc!(
    CreateApiToken,
    "a signed-in browser session (API tokens are refused)"
);

#[server(prefix = "/api/core", endpoint = "list_api_tokens", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_api_tokens(
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<ApiToken>, sdk::Error> {
    let user = require_session_user("list API tokens")?;
    tokens::list(&platform()?.db, user.id, &page).await
}
sdk::api_doc!(
    ListApiTokens,
    "a signed-in browser session (API tokens are refused)"
);

#[server(prefix = "/api/core", endpoint = "revoke_api_token", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn revoke_api_token(token_id: i64) -> Result<(), sdk::Error> {
    let user = require_session_user("revoke API tokens")?;
    tokens::revoke(&platform()?.db, user.id, token_id, ip().as_deref()).await
}
sdk::api_doc!(
    RevokeApiToken,
    "a signed-in browser session (API tokens are refused)"
);
