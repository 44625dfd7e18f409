//! The API's OpenAPI document: every registered server function is in it with its schemas, the
//! conventions hold (times are date-time strings, ids integers, errors one documented body), and
//! the server serves it and the reference page.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use sdk::db::Backend;
use serde_json::Value;

fn document() -> &'static Value {
    server::openapi::document()
}

/// Follows a `$ref` into the components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => doc
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling {reference}")),
        None => schema,
    }
}

#[test]
fn every_registered_server_function_is_documented() {
    let missing = server::openapi::undocumented();
    assert!(
        missing.is_empty(),
        "server functions without `sdk::api_doc!(..)` beside them: {missing:?}"
    );
    let paths = document()["paths"].as_object().unwrap();
    let registered = leptos::server_fn::axum::server_fn_paths().count();
    assert_eq!(paths.len(), registered, "one path per server function");
    assert!(paths.len() > 100, "{} paths", paths.len());
}

#[test]
fn each_operation_has_arguments_an_answer_errors_and_what_it_requires() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let (method, op) = item.as_object().unwrap().iter().next().unwrap();
        assert!(
            matches!(method.as_str(), "post" | "get"),
            "{path}: {method}"
        );
        let answer = &op["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(!answer.is_null(), "{path}: no answer schema");
        if method == "post" {
            let args = resolve(
                doc,
                &op["requestBody"]["content"]["application/json"]["schema"],
            );
            assert_eq!(args["type"], "object", "{path}: arguments are an object");
        }
        let requires = op["x-requires"].as_str().unwrap_or_default();
        assert!(
            !requires.is_empty(),
            "{path}: says nothing of who may call it"
        );
        assert!(
            op["responses"]["422"].is_object(),
            "{path}: bad input (422) is documented"
        );
        assert!(op["responses"]["401"].is_object(), "{path}: 401 documented");
        if requires != "anyone" {
            assert!(op["responses"]["403"].is_object(), "{path}: 403 documented");
        }
        let group = op["tags"][0].as_str().unwrap();
        if let Some(plugin) = path.strip_prefix("/api/p/") {
            assert!(plugin.starts_with(group), "{path} grouped under {group}");
        } else {
            assert_eq!(group, "core", "{path}");
        }
    }
}

/// Endpoints answering a whole list (not a page), each with why its length has a maximum.
const WHOLE_LISTS: &[(&str, &str)] = &[
    ("/api/core/time_zones", "the time zone database"),
    (
        "/api/core/list_plugins",
        "the plugins built into the server",
    ),
    (
        "/api/core/list_actions",
        "the actions the server's code defines",
    ),
    (
        "/api/core/org_enabled_plugins",
        "the plugins built into the server",
    ),
    ("/api/core/list_roles", "at most 100 roles per organization"),
    (
        "/api/core/list_settings",
        "the site settings the server's code defines",
    ),
    (
        "/api/p/presets/list_randomizers",
        "the randomizers built into the server",
    ),
    (
        "/api/p/tournament/list_match_settings",
        "one submission per game and player of one match",
    ),
    (
        "/api/p/discord_events/list_guilds",
        "the Discord servers linked to one organization, at most 100 (MAX_GUILDS)",
    ),
    (
        "/api/p/racetime/bots",
        "at most 100 bots per site (MAX_BOTS)",
    ),
    (
        "/api/p/racetime/org_bots",
        "the site's bots granted to the organization (at most 100)",
    ),
    (
        "/api/p/racetime/profiles",
        "at most 50 room profiles per organization (MAX_PROFILES)",
    ),
    (
        "/api/p/racetime/reinvite_room",
        "the players of one match (at most 64)",
    ),
    (
        "/api/p/racetime/rooms",
        "the organization's latest 100 rooms (ROOMS_SHOWN)",
    ),
    (
        "/api/p/racetime/verifications",
        "at most 20 verifications per organization (MAX_VERIFICATIONS)",
    ),
    (
        "/api/p/racetime/verify_me",
        "one result per verification of the organization (at most 20)",
    ),
];

/// Every list the API answers comes a page at a time (`{"items", "next_before_id"}`), unless
/// its length has a maximum; a new endpoint answering a bare array fails here until it pages
/// or says why it need not.
#[test]
fn lists_come_a_page_at_a_time() {
    let doc = document();
    let mut whole = Vec::new();
    let mut paged = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let op = item.as_object().unwrap().values().next().unwrap();
        let answer = resolve(
            doc,
            &op["responses"]["200"]["content"]["application/json"]["schema"],
        );
        if answer["type"] == "array" {
            whole.push(path.as_str());
        } else if answer["properties"]["items"]["type"] == "array" {
            assert!(
                answer["properties"]["next_before_id"].is_object(),
                "{path}: a page without next_before_id"
            );
            paged += 1;
        }
    }
    let allowed: Vec<&str> = WHOLE_LISTS.iter().map(|(path, _)| *path).collect();
    let unexplained: Vec<&&str> = whole.iter().filter(|p| !allowed.contains(p)).collect();
    assert!(
        unexplained.is_empty(),
        "lists answered whole, with no maximum: {unexplained:?}"
    );
    let stale: Vec<&&str> = allowed.iter().filter(|p| !whole.contains(p)).collect();
    assert!(stale.is_empty(), "no longer whole lists: {stale:?}");
    assert!(paged >= 20, "only {paged} paged lists");
}

#[test]
fn plugins_are_grouped_under_their_names() {
    let tags: Vec<&str> = document()["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for expected in [
        "core",
        "async_qualifier",
        "discordbot",
        "notes",
        "presets",
        "tournament",
    ] {
        assert!(tags.contains(&expected), "{expected} missing from {tags:?}");
    }
}

/// Walks every schema; `visit` sees each (property name, schema).
fn walk<'a>(value: &'a Value, visit: &mut dyn FnMut(&str, &'a Value)) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, schema) in props {
                    visit(name, schema);
                }
            }
            for child in map.values() {
                walk(child, visit);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, visit)),
        _ => {}
    }
}

/// Ids that are strings by design: plugin and randomizer ids are names (`async_qualifier`,
/// `alttpr`), and Discord and RaceTime.gg ids (users, OAuth clients) are other sites' (Discord's
/// snowflakes pass 2^53, which JSON numbers in most clients cannot hold).
const NAMED_BY_ID: &[&str] = &[
    "PluginSummary",
    "PluginDetail",
    "DependencyInfo",
    "RandomizerInfo",
    "DiscordProfile",
    "RacetimeProfile",
];

fn string_id(name: &str) -> bool {
    name == "plugin_id"
        || [
            "discord",
            "guild",
            "channel",
            "thread",
            "message",
            "racetime",
            "role_id_discord",
            // An OAuth application's id on another site (a RaceTime.gg category bot's).
            "client_id",
        ]
        .iter()
        .any(|outside| name.contains(outside))
}

#[test]
fn times_are_rfc3339_strings_and_ids_integers() {
    let mut times = 0;
    let mut wrong = std::collections::BTreeSet::new();
    let schemas = document()["components"]["schemas"].as_object().unwrap();
    for (component, schema) in schemas {
        let named = NAMED_BY_ID.contains(&component.as_str());
        walk(schema, &mut |name, schema| {
            let types: Vec<&str> = match &schema["type"] {
                Value::String(t) => vec![t.as_str()],
                Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
                _ => return,
            };
            if name.ends_with("_at") || name == "at" {
                times += 1;
                if !(types.contains(&"string") && schema["format"] == "date-time") {
                    wrong.insert(format!("`{name}` is not an RFC 3339 date-time: {schema}"));
                }
            }
            if (name == "id" || name.ends_with("_id"))
                && !(named && name == "id")
                && !string_id(name)
                && !types.contains(&"integer")
            {
                wrong.insert(format!(
                    "{component}.`{name}` is not an integer id: {schema}"
                ));
            }
        });
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(times > 20, "only {times} time fields found");
}

#[test]
fn the_error_body_lists_every_kind() {
    let body = &document()["components"]["schemas"]["ErrorBody"];
    let kinds = body["properties"]["kind"]["enum"].as_array().unwrap();
    for kind in [
        "Invalid",
        "NotFound",
        "NotEnabled",
        "RateLimited",
        "Internal",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind}");
    }
    for field in ["message", "field", "retry_after", "service", "plugin"] {
        assert!(body["properties"][field].is_object(), "{field}");
    }
}

async fn check_served(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let served: Value = res.json().await.unwrap();
    assert_eq!(served["openapi"], "3.1.0");
    assert_eq!(&served, document());

    let page = app.get("/api/docs").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("spec-url=\"/api/openapi.json\""), "{html}");
    assert!(
        html.contains("src=\"/api-docs/rapidoc-min.js\""),
        "the reference UI is served from this site"
    );
    app.stop().await;
}

testkit::both_backends!(the_document_and_its_reference_page_are_served, check_served);
