//! A qualifier's Discord channel must be in a Discord server linked to its organization (issue
//! 18, item 3), on SQLite and PostgreSQL against the test kit's fake Discord: checked when the
//! qualifier is saved, and again before the bot posts its embed or a timeout warning, so a
//! server unlinked since gets nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use testkit::platform;

use async_qualifier::{
    events::TimeoutWarning,
    service::{QualifierInput, Qualifiers},
};
use platform::{LoadOptions, PluginHost};
use sdk::{
    auth::CurrentUser, auth::GlobalLevel, bot::DiscordRest, context::Platform, db::Backend,
    plugin::Bundle, Actor,
};
use testkit::{both_backends, fake_discord::FakeDiscord, record, TestDb};

/// 2026-11-22 12:00:00 UTC.
const T0: i64 = 1_795_348_800_000;
const MIN: i64 = 60_000;
const GUILD_A: &str = "1300000000000000001";
const GUILD_B: &str = "1300000000000000002";
const CHANNEL_A: &str = "1200000000000000001";
const CHANNEL_B: &str = "1200000000000000002";

struct World {
    test: TestDb,
    platform: Platform,
    svc: Qualifiers,
    fake: FakeDiscord,
    admin: CurrentUser,
    org_a: i64,
}

async fn world(backend: Backend) -> World {
    let test = TestDb::new(backend).await;
    test.migrate_core().await;
    let dir = env!("CARGO_MANIFEST_DIR");
    let read = |b: &str| {
        platform::migrate::load_dir(&std::path::Path::new(dir).join("migrations").join(b)).unwrap()
    };
    let bundle = Bundle {
        manifest_source: async_qualifier::MANIFEST.into(),
        origin: "plugins/async_qualifier/plugin.toml".into(),
        sqlite: read("sqlite"),
        postgres: read("postgres"),
        plugin: async_qualifier::plugin(),
    };
    let host = Arc::new(
        PluginHost::load(&test.db, vec![bundle], LoadOptions::default())
            .await
            .unwrap(),
    );
    let platform =
        platform::Host::new(test.db.clone(), Arc::clone(&host), "http://localhost").contract();
    let fake = FakeDiscord::start().await;
    host.bot().set_rest(Some(DiscordRest::new(
        format!("{}/v10", fake.api_url()),
        "fake-bot-token",
    )));
    fake.add_channel(CHANNEL_A, GUILD_A);
    fake.add_channel(CHANNEL_B, GUILD_B);
    let admin = test.user("root", GlobalLevel::Superadmin).await;
    let org_a = test.org(&admin, "League A").await;
    let org_b = test.org(&admin, "League B").await;
    for (guild, org) in [(GUILD_A, org_a), (GUILD_B, org_b)] {
        sqlx::query(
            "INSERT INTO discord_guilds (guild_id, organization_id, guild_name, linked_by, linked_at)
             VALUES ($1, $2, 'A server', $3, 0)",
        )
        .bind(guild)
        .bind(org)
        .bind(admin.id)
        .execute(test.db.pool())
        .await
        .unwrap();
    }
    let svc = Qualifiers::from_platform(&platform);
    World {
        test,
        platform,
        svc,
        fake,
        admin,
        org_a,
    }
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
    let w = world(backend).await;
    let admin = Actor::user(w.admin.clone());
    // Org B's channel, or one Discord does not know: refused, nothing stored.
    for channel in [CHANNEL_B, "1299999999999999999"] {
        let e = w
            .svc
            .create_qualifier(w.org_a, &admin, &input("Theirs", channel), T0)
            .await
            .unwrap_err();
        assert_not_linked(&e);
    }
    assert!(w
        .svc
        .qualifiers(w.org_a, &Default::default())
        .await
        .unwrap()
        .items
        .is_empty());
    // Its own channel is fine; changing it to B's is refused and keeps the old one.
    let q = w
        .svc
        .create_qualifier(w.org_a, &admin, &input("Ours", CHANNEL_A), T0)
        .await
        .unwrap();
    let e = w
        .svc
        .update_qualifier(w.org_a, &admin, q.id, &input("Ours", CHANNEL_B), T0)
        .await
        .unwrap_err();
    assert_not_linked(&e);
    assert_eq!(
        w.svc
            .qualifier(w.org_a, q.id)
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
    let w = world(backend).await;
    let admin = Actor::user(w.admin.clone());
    let q = w
        .svc
        .create_qualifier(w.org_a, &admin, &input("Posted", CHANNEL_A), T0)
        .await
        .unwrap();
    let pool = w
        .svc
        .create_pool(w.org_a, &admin, q.id, "Open", "", T0)
        .await
        .unwrap();
    w.svc
        .create_permalink(w.org_a, &admin, pool.id, "https://alttpr.com/h/a", "", T0)
        .await
        .unwrap();
    // Linked: the embed goes out.
    w.svc.post_embed(w.org_a, q.id).await.unwrap();
    assert_eq!(w.fake.messages().len(), 1);

    // Unlinked: neither the embed nor the timeout warning reaches the server.
    sqlx::query("DELETE FROM discord_guilds WHERE guild_id = $1")
        .bind(GUILD_A)
        .execute(w.test.db.pool())
        .await
        .unwrap();
    let e = w.svc.post_embed(w.org_a, q.id).await.unwrap_err();
    assert_not_linked(&e);
    let warnings = record::<TimeoutWarning>(&w.platform.events);
    w.svc
        .start_run(w.org_a, &admin, q.id, pool.id, T0)
        .await
        .unwrap();
    let (warned, _) = w
        .svc
        .run_timeouts(T0 + 10 * MIN, Some(&w.platform.plugins.bot()))
        .await
        .unwrap();
    assert_eq!(warned, 1);
    let warning = warnings.wait_for(1).await.remove(0);
    assert!(!warning.posted, "{warning:?}");
    assert_eq!(w.fake.messages().len(), 1, "{:?}", w.fake.messages());
}
both_backends!(
    unlinked_guild_stops_receiving_qualifier_posts,
    check_unlinked_guild_stops_receiving_qualifier_posts
);
