//! The audit log tells the truth: every write path of the platform and of every plugin records
//! an entry, and what a SUPERADMIN does while impersonating someone names them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use common::TestApp;
use regex::Regex;
use sdk::{auth::GlobalLevel, db::Backend};
use serde_json::json;
use testkit::both_backends;

/// A SUPERADMIN impersonating an organization's Admin changes the organization: the entry names
/// the Admin (as whom the app acted) and the SUPERADMIN (who really did it).
async fn check_impersonated_writes_name_the_impersonator(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.user("root", GlobalLevel::Superadmin).await;
    let admin = app.user("admin", GlobalLevel::User).await;
    let org = app
        .ok(
            &root,
            "create_organization",
            json!({"name": "Watched", "description": "d"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.ok(
        &root,
        "add_member",
        json!({"org_id": org, "user_id": admin.id}),
    )
    .await;
    app.ok(
        &root,
        "assign_role",
        json!({"org_id": org, "user_id": admin.id, "role": "Admin"}),
    )
    .await;
    let browser = app.signed_in("root").await;
    app.ok_in_session(&browser, "impersonate", json!({"user_id": admin.id}))
        .await;
    app.ok_in_session(&browser, "create_invite", json!({"org_id": org}))
        .await;
    app.ok_in_session(&browser, "stop_impersonating", json!({}))
        .await;
    // And the same write done by the Admin themself is theirs alone.
    app.ok(&admin, "create_invite", json!({"org_id": org}))
        .await;

    let log = app
        .ok(
            &root,
            "audit_log",
            json!({"filter": {"org_id": org, "action": "invite."}}),
        )
        .await;
    let entries = log["items"].as_array().expect("audit entries");
    let invites: Vec<(Option<i64>, Option<i64>)> = entries
        .iter()
        .map(|e| (e["user_id"].as_i64(), e["impersonated_by"].as_i64()))
        .collect();
    assert_eq!(
        invites,
        vec![(Some(admin.id), None), (Some(admin.id), Some(root.id))],
        "{log}"
    );
    assert_eq!(entries[1]["impersonated_by_name"], "root");
    app.stop().await;
}
both_backends!(
    impersonated_writes_name_the_impersonator,
    check_impersonated_writes_name_the_impersonator
);

// --- the audit lint ---------------------------------------------------------------------------

/// One function of a crate's sources: where, its name, its text.
struct Function {
    file: PathBuf,
    name: String,
    body: String,
}

/// Each crate's functions, split at every `fn` (bodies run to the next one, which is close
/// enough: what matters is which SQL and which calls sit in which function). Unit tests and the
/// test kit are left out.
fn functions_by_crate(plugins: &Path) -> BTreeMap<String, Vec<Function>> {
    let item = Regex::new(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?fn\s+(\w+)").unwrap();
    // An inline unit-test module ends what is read of a file; a declared one (`mod tests;`, its
    // own file, skipped below) does not: the code after it is the crate's.
    let inline_tests = Regex::new(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{").unwrap();
    let mut crates = BTreeMap::new();
    for entry in std::fs::read_dir(plugins).unwrap() {
        let dir = entry.unwrap().path().join("src");
        if !dir.is_dir() {
            continue;
        }
        let crate_name = dir
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let mut files = Vec::new();
        common::rust_files(&dir, &mut files);
        let mut functions = Vec::new();
        for file in files {
            let stem = file.file_stem().unwrap().to_string_lossy();
            // A unit-test module of its own (`mod tests;` under `#[cfg(test)]`) is a test too.
            if stem.starts_with("fake_") || stem == "testing" || stem == "tests" {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let text = match inline_tests.find(&text) {
                Some(tests) => &text[..tests.start()],
                None => &text,
            };
            let starts: Vec<(usize, String)> = item
                .captures_iter(text)
                .map(|c| (c.get(0).unwrap().start(), c[1].to_string()))
                .collect();
            for (i, (start, name)) in starts.iter().enumerate() {
                let end = starts.get(i + 1).map_or(text.len(), |(next, _)| *next);
                functions.push(Function {
                    file: file.clone(),
                    name: name.clone(),
                    body: text[*start..end].to_string(),
                });
            }
        }
        crates.insert(crate_name, functions);
    }
    crates
}

/// Writes to these tables are bookkeeping, not actions anyone takes: sessions, runs, leases,
/// caches, counters and the audit log itself.
const NOT_ACTIONS: &[&str] = &[
    "audit_logs",
    "task_runs",
    "plugin_migrations",
    "discordbot_gateway_lease",
    "rate_limit_windows",
    "tower_sessions",
];

/// Every function whose SQL inserts, updates or deletes rows must record an audit entry itself,
/// or be called only from functions that do (through any number of helpers), unless it says why
/// not with a `// not audited: <reason>` comment.
#[test]
fn every_write_path_records_an_audit_entry() {
    let plugins = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins");
    let crates = functions_by_crate(&plugins);
    let write = Regex::new(r#""\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+(\w+)"#).unwrap();
    // `record(..)` and `AuditEntry { .. }` write an entry; so does `sdk::Actor::audit`, called as
    // `actor.audit(..)` (possibly on the next line).
    let direct = Regex::new(r"\brecord\(|AuditEntry\s*\{|\.audit\s*\(").unwrap();
    // Helpers that record (each plugin's `audit(..)`), wherever they are defined.
    let helpers: Vec<String> = crates
        .values()
        .flatten()
        .filter(|f| direct.is_match(&f.body) && f.name != "record")
        .map(|f| f.name.clone())
        .collect();
    let via_helper = Regex::new(&format!(r"\b(?:{})\s*\(", helpers.join("|"))).unwrap();
    let audits = |body: &str| {
        direct.is_match(body) || via_helper.is_match(body) || body.contains("// not audited:")
    };
    let mut unaudited = Vec::new();
    for functions in crates.values() {
        for f in functions {
            let tables: Vec<String> = write
                .captures_iter(&f.body)
                .map(|c| c[1].to_string())
                .filter(|t| !NOT_ACTIONS.contains(&t.as_str()))
                .collect();
            if tables.is_empty() || audits(&f.body) {
                continue;
            }
            if !every_caller_audits(functions, f, &audits, 0) {
                unaudited.push(format!(
                    "{}: `{}` writes {:?}",
                    f.file.strip_prefix(&plugins).unwrap().display(),
                    f.name,
                    tables
                ));
            }
        }
    }
    assert!(
        unaudited.is_empty(),
        "these write paths record no audit entry (record one in the same transaction, or say \
         `// not audited: <why>` in the function):\n{}",
        unaudited.join("\n")
    );
}

/// Whether `target` is called at least once and every function calling it records an entry
/// (itself or through its own callers). Repository functions are called through their module
/// path (`repo::name(`, `repo::guilds::name(`).
fn every_caller_audits(
    functions: &[Function],
    target: &Function,
    audits: &dyn Fn(&str) -> bool,
    depth: usize,
) -> bool {
    if depth > 6 {
        return false;
    }
    // A repository is `repo.rs` or a file under `repo/`.
    let in_repo = target.file.file_stem().is_some_and(|s| s == "repo")
        || target
            .file
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "repo");
    let qualified = if in_repo {
        // Called through its module path: `repo::name(`, `repo::guilds::name(`, or an alias.
        format!(r"\b(?:\w+::)+{}\s*\(", target.name)
    } else {
        format!(r"(?:^|[^.\w]){}\s*\(", target.name)
    };
    let qualified = Regex::new(&qualified).unwrap();
    let local = Regex::new(&format!(r"(?:^|[^\w]){}\s*\(", target.name)).unwrap();
    let callers: Vec<&Function> = functions
        .iter()
        .filter(|f| !(f.file == target.file && f.name == target.name))
        .filter(|f| {
            let body = f.body.split_once('{').map_or("", |(_, rest)| rest);
            qualified.is_match(body) || (f.file == target.file && local.is_match(body))
        })
        .collect();
    !callers.is_empty()
        && callers
            .iter()
            .all(|c| audits(&c.body) || every_caller_audits(functions, c, audits, depth + 1))
}

/// The lint itself finds an unaudited write (so it cannot pass by finding nothing).
#[test]
fn the_audit_lint_finds_an_unaudited_write() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("demo/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("repo.rs"),
        "pub async fn insert(c: &mut C) { sqlx::query(\"INSERT INTO demo_rows (a) VALUES (1)\"); }\n",
    )
    .unwrap();
    std::fs::write(
        src.join("service.rs"),
        "pub async fn add(c: &mut C) { repo::insert(c).await; }\n\
         pub async fn add_audited(c: &mut C) { repo::insert(c).await; record(c, AuditEntry { }).await; }\n",
    )
    .unwrap();
    let crates = functions_by_crate(dir.path());
    let functions = &crates["demo"];
    let audits = |body: &str| body.contains("record(");
    let insert = functions.iter().find(|f| f.name == "insert").unwrap();
    assert!(!every_caller_audits(functions, insert, &audits, 0));
    let only_audited: Vec<Function> = crates
        .into_values()
        .flatten()
        .filter(|f| f.name != "add")
        .collect();
    let insert = only_audited.iter().find(|f| f.name == "insert").unwrap();
    assert!(every_caller_audits(&only_audited, insert, &audits, 0));
}
