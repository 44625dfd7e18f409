//! Tenant isolation over EVERY registered server function, core and plugins: the list comes from
//! the server's own registry (`server_fn_paths`), so a new endpoint cannot be forgotten — it is
//! org-scoped (and checked) unless this file says what else it is.
//!
//! Organization A holds one of everything (role, invite, task, tournament, match, crew, stream
//! channel, preset namespace and preset, qualifier, pool, permalink, run, note), named with a
//! marker. Then every org-scoped endpoint is called with A's ids
//! - by B's Admin: 403 or 404, and the answer carries none of A's data;
//! - anonymously: 401;
//!
//! and A's data reads the same afterwards. Arguments are filled by name from A's fixture; when
//! an endpoint needs a field this file does not know, the test fails naming it (add it to
//! [`Fixture::value_for`]).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::collections::BTreeMap;

use common::{TestApp, TestUser};
use sdk::{auth::GlobalLevel, db::Backend};
use serde_json::{json, Map, Value};
use testkit::both_backends;

/// Written into A's names and texts; no answer to B or to an anonymous caller may contain it.
const MARKER: &str = "ALPHA-PRIVATE";

/// Endpoints that are not scoped to one organization, and why; each is still checked for what
/// it is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Anyone may call it (public information, sign-in flows).
    Public,
    /// Any signed-in user, about themself (their profile, tokens, organizations).
    Own,
    /// Site administration: B's Admin (a plain user site-wide) is refused too.
    SiteAdmin,
}

fn not_org_scoped(path: &str) -> Option<Kind> {
    let endpoint = path.rsplit('/').next().unwrap();
    let kind = match (path.trim_end_matches(endpoint), endpoint) {
        (
            "/api/core/",
            "list_settings" | "motd" | "preview_invite" | "server_status" | "time_zones" | "whoami"
            | "list_actions",
        ) => Kind::Public,
        (
            "/api/core/",
            "accept_invite"
            | "create_api_token"
            | "list_api_tokens"
            | "revoke_api_token"
            | "my_profile"
            | "my_racetime"
            | "update_profile"
            | "unlink_racetime"
            | "request_organization"
            | "list_organizations"
            | "stop_impersonating"
            | "search_users"
            | "list_plugins"
            | "list_organization_requests",
        ) => Kind::Own,
        (
            "/api/core/",
            "create_organization" | "impersonate" | "set_setting" | "review_organization_request",
        ) => Kind::SiteAdmin,
        ("/api/core/", e) if e.starts_with("admin_") => Kind::SiteAdmin,
        // A user's own presets and namespaces live beside organizations'; the randomizer list
        // and checking a document are the same for everyone.
        ("/api/p/presets/", "list_randomizers") => Kind::Public,
        ("/api/p/presets/", "check_preset_yaml" | "list_namespaces") => Kind::Own,
        // Discord's answer to linking a server: signed by the server when the link began.
        ("/api/p/discordbot/", "bot_invite") => Kind::Own,
        // Discord's redirect back (a GET): its `state` was signed when linking began.
        ("/api/p/discordbot/", "link_callback") => Kind::Public,
        _ => return None,
    };
    Some(kind)
}

/// Organization A's things, by the argument names endpoints use for them.
struct Fixture {
    ids: BTreeMap<&'static str, Value>,
}

impl Fixture {
    /// The value to send for argument `field` of `endpoint`; None when unknown.
    fn value_for(&self, endpoint: &str, field: &str) -> Option<Value> {
        if let Some(id) = self.ids.get(field) {
            return Some(id.clone());
        }
        let value = match (endpoint, field) {
            (_, "filter") => json!({"org_id": self.ids["org_id"]}),
            ("admin_update_user", "update") => {
                json!({"level": "User", "is_active": true, "api_rate_limit_per_minute": null})
            }
            ("update_profile", "update") => {
                json!({"display_name": "b", "pronouns": "", "show_pronouns": false})
            }
            // The RaceTime.gg plugin's documents, whole, so only the rights can refuse them.
            ("save_tournament_rooms", "settings") => json!({
                "tournament_id": self.ids.get("tournament_id").cloned().unwrap_or(json!(999_999)),
                "bot_id": null, "profile_id": null, "goal": "", "auto_open": true,
                "open_minutes_before": 30, "preset_rule": {"kind": "none"}}),
            // The Discord events plugin's settings, whole: no server, so only the rights and
            // the tournament's organization can refuse them.
            ("save_event_settings", "settings") => json!({
                "tournament_id": self.ids.get("tournament_id").cloned().unwrap_or(json!(999_999)),
                "guild_id": "", "filter": "all", "duration_minutes": 60,
                "title_template": "{match}", "description_template": ""}),
            ("save_profile", "settings") => json!({
                "invitational": true, "unlisted": false, "ranked": true, "info_template": "",
                "start_delay_seconds": 15, "time_limit_hours": 24, "streaming_required": false,
                "auto_start": true, "allow_comments": true, "hide_comments": false,
                "allow_prerace_chat": true, "allow_midrace_chat": true,
                "allow_non_entrant_chat": true, "chat_message_delay_seconds": 0}),
            (_, "bot") => json!({"category": "alttpr", "name": "Bot", "client_id": "c",
                                 "client_secret": "s", "is_active": true}),
            (_, "verification") => json!({"name": "v", "categories": ["alttpr"], "min_races": 1,
                                          "discord_role_id": "123456789012345678"}),
            (_, "auto_open") => json!(true),
            // The SpeedGaming plugin's link: a valid slug, so only the rights and the
            // tournament's organization can refuse it.
            (_, "event_slug") => json!("league"),
            (_, "sync_enabled") => json!(true),
            (_, "granted" | "active" | "approve") => json!(true),
            (_, "ranks") => json!([]),
            (_, "game_number") => json!(1),
            // Ids of things that are not an organization's: made up, they must find nothing.
            (
                _,
                "run_id" | "request_id" | "token_id" | "bot_id" | "room_id" | "profile_id"
                | "verification_id" | "delivery_id",
            ) => json!(999_999),
            (_, "guild_id") => json!("123456789012345678"),
            (_, "statements") => json!([{"effect": "ALLOW", "actions": ["member:read"]}]),
            ("assign_role" | "unassign_role", "role") => json!("Admin"),
            ("crew_signup" | "crew_withdraw" | "add_crew", "role") => json!("commentator"),
            (_, "plugin_id") => json!("notes"),
            (_, "enabled" | "archived" | "approved" | "is_active" | "is_public" | "released") => {
                json!(true)
            }
            (_, "config" | "values" | "settings") => json!({}),
            (_, "task") => json!({"name": "t", "task_type": "presets.post_list",
                                  "schedule": {"type": "cron", "expression": "0 3 * * *"},
                                  "config": {}}),
            (_, "player_ids") => json!([]),
            // The notifications plugin's settings: no choices, so only the rights refuse them.
            ("save_settings", "subscriptions") => json!([]),
            (_, "url" | "stream_url" | "vod_url") => json!("https://example.test/x"),
            (_, "yaml") => json!("mode: open"),
            (_, "randomizer") => json!("alttpr"),
            (_, "seconds" | "minutes" | "rank" | "runs_per_pool" | "max_reattempts") => json!(1),
            (_, "score" | "elapsed_seconds") => json!(1),
            ("review_race", "status" | "decision") => json!("accepted"),
            (_, "status" | "decision" | "to") => json!("approved"),
            (
                _,
                "name" | "display_name" | "description" | "text" | "slug" | "reason" | "notes"
                | "title" | "comment" | "code" | "state" | "namespace" | "value" | "seed" | "key",
            ) => json!("x"),
            _ => return None,
        };
        Some(value)
    }
}

async fn make_org(app: &TestApp, root: &TestUser, name: &str, admin: &TestUser) -> i64 {
    let org = app
        .ok(
            root,
            "create_organization",
            json!({"name": name, "description": name}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.ok(
        root,
        "add_member",
        json!({"org_id": org, "user_id": admin.id}),
    )
    .await;
    app.ok(
        root,
        "assign_role",
        json!({"org_id": org, "user_id": admin.id, "role": "Admin"}),
    )
    .await;
    for plugin in ["tournament", "presets", "async_qualifier", "notes", "ffr"] {
        app.ok(
            root,
            "set_plugin_enabled",
            json!({"org_id": org, "plugin_id": plugin, "enabled": true, "with_dependencies": true}),
        )
        .await;
    }
    org
}

async fn post(app: &TestApp, user: Option<&TestUser>, path: &str, body: &Value) -> (u16, String) {
    let mut request = common::plain_client()
        .post(app.url(path))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body.to_string());
    if let Some(user) = user {
        request = request.bearer_auth(&user.token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn plugin_ok(app: &TestApp, user: &TestUser, path: &str, body: Value) -> Value {
    let (status, text) = post(app, Some(user), path, &body).await;
    assert!(
        (200..300).contains(&status),
        "{path} {body} → {status}: {text}"
    );
    serde_json::from_str(&text).unwrap()
}

/// A with one of everything; returns the ids by argument name.
async fn build_fixture(
    app: &TestApp,
    root: &TestUser,
    admin: &TestUser,
    player: &TestUser,
) -> Fixture {
    let org = make_org(app, root, &format!("{MARKER} org"), admin).await;
    app.ok(
        root,
        "add_member",
        json!({"org_id": org, "user_id": player.id}),
    )
    .await;
    let mut ids: BTreeMap<&'static str, Value> = BTreeMap::new();
    ids.insert("org_id", json!(org));
    ids.insert("user_id", json!(player.id));
    let role = app
        .ok(
            admin,
            "create_role",
            json!({"org_id": org, "name": format!("{MARKER} role"),
            "statements": [{"effect": "ALLOW", "actions": ["member:read"]}]}),
        )
        .await;
    ids.insert("role_id", role["id"].clone());
    let invite = app.ok(admin, "create_invite", json!({"org_id": org})).await;
    ids.insert("invite_id", invite["id"].clone());
    let task_id: i64 = sqlx::query_scalar(
        "INSERT INTO scheduled_tasks (organization_id, name, task_type, schedule_type,
             interval_seconds, cron_expression, run_at, config, is_active, next_run_at,
             created_by, created_at, updated_at)
         VALUES ($1, $2, 'presets.post_list', 'cron', NULL, '0 3 * * *', NULL, '{}', $3, NULL,
                 NULL, 0, 0) RETURNING id",
    )
    .bind(org)
    .bind(format!("{MARKER} task"))
    .bind(false)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    ids.insert("task_id", json!(task_id));

    let t = "/api/p/tournament";
    let tournament = plugin_ok(
        app,
        admin,
        &format!("{t}/create_tournament"),
        json!({"org_id": org, "name": format!("{MARKER} cup"), "description": MARKER}),
    )
    .await;
    ids.insert("tournament_id", tournament["id"].clone());
    for user in [player, admin] {
        plugin_ok(
            app,
            admin,
            &format!("{t}/add_player"),
            json!({"org_id": org, "tournament_id": tournament["id"], "user_id": user.id}),
        )
        .await;
    }
    let channel = plugin_ok(app, admin, &format!("{t}/create_stream_channel"),
        json!({"org_id": org, "name": format!("{MARKER} stream"), "stream_url": "https://example.test/alpha"})).await;
    ids.insert("stream_channel_id", channel["id"].clone());
    ids.insert("channel_id", channel["id"].clone());
    let game = plugin_ok(
        app,
        admin,
        &format!("{t}/create_match"),
        json!({"org_id": org, "tournament_id": tournament["id"], "title": format!("{MARKER} final"),
               "player_ids": [player.id, admin.id], "comment": MARKER}),
    )
    .await;
    ids.insert("match_id", game["id"].clone());
    let commentator = app.user("commentator_a", GlobalLevel::User).await;
    app.ok(
        root,
        "add_member",
        json!({"org_id": org, "user_id": commentator.id}),
    )
    .await;
    let crewed = plugin_ok(app, admin, &format!("{t}/add_crew"),
        json!({"org_id": org, "match_id": game["id"], "user_id": commentator.id, "role": "commentator"})).await;
    if let Some(crew) = crewed["crew"].as_array().and_then(|c| c.first()) {
        ids.insert("crew_id", crew["id"].clone());
    }

    let p = "/api/p/presets";
    let namespace = plugin_ok(
        app,
        admin,
        &format!("{p}/create_namespace"),
        json!({"org_id": org, "slug": "alpha", "display_name": format!("{MARKER} presets"),
               "for_organization": true}),
    )
    .await;
    ids.insert("namespace_id", namespace["id"].clone());
    let preset = plugin_ok(
        app,
        admin,
        &format!("{p}/create_preset"),
        json!({"org_id": org, "namespace": "alpha", "randomizer": "alttpr",
               "name": format!("{MARKER} preset"), "description": MARKER, "yaml": "mode: open"}),
    )
    .await;
    ids.insert("preset_id", preset["summary"]["id"].clone());
    // A rolled seed: FFR builds its link without calling any site, so the fixture needs no fake.
    plugin_ok(
        app,
        admin,
        &format!("{p}/create_preset"),
        json!({"org_id": org, "namespace": "alpha", "randomizer": "ffr",
               "name": format!("{MARKER} flags"), "description": MARKER, "yaml": "flags: AbC123"}),
    )
    .await;
    let seed = plugin_ok(
        app,
        admin,
        &format!("{p}/roll_seed"),
        json!({"org_id": org, "randomizer": "ffr", "namespace": "alpha",
               "preset": format!("{MARKER} flags")}),
    )
    .await;
    ids.insert("seed_id", seed["id"].clone());

    let q = "/api/p/async_qualifier";
    let qualifier = plugin_ok(
        app,
        admin,
        &format!("{q}/create_qualifier"),
        json!({"org_id": org, "name": format!("{MARKER} qualifier"), "description": MARKER,
               "runs_per_pool": 1, "max_reattempts": 1, "is_active": true}),
    )
    .await;
    ids.insert("qualifier_id", qualifier["id"].clone());
    let pool = plugin_ok(
        app,
        admin,
        &format!("{q}/create_pool"),
        json!({"org_id": org, "qualifier_id": qualifier["id"], "name": format!("{MARKER} pool")}),
    )
    .await;
    ids.insert("pool_id", pool["id"].clone());
    let permalink = plugin_ok(app, admin, &format!("{q}/create_permalink"),
        json!({"org_id": org, "pool_id": pool["id"], "url": "https://example.test/alpha-seed", "notes": MARKER})).await;
    ids.insert("permalink_id", permalink["id"].clone());
    let run = plugin_ok(
        app,
        player,
        &format!("{q}/start_run"),
        json!({"org_id": org, "qualifier_id": qualifier["id"], "pool_id": pool["id"]}),
    )
    .await;
    ids.insert("race_id", run["race_id"].clone());

    let note = plugin_ok(
        app,
        admin,
        "/api/p/notes/add_entry",
        json!({"org_id": org, "text": format!("{MARKER} note")}),
    )
    .await;
    ids.insert("entry_id", note["id"].clone());
    for (field, id) in &ids {
        assert!(id.is_i64(), "the fixture has no {field}: {id}");
    }
    Fixture { ids }
}

/// What A's Admin reads of A: must be the same after everyone else's attempts.
async fn snapshot(
    app: &TestApp,
    admin: &TestUser,
    fixture: &Fixture,
) -> Vec<(String, u16, String)> {
    let org = fixture.ids["org_id"].clone();
    let mut reads = vec![
        ("/api/core/get_organization", json!({"org_id": org})),
        ("/api/core/list_members", json!({"org_id": org})),
        ("/api/core/list_roles", json!({"org_id": org})),
        ("/api/core/list_invites", json!({"org_id": org})),
        ("/api/core/list_org_tasks", json!({"org_id": org})),
        ("/api/core/org_enabled_plugins", json!({"org_id": org})),
        ("/api/p/notes/list_entries", json!({"org_id": org})),
    ];
    for (path, field) in [
        ("/api/p/tournament/get_tournament", "tournament_id"),
        ("/api/p/tournament/get_match", "match_id"),
        ("/api/p/presets/get_preset", "preset_id"),
        ("/api/p/async_qualifier/get_qualifier", "qualifier_id"),
        ("/api/p/async_qualifier/get_race", "race_id"),
    ] {
        reads.push((path, json!({"org_id": org, field: fixture.ids[field]})));
    }
    let mut seen = Vec::new();
    for (path, body) in reads {
        let (status, text) = post(app, Some(admin), path, &body).await;
        // The server's clock is part of some answers, not of A's data.
        let text = match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(mut fields)) => {
                fields.remove("now");
                fields.remove("server_now");
                Value::Object(fields).to_string()
            }
            _ => text,
        };
        seen.push((path.to_string(), status, text));
    }
    seen
}

/// Calls `path` as `user` with arguments filled from the fixture, adding each field the endpoint
/// says is missing; None when it needs one this file does not know.
async fn call_filled(
    app: &TestApp,
    user: Option<&TestUser>,
    path: &str,
    fixture: &Fixture,
    body: &mut Map<String, Value>,
) -> Result<(u16, String), String> {
    let endpoint = path.rsplit('/').next().unwrap();
    for _ in 0..20 {
        let (status, text) = post(app, user, path, &Value::Object(body.clone())).await;
        let Some(field) = missing_field(&text) else {
            return Ok((status, text));
        };
        if body.contains_key(&field) {
            return Err(format!(
                "{path}: `{field}` was sent but is still reported missing: {text}"
            ));
        }
        let value = fixture.value_for(endpoint, &field).ok_or_else(|| {
            format!("{path} needs `{field}`: add it to Fixture::value_for ({text})")
        })?;
        body.insert(field, value);
    }
    Err(format!("{path}: too many missing fields"))
}

fn missing_field(text: &str) -> Option<String> {
    let start = text.find("missing field `")? + "missing field `".len();
    let rest = &text[start..];
    Some(rest[..rest.find('`')?].to_string())
}

async fn check_every_org_scoped_endpoint_refuses_other_orgs_and_anonymous(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.user("root", GlobalLevel::Superadmin).await;
    let admin_a = app.user("admin_a", GlobalLevel::User).await;
    let player_a = app.user("player_a", GlobalLevel::User).await;
    let admin_b = app.user("admin_b", GlobalLevel::User).await;
    let fixture = build_fixture(&app, &root, &admin_a, &player_a).await;
    make_org(&app, &root, "Beta", &admin_b).await;
    // Hundreds of calls in a row: past the API token rate limit, which is not under test here.
    sqlx::query("UPDATE users SET api_rate_limit_per_minute = 100000")
        .execute(app.db().pool())
        .await
        .unwrap();
    let before = snapshot(&app, &admin_a, &fixture).await;

    // Only POST functions take a JSON body; a GET one is a redirect target (classified above).
    let mut paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .filter(|(path, method)| path.starts_with("/api/") && method == "POST")
        .map(|(path, _)| path)
        .collect();
    paths.sort_unstable();
    paths.dedup();
    assert!(
        paths.len() > 100,
        "only {} server functions registered",
        paths.len()
    );

    let mut problems = Vec::new();
    let mut org_scoped = 0;
    for path in &paths {
        let kind = not_org_scoped(path);
        let mut body = Map::new();
        if kind.is_none() {
            body.insert("org_id".into(), fixture.ids["org_id"].clone());
            org_scoped += 1;
        }
        // Anonymous first, with the same arguments B's Admin will send.
        let anonymous = call_filled(&app, None, path, &fixture, &mut body).await;
        let as_b = call_filled(&app, Some(&admin_b), path, &fixture, &mut body).await;
        let (anonymous, as_b) = match (anonymous, as_b) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                problems.push(e);
                continue;
            }
        };
        for (who, (status, text)) in [("anonymous", &anonymous), ("B's Admin", &as_b)] {
            if text.contains(MARKER) {
                problems.push(format!("{path}: {who} got A's data ({status}): {text}"));
            }
        }
        match kind {
            None => {
                if anonymous.0 != 401 {
                    problems.push(format!(
                        "{path}: anonymous got {} (want 401): {}",
                        anonymous.0, anonymous.1
                    ));
                }
                if as_b.0 != 403 && as_b.0 != 404 {
                    problems.push(format!(
                        "{path}: B's Admin got {} (want 403/404): {}",
                        as_b.0, as_b.1
                    ));
                }
            }
            Some(Kind::SiteAdmin) => {
                if anonymous.0 != 401 || as_b.0 != 403 {
                    problems.push(format!(
                        "{path}: site admin only, got anonymous {} / B's Admin {}",
                        anonymous.0, as_b.0
                    ));
                }
            }
            Some(Kind::Own) => {
                if anonymous.0 != 401 {
                    problems.push(format!(
                        "{path}: anonymous got {} (want 401): {}",
                        anonymous.0, anonymous.1
                    ));
                }
            }
            Some(Kind::Public) => {}
        }
    }
    assert!(
        org_scoped > 80,
        "only {org_scoped} org-scoped endpoints found"
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let after = snapshot(&app, &admin_a, &fixture).await;
    let changed: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, a)| {
            format!(
                "{}:\n  before {} {}\n  after  {} {}",
                b.0, b.1, b.2, a.1, a.2
            )
        })
        .collect();
    assert!(
        changed.is_empty(),
        "A's data changed:\n{}",
        changed.join("\n")
    );
    app.stop().await;
}
both_backends!(
    every_org_scoped_endpoint_refuses_other_orgs_and_anonymous,
    check_every_org_scoped_endpoint_refuses_other_orgs_and_anonymous
);
