//! What the browser and API clients see.

use serde::{Deserialize, Serialize};

/// One entry of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Entry {
    pub id: i64,
    pub organization_id: i64,
    pub text: String,
    pub created_by: Option<i64>,
    /// Epoch milliseconds UTC.
    pub created_at: i64,
}
