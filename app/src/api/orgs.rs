//! Organizations: create or request, list, members, roles, invites, the audit log.
//! Every org-scoped function takes `org_id` first and starts with the guard. Lists come a page
//! at a time (`sdk::page`: `page: {limit, before_id}` in, `{items, next_before_id}` out), except
//! roles: an organization's roles are few (made by its admins) and listed whole.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use platform::{identity::invites, identity::orgs, identity::roles};
use sdk::{
    auth::policy::Statement,
    identity::model::{
        AuditFilter, AuditRecord, Invite, InvitePreview, Member, OrgRequest, Organization, Role,
    },
    page::{Page, PageRequest},
};
#[cfg(feature = "ssr")]
use sdk::{auth::GlobalLevel, identity::audit_log};

#[cfg(feature = "ssr")]
use super::support::*;

/// SUPERADMIN: creates an organization; the caller becomes its Admin.
#[server(prefix = "/api/core", endpoint = "create_organization", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn create_organization(
    name: String,
    #[server(default)] description: String,
) -> Result<Organization, sdk::Error> {
    let user = require_user()?;
    orgs::create(&platform()?.db, &user, &name, &description, ip().as_deref()).await
}
sdk::api_doc!(CreateOrganization, "signed in");

/// Any user: asks the site admins for a new organization.
#[server(prefix = "/api/core", endpoint = "request_organization", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn request_organization(
    name: String,
    #[server(default)] description: String,
) -> Result<OrgRequest, sdk::Error> {
    let user = require_user()?;
    orgs::request(&platform()?.db, &user, &name, &description, ip().as_deref()).await
}
sdk::api_doc!(RequestOrganization, "signed in");

/// The caller's own requests (SUPERADMIN: everyone's).
#[server(prefix = "/api/core", endpoint = "list_organization_requests", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_organization_requests(
    #[server(default)] page: PageRequest,
) -> Result<Page<OrgRequest>, sdk::Error> {
    let user = require_user()?;
    orgs::list_requests(&platform()?.db, &user, &page).await
}
sdk::api_doc!(ListOrganizationRequests, "signed in");

#[server(prefix = "/api/core", endpoint = "review_organization_request", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn review_organization_request(
    request_id: i64,
    approve: bool,
    #[server(default)] notes: String,
) -> Result<OrgRequest, sdk::Error> {
    let user = require_level(GlobalLevel::Superadmin)?;
    let platform = platform()?;
    orgs::review_request(
        &platform.db,
        &platform.authorizer,
        &user,
        request_id,
        approve,
        &notes,
        ip().as_deref(),
    )
    .await
}
sdk::api_doc!(ReviewOrganizationRequest, "site role SUPERADMIN");

/// The caller's organizations; with `all: true`, every organization (site admins).
#[server(prefix = "/api/core", endpoint = "list_organizations", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_organizations(
    #[server(default)] all: bool,
    #[server(default)] page: PageRequest,
) -> Result<Page<Organization>, sdk::Error> {
    let db = platform()?.db;
    if all {
        require_level(GlobalLevel::Admin)?;
        orgs::list_all(&db, &page).await
    } else {
        orgs::list_for_user(&db, require_user()?.id, &page).await
    }
}
sdk::api_doc!(ListOrganizations, "site role ADMIN or higher");

#[server(prefix = "/api/core", endpoint = "get_organization", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_organization(org_id: i64) -> Result<Organization, sdk::Error> {
    let scope = require(org_id, "organization:read").await?;
    orgs::get(&scope.db, scope.org_id).await
}
sdk::api_doc!(GetOrganization, "`organization:read` in the organization");

#[server(prefix = "/api/core", endpoint = "update_organization", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn update_organization(
    org_id: i64,
    name: String,
    #[server(default)] description: String,
) -> Result<Organization, sdk::Error> {
    let scope = require(org_id, "organization:update").await?;
    orgs::update(
        &scope.db,
        &scope.user,
        scope.org_id,
        &name,
        &description,
        scope.ip.as_deref(),
    )
    .await
}
sdk::api_doc!(
    UpdateOrganization,
    "`organization:update` in the organization"
);

#[server(prefix = "/api/core", endpoint = "list_members", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_members(
    org_id: i64,
    #[server(default)] page: PageRequest,
) -> Result<Page<Member>, sdk::Error> {
    let scope = require(org_id, "member:read").await?;
    orgs::list_members(&scope.db, scope.org_id, &page).await
}
sdk::api_doc!(ListMembers, "`member:read` in the organization");

#[server(prefix = "/api/core", endpoint = "add_member", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn add_member(org_id: i64, user_id: i64) -> Result<(), sdk::Error> {
    let scope = require(org_id, "member:add").await?;
    let platform = platform()?;
    orgs::add_member(
        &scope.db,
        &platform.authorizer,
        &scope.user,
        scope.org_id,
        user_id,
        scope.ip.as_deref(),
    )
    .await
}
sdk::api_doc!(AddMember, "`member:add` in the organization");

#[server(prefix = "/api/core", endpoint = "remove_member", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn remove_member(org_id: i64, user_id: i64) -> Result<(), sdk::Error> {
    let scope = require(org_id, "member:remove").await?;
    let platform = platform()?;
    orgs::remove_member(
        &scope.db,
        &platform.authorizer,
        &scope.user,
        scope.org_id,
        user_id,
        "member.remove",
        scope.ip.as_deref(),
    )
    .await
}
sdk::api_doc!(RemoveMember, "`member:remove` in the organization");

/// Any member leaves on their own (not the last Admin).
#[server(prefix = "/api/core", endpoint = "leave_organization", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn leave_organization(org_id: i64) -> Result<(), sdk::Error> {
    let user = require_user()?;
    let platform = platform()?;
    let ip = ip();
    // An organization that does not exist is NotFound before anything is looked up (or cached)
    // for it: callers choose the id.
    sdk::auth::guard::ensure_org_exists(&platform.db, org_id).await?;
    if !platform.authorizer.is_member(user.id, org_id).await? {
        return Err(sdk::Error::not_found(
            "You are not a member of this organization.",
        ));
    }
    orgs::remove_member(
        &platform.db,
        &platform.authorizer,
        &user,
        org_id,
        user.id,
        "member.leave",
        ip.as_deref(),
    )
    .await
}
sdk::api_doc!(LeaveOrganization, "signed in");

#[server(prefix = "/api/core", endpoint = "list_roles", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_roles(org_id: i64) -> Result<Vec<Role>, sdk::Error> {
    let scope = require(org_id, "member:read").await?;
    roles::list(&scope.db, scope.org_id).await
}
sdk::api_doc!(ListRoles, "`member:read` in the organization");

#[server(prefix = "/api/core", endpoint = "create_role", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn create_role(
    org_id: i64,
    name: String,
    #[server(default)] description: String,
    statements: Vec<Statement>,
) -> Result<Role, sdk::Error> {
    let scope = require(org_id, "member:manage_roles").await?;
    let platform = platform()?;
    roles::create(
        &scope.db,
        &platform.authorizer,
        &scope.user,
        scope.org_id,
        &name,
        &description,
        &statements,
        scope.ip.as_deref(),
    )
    .await
}
sdk::api_doc!(CreateRole, "`member:manage_roles` in the organization");

#[server(prefix = "/api/core", endpoint = "update_role", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn update_role(
    org_id: i64,
    role_id: i64,
    statements: Vec<Statement>,
) -> Result<(), sdk::Error> {
    let scope = require(org_id, "member:manage_roles").await?;
    let platform = platform()?;
    roles::set_statements(
        &scope.db,
        &platform.authorizer,
        &scope.user,
        scope.org_id,
        role_id,
        &statements,
        scope.ip.as_deref(),
    )
    .await
}
sdk::api_doc!(UpdateRole, "`member:manage_roles` in the organization");

#[server(prefix = "/api/core", endpoint = "delete_role", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn delete_role(org_id: i64, role_id: i64) -> Result<(), sdk::Error> {
    let scope = require(org_id, "member:manage_roles").await?;
    let platform = platform()?;
    roles::delete(
        &scope.db,
        &platform.authorizer,
        &scope.user,
        scope.org_id,
        role_id,
        scope.ip.as_deref(),
    )
    .await
}
sdk::api_doc!(DeleteRole, "`member:manage_roles` in the organization");

#[server(prefix = "/api/core", endpoint = "assign_role", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn assign_role(org_id: i64, user_id: i64, role: String) -> Result<(), sdk::Error> {
    let scope = require(org_id, "member:assign_role").await?;
    let platform = platform()?;
    roles::assign(
        &scope.db,
        &platform.authorizer,
        &scope.user,
        scope.org_id,
        user_id,
        &role,
        scope.ip.as_deref(),
    )
    .await
}
sdk::api_doc!(AssignRole, "`member:assign_role` in the organization");

#[server(prefix = "/api/core", endpoint = "unassign_role", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn unassign_role(org_id: i64, user_id: i64, role: String) -> Result<(), sdk::Error> {
    let scope = require(org_id, "member:assign_role").await?;
    let platform = platform()?;
    roles::unassign(
        &scope.db,
        &platform.authorizer,
        &scope.user,
        scope.org_id,
        user_id,
        &role,
        scope.ip.as_deref(),
    )
    .await
}
sdk::api_doc!(UnassignRole, "`member:assign_role` in the organization");

/// Direct statements for one member, beside their roles.
#[server(prefix = "/api/core", endpoint = "set_member_policy", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn set_member_policy(
    org_id: i64,
    user_id: i64,
    statements: Vec<Statement>,
) -> Result<(), sdk::Error> {
    let scope = require(org_id, "member:manage_roles").await?;
    let platform = platform()?;
    roles::set_user_statements(
        &scope.db,
        &platform.authorizer,
        &scope.user,
        scope.org_id,
        user_id,
        &statements,
        scope.ip.as_deref(),
    )
    .await
}
sdk::api_doc!(SetMemberPolicy, "`member:manage_roles` in the organization");

#[server(prefix = "/api/core", endpoint = "list_invites", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_invites(
    org_id: i64,
    #[server(default)] page: PageRequest,
) -> Result<Page<Invite>, sdk::Error> {
    let scope = require(org_id, "member:invite").await?;
    invites::list(&scope.db, scope.org_id, &page).await
}
sdk::api_doc!(ListInvites, "`member:invite` in the organization");

#[server(prefix = "/api/core", endpoint = "create_invite", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn create_invite(
    org_id: i64,
    #[server(default)] slug: Option<String>,
    #[server(default)] max_uses: Option<i64>,
    /// RFC 3339; none: the invite never expires.
    #[server(default)]
    expires_at: Option<sdk::time::TimeText>,
) -> Result<Invite, sdk::Error> {
    let scope = require(org_id, "member:invite").await?;
    let expires_at = sdk::input::optional_instant("expires_at", expires_at.as_deref())?;
    invites::create(
        &scope.db,
        &scope.user,
        scope.org_id,
        slug.as_deref(),
        max_uses,
        expires_at,
        scope.ip.as_deref(),
    )
    .await
}
sdk::api_doc!(CreateInvite, "`member:invite` in the organization");

#[server(prefix = "/api/core", endpoint = "revoke_invite", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn revoke_invite(org_id: i64, invite_id: i64) -> Result<(), sdk::Error> {
    let scope = require(org_id, "member:invite").await?;
    invites::revoke(
        &scope.db,
        &scope.user,
        scope.org_id,
        invite_id,
        scope.ip.as_deref(),
    )
    .await
}
sdk::api_doc!(RevokeInvite, "`member:invite` in the organization");

/// Public: what an invite link leads to.
#[server(prefix = "/api/core", endpoint = "preview_invite", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn preview_invite(slug: String) -> Result<InvitePreview, sdk::Error> {
    invites::preview(&platform()?.db, &slug).await
}
sdk::api_doc!(PreviewInvite, "anyone");

/// Joins the organization of an invite; answers its id.
#[server(prefix = "/api/core", endpoint = "accept_invite", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn accept_invite(slug: String) -> Result<i64, sdk::Error> {
    let user = require_user()?;
    let platform = platform()?;
    invites::accept(
        &platform.db,
        &platform.authorizer,
        &user,
        &slug,
        ip().as_deref(),
    )
    .await
}
sdk::api_doc!(AcceptInvite, "signed in");

/// An organization's log (its admins), or with no `org_id` the whole site's (SUPERADMIN); a page
/// at a time (`filter.limit`, `filter.before_id`).
#[server(prefix = "/api/core", endpoint = "audit_log", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn audit_log(
    #[server(default)] filter: AuditFilter,
) -> Result<Page<AuditRecord>, sdk::Error> {
    match filter.org_id {
        Some(org_id) => {
            let scope = require(org_id, "organization:audit").await?;
            audit_log::page(
                &scope.db,
                &AuditFilter {
                    org_id: Some(scope.org_id),
                    ..filter
                },
            )
            .await
        }
        None => {
            require_level(GlobalLevel::Superadmin)?;
            audit_log::page(&platform()?.db, &filter).await
        }
    }
}
sdk::api_doc!(AuditLog, "site role SUPERADMIN");

/// What the organization's pages need first: the organization, the viewer's roles, and which
/// registered actions the viewer holds there (to show only what they may use).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct OrgSummary {
    pub organization: Organization,
    pub my_roles: Vec<String>,
    pub allowed: Vec<String>,
    pub member_count: i64,
    /// Navigation entries of the plugins on for this organization that the caller may use.
    pub plugin_nav: Vec<sdk::plugin::NavEntry>,
}

/// Members (and site admins) see the overview.
#[server(prefix = "/api/core", endpoint = "org_overview", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn org_overview(org_id: i64) -> Result<OrgSummary, sdk::Error> {
    let user = require_user()?;
    let platform = platform()?;
    let organization = orgs::get(&platform.db, org_id).await?;
    if !user.is_at_least(GlobalLevel::Admin)
        && !platform.authorizer.is_member(user.id, org_id).await?
    {
        return Err(sdk::Error::forbidden(
            "You are not a member of this organization.",
        ));
    }
    let my_roles = orgs::member_roles(&platform.db, org_id, user.id).await?;
    let mut allowed = Vec::new();
    for info in platform.actions.all() {
        if platform
            .authorizer
            .allowed(&user, org_id, &info.action)
            .await?
        {
            allowed.push(info.action.clone());
        }
    }
    let plugin_nav = platform
        .plugins
        .nav_entries(org_id)
        .await?
        .into_iter()
        .filter(|(_, action)| action.as_ref().is_none_or(|a| allowed.contains(a)))
        .map(|(entry, _)| entry)
        .collect();
    Ok(OrgSummary {
        organization,
        my_roles,
        allowed,
        member_count: orgs::member_count(&platform.db, org_id).await?,
        plugin_nav,
    })
}
sdk::api_doc!(OrgOverview, "signed in");
