//! What the browser and API clients see. Compiled for the browser too; the server reads rows
//! straight into these types (`FromRow`, under `ssr`).

use serde::{Deserialize, Serialize};

/// One entry of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Entry {
    pub id: i64,
    pub organization_id: i64,
    pub text: String,
    pub created_by: Option<i64>,
    /// Stored as epoch milliseconds; an RFC 3339 UTC string on the API.
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub created_at: i64,
}
