//! Presets and namespaces on SQLite and PostgreSQL: who may do what, who sees what, duplicate
//! names, tenant isolation of organization namespaces, events, and the lookup service. One rule
//! per test; the world and its typed helpers are at the top.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use presets::{
    events::PresetCreated,
    model::{Namespace, Preset, PresetSummary},
    service::{NamespaceInput, PresetChange, PresetFilter, PresetInput, PresetService, Presets},
};
use sdk::{
    auth::GlobalLevel,
    both_backends,
    context::Platform,
    db::Backend,
    testing::{record, TestDb},
    time::now_ms,
    Actor, Error,
};

// ----- the world -----

struct World {
    test: TestDb,
    platform: Platform,
    presets: Presets,
}

async fn world(backend: Backend) -> World {
    let (test, host) = common::load(backend).await;
    let platform = Platform::new(test.db.clone(), host, "http://localhost");
    let presets = Presets::new(platform.clone());
    World {
        test,
        platform,
        presets,
    }
}

impl World {
    async fn user(&self, name: &str, level: GlobalLevel) -> Actor {
        Actor::user(self.test.user(name, level).await)
    }

    async fn org(&self, owner: &Actor, name: &str) -> i64 {
        self.test.org(owner.user.as_ref().unwrap(), name).await
    }

    /// A new user, member of `org` (with `role`, if any).
    async fn member(&self, owner: &Actor, org: i64, name: &str, role: Option<&str>) -> Actor {
        let user = self.user(name, GlobalLevel::User).await;
        self.join(owner, org, &user, role).await;
        user
    }

    /// Adds `user` to `org` (with `role`, if any).
    async fn join(&self, owner: &Actor, org: i64, user: &Actor, role: Option<&str>) {
        let owner = owner.user.as_ref().unwrap();
        let authorizer = &self.platform.authorizer;
        let id = user.id().unwrap();
        sdk::identity::orgs::add_member(&self.test.db, authorizer, owner, org, id, None)
            .await
            .unwrap();
        if let Some(role) = role {
            sdk::identity::roles::assign(&self.test.db, authorizer, owner, org, id, role, None)
                .await
                .unwrap();
        }
    }

    async fn create_namespace(
        &self,
        org: Option<i64>,
        actor: &Actor,
        input: NamespaceInput,
    ) -> Result<Namespace, Error> {
        self.presets
            .create_namespace(org, actor, input, now_ms())
            .await
    }

    async fn create_preset(
        &self,
        org: Option<i64>,
        actor: &Actor,
        input: PresetInput,
    ) -> Result<Preset, Error> {
        self.presets
            .create_preset(org, actor, input, now_ms())
            .await
    }

    async fn update_preset(
        &self,
        org: Option<i64>,
        actor: &Actor,
        id: i64,
        change: PresetChange,
    ) -> Result<Preset, Error> {
        self.presets
            .update_preset(org, actor, id, change, now_ms())
            .await
    }

    async fn grant(
        &self,
        org: Option<i64>,
        actor: &Actor,
        slug: &str,
        user: &Actor,
        rights: [bool; 3],
    ) -> Result<usize, Error> {
        self.presets
            .grant(org, actor, slug, user.id().unwrap(), rights, now_ms())
            .await
            .map(|grants| grants.len())
    }

    /// The names of the presets `actor` finds with `filter`.
    async fn names(&self, org: Option<i64>, actor: &Actor, filter: PresetFilter) -> Vec<String> {
        let list: Vec<PresetSummary> = self.presets.list_presets(org, actor, filter).await.unwrap();
        list.into_iter().map(|p| p.name).collect()
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

fn describe(description: &str) -> PresetChange {
    PresetChange {
        name: None,
        description: Some(description.into()),
        yaml: None,
        is_public: None,
    }
}

fn kind<T: std::fmt::Debug>(result: Result<T, Error>) -> &'static str {
    result.unwrap_err().kind()
}

/// Ada's public namespace `ada-presets` with a public preset "Open" and a private "Secret";
/// Bea and Cid are other users.
struct AdaNamespace {
    w: World,
    ada: Actor,
    bea: Actor,
    cid: Actor,
    namespace: Namespace,
    open: Preset,
    secret: Preset,
}

async fn ada_namespace(backend: Backend) -> AdaNamespace {
    let w = world(backend).await;
    let ada = w.user("ada", GlobalLevel::User).await;
    let bea = w.user("bea", GlobalLevel::User).await;
    let cid = w.user("cid", GlobalLevel::User).await;
    let namespace = w
        .create_namespace(None, &ada, ns("ada-presets", true, false))
        .await
        .unwrap();
    let open = w
        .create_preset(None, &ada, preset(Some("ada-presets"), "Open", true))
        .await
        .unwrap();
    let secret = w
        .create_preset(None, &ada, preset(Some("ada-presets"), "Secret", false))
        .await
        .unwrap();
    AdaNamespace {
        w,
        ada,
        bea,
        cid,
        namespace,
        open,
        secret,
    }
}

// ----- user namespaces -----

async fn check_owner_writes_in_own_namespace_others_may_not(backend: Backend) {
    let s = ada_namespace(backend).await;
    assert!(s.namespace.rights.manage);
    let err =
        s.w.create_preset(None, &s.bea, preset(Some("ada-presets"), "Bea's", true))
            .await
            .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
}
both_backends!(
    owner_writes_in_own_namespace_others_may_not,
    check_owner_writes_in_own_namespace_others_may_not
);

async fn check_private_presets_are_seen_by_their_owner_only(backend: Backend) {
    let s = ada_namespace(backend).await;
    let w = &s.w;
    let all = PresetFilter::default;
    // The public one for everyone (anonymous too), the private one for Ada only.
    assert_eq!(w.names(None, &Actor::system(), all()).await, ["Open"]);
    assert_eq!(w.names(None, &s.bea, all()).await, ["Open"]);
    assert_eq!(w.names(None, &s.ada, all()).await, ["Open", "Secret"]);
    assert_eq!(
        kind(
            w.presets
                .get_preset(None, &s.bea, s.secret.summary.id)
                .await
        ),
        "NotFound"
    );
    let seen = w
        .presets
        .get_preset(None, &s.bea, s.open.summary.id)
        .await
        .unwrap();
    assert!(!seen.can_update && !seen.can_delete);
}
both_backends!(
    private_presets_are_seen_by_their_owner_only,
    check_private_presets_are_seen_by_their_owner_only
);

async fn check_grants_give_exactly_what_they_say(backend: Backend) {
    let s = ada_namespace(backend).await;
    let w = &s.w;
    // A grant lets Bea create and update, not delete, and see the private preset.
    let grants = w
        .grant(None, &s.ada, "ada-presets", &s.bea, [true, true, false])
        .await
        .unwrap();
    assert_eq!(grants, 1);
    w.create_preset(None, &s.bea, preset(Some("ada-presets"), "Bea's", true))
        .await
        .unwrap();
    let got = w
        .presets
        .get_preset(None, &s.bea, s.secret.summary.id)
        .await
        .unwrap();
    assert!(got.can_update && !got.can_delete);
    w.update_preset(None, &s.bea, s.secret.summary.id, describe("tuned"))
        .await
        .unwrap();
    assert_eq!(
        kind(
            w.presets
                .delete_preset(None, &s.bea, s.secret.summary.id)
                .await
        ),
        "Forbidden"
    );
}
both_backends!(
    grants_give_exactly_what_they_say,
    check_grants_give_exactly_what_they_say
);

async fn check_only_the_owner_manages_grants(backend: Backend) {
    let s = ada_namespace(backend).await;
    let w = &s.w;
    w.grant(None, &s.ada, "ada-presets", &s.bea, [true, true, false])
        .await
        .unwrap();
    // A grantee who may create and update still may not grant.
    assert_eq!(
        kind(
            w.grant(None, &s.bea, "ada-presets", &s.cid, [true, false, false])
                .await
        ),
        "Forbidden"
    );
    assert_eq!(
        kind(w.presets.grants(None, &s.bea, "ada-presets").await),
        "Forbidden"
    );
}
both_backends!(
    only_the_owner_manages_grants,
    check_only_the_owner_manages_grants
);

async fn check_removing_a_grant_takes_it_all_back(backend: Backend) {
    let s = ada_namespace(backend).await;
    let w = &s.w;
    w.grant(None, &s.ada, "ada-presets", &s.bea, [true, true, false])
        .await
        .unwrap();
    w.grant(None, &s.ada, "ada-presets", &s.bea, [false; 3])
        .await
        .unwrap();
    assert_eq!(
        kind(
            w.presets
                .get_preset(None, &s.bea, s.secret.summary.id)
                .await
        ),
        "NotFound"
    );
}
both_backends!(
    removing_a_grant_takes_it_all_back,
    check_removing_a_grant_takes_it_all_back
);

async fn check_duplicate_names_conflict_within_namespace_and_randomizer(backend: Backend) {
    let s = ada_namespace(backend).await;
    let w = &s.w;
    // 409 with a message; the same name for another randomizer is fine.
    let err = w
        .create_preset(None, &s.ada, preset(Some("ada-presets"), "Open", true))
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
    w.create_preset(None, &s.ada, other).await.unwrap();
    // Namespace slugs are unique across the site.
    let err = w
        .create_namespace(None, &s.bea, ns("ada-presets", true, false))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Conflict");
}
both_backends!(
    duplicate_names_conflict_within_namespace_and_randomizer,
    check_duplicate_names_conflict_within_namespace_and_randomizer
);

async fn check_unknown_randomizer_and_bad_yaml_name_their_field(backend: Backend) {
    let s = ada_namespace(backend).await;
    let w = &s.w;
    let mut bad = preset(Some("ada-presets"), "X", true);
    bad.randomizer = "pokemon".into();
    assert_eq!(
        w.create_preset(None, &s.ada, bad)
            .await
            .unwrap_err()
            .field(),
        Some("randomizer")
    );
    let mut bad = preset(Some("ada-presets"), "Y", true);
    bad.yaml = "goal: [ganon\n".into();
    let err = w.create_preset(None, &s.ada, bad).await.unwrap_err();
    assert_eq!(err.field(), Some("yaml"));
    assert!(err.message().starts_with("line "), "{}", err.message());
}
both_backends!(
    unknown_randomizer_and_bad_yaml_name_their_field,
    check_unknown_randomizer_and_bad_yaml_name_their_field
);

async fn check_global_presets_are_written_by_superadmins_only(backend: Backend) {
    let s = ada_namespace(backend).await;
    let w = &s.w;
    let root = w.user("root", GlobalLevel::Superadmin).await;
    let err = w
        .create_preset(None, &s.ada, preset(None, "Global", true))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("namespace"));
    let global = w
        .create_preset(None, &root, preset(None, "Global", true))
        .await
        .unwrap();
    assert!(global.summary.namespace.is_none());
    assert_eq!(
        kind(
            w.create_preset(None, &root, preset(None, "Global", true))
                .await
        ),
        "Conflict"
    );
    // Everyone reads public ones.
    assert!(w
        .presets
        .get_preset(None, &s.bea, global.summary.id)
        .await
        .is_ok());
    assert_eq!(
        kind(
            w.presets
                .delete_preset(None, &s.ada, global.summary.id)
                .await
        ),
        "Forbidden"
    );
    w.presets
        .delete_preset(None, &root, global.summary.id)
        .await
        .unwrap();
}
both_backends!(
    global_presets_are_written_by_superadmins_only,
    check_global_presets_are_written_by_superadmins_only
);

async fn check_search_filters_by_randomizer_namespace_and_text(backend: Backend) {
    let s = ada_namespace(backend).await;
    let w = &s.w;
    w.update_preset(None, &s.ada, s.secret.summary.id, describe("tuned"))
        .await
        .unwrap();
    let filter = PresetFilter {
        randomizer: Some("alttpr".into()),
        namespace: Some("ada-presets".into()),
        q: Some("tun".into()),
    };
    assert_eq!(w.names(None, &s.ada, filter).await, ["Secret"]);
}
both_backends!(
    search_filters_by_randomizer_namespace_and_text,
    check_search_filters_by_randomizer_namespace_and_text
);

// ----- organization namespaces -----

/// Orgs A and B; A's admin, a tournament manager and a plain member, B's admin; A's private
/// namespace `org-a` with the manager's private preset "League".
struct OrgNamespace {
    w: World,
    root: Actor,
    org_a: i64,
    org_b: i64,
    admin_a: Actor,
    manager_a: Actor,
    plain_a: Actor,
    admin_b: Actor,
    league: Preset,
}

async fn org_namespace(backend: Backend) -> OrgNamespace {
    let w = world(backend).await;
    let root = w.user("root", GlobalLevel::Superadmin).await;
    let org_a = w.org(&root, "Org A").await;
    let org_b = w.org(&root, "Org B").await;
    let admin_a = w.member(&root, org_a, "admina", Some("Admin")).await;
    let manager_a = w
        .member(&root, org_a, "tma", Some("Tournament Manager"))
        .await;
    let plain_a = w.member(&root, org_a, "plaina", None).await;
    let admin_b = w.member(&root, org_b, "adminb", Some("Admin")).await;
    w.create_namespace(Some(org_a), &admin_a, ns("org-a", false, true))
        .await
        .unwrap();
    let league = w
        .create_preset(
            Some(org_a),
            &manager_a,
            preset(Some("org-a"), "League", false),
        )
        .await
        .unwrap();
    OrgNamespace {
        w,
        root,
        org_a,
        org_b,
        admin_a,
        manager_a,
        plain_a,
        admin_b,
        league,
    }
}

async fn check_only_namespace_manage_creates_organization_namespaces(backend: Backend) {
    let s = org_namespace(backend).await;
    let err =
        s.w.create_namespace(Some(s.org_a), &s.manager_a, ns("org-a-2", false, true))
            .await
            .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    s.w.create_namespace(Some(s.org_a), &s.admin_a, ns("org-a-2", false, true))
        .await
        .unwrap();
}
both_backends!(
    only_namespace_manage_creates_organization_namespaces,
    check_only_namespace_manage_creates_organization_namespaces
);

async fn check_plain_members_neither_write_nor_see_private_presets(backend: Backend) {
    let s = org_namespace(backend).await;
    let (w, org_a, id) = (&s.w, Some(s.org_a), s.league.summary.id);
    // A private namespace the member cannot read does not exist for them.
    assert_eq!(
        kind(
            w.create_preset(org_a, &s.plain_a, preset(Some("org-a"), "Mine", false))
                .await
        ),
        "NotFound"
    );
    assert_eq!(
        kind(w.presets.get_preset(org_a, &s.plain_a, id).await),
        "NotFound"
    );
    // The manager (preset:create/update, preset:read) wrote it and sees it.
    assert!(w.presets.get_preset(org_a, &s.manager_a, id).await.is_ok());
}
both_backends!(
    plain_members_neither_write_nor_see_private_presets,
    check_plain_members_neither_write_nor_see_private_presets
);

async fn check_standing_counts_only_when_acting_from_the_organization(backend: Backend) {
    let s = org_namespace(backend).await;
    assert_eq!(
        kind(
            s.w.presets
                .get_preset(None, &s.manager_a, s.league.summary.id)
                .await
        ),
        "NotFound"
    );
}
both_backends!(
    standing_counts_only_when_acting_from_the_organization,
    check_standing_counts_only_when_acting_from_the_organization
);

async fn check_deleting_needs_preset_delete(backend: Backend) {
    let s = org_namespace(backend).await;
    // The manager's rights do not include deleting (Admin's do).
    assert_eq!(
        kind(
            s.w.presets
                .delete_preset(Some(s.org_a), &s.manager_a, s.league.summary.id)
                .await
        ),
        "Forbidden"
    );
    s.w.presets
        .delete_preset(Some(s.org_a), &s.admin_a, s.league.summary.id)
        .await
        .unwrap();
}
both_backends!(
    deleting_needs_preset_delete,
    check_deleting_needs_preset_delete
);

async fn check_another_organization_neither_sees_nor_changes_it(backend: Backend) {
    let s = org_namespace(backend).await;
    let (w, org_b) = (&s.w, Some(s.org_b));
    assert_eq!(
        kind(
            w.presets
                .get_preset(org_b, &s.admin_b, s.league.summary.id)
                .await
        ),
        "NotFound"
    );
    assert_eq!(
        kind(
            w.create_preset(org_b, &s.admin_b, preset(Some("org-a"), "Intruder", true))
                .await
        ),
        "NotFound"
    );
    let listed = w
        .presets
        .list_namespaces(org_b, &s.admin_b, &Default::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty());
}
both_backends!(
    another_organization_neither_sees_nor_changes_it,
    check_another_organization_neither_sees_nor_changes_it
);

async fn check_a_member_of_both_changes_it_only_from_its_own_organization(backend: Backend) {
    let s = org_namespace(backend).await;
    let w = &s.w;
    // Org A's admin, also a member of org B.
    let both = w.member(&s.root, s.org_a, "both", Some("Admin")).await;
    w.join(&s.root, s.org_b, &both, None).await;
    let rename = PresetChange {
        name: Some("x".into()),
        description: None,
        yaml: None,
        is_public: None,
    };
    // Acting from org B, org A's private preset does not exist for them at all.
    assert_eq!(
        kind(
            w.update_preset(Some(s.org_b), &both, s.league.summary.id, rename)
                .await
        ),
        "NotFound"
    );
    w.presets
        .delete_preset(Some(s.org_a), &both, s.league.summary.id)
        .await
        .unwrap();
}
both_backends!(
    a_member_of_both_changes_it_only_from_its_own_organization,
    check_a_member_of_both_changes_it_only_from_its_own_organization
);

// ----- events and the lookup service -----

/// Ada's public namespace `ada` with "Fast", written in SahasrahBot's format.
async fn fast_in_ada(w: &World, ada: &Actor) -> Preset {
    w.create_namespace(None, ada, ns("ada", true, false))
        .await
        .unwrap();
    let mut input = preset(Some("ada"), "Fast", true);
    input.yaml =
        "goal_name: Fast Ganon\ndescription: From SahasrahBot\nsettings:\n  goal: fast_ganon\n"
            .into();
    w.create_preset(None, ada, input).await.unwrap()
}

async fn check_preset_created_event_names_actor_and_namespace(backend: Backend) {
    let w = world(backend).await;
    let ada = w.user("ada", GlobalLevel::User).await;
    let seen = record::<PresetCreated>(&w.platform.events);
    let created = fast_in_ada(&w, &ada).await;
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
        vec![(ada.user_id(), "Fast".to_string(), Some("ada".to_string()))]
    );
}
both_backends!(
    preset_created_event_names_actor_and_namespace,
    check_preset_created_event_names_actor_and_namespace
);

async fn check_lookup_service_hands_out_public_presets_by_key(backend: Backend) {
    let w = world(backend).await;
    let ada = w.user("ada", GlobalLevel::User).await;
    fast_in_ada(&w, &ada).await;
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
    w.create_preset(None, &ada, preset(Some("ada"), "Hidden", false))
        .await
        .unwrap();
    let err = lookup
        .settings(None, Some("ada"), "alttpr", "Hidden")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "NotFound");
}
both_backends!(
    lookup_service_hands_out_public_presets_by_key,
    check_lookup_service_hands_out_public_presets_by_key
);

// ----- the YAML budget -----

/// Every YAML entry point refuses the alias bomb quickly with the anchors error, and stores
/// nothing; a value holding `&` is still a fine preset.
async fn check_yaml_alias_bomb_is_refused_at_every_entry_point(backend: Backend) {
    let w = world(backend).await;
    let ada = w.user("ada", GlobalLevel::User).await;
    w.create_namespace(None, &ada, ns("ada-presets", true, false))
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
    anchors(presets::service::check_yaml(&bomb).unwrap_err());
    let mut input = preset(Some("ada-presets"), "Bomb", true);
    input.yaml = bomb.clone();
    anchors(w.create_preset(None, &ada, input).await.unwrap_err());
    let mut fine = preset(Some("ada-presets"), "Fine", true);
    fine.yaml = "goal: ganon\nnotes: \"a & b\"\nmore: a & b\n".into();
    let fine = w.create_preset(None, &ada, fine).await.unwrap();
    assert_eq!(fine.settings["notes"], "a & b");
    let change = PresetChange {
        name: None,
        description: None,
        yaml: Some(bomb.clone()),
        is_public: None,
    };
    anchors(
        w.update_preset(None, &ada, fine.summary.id, change)
            .await
            .unwrap_err(),
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let kept = w
        .presets
        .get_preset(None, &ada, fine.summary.id)
        .await
        .unwrap();
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
