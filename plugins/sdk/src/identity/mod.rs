//! Users, organizations, members, roles, invites, API tokens, login links, the audit log and
//! site settings. [`model`] holds the types the browser shares; the rest is server side only.
//!
//! Each module holds the rules of one subject and its SQL. Functions that change more than one
//! row take a transaction and write their audit entry inside it. Every function that touches an
//! organization's rows takes the organization id as an argument from the guard's
//! [`OrgScope`](crate::auth::guard::OrgScope) and filters by it, so no call can reach another
//! organization's rows. After a change to memberships, roles or statements, callers invalidate
//! the [`Authorizer`](crate::auth::authorizer::Authorizer) cache (the `Platform` helpers here
//! do it for them).

pub mod model;

#[cfg(feature = "ssr")]
pub mod audit_log;
#[cfg(feature = "ssr")]
pub mod invites;
#[cfg(feature = "ssr")]
pub mod login_links;
#[cfg(feature = "ssr")]
pub mod orgs;
#[cfg(feature = "ssr")]
pub mod racetime;
#[cfg(feature = "ssr")]
pub mod roles;
#[cfg(feature = "ssr")]
pub mod settings;
#[cfg(feature = "ssr")]
pub mod tokens;
#[cfg(feature = "ssr")]
pub mod users;
#[cfg(feature = "ssr")]
pub mod validate;
