//! A qualifier's Discord channel must be in a Discord server linked to its organization (issue
//! 18, item 3), on SQLite and PostgreSQL against the test kit's fake Discord: checked when the
//! qualifier is saved, and again before the bot posts its embed or a timeout warning, so a
//! server unlinked since gets nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use async_qualifier::{events::TimeoutWarning, service::QualifierInput};
use common::{World, MIN, T0};
use sdk::{db::Backend, Actor};
use testkit::{both_backends, fake_discord::FakeDiscord, record};

const GUILD_A: &str = "1300000000000000001";
const GUILD_B: &str = "1300000000000000002";
const CHANNEL_A: &str = "1200000000000000001";
const CHANNEL_B: &str = "1200000000000000002";

/// The league and "League B", each with its Discord server linked (the league: `GUILD_A` with
/// `CHANNEL_A`, B: `GUILD_B` with `CHANNEL_B`), and the bot pointed at the fake.
async fn world(backend: Backend) -> (World, FakeDiscord) {
    let w = common::world(backend).await;
    let fake = w.fake_discord().await;
    fake.add_channel(CHANNEL_A, GUILD_A);
    fake.add_channel(CHANNEL_B, GUILD_B);
    let org_b = w.other_org("League B").await;
    w.link_guild(GUILD_A, w.org).await;
    w.link_guild(GUILD_B, org_b).await;
    (w, fake)
}

fn input(name: &str, channel: &str) -> QualifierInput {
    QualifierInput {
        name: name.into(),
        description: String::new(),
        is_active: true,
        hide_results: false,
        discord_channel_id: channel.into(),
        runs_per_pool: 1,
        max_reattempts: 0,
        require_racetime: false,
    }
}

fn assert_not_linked(e: &sdk::Error) {
    assert_eq!(e.kind(), "Invalid", "{e:?}");
    assert_eq!(e.field(), Some("discord_channel_id"), "{e:?}");
    assert!(
        e.message()
            .contains("is not in a Discord server linked to this organization"),
        "{}",
        e.message()
    );
}

async fn check_another_orgs_channel_is_refused_for_qualifier(backend: Backend) {
    let (w, _fake) = world(backend).await;
    let admin = Actor::user(w.admin.clone());
    // Org B's channel, or one Discord does not know: refused, nothing stored.
    for channel in [CHANNEL_B, "1299999999999999999"] {
        let e = w
            .svc
            .create_qualifier(w.org, &admin, &input("Theirs", channel), T0)
            .await
            .unwrap_err();
        assert_not_linked(&e);
    }
    assert!(w
        .svc
        .qualifiers(w.org, &Default::default())
        .await
        .unwrap()
        .items
        .is_empty());
    // Its own channel is fine; changing it to B's is refused and keeps the old one.
    let q = w
        .svc
        .create_qualifier(w.org, &admin, &input("Ours", CHANNEL_A), T0)
        .await
        .unwrap();
    let e = w
        .svc
        .update_qualifier(w.org, &admin, q.id, &input("Ours", CHANNEL_B), T0)
        .await
        .unwrap_err();
    assert_not_linked(&e);
    assert_eq!(
        w.svc
            .qualifier(w.org, q.id)
            .await
            .unwrap()
            .discord_channel_id
            .as_deref(),
        Some(CHANNEL_A)
    );
}
both_backends!(
    another_orgs_channel_is_refused_for_qualifier,
    check_another_orgs_channel_is_refused_for_qualifier
);

async fn check_unlinked_guild_stops_receiving_qualifier_posts(backend: Backend) {
    let (w, fake) = world(backend).await;
    let admin = Actor::user(w.admin.clone());
    let q = w
        .svc
        .create_qualifier(w.org, &admin, &input("Posted", CHANNEL_A), T0)
        .await
        .unwrap();
    let pool = w
        .svc
        .create_pool(w.org, &admin, q.id, "Open", "", T0)
        .await
        .unwrap();
    w.svc
        .create_permalink(w.org, &admin, pool.id, "https://alttpr.com/h/a", "", T0)
        .await
        .unwrap();
    // Linked: the embed goes out.
    w.svc.post_embed(w.org, q.id).await.unwrap();
    assert_eq!(fake.messages().len(), 1);

    // Unlinked: neither the embed nor the timeout warning reaches the server.
    w.unlink_guild(GUILD_A).await;
    let e = w.svc.post_embed(w.org, q.id).await.unwrap_err();
    assert_not_linked(&e);
    let warnings = record::<TimeoutWarning>(&w.platform.events);
    w.svc
        .start_run(w.org, &admin, q.id, pool.id, T0)
        .await
        .unwrap();
    let (warned, _) = w
        .svc
        .run_timeouts(T0 + 10 * MIN, Some(&w.platform.plugins.bot()))
        .await
        .unwrap();
    assert_eq!(warned, 1);
    // The warning is still news (for the runner's own notifications), but not in that server.
    assert_eq!(warnings.wait_for(1).await.len(), 1);
    assert_eq!(fake.messages().len(), 1, "{:?}", fake.messages());
}
both_backends!(
    unlinked_guild_stops_receiving_qualifier_posts,
    check_unlinked_guild_stops_receiving_qualifier_posts
);
