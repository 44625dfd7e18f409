//! The guard: the first line of every server function.
//!
//! The server resolves the caller once per request (session cookie or `Authorization: Bearer`)
//! and puts a [`Caller`] in the request's extensions. Here a server function asks for what it
//! needs: [`require_user`], [`require_level`], or — for anything inside an organization —
//! [`require`], which also checks that the organization exists and that the caller holds the
//! action there, and hands back the [`OrgScope`] that repos take their organization id from.

use http::request::Parts;
use leptos::prelude::use_context;

use super::{CurrentUser, GlobalLevel};
use crate::{
    context::{platform, Decision, Rights},
    db::Db,
    Error,
};

/// Session keys the server and the app share.
pub const SESSION_USER: &str = "user_id";
pub const SESSION_IMPERSONATING: &str = "impersonating";

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    Anonymous,
    Session,
    Token { token_id: i64 },
}

/// Who is making this request. Put into the request extensions by the server.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: Option<CurrentUser>,
    pub via: Via,
    /// The client's address, for the audit log.
    pub ip: Option<String>,
}

impl Caller {
    pub fn anonymous() -> Self {
        Self {
            user: None,
            via: Via::Anonymous,
            ip: None,
        }
    }
}

/// The caller of the current request (anonymous outside a request).
pub fn caller() -> Caller {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>().cloned())
        .unwrap_or_else(Caller::anonymous)
}

pub fn require_user() -> Result<CurrentUser, Error> {
    caller()
        .user
        .ok_or_else(|| Error::unauthenticated("Sign in to do this."))
}

/// The user signed in to the site itself (a browser session), for what an API token must never
/// do — managing API tokens: a leaked token that could mint more would outlive its own
/// revocation. A token gets Forbidden, naming `what`.
pub fn require_session_user(what: &str) -> Result<CurrentUser, Error> {
    let caller = caller();
    let user = caller
        .user
        .ok_or_else(|| Error::unauthenticated("Sign in to do this."))?;
    match caller.via {
        Via::Token { .. } => Err(Error::forbidden(format!(
            "An API token cannot {what}. Sign in on the site and do it from your API keys page."
        ))),
        Via::Session | Via::Anonymous => Ok(user),
    }
}

pub fn require_level(level: GlobalLevel) -> Result<CurrentUser, Error> {
    let user = require_user()?;
    if user.is_at_least(level) {
        Ok(user)
    } else {
        Err(Error::forbidden(format!(
            "Only site {}s can do this.",
            level.label().to_lowercase()
        )))
    }
}

/// What a server function may touch after [`require`]: this organization, as this user.
#[derive(Debug, Clone)]
pub struct OrgScope {
    pub user: CurrentUser,
    pub org_id: i64,
    pub db: Db,
    pub ip: Option<String>,
}

/// Signed in, the organization exists, and the caller holds `action` there.
pub async fn require(org_id: i64, action: &str) -> Result<OrgScope, Error> {
    let caller = caller();
    let user = caller
        .user
        .ok_or_else(|| Error::unauthenticated("Sign in to do this."))?;
    let platform = platform()?;
    authorize(
        &platform.db,
        platform.authorizer.as_ref(),
        &user,
        org_id,
        action,
    )
    .await?;
    Ok(OrgScope {
        user,
        org_id,
        db: platform.db.clone(),
        ip: caller.ip,
    })
}

/// The guard of every plugin server function: signed in, the organization exists, `plugin_id`
/// is on for it (otherwise NotEnabled, HTTP 404), and the caller holds `action` there.
pub async fn require_plugin(org_id: i64, plugin_id: &str, action: &str) -> Result<OrgScope, Error> {
    let caller = caller();
    let user = caller
        .user
        .ok_or_else(|| Error::unauthenticated("Sign in to do this."))?;
    let platform = platform()?;
    ensure_org_exists(&platform.db, org_id).await?;
    platform.plugins.ensure_enabled(org_id, plugin_id).await?;
    decide(platform.authorizer.as_ref(), &user, org_id, action).await?;
    Ok(OrgScope {
        user,
        org_id,
        db: platform.db.clone(),
        ip: caller.ip,
    })
}

/// Signed-in `user` may act inside the organization as a member: it exists and they belong to
/// it (or are a site admin). For pages and reads that need membership but no particular action.
pub async fn authorize_member(
    platform: &crate::context::Platform,
    user: &CurrentUser,
    org_id: i64,
) -> Result<(), Error> {
    ensure_org_exists(&platform.db, org_id).await?;
    if user.is_at_least(GlobalLevel::Admin)
        || platform.authorizer.is_member(user.id, org_id).await?
    {
        Ok(())
    } else {
        Err(Error::forbidden(
            "You are not a member of this organization.",
        ))
    }
}

/// NotFound naming the organization unless it exists.
pub async fn ensure_org_exists(db: &Db, org_id: i64) -> Result<(), Error> {
    let exists = sqlx::query("SELECT id FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_optional(db.pool())
        .await?
        .is_some();
    if exists {
        Ok(())
    } else {
        Err(Error::not_found(format!(
            "Organization {org_id} does not exist."
        )))
    }
}

/// The check behind [`require`], usable outside a request (CLI, bot, tests).
pub async fn authorize(
    db: &Db,
    authorizer: &dyn Rights,
    user: &CurrentUser,
    org_id: i64,
    action: &str,
) -> Result<(), Error> {
    ensure_org_exists(db, org_id).await?;
    decide(authorizer, user, org_id, action).await
}

/// The check a service makes for whoever acts through it (API, pages, Discord, tasks): the
/// organization exists and a user holds `action` there. The system (no user: the scheduler,
/// listeners) is the platform itself and may.
pub async fn authorize_actor(
    db: &Db,
    authorizer: &dyn Rights,
    actor: &crate::Actor,
    org_id: i64,
    action: &str,
) -> Result<(), Error> {
    match &actor.user {
        Some(user) => authorize(db, authorizer, user, org_id, action).await,
        None => ensure_org_exists(db, org_id).await,
    }
}

/// The policy decision alone, for an organization known to exist.
async fn decide(
    authorizer: &dyn Rights,
    user: &CurrentUser,
    org_id: i64,
    action: &str,
) -> Result<(), Error> {
    match authorizer.decide(user, org_id, action).await? {
        Decision::Allowed => Ok(()),
        Decision::NotMember => Err(Error::forbidden(
            "You are not a member of this organization.",
        )),
        Decision::Denied => Err(Error::forbidden(format!(
            "You do not have permission for `{action}` in this organization."
        ))),
    }
}
