//! The repository on SQLite and PostgreSQL: entries are stored and listed per organization.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sdk::{auth::GlobalLevel, db::Backend};
use testkit::{both_backends, TestDb};

async fn check_entries_stay_in_their_organization(backend: Backend) {
    let test = TestDb::with_plugin(backend, __ID__::PLUGIN_ID, env!("CARGO_MANIFEST_DIR")).await;
    let owner = test.user("owner", GlobalLevel::Superadmin).await;
    let org_a = test.org(&owner, "Org A").await;
    let org_b = test.org(&owner, "Org B").await;

    let mut conn = test.db.pool().acquire().await.unwrap();
    let first = __ID__::repo::insert(&mut conn, org_a, "first", Some(owner.id), 1_000)
        .await
        .unwrap();
    __ID__::repo::insert(&mut conn, org_a, "second", None, 2_000)
        .await
        .unwrap();
    __ID__::repo::insert(&mut conn, org_b, "elsewhere", None, 3_000)
        .await
        .unwrap();

    let listed = __ID__::repo::list(&test.db, org_a, &Default::default())
        .await
        .unwrap()
        .items;
    let texts: Vec<&str> = listed.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts, ["second", "first"]);
    assert_eq!(listed[1], first);
    assert_eq!(first.created_at, 1_000);
    assert_eq!(
        __ID__::repo::list(&test.db, org_b, &Default::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

both_backends!(
    entries_stay_in_their_organization,
    check_entries_stay_in_their_organization
);
