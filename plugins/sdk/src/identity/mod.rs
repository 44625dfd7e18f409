//! Users, organizations, members, roles, invites, API tokens, login links, the audit log and
//! site settings, as plugins and the browser see them: [`model`] holds the types the browser
//! shares, `lookup` the reads plugins need (a user, an organization), `audit_log` the audit
//! log's reader. The services that change these rows are the `platform` crate's
//! (`platform::identity`).

#[cfg(feature = "ssr")]
pub mod audit_log;
#[cfg(feature = "ssr")]
pub mod lookup;
pub mod model;
