//! The API as a client meets it, on SQLite and PostgreSQL: the guard, the rights the service
//! checks, the audit entry written with the change, and the event after it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use __ID__::{api, events::EntryAdded};
use sdk::{db::Backend, Error};
use testkit::{both_backends, record, PluginWorld};

async fn world(backend: Backend) -> PluginWorld {
    let world = PluginWorld::new(
        backend,
        __ID__::MANIFEST,
        env!("CARGO_MANIFEST_DIR"),
        __ID__::plugin(),
    )
    .await;
    world.set_enabled(__ID__::PLUGIN_ID, true).await;
    world
}

async fn check_a_writer_adds_and_members_read(backend: Backend) {
    let world = world(backend).await;
    let writer = world.member("writer", &["Admin"]).await;
    let reader = world.member("reader", &["Moderator"]).await;
    let added = record::<EntryAdded>(&world.platform.events);

    let entry = world
        .call(&writer, || api::add_entry(world.org, "  hello  ".into()))
        .await
        .unwrap();
    assert_eq!(entry.text, "hello");
    assert_eq!(entry.created_by, Some(writer.id));

    let page = world
        .call(&reader, || api::list_entries(world.org, Default::default()))
        .await
        .unwrap();
    assert_eq!(page.items, std::slice::from_ref(&entry));
    added.wait_for(1).await;
    assert_eq!(added.events(), [EntryAdded { entry_id: entry.id }]);
}

both_backends!(
    a_writer_adds_and_members_read,
    check_a_writer_adds_and_members_read
);

async fn check_reading_is_not_writing(backend: Backend) {
    let world = world(backend).await;
    let reader = world.member("reader", &["Moderator"]).await;
    let refused = world
        .call(&reader, || api::add_entry(world.org, "mine".into()))
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    assert!(
        refused.message().contains("__ID__:write"),
        "{}",
        refused.message()
    );
}

both_backends!(reading_is_not_writing, check_reading_is_not_writing);

async fn check_outsiders_and_switched_off_organizations_see_nothing(backend: Backend) {
    let world = world(backend).await;
    let writer = world.member("writer", &["Admin"]).await;
    world
        .call(&writer, || api::add_entry(world.org, "inside".into()))
        .await
        .unwrap();
    let other = world.other_org("Elsewhere").await;
    let outsider = world.member_of(other, "outsider", &["Admin"]).await;
    let refused = world
        .call(&outsider, || {
            api::list_entries(world.org, Default::default())
        })
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");

    world.set_enabled(__ID__::PLUGIN_ID, false).await;
    let off = world
        .call(&writer, || api::list_entries(world.org, Default::default()))
        .await
        .unwrap_err();
    assert!(matches!(off, Error::NotEnabled { .. }), "{off:?}");
}

both_backends!(
    outsiders_and_switched_off_organizations_see_nothing,
    check_outsiders_and_switched_off_organizations_see_nothing
);

async fn check_too_long_text_is_refused_by_field_and_nothing_is_written(backend: Backend) {
    let world = world(backend).await;
    let writer = world.member("writer", &["Admin"]).await;
    let refused = world
        .call(&writer, || api::add_entry(world.org, "x".repeat(201)))
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("text"));
    let page = world
        .call(&writer, || api::list_entries(world.org, Default::default()))
        .await
        .unwrap();
    assert!(page.items.is_empty());
}

both_backends!(
    too_long_text_is_refused_by_field_and_nothing_is_written,
    check_too_long_text_is_refused_by_field_and_nothing_is_written
);

async fn check_each_entry_is_audited_with_its_author(backend: Backend) {
    let world = world(backend).await;
    let writer = world.member("writer", &["Admin"]).await;
    let entry = world
        .call(&writer, || api::add_entry(world.org, "audited".into()))
        .await
        .unwrap();
    let filter = sdk::identity::model::AuditFilter {
        org_id: Some(world.org),
        action: Some("__ID__.add".into()),
        ..Default::default()
    };
    let log = sdk::identity::audit_log::list(&world.test.db, &filter)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].user_id, Some(writer.id));
    assert!(
        log[0].details.contains(&entry.id.to_string()),
        "{}",
        log[0].details
    );
}

both_backends!(
    each_entry_is_audited_with_its_author,
    check_each_entry_is_audited_with_its_author
);
