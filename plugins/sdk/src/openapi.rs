//! The API's description, gathered from the server functions themselves. The schema helpers
//! compile for the browser too (the types deriving `JsonSchema` are shared); the registry of
//! endpoints is server-only.
//!
//! Every server function derives `schemars::JsonSchema` on its arguments (through the macro's
//! `input_derive`, see [`api_doc!`]) and registers one [`ApiDoc`] next to it with
//! [`api_doc!`](crate::api_doc): its path, what a caller needs, and how to describe its
//! arguments, its answer and its error. The server collects them (`server::openapi`) into the
//! OpenAPI document at `/api/openapi.json`, so a new endpoint is described without anyone
//! editing a spec, and a test fails when a registered server function has no `ApiDoc`.
//!
//! The schemas come from the same Rust types serde uses, so the document and the wire cannot
//! drift apart: times are RFC 3339 strings ([`date_time`]), ids integers, lists
//! [`Page`](crate::page::Page)s.

pub use schemars;
#[cfg(feature = "ssr")]
use schemars::JsonSchema;
use schemars::{json_schema, Schema, SchemaGenerator};

/// One documented endpoint; made by [`api_doc!`](crate::api_doc).
#[cfg(feature = "ssr")]
pub struct ApiDoc {
    /// `/api/core/whoami`, `/api/p/notes/add_entry`.
    pub path: &'static str,
    /// What the caller needs, in words ("signed in", "`member:invite` in the organization").
    pub requires: &'static str,
    pub request: fn(&mut SchemaGenerator) -> Schema,
    pub response: fn(&mut SchemaGenerator) -> Schema,
}

#[cfg(feature = "ssr")]
leptos::server_fn::inventory::collect!(ApiDoc);

/// Every registered description.
#[cfg(feature = "ssr")]
pub fn registered() -> impl Iterator<Item = &'static ApiDoc> {
    leptos::server_fn::inventory::iter::<ApiDoc>.into_iter()
}

/// The schema of `T`, as a reference into the document's components when it has a name.
#[cfg(feature = "ssr")]
pub fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// Describes the server function whose arguments struct is `$args` (the function's name in
/// PascalCase), with what a caller needs. Put it right after the function; the function's
/// `#[server(..)]` must carry
/// `input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema)`.
///
/// ```ignore
/// #[server(prefix = "/api/p/notes", endpoint = "add_entry", input = Json, output = Json,
///          input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
/// pub async fn add_entry(org_id: i64, text: String) -> Result<Entry, sdk::Error> { .. }
/// sdk::api_doc!(AddEntry, "`notes:write` in the organization");
/// ```
#[macro_export]
macro_rules! api_doc {
    ($args:ty, $requires:expr) => {
        #[cfg(feature = "ssr")]
        ::leptos::server_fn::inventory::submit! {
            $crate::openapi::ApiDoc {
                path: <$args as ::leptos::server_fn::ServerFn>::PATH,
                requires: $requires,
                request: $crate::openapi::schema_of::<$args>,
                response: $crate::openapi::schema_of::<
                    <$args as ::leptos::server_fn::ServerFn>::Output,
                >,
            }
        }
    };
}

/// An instant on the wire: an RFC 3339 string. For `#[schemars(schema_with = ..)]` on an `i64`
/// field serialized with `sdk::time::rfc3339`.
pub fn date_time(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "format": "date-time",
        "description": "RFC 3339; answers are in UTC (`2026-11-22T14:05:09Z`)",
    })
}

/// The same for an optional instant (`sdk::time::rfc3339::option`).
pub fn optional_date_time(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["string", "null"],
        "format": "date-time",
        "description": "RFC 3339; answers are in UTC (`2026-11-22T14:05:09Z`)",
    })
}
