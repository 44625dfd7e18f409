//! Users, organizations, members, roles, invites, API tokens, login links, the audit log and
//! site settings (server side only).
//!
//! Each module holds the rules of one subject and its SQL. Functions that change more than one
//! row take a transaction and write their audit entry inside it. Every function that touches an
//! organization's rows takes the organization id as an argument from the guard's
//! [`OrgScope`](crate::auth::guard::OrgScope) and filters by it, so no call can reach another
//! organization's rows. After a change to memberships, roles or statements, callers invalidate
//! the [`Authorizer`](crate::auth::authorizer::Authorizer) cache (the `Platform` helpers here
//! do it for them).

pub mod audit_log;
pub mod invites;
pub mod login_links;
pub mod orgs;
pub mod roles;
pub mod settings;
pub mod tokens;
pub mod users;
pub mod validate;
