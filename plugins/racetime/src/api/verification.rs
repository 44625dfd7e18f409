//! Racer verification's server functions under `/api/p/racetime/`: guard → service → DTO, as
//! in `api/mod.rs`. Configuring, reading results and "check everyone now" need
//! `racetime:verify`; `verify_me` needs only membership (a member checks themself, and the
//! service checks they belong to the organization).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::{Verification, VerificationInput, VerificationResult, VerificationRun};
#[cfg(feature = "ssr")]
use crate::{
    actions,
    service::{
        verification::{Budget, Pacing},
        Racetime,
    },
};
use sdk::page::{Page, PageRequest};
#[cfg(feature = "ssr")]
use sdk::{auth::guard::caller, context::platform, Actor};

#[cfg(feature = "ssr")]
use super::org_call;

/// Any signed-in caller; the service decides whether they may (`verify_me`: a member).
#[cfg(feature = "ssr")]
fn signed_in_call() -> Result<(Racetime, Actor), sdk::Error> {
    // The request's context is there until the first await: read it first.
    let service = Racetime::from_platform(&platform()?)?;
    let caller = caller();
    let user = caller
        .user
        .ok_or_else(|| sdk::Error::unauthenticated("Sign in to do this."))?;
    Ok((service, Actor::user(user).from_ip(caller.ip)))
}

/// The organization's racer verifications.
#[server(prefix = "/api/p/racetime", endpoint = "verifications", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn verifications(org_id: i64) -> Result<Vec<Verification>, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::VERIFY).await?;
    service.verifications(org_id, &actor).await
}
sdk::api_doc!(
    Verifications,
    "`racetime:verify` in the organization, with racetime enabled"
);

/// Creates (no `verification_id`) or changes a racer verification: the racetime.gg categories
/// that count, the minimum, whether forfeits and DQs count, an optional window in days, and the
/// Discord role given in the organization's linked Discord servers.
#[server(prefix = "/api/p/racetime", endpoint = "save_verification", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn save_verification(
    org_id: i64,
    verification: VerificationInput,
    #[server(default)] verification_id: Option<i64>,
) -> Result<Verification, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::VERIFY).await?;
    service
        .save_verification(
            org_id,
            &actor,
            verification_id,
            &verification,
            sdk::time::now_ms(),
        )
        .await
}
sdk::api_doc!(
    SaveVerification,
    "`racetime:verify` in the organization, with racetime enabled"
);

/// Deletes a racer verification and its results (roles already given stay).
#[server(prefix = "/api/p/racetime", endpoint = "delete_verification", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn delete_verification(org_id: i64, verification_id: i64) -> Result<(), sdk::Error> {
    let (service, actor) = org_call(org_id, actions::VERIFY).await?;
    service
        .delete_verification(org_id, &actor, verification_id)
        .await
}
sdk::api_doc!(
    DeleteVerification,
    "`racetime:verify` in the organization, with racetime enabled"
);

/// Who was checked: each member's count, whether they qualify, whether the role was given, when,
/// and why a check failed.
#[server(prefix = "/api/p/racetime", endpoint = "verification_results", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn verification_results(
    org_id: i64,
    verification_id: i64,
    #[server(default)] page: PageRequest,
) -> Result<Page<VerificationResult>, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::VERIFY).await?;
    service
        .verification_results(org_id, &actor, verification_id, &page)
        .await
}
sdk::api_doc!(
    VerificationResults,
    "`racetime:verify` in the organization, with racetime enabled"
);

/// Checks the verification's members now, the longest unchecked first, for up to about 15
/// seconds; `remaining` says how many are left for the next press or the hourly check.
#[server(prefix = "/api/p/racetime", endpoint = "run_verification", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn run_verification(
    org_id: i64,
    verification_id: i64,
) -> Result<VerificationRun, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::VERIFY).await?;
    service
        .run_verification(
            org_id,
            &actor,
            verification_id,
            sdk::time::now_ms(),
            Pacing::REQUEST,
            Budget::REQUEST,
        )
        .await
}
sdk::api_doc!(
    RunVerification,
    "`racetime:verify` in the organization, with racetime enabled"
);

/// The caller checks themself against the organization's active verifications now (a check
/// younger than a minute is answered as it stands); their results.
#[server(prefix = "/api/p/racetime", endpoint = "verify_me", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn verify_me(org_id: i64) -> Result<Vec<VerificationResult>, sdk::Error> {
    let (service, actor) = signed_in_call()?;
    service
        .verify_me(org_id, &actor, sdk::time::now_ms(), Pacing::REQUEST)
        .await
}
sdk::api_doc!(
    VerifyMe,
    "a member of the organization, with racetime enabled"
);
