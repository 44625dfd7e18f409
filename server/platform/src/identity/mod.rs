//! Users, organizations, members, roles, invites, API tokens, login links and site settings:
//! the identity services of the platform. The types the browser shares (`model`), the reads
//! plugins need (`lookup`) and the audit log's reader (`audit_log`) are contract and live in
//! `sdk::identity`; they are re-exported here so the services read as one module.
//!
//! Each module holds the rules of one subject and its SQL. Functions that change more than one
//! row take a transaction and write their audit entry inside it. Every function that touches an
//! organization's rows takes the organization id as an argument from the guard's `OrgScope`
//! and filters by it, so no call can reach another organization's rows. After a change to
//! memberships, roles or statements, the change ends in [`commit_org_change`]: the audit entry,
//! the commit, then the [`Authorizer`] cache of that organization is dropped.

pub use sdk::identity::*;

pub mod discord_sign_in;
pub mod invites;
pub mod login_links;
pub mod orgs;
pub mod placeholders;
pub mod racetime;
pub mod roles;
pub mod settings;
pub mod setup;
pub mod tokens;
pub mod users;
pub mod validate;

use sqlx::{Any, Transaction};

use crate::authorizer::Authorizer;
use sdk::{
    audit::{record, AuditEntry},
    Error,
};

/// The end of every change to an organization's members or rights: its audit `entry` in the
/// same transaction, the commit, and only then the authorizer forgets `org_id`'s cached rights
/// (forgetting before the commit would let a request cache the old rights again).
pub(crate) async fn commit_org_change(
    mut tx: Transaction<'static, Any>,
    authorizer: &Authorizer,
    org_id: i64,
    entry: AuditEntry<'_>,
) -> Result<(), Error> {
    record(&mut *tx, entry).await?;
    tx.commit().await?;
    authorizer.invalidate_org(org_id);
    Ok(())
}
