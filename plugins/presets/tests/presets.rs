//! User namespaces and global presets on SQLite and PostgreSQL: who may do what, who sees
//! what, grants, duplicate names, search, and the YAML budget at every entry point. One rule per
//! test; the world is in `common`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{describe, kind, ns, preset, world, World};
use presets::{
    model::{Namespace, Preset},
    service::{PresetChange, PresetFilter},
};
use sdk::{auth::GlobalLevel, db::Backend, page::PageRequest, Actor};
use testkit::both_backends;

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
    assert_eq!(w.names(None, &s.ada, all()).await, ["Secret", "Open"]);
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
    let grant = w
        .grant(None, &s.ada, "ada-presets", &s.bea, [true, true, false])
        .await
        .unwrap()
        .expect("the grant as it now stands");
    assert_eq!(
        (
            grant.user_id,
            grant.can_create,
            grant.can_update,
            grant.can_delete
        ),
        (s.bea.id().unwrap(), true, true, false)
    );
    assert_eq!(w.grants(&s.ada, "ada-presets").await.unwrap(), [grant]);
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
    assert_eq!(kind(w.grants(&s.bea, "ada-presets").await), "Forbidden");
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
    let removed = w
        .grant(None, &s.ada, "ada-presets", &s.bea, [false; 3])
        .await
        .unwrap();
    assert_eq!(removed, None);
    assert!(w.grants(&s.ada, "ada-presets").await.unwrap().is_empty());
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
    let root = w.root();
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

/// A page holds only what the caller may see: private presets between public ones are skipped,
/// and following `next_before_id` gets every visible one once, newest first.
async fn check_pages_of_presets_skip_what_the_caller_may_not_see(backend: Backend) {
    let s = ada_namespace(backend).await;
    let w = &s.w;
    let mut public = vec!["Open".to_string()];
    for i in 0..5 {
        w.create_preset(
            None,
            &s.ada,
            preset(Some("ada-presets"), &format!("Hidden {i}"), false),
        )
        .await
        .unwrap();
        let name = format!("Shown {i}");
        w.create_preset(None, &s.ada, preset(Some("ada-presets"), &name, true))
            .await
            .unwrap();
        public.push(name);
    }
    public.reverse();
    let mut seen = Vec::new();
    let mut page = PageRequest {
        limit: Some(2),
        before_id: None,
    };
    let mut pages = 0;
    loop {
        let got = w
            .presets
            .list_presets(None, &s.bea, PresetFilter::default(), &page)
            .await
            .unwrap();
        assert!(got.items.len() <= 2);
        seen.extend(got.items.into_iter().map(|p| p.name));
        pages += 1;
        match got.next_before_id {
            Some(next) => page.before_id = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, public);
    assert_eq!(pages, 3);
}
both_backends!(
    pages_of_presets_skip_what_the_caller_may_not_see,
    check_pages_of_presets_skip_what_the_caller_may_not_see
);
