//! The SQL, one file per feature: [`guilds`] (the core table `discord_guilds`, linked servers),
//! [`lease`] (this plugin's `discordbot_gateway_lease`), [`orgs`] (the organization's name for
//! `/sahabot`). Rules live in `rules` and `service`; these functions read and write rows, inside
//! the caller's transaction where a change must be atomic with its audit entry. Rows are read
//! with `sqlx::FromRow`.

pub mod guilds;
pub mod lease;
pub mod orgs;

pub use crate::model::Lease;
pub use lease::{claim_lease, lease, release_lease};
