//! The real `sahabot` binary: `migrate`, `serve` until SIGTERM, `--help`, bad configuration.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use sdk::db::Backend;

use testkit::{both_backends, TestDb};

fn sahabot(database_url: &str, data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sahabot"));
    cmd.env("DATABASE_URL", database_url)
        .env("SAHABOT_DATA_DIR", data_dir)
        .env_remove("SAHABOT_ADDR")
        .env_remove("SAHABOT_CONFIG")
        .env("SAHABOT_LOG", "info");
    cmd
}

fn data_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(testkit::unique_name("sahabot_bin"))
}

async fn migrate_then_serve_until_sigterm(backend: Backend) {
    let test = TestDb::new(backend).await;
    let dir = data_dir();

    let out = sahabot(&test.url, &dir).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("applied core/0001_global_settings.sql"),
        "{stdout}"
    );
    assert!(
        stdout.contains("plugin notes: Loaded (1 migration(s) applied)"),
        "{stdout}"
    );
    let again = sahabot(&test.url, &dir).arg("migrate").output().unwrap();
    let again_out = String::from_utf8_lossy(&again.stdout);
    assert!(
        again_out.starts_with("0 core migration(s) applied"),
        "{again_out} / {}",
        String::from_utf8_lossy(&again.stderr)
    );

    let started = Instant::now();
    let mut child = sahabot(&test.url, &dir)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // What comes before the address: on a site without users, the first admin's link.
    let mut before = Vec::new();
    let url = loop {
        let line = lines.next().expect("the server prints its URL").unwrap();
        if let Some(rest) = line.strip_prefix("SahaBot is running at ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
        before.push(line);
    };
    let health = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
        .get(format!("{url}/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    eprintln!("startup to first 200 on /health: {:?}", started.elapsed());

    // A site without users: the first admin's one-time link came just before, and opens the form.
    let [.., notice, link] = before.as_slice() else {
        panic!("no first-run notice and link before the address: {before:?}");
    };
    assert!(notice.contains("no user yet"), "{notice}");
    let link = link.trim().to_string();
    assert!(link.starts_with(&format!("{url}/setup/")), "{link}");
    let form = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
        .get(&link)
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains("setup-form"));

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    std::fs::remove_dir_all(dir).ok();
}
both_backends!(serve_and_sigterm, migrate_then_serve_until_sigterm);

#[test]
fn help_is_there_for_every_command() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_sahabot"))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage: sahabot"), "{args:?}: {text}");
    }
}

#[test]
fn bad_configuration_is_a_clear_error_not_a_panic() {
    let dir = data_dir();
    let out = sahabot("mysql://nobody@localhost/x", &dir)
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let out = sahabot("sqlite://x.db", &dir)
        .args(["serve", "--addr", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--addr"));
    std::fs::remove_dir_all(dir).ok();
}

async fn self_hosting_commands(backend: Backend) {
    let test = TestDb::new(backend).await;
    let dir = data_dir();
    let run = |args: &[&str]| {
        sahabot(&test.url, &dir)
            .env("SAHABOT_BASE_URL", "https://sahabot.example")
            .args(args)
            .output()
            .unwrap()
    };

    let out = run(&["users", "create", "ada", "--superadmin"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id: i64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("prints the new user's id");
    assert!(id > 0);

    let out = run(&["users", "create", "ada"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("taken"));
    let out = run(&["users", "create", "no spaces"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("letters"));

    let out = run(&["users", "login-link", "ada"]);
    let link = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        link.starts_with("https://sahabot.example/auth/link/"),
        "{link}"
    );

    let out = run(&["tokens", "create", "ada", "--name", "bot"]);
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(token.len(), 43, "prints only the token: {token}");
    let (_, user) = platform::identity::tokens::authenticate(&test.db, &token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.id, id);
    let out = run(&["tokens", "create", "nobody"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nobody"));

    // Plugins from the command line.
    let owner = platform::identity::users::get(&test.db, id).await.unwrap();
    let owner = sdk::auth::CurrentUser {
        id,
        username: owner.username,
        display_name: None,
        level: sdk::auth::GlobalLevel::Superadmin,
        impersonated_by: None,
    };
    let org = platform::identity::orgs::create(&test.db, &owner, "CLI League", "", None)
        .await
        .unwrap()
        .id
        .to_string();
    let out = run(&["plugins", "list", "--org", &org]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("notes") && listed.contains("off"),
        "{listed}"
    );
    let out = run(&["plugins", "enable", "notes", "--org", &org]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("switched on"),
        "{out:?}"
    );
    let out = run(&["plugins", "list", "--org", &org]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("  on"));
    let out = run(&["plugins", "disable", "notes", "--org", &org]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("switched off"),
        "{out:?}"
    );
    let out = run(&["plugins", "enable", "notes", "--org", "9999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Organization 9999 does not exist"));
    let out = run(&["plugins", "enable", "ghost", "--org", &org]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no plugin `ghost`"));

    // SahaBot2's feature flags: each row is reported; flags for plugins not installed are
    // named, built-in ones explained, bad rows skipped with the reason.
    let flags = dir.join("flags.json");
    std::fs::write(
        &flags,
        format!(
            r#"[{{"organization_id": {org}, "feature_key": 1, "enabled": true}},
               {{"organization_id": {org}, "feature_key": 4, "enabled": 1}},
               {{"organization_id": {org}, "feature_key": "TELEPORT", "enabled": true}},
               {{"feature_key": "LIVE_RACES"}},
               {{"organization_id": {org}, "feature_key": "ADVANCED_PRESETS", "enabled": true}}]"#
        ),
    )
    .unwrap();
    // Presets is on by default; switch it off so the import has something to do.
    let out = run(&["plugins", "disable", "presets", "--org", &org]);
    assert!(out.status.success(), "{out:?}");
    let out = run(&["import", "feature-flags", flags.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // LIVE_RACES maps to the RaceTime.gg plugin, which switches on after its dependencies.
    assert!(
        report.contains("row 1: org") && report.contains("LIVE_RACES → racetime"),
        "{report}"
    );
    assert!(
        report.contains(&format!("org {org}: switched on racetime")),
        "{report}"
    );
    assert!(
        report.contains("row 5: org") && report.contains("ADVANCED_PRESETS → presets"),
        "{report}"
    );
    assert!(
        report.contains(&format!("org {org}: switched on presets")),
        "{report}"
    );
    assert!(
        report.contains("row 2:") && report.contains("SCHEDULED_TASKS: built into the platform"),
        "{report}"
    );
    assert!(
        report.contains("row 3:") && report.contains("TELEPORT: unknown flag"),
        "{report}"
    );
    assert!(report.contains("row 4: skipped"), "{report}");
    // A folder of SahasrahBot-style presets into a namespace, each file reported.
    sqlx::query("INSERT INTO preset_namespaces (slug, display_name, description, owner_user_id, is_public, created_at, updated_at) VALUES ('ada-ns', 'Ada', '', $1, $2, 0, 0)")
        .bind(id)
        .bind(true)
        .execute(test.db.pool())
        .await
        .unwrap();
    let folder = dir.join("presets");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("open.yaml"),
        "goal_name: Open\ndescription: Open mode\nsettings:\n  mode: open\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("smz3-normal.yml"),
        "randomizer: smz3\nsettings:\n  smlogic: normal\n",
    )
    .unwrap();
    std::fs::write(folder.join("broken.yaml"), "- just\n- a list\n").unwrap();
    std::fs::write(folder.join("notes.txt"), "ignored").unwrap();
    let out = run(&[
        "presets",
        "import",
        folder.to_str().unwrap(),
        "--namespace",
        "ada-ns",
        "--user",
        "ada",
        "--randomizer",
        "alttpr",
    ]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("ok    open.yaml: open"), "{report}");
    assert!(
        report.contains("ok    smz3-normal.yml: smz3-normal"),
        "{report}"
    );
    assert!(
        report.contains("error broken.yaml: The preset must be a mapping"),
        "{report}"
    );
    assert!(report.contains("2 imported, 1 failed"), "{report}");
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM randomizer_presets WHERE randomizer = 'smz3'")
            .fetch_one(test.db.pool())
            .await
            .unwrap();
    assert_eq!(stored, 1);
    // Again: the same names are updated, not duplicated.
    let out = run(&[
        "presets",
        "import",
        folder.to_str().unwrap(),
        "--namespace",
        "ada-ns",
        "--user",
        "ada",
        "--randomizer",
        "alttpr",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("open (updated)"));
    let out = run(&[
        "presets",
        "import",
        folder.to_str().unwrap(),
        "--namespace",
        "nope",
        "--user",
        "ada",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no namespace `nope`"));
    // The command is presets' own (`sdk::plugin::cli`): the CLI lists a plugin's commands,
    // names a mistyped option, and tells a plugin from nothing at all.
    let out = run(&["presets"]);
    assert_eq!(out.status.code(), Some(1));
    let listing = String::from_utf8_lossy(&out.stderr);
    assert!(
        listing.contains("sahabot presets import DIR --namespace NAME --user USERNAME"),
        "{listing}"
    );
    let out = run(&[
        "presets",
        "import",
        folder.to_str().unwrap(),
        "--namespce",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let typo = String::from_utf8_lossy(&out.stderr);
    assert!(typo.contains("`--namespce` is not an option"), "{typo}");
    let out = run(&["nosuchplugin", "go"]);
    assert_eq!(out.status.code(), Some(1));
    let unknown = String::from_utf8_lossy(&out.stderr);
    assert!(
        unknown.contains("neither a command nor a loaded plugin"),
        "{unknown}"
    );

    std::fs::write(&flags, "{not json").unwrap();
    let out = run(&["import", "feature-flags", flags.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a JSON array"));
    std::fs::remove_dir_all(dir).ok();
}
both_backends!(self_hosting, self_hosting_commands);
