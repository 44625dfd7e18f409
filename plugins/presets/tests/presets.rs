//! Presets and namespaces on SQLite and PostgreSQL: who may do what, who sees what, duplicate
//! names, tenant isolation of organization namespaces, events, and the lookup service.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use testkit::platform;

use platform::{LoadOptions, PluginHost};
use presets::{
    events::PresetCreated,
    service::{self, Ctx, NamespaceInput, PresetChange, PresetInput, PresetService},
};
use sdk::{auth::CurrentUser, auth::GlobalLevel, context::Platform, db::Backend, plugin::Bundle};
use testkit::{both_backends, record, TestDb};

struct World {
    test: TestDb,
    platform: Platform,
}

async fn world(backend: Backend) -> World {
    let test = TestDb::new(backend).await;
    test.migrate_core().await;
    let dir = env!("CARGO_MANIFEST_DIR");
    let read = |b: &str| {
        platform::migrate::load_dir(&std::path::Path::new(dir).join("migrations").join(b)).unwrap()
    };
    let bundle = Bundle {
        manifest_source: presets::MANIFEST.into(),
        origin: "plugins/presets/plugin.toml".into(),
        sqlite: read("sqlite"),
        postgres: read("postgres"),
        plugin: presets::plugin(),
    };
    let host = Arc::new(
        PluginHost::load(&test.db, vec![bundle], LoadOptions::default())
            .await
            .unwrap(),
    );
    let platform = platform::Host::new(test.db.clone(), host, "http://localhost").contract();
    World { test, platform }
}

impl World {
    fn ctx(&self, user: Option<&CurrentUser>, org_id: Option<i64>) -> Ctx {
        Ctx {
            platform: self.platform.clone(),
            user: user.cloned(),
            org_id,
            ip: None,
        }
    }

    async fn member(
        &self,
        owner: &CurrentUser,
        org: i64,
        name: &str,
        role: Option<&str>,
    ) -> CurrentUser {
        let user = self.test.user(name, GlobalLevel::User).await;
        let authorizer = testkit::authorizer(&self.platform);
        platform::identity::orgs::add_member(&self.test.db, authorizer, owner, org, user.id, None)
            .await
            .unwrap();
        if let Some(role) = role {
            platform::identity::roles::assign(
                &self.test.db,
                authorizer,
                owner,
                org,
                user.id,
                role,
                None,
            )
            .await
            .unwrap();
        }
        user
    }
}

fn ns(slug: &str, public: bool, for_org: bool) -> NamespaceInput {
    NamespaceInput {
        slug: slug.into(),
        display_name: slug.to_uppercase(),
        description: String::new(),
        is_public: public,
        for_organization: for_org,
    }
}

fn preset(namespace: Option<&str>, name: &str, public: bool) -> PresetInput {
    PresetInput {
        namespace: namespace.map(str::to_string),
        randomizer: "alttpr".into(),
        name: name.into(),
        description: String::new(),
        yaml: "goal: ganon\nmode: open\n".into(),
        is_public: public,
    }
}

async fn check_user_namespaces_and_grants(backend: Backend) {
    let w = world(backend).await;
    let ada = w.test.user("ada", GlobalLevel::User).await;
    let bea = w.test.user("bea", GlobalLevel::User).await;
    let cid = w.test.user("cid", GlobalLevel::User).await;
    let root = w.test.user("root", GlobalLevel::Superadmin).await;

    // Ada's own namespace: she creates presets; others may not.
    let mine = service::create_namespace(&w.ctx(Some(&ada), None), ns("ada-presets", true, false))
        .await
        .unwrap();
    assert!(mine.rights.manage);
    let open = service::create_preset(
        &w.ctx(Some(&ada), None),
        preset(Some("ada-presets"), "Open", true),
    )
    .await
    .unwrap();
    let secret = service::create_preset(
        &w.ctx(Some(&ada), None),
        preset(Some("ada-presets"), "Secret", false),
    )
    .await
    .unwrap();
    let err = service::create_preset(
        &w.ctx(Some(&bea), None),
        preset(Some("ada-presets"), "Bea's", true),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");

    // Visibility: the public one for everyone (anonymous too), the private one for Ada only.
    let names = |list: Vec<presets::model::PresetSummary>| {
        list.into_iter().map(|p| p.name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(
            service::list_presets(&w.ctx(None, None), None, None, None)
                .await
                .unwrap()
        ),
        ["Open"]
    );
    assert_eq!(
        names(
            service::list_presets(&w.ctx(Some(&bea), None), None, None, None)
                .await
                .unwrap()
        ),
        ["Open"]
    );
    assert_eq!(
        names(
            service::list_presets(&w.ctx(Some(&ada), None), None, None, None)
                .await
                .unwrap()
        ),
        ["Open", "Secret"]
    );
    assert_eq!(
        service::get_preset(&w.ctx(Some(&bea), None), secret.summary.id)
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );
    let seen = service::get_preset(&w.ctx(Some(&bea), None), open.summary.id)
        .await
        .unwrap();
    assert!(!seen.can_update && !seen.can_delete);

    // A grant lets Bea create and update, not delete, and see the private preset.
    let grants = service::grant(
        &w.ctx(Some(&ada), None),
        "ada-presets",
        bea.id,
        [true, true, false],
    )
    .await
    .unwrap();
    assert_eq!(grants.len(), 1);
    service::create_preset(
        &w.ctx(Some(&bea), None),
        preset(Some("ada-presets"), "Bea's", true),
    )
    .await
    .unwrap();
    let got = service::get_preset(&w.ctx(Some(&bea), None), secret.summary.id)
        .await
        .unwrap();
    assert!(got.can_update && !got.can_delete);
    service::update_preset(
        &w.ctx(Some(&bea), None),
        secret.summary.id,
        PresetChange {
            name: None,
            description: Some("tuned".into()),
            yaml: None,
            is_public: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        service::delete_preset(&w.ctx(Some(&bea), None), secret.summary.id)
            .await
            .unwrap_err()
            .kind(),
        "Forbidden"
    );
    // Only the owner manages grants.
    assert_eq!(
        service::grant(
            &w.ctx(Some(&bea), None),
            "ada-presets",
            cid.id,
            [true, false, false]
        )
        .await
        .unwrap_err()
        .kind(),
        "Forbidden"
    );
    // Removing the grant takes it all back.
    service::grant(&w.ctx(Some(&ada), None), "ada-presets", bea.id, [false; 3])
        .await
        .unwrap();
    assert_eq!(
        service::get_preset(&w.ctx(Some(&bea), None), secret.summary.id)
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );

    // Duplicate names in one namespace and randomizer: 409 with a message; other randomizer fine.
    let err = service::create_preset(
        &w.ctx(Some(&ada), None),
        preset(Some("ada-presets"), "Open", true),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), "Conflict");
    assert!(
        err.message()
            .contains("already exists in namespace ada-presets"),
        "{}",
        err.message()
    );
    let mut other = preset(Some("ada-presets"), "Open", true);
    other.randomizer = "smz3".into();
    service::create_preset(&w.ctx(Some(&ada), None), other)
        .await
        .unwrap();
    let err = service::create_namespace(&w.ctx(Some(&bea), None), ns("ada-presets", true, false))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Conflict");

    // Unknown randomizer and bad YAML name the field.
    let mut bad = preset(Some("ada-presets"), "X", true);
    bad.randomizer = "pokemon".into();
    assert_eq!(
        service::create_preset(&w.ctx(Some(&ada), None), bad)
            .await
            .unwrap_err()
            .field(),
        Some("randomizer")
    );
    let mut bad = preset(Some("ada-presets"), "Y", true);
    bad.yaml = "goal: [ganon\n".into();
    let err = service::create_preset(&w.ctx(Some(&ada), None), bad)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("yaml"));
    assert!(err.message().starts_with("line "), "{}", err.message());

    // Global presets: SUPERADMIN only; everyone reads public ones.
    let err = service::create_preset(&w.ctx(Some(&ada), None), preset(None, "Global", true))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("namespace"));
    let global = service::create_preset(&w.ctx(Some(&root), None), preset(None, "Global", true))
        .await
        .unwrap();
    assert!(global.summary.namespace.is_none());
    assert_eq!(
        service::create_preset(&w.ctx(Some(&root), None), preset(None, "Global", true))
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
    assert!(
        service::get_preset(&w.ctx(Some(&bea), None), global.summary.id)
            .await
            .is_ok()
    );
    assert_eq!(
        service::delete_preset(&w.ctx(Some(&ada), None), global.summary.id)
            .await
            .unwrap_err()
            .kind(),
        "Forbidden"
    );
    service::delete_preset(&w.ctx(Some(&root), None), global.summary.id)
        .await
        .unwrap();

    // Search by text, randomizer and namespace.
    let found = service::list_presets(
        &w.ctx(Some(&ada), None),
        Some("alttpr".into()),
        Some("ada-presets".into()),
        Some("tun".into()),
    )
    .await
    .unwrap();
    assert_eq!(names(found), ["Secret"]);
}
both_backends!(user_namespaces_and_grants, check_user_namespaces_and_grants);

async fn check_organization_namespaces(backend: Backend) {
    let w = world(backend).await;
    let root = w.test.user("root", GlobalLevel::Superadmin).await;
    let org_a = w.test.org(&root, "Org A").await;
    let org_b = w.test.org(&root, "Org B").await;
    let admin_a = w.member(&root, org_a, "admina", Some("Admin")).await;
    let manager_a = w
        .member(&root, org_a, "tma", Some("Tournament Manager"))
        .await;
    let plain_a = w.member(&root, org_a, "plaina", None).await;
    let admin_b = w.member(&root, org_b, "adminb", Some("Admin")).await;

    // Only namespace:manage creates the organization's namespaces.
    let err = service::create_namespace(
        &w.ctx(Some(&manager_a), Some(org_a)),
        ns("org-a", false, true),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    service::create_namespace(
        &w.ctx(Some(&admin_a), Some(org_a)),
        ns("org-a", false, true),
    )
    .await
    .unwrap();

    // The manager (preset:create/update) writes; a plain member neither writes nor sees private ones.
    let p = service::create_preset(
        &w.ctx(Some(&manager_a), Some(org_a)),
        preset(Some("org-a"), "League", false),
    )
    .await
    .unwrap();
    // (A private namespace the member cannot read does not exist for them.)
    assert_eq!(
        service::create_preset(
            &w.ctx(Some(&plain_a), Some(org_a)),
            preset(Some("org-a"), "Mine", false)
        )
        .await
        .unwrap_err()
        .kind(),
        "NotFound"
    );
    assert_eq!(
        service::get_preset(&w.ctx(Some(&plain_a), Some(org_a)), p.summary.id)
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );
    assert!(
        service::get_preset(&w.ctx(Some(&manager_a), Some(org_a)), p.summary.id)
            .await
            .is_ok()
    );
    // Standing in org A counts only when acting from org A.
    assert_eq!(
        service::get_preset(&w.ctx(Some(&manager_a), None), p.summary.id)
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );
    // Deleting needs preset:delete (Admin), not the manager's rights.
    assert_eq!(
        service::delete_preset(&w.ctx(Some(&manager_a), Some(org_a)), p.summary.id)
            .await
            .unwrap_err()
            .kind(),
        "Forbidden"
    );

    // Tenant isolation: org B's admin neither sees nor changes org A's private namespace.
    assert_eq!(
        service::get_preset(&w.ctx(Some(&admin_b), Some(org_b)), p.summary.id)
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );
    assert_eq!(
        service::create_preset(
            &w.ctx(Some(&admin_b), Some(org_b)),
            preset(Some("org-a"), "Intruder", true)
        )
        .await
        .unwrap_err()
        .kind(),
        "NotFound"
    );
    let listed = service::list_namespaces(&w.ctx(Some(&admin_b), Some(org_b)), &Default::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty());
    // Even org A's admin cannot change it from org B's pages.
    let _ = w.member(&root, org_b, "admina_in_b", None).await;
    let both = w.test.user("both", GlobalLevel::User).await;
    platform::identity::orgs::add_member(
        &w.test.db,
        testkit::authorizer(&w.platform),
        &root,
        org_a,
        both.id,
        None,
    )
    .await
    .unwrap();
    platform::identity::roles::assign(
        &w.test.db,
        testkit::authorizer(&w.platform),
        &root,
        org_a,
        both.id,
        "Admin",
        None,
    )
    .await
    .unwrap();
    platform::identity::orgs::add_member(
        &w.test.db,
        testkit::authorizer(&w.platform),
        &root,
        org_b,
        both.id,
        None,
    )
    .await
    .unwrap();
    let err = service::update_preset(
        &w.ctx(Some(&both), Some(org_b)),
        p.summary.id,
        PresetChange {
            name: Some("x".into()),
            description: None,
            yaml: None,
            is_public: None,
        },
    )
    .await
    .unwrap_err();
    // Acting from org B, org A's private preset does not exist for them at all.
    assert_eq!(err.kind(), "NotFound");
    service::delete_preset(&w.ctx(Some(&both), Some(org_a)), p.summary.id)
        .await
        .unwrap();
}
both_backends!(organization_namespaces, check_organization_namespaces);

async fn check_events_and_lookup_service(backend: Backend) {
    let w = world(backend).await;
    let ada = w.test.user("ada", GlobalLevel::User).await;
    let seen = record::<PresetCreated>(&w.platform.events);
    service::create_namespace(&w.ctx(Some(&ada), None), ns("ada", true, false))
        .await
        .unwrap();
    let mut input = preset(Some("ada"), "Fast", true);
    input.yaml =
        "goal_name: Fast Ganon\ndescription: From SahasrahBot\nsettings:\n  goal: fast_ganon\n"
            .into();
    let created = service::create_preset(&w.ctx(Some(&ada), None), input)
        .await
        .unwrap();
    assert_eq!(
        created.summary.description, "From SahasrahBot",
        "SahasrahBot description used"
    );

    // Listeners run off the request path: wait for the delivery.
    seen.wait_for(1).await;
    let delivered: Vec<_> = seen
        .envelopes()
        .into_iter()
        .map(|e| (e.actor, e.event.name, e.event.namespace))
        .collect();
    assert_eq!(
        delivered,
        vec![(Some(ada.id), "Fast".to_string(), Some("ada".to_string()))]
    );

    // Other plugins load settings by (namespace, randomizer, name) through the service.
    let lookup = w
        .platform
        .plugins
        .service::<PresetService>("presets")
        .unwrap();
    let (_, settings) = lookup
        .settings(None, Some(" Ada "), "ALTTPR", "Fast")
        .await
        .unwrap();
    assert_eq!(settings["settings"]["goal"], "fast_ganon");
    let err = lookup
        .settings(None, Some("ada"), "alttpr", "Slow")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "NotFound");
    // A private preset is not handed to anyone through the service.
    service::create_preset(
        &w.ctx(Some(&ada), None),
        preset(Some("ada"), "Hidden", false),
    )
    .await
    .unwrap();
    let err = lookup
        .settings(None, Some("ada"), "alttpr", "Hidden")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "NotFound");
}
both_backends!(events_and_lookup_service, check_events_and_lookup_service);

/// Every YAML entry point refuses the alias bomb quickly with the anchors error, and stores
/// nothing; a value holding `&` is still a fine preset.
async fn check_yaml_alias_bomb_is_refused_at_every_entry_point(backend: Backend) {
    let w = world(backend).await;
    let ada = w.test.user("ada", GlobalLevel::User).await;
    let ctx = w.ctx(Some(&ada), None);
    service::create_namespace(&ctx, ns("ada-presets", true, false))
        .await
        .unwrap();
    let bomb = presets::format::alias_bomb();
    let started = std::time::Instant::now();
    let anchors = |e: sdk::Error| {
        assert_eq!(e.field(), Some("yaml"));
        assert!(
            e.message().contains("cannot use YAML anchors or aliases"),
            "{}",
            e.message()
        );
    };
    anchors(service::check_yaml(&bomb).unwrap_err());
    let mut input = preset(Some("ada-presets"), "Bomb", true);
    input.yaml = bomb.clone();
    anchors(service::create_preset(&ctx, input).await.unwrap_err());
    let mut fine = preset(Some("ada-presets"), "Fine", true);
    fine.yaml = "goal: ganon\nnotes: \"a & b\"\nmore: a & b\n".into();
    let fine = service::create_preset(&ctx, fine).await.unwrap();
    assert_eq!(fine.settings["notes"], "a & b");
    let change = PresetChange {
        name: None,
        description: None,
        yaml: Some(bomb.clone()),
        is_public: None,
    };
    anchors(
        service::update_preset(&ctx, fine.summary.id, change)
            .await
            .unwrap_err(),
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let kept = service::get_preset(&ctx, fine.summary.id).await.unwrap();
    assert_eq!(kept.settings["more"], "a & b");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM randomizer_presets")
        .fetch_one(w.test.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 1);
}
both_backends!(
    yaml_alias_bomb_is_refused_at_every_entry_point,
    check_yaml_alias_bomb_is_refused_at_every_entry_point
);
