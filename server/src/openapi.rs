//! The OpenAPI 3.1 document of the JSON API, built once from what the server functions register
//! (`sdk::openapi::ApiDoc`, one per function, beside it) and served at `/api/openapi.json`; the
//! browsable reference at `/api/docs` reads it.
//!
//! The method of each endpoint comes from server_fn's own registry, the schemas from the Rust
//! types (schemars, JSON Schema 2020-12 as OpenAPI 3.1 uses), so the document describes exactly
//! what is compiled in: every core endpoint and every built-in plugin's, grouped by plugin.
//! [`undocumented`] lists registered functions without a description; a test keeps it empty.

use std::{collections::BTreeSet, sync::OnceLock};

use sdk::openapi::{registered, schemars, ApiDoc};
use serde_json::{json, Map, Value};

use crate::state::SESSION_COOKIE;

/// The error kinds, their HTTP status and when they happen: the error body's `kind`.
const ERROR_KINDS: &[ErrorKind] = &[
    (
        "Invalid",
        422,
        "The input is wrong (or the body is not the documented JSON); `field` names what to fix.",
    ),
    (
        "Unauthenticated",
        401,
        "No session or token, or the token is unknown, revoked or expired.",
    ),
    (
        "Forbidden",
        403,
        "Signed in, but without the right this needs.",
    ),
    (
        "NotFound",
        404,
        "The thing does not exist, or the caller may not know that it exists.",
    ),
    (
        "NotEnabled",
        404,
        "The organization has not switched on the plugin; `plugin` names it.",
    ),
    (
        "Conflict",
        409,
        "The change clashes with what exists (a duplicate name, a stale state).",
    ),
    (
        "RateLimited",
        429,
        "Too many requests; `retry_after` says how many seconds to wait.",
    ),
    (
        "Upstream",
        502,
        "An outside service (Discord, RaceTime.gg, a randomizer) failed; `service` names it.",
    ),
    (
        "TimedOut",
        503,
        "The request passed the server's time limit; trying again later may work.",
    ),
    (
        "Internal",
        500,
        "A fault on our side; the details are in the server log.",
    ),
];

/// An error kind: its name, HTTP status, and when it happens.
type ErrorKind = (&'static str, u16, &'static str);

/// The macro's first line on every arguments struct; the rest of the text is the function's doc.
const ARGS_PREAMBLE: &str = "Serialized arguments for the";

/// The document, built on first use (the registry is complete before `main` runs).
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(build)
}

/// The document as served, serialized once.
pub fn document_json() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| document().to_string())
}

/// `GET /api/openapi.json`.
pub async fn serve_document() -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/json"),
            (axum::http::header::CACHE_CONTROL, "no-cache"),
        ],
        document_json(),
    )
}

/// `GET /api/docs`: the browsable reference, RapiDoc reading `/api/openapi.json`. Its script
/// is vendored from npm into the site (`/api-docs/rapidoc-min.js`, by `scripts/build.sh`), and its
/// web fonts are off (`load-fonts`), so the page needs no other host.
pub async fn serve_docs_page() -> impl axum::response::IntoResponse {
    axum::response::Html(DOCS_PAGE)
}

const DOCS_PAGE: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SahaBot API</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<script type="module" src="/api-docs/rapidoc-min.js"></script>
</head>
<body style="margin:0">
<rapi-doc spec-url="/api/openapi.json" render-style="focused" show-header="false"
  allow-try="true" allow-server-selection="false" schema-style="tree" use-path-in-nav-bar="true"
  load-fonts="false" theme="light" primary-color="#4f46e5" nav-bg-color="#f8fafc" regular-font="system-ui, sans-serif">
  <div slot="nav-logo" style="padding:12px 16px;font:600 16px system-ui"><a href="/" style="color:inherit;text-decoration:none">SahaBot</a> API</div>
</rapi-doc>
</body>
</html>
"##;

/// Registered server functions that have no description: `(path, method)`.
pub fn undocumented() -> Vec<(String, String)> {
    let documented: BTreeSet<&str> = registered().map(|doc| doc.path).collect();
    leptos::server_fn::axum::server_fn_paths()
        .filter(|(path, _)| !documented.contains(path))
        .map(|(path, method)| (path.to_string(), method.to_string()))
        .collect()
}

/// `core` for `/api/core/…`, the plugin's id for `/api/p/<id>/…`.
fn group_of(path: &str) -> &str {
    path.strip_prefix("/api/p/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("core")
}

fn build() -> Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let error_ref = generator.subschema_for::<sdk::error::ErrorBody>();
    let methods: std::collections::BTreeMap<&str, String> =
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, method)| (path, method.as_str().to_lowercase()))
            .collect();
    let mut docs: Vec<&ApiDoc> = registered().collect();
    docs.sort_by_key(|doc| doc.path);
    // Per endpoint: (path, method, request schema, response schema, requires).
    let mut operations = Vec::new();
    for doc in &docs {
        let method = methods
            .get(doc.path)
            .cloned()
            .unwrap_or_else(|| "post".into());
        let request = (doc.request)(&mut generator);
        let response = (doc.response)(&mut generator);
        operations.push((doc, method, request, response));
    }
    let mut schemas = generator.take_definitions(true);
    let mut paths = Map::new();
    let mut groups = BTreeSet::new();
    for (doc, method, request, response) in operations {
        let group = group_of(doc.path).to_string();
        groups.insert(group.clone());
        let name = doc.path.rsplit('/').next().unwrap_or(doc.path);
        let request = request.as_value().clone();
        // The arguments struct carries the function's doc comment: it becomes the operation's
        // text, and the struct itself keeps only its fields.
        let description = take_description(&request, &mut schemas);
        let summary = description
            .lines()
            .next()
            .unwrap_or(name)
            .trim_end_matches('.')
            .to_string();
        // "anyone" alone: no sign-in or right can be missing; "anyone; with `org_id`, …" may
        // still refuse a caller.
        let anyone = doc.requires == "anyone";
        let open_to_anonymous = doc.requires.starts_with("anyone");
        let mut responses = Map::new();
        responses.insert(
            "200".into(),
            json!({
                "description": "Done.",
                "content": {"application/json": {"schema": response.as_value().clone()}},
            }),
        );
        for (status, kinds) in error_statuses(anyone) {
            responses.insert(
                status.to_string(),
                json!({
                    "description": kinds.iter().map(|(kind, _, when)| format!("`{kind}`: {when}")).collect::<Vec<_>>().join(" "),
                    "content": {"application/json": {"schema": error_ref.as_value().clone()}},
                }),
            );
        }
        let mut operation = json!({
            "operationId": format!("{group}_{name}"),
            "tags": [group],
            "summary": summary,
            "description": format!("{description}\n\n**Requires:** {}.", doc.requires),
            "x-requires": doc.requires,
            "responses": responses,
        });
        if open_to_anonymous {
            // Anonymous callers are welcome too.
            operation["security"] = json!([{}, {"bearer": []}, {"session": []}]);
        }
        if method == "get" {
            operation["parameters"] = query_parameters(&request, &schemas);
        } else {
            operation["requestBody"] = json!({
                "required": true,
                "content": {"application/json": {"schema": request}},
            });
        }
        paths.insert(doc.path.to_string(), json!({ method: operation }));
    }
    document_kinds(&mut schemas);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "SahaBot API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": INTRODUCTION,
        },
        "servers": [{"url": "/"}],
        "tags": groups.iter().map(|group| json!({
            "name": group,
            "description": if group == "core" {
                "The platform: accounts, organizations, members, roles, invites, tokens, plugins, tasks and the site's administration.".to_string()
            } else {
                format!("The `{group}` plugin; its endpoints answer `NotEnabled` in an organization that has not switched it on.")
            },
        })).collect::<Vec<_>>(),
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token from the API keys page (`Authorization: Bearer <token>`).",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": SESSION_COOKIE,
                    "description": "The browser's session after signing in; writes must come from this site's own pages.",
                },
            },
        },
    })
}

const INTRODUCTION: &str = "Every endpoint is `POST` with a JSON object of its named arguments \
(arguments with a default may be left out) and answers JSON. Sign in with an API token \
(`Authorization: Bearer <token>`) or the browser session. Errors are \
`{\"kind\", \"message\", \"field\"?, \"retry_after\"?, \"service\"?, \"plugin\"?}` with the \
status of their kind. Times are RFC 3339 strings (answers in UTC), ids are integers, and lists \
that grow come a page at a time: pass `page: {\"limit\", \"before_id\"}` and follow \
`next_before_id`.";

/// The error statuses an endpoint may answer: all of them, but Forbidden for endpoints anyone
/// may call (an unknown or expired token is refused with 401 everywhere).
fn error_statuses(anyone: bool) -> Vec<(u16, Vec<ErrorKind>)> {
    let mut by_status: std::collections::BTreeMap<u16, Vec<ErrorKind>> = Default::default();
    for &(kind, status, when) in ERROR_KINDS {
        if anyone && kind == "Forbidden" {
            continue;
        }
        by_status
            .entry(status)
            .or_default()
            .push((kind, status, when));
    }
    by_status.into_iter().collect()
}

/// The description of the arguments struct `request` refers to, without the macro's preamble;
/// removed from the struct's schema.
fn take_description(request: &Value, schemas: &mut Map<String, Value>) -> String {
    let Some(name) = request
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
    else {
        return String::new();
    };
    let Some(schema) = schemas.get_mut(name).and_then(Value::as_object_mut) else {
        return String::new();
    };
    let text = schema
        .remove("description")
        .and_then(|d| d.as_str().map(str::to_string))
        .unwrap_or_default();
    text.lines()
        .skip_while(|line| line.starts_with(ARGS_PREAMBLE) || line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A GET endpoint's arguments as query parameters (the one such endpoint is a browser redirect
/// target; its arguments are optional strings).
fn query_parameters(request: &Value, schemas: &Map<String, Value>) -> Value {
    let name = request
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .unwrap_or_default();
    let required: BTreeSet<&str> = schemas
        .get(name)
        .and_then(|s| s.get("required"))
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let properties = schemas
        .get(name)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    Value::Array(
        properties
            .into_iter()
            .map(|(field, schema)| {
                json!({
                    "name": field,
                    "in": "query",
                    "required": required.contains(field.as_str()),
                    "schema": schema,
                })
            })
            .collect(),
    )
}

/// The error body's `kind` is one of [`ERROR_KINDS`].
fn document_kinds(schemas: &mut Map<String, Value>) {
    if let Some(kind) = schemas
        .get_mut("ErrorBody")
        .and_then(|body| body.pointer_mut("/properties/kind"))
    {
        *kind = json!({
            "type": "string",
            "enum": ERROR_KINDS.iter().map(|(kind, ..)| *kind).collect::<Vec<_>>(),
        });
    }
}
