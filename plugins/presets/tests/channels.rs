//! Where the site-wide bot may post for an organization, and how often its tasks may run (issue
//! 18, item 3), on SQLite and PostgreSQL against the test kit's fake Discord:
//! - a channel of another organization's Discord server is refused when saved, for the presets
//!   announcement setting (plugin config) and for a `presets.post_list` task's config;
//! - a server unlinked after its channel was saved stops receiving posts (checked again right
//!   before each post): the task run fails, the announcement is skipped; so does a channel
//!   saved unchecked while the site had no bot;
//! - organization tasks run at most once a minute, and an organization has at most
//!   `MAX_ACTIVE_TASKS_PER_ORG` active tasks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;
use testkit::platform;

use platform::tasks::engine::Scheduler;
use presets::service::{NamespaceInput, PresetInput, Presets};
use sdk::{
    db::Backend, tasks::model::OrgTaskInput, tasks::model::MAX_ACTIVE_TASKS_PER_ORG,
    tasks::Schedule, time::now_ms, Actor,
};
use serde_json::{json, Value};
use testkit::{both_backends, fake_discord::FakeDiscord, PluginWorld};

const GUILD_A: &str = "1300000000000000001";
const GUILD_B: &str = "1300000000000000002";
const CHANNEL_A: &str = "1200000000000000001";
const CHANNEL_B: &str = "1200000000000000002";
const UNLINKED_CHANNEL: &str = "1200000000000000003";

/// The test kit's world with its plugins started, a fake Discord the bot talks to, and a
/// second organization ("League B").
struct World {
    world: PluginWorld,
    fake: FakeDiscord,
    org_b: i64,
}

testkit::deref_world!(World);

/// Two organizations, each with its Discord server linked (the league: `GUILD_A` with
/// `CHANNEL_A`, B: `GUILD_B` with `CHANNEL_B`), a third server linked to nobody, and the bot
/// pointed at the fake.
async fn world(backend: Backend) -> World {
    let world = testkit::plugin_world!(presets, backend).await;
    world.start().await;
    let fake = world.fake_discord().await;
    fake.add_channel(CHANNEL_A, GUILD_A);
    fake.add_channel(CHANNEL_B, GUILD_B);
    fake.add_channel(UNLINKED_CHANNEL, "1300000000000000003");
    let org_b = world.other_org("League B").await;
    world.link_guild(GUILD_A, world.org).await;
    world.link_guild(GUILD_B, org_b).await;
    World { world, fake, org_b }
}

impl World {
    async fn set_announce(&self, org: i64, channel: &str) -> Result<Value, sdk::Error> {
        self.plugins()
            .set_config(
                org,
                "presets",
                json!({ "announce_channel_id": channel }),
                &Actor::default(),
            )
            .await
            .map(|view| view.effective)
    }

    fn scheduler(&self) -> Scheduler {
        Scheduler::new(&self.host)
    }

    /// The organization's namespace `slug`, for `post_list`.
    async fn namespace(&self, org: i64, slug: &str) {
        let input = NamespaceInput {
            slug: slug.into(),
            display_name: slug.into(),
            description: String::new(),
            is_public: true,
            for_organization: true,
        };
        Presets::new(self.platform.clone())
            .create_namespace(Some(org), &self.actor(&self.admin), input, now_ms())
            .await
            .unwrap();
    }

    /// The site admin writes the preset `name` in org's namespace `league`.
    async fn create_preset(&self, org: i64, name: &str) {
        let input = PresetInput {
            namespace: Some("league".into()),
            randomizer: "alttpr".into(),
            name: name.into(),
            description: String::new(),
            yaml: "goal: ganon\n".into(),
            is_public: true,
        };
        Presets::new(self.platform.clone())
            .create_preset(Some(org), &self.actor(&self.admin), input, now_ms())
            .await
            .unwrap();
    }

    fn posted_to(&self, channel: &str) -> usize {
        self.fake
            .messages()
            .iter()
            .filter(|m| m.channel_id == channel)
            .count()
    }
}

fn post_list(name: &str, channel: &str, schedule: Schedule) -> OrgTaskInput {
    OrgTaskInput {
        name: name.into(),
        task_type: "presets.post_list".into(),
        schedule,
        config: json!({ "channel_id": channel, "namespace": "league" }),
        active: true,
    }
}

fn hourly() -> Schedule {
    Schedule::Interval { seconds: 3600 }
}

fn assert_not_linked(e: &sdk::Error, field: &str) {
    assert_eq!(e.kind(), "Invalid", "{e:?}");
    assert_eq!(e.field(), Some(field), "{e:?}");
    assert!(
        e.message()
            .contains("is not in a Discord server linked to this organization"),
        "{}",
        e.message()
    );
}

async fn check_another_orgs_channel_is_refused_for_preset_announcements(backend: Backend) {
    let w = world(backend).await;
    // Org A names org B's channel, or a server nobody linked, or a channel Discord does not
    // know: refused, and nothing is stored.
    for channel in [CHANNEL_B, UNLINKED_CHANNEL, "1299999999999999999"] {
        let e = w.set_announce(w.org, channel).await.unwrap_err();
        assert_not_linked(&e, "announce_channel_id");
    }
    let config = w
        .platform
        .plugins
        .effective_config(w.org, "presets")
        .await
        .unwrap();
    assert_eq!(config["announce_channel_id"], "", "{config}");
    // Its own channel is fine, and clearing it needs no check.
    let saved = w.set_announce(w.org, CHANNEL_A).await.unwrap();
    assert_eq!(saved["announce_channel_id"], CHANNEL_A);
    assert_eq!(
        w.set_announce(w.org, "").await.unwrap()["announce_channel_id"],
        ""
    );
    // Nothing was ever posted to org B's server.
    assert_eq!(w.posted_to(CHANNEL_B), 0);
}
both_backends!(
    another_orgs_channel_is_refused_for_preset_announcements,
    check_another_orgs_channel_is_refused_for_preset_announcements
);

async fn check_another_orgs_channel_is_refused_for_post_list_task(backend: Backend) {
    let w = world(backend).await;
    w.namespace(w.org, "league").await;
    let scheduler = w.scheduler();
    let by = Actor::user(w.admin.clone());
    let e = scheduler
        .create_org_task(w.org, post_list("Theirs", CHANNEL_B, hourly()), &by)
        .await
        .unwrap_err();
    assert_not_linked(&e, "channel_id");
    assert!(scheduler.org_tasks(w.org).await.unwrap().is_empty());
    // Created with its own channel, then changed to B's: refused too, the task keeps its own.
    let task = scheduler
        .create_org_task(w.org, post_list("Ours", CHANNEL_A, hourly()), &by)
        .await
        .unwrap();
    let e = scheduler
        .update_org_task(w.org, task.id, post_list("Ours", CHANNEL_B, hourly()), &by)
        .await
        .unwrap_err();
    assert_not_linked(&e, "channel_id");
    let stored = scheduler.org_task(w.org, task.id).await.unwrap();
    assert_eq!(stored.config["channel_id"], CHANNEL_A);
    // Its own channel: the run posts there.
    let due = stored.next_run_at.unwrap();
    scheduler.tick_at(due).await.unwrap().finished().await;
    assert_eq!(w.posted_to(CHANNEL_A), 1, "{:?}", w.fake.messages());
    assert_eq!(w.posted_to(CHANNEL_B), 0);
}
both_backends!(
    another_orgs_channel_is_refused_for_post_list_task,
    check_another_orgs_channel_is_refused_for_post_list_task
);

async fn check_unlinked_guild_fails_the_post_list_run(backend: Backend) {
    let w = world(backend).await;
    w.namespace(w.org, "league").await;
    let scheduler = w.scheduler();
    let by = Actor::user(w.admin.clone());
    let task = scheduler
        .create_org_task(w.org, post_list("List", CHANNEL_A, hourly()), &by)
        .await
        .unwrap();
    // While linked, the run reaches the channel.
    let due = task.next_run_at.unwrap();
    scheduler.tick_at(due).await.unwrap().finished().await;
    assert_eq!(w.posted_to(CHANNEL_A), 1);

    // The server is unlinked (and linked to org B): the next run fails, saying why.
    w.unlink_guild(GUILD_A).await;
    w.link_guild(GUILD_A, w.org_b).await;
    let next = scheduler.org_task(w.org, task.id).await.unwrap();
    scheduler
        .tick_at(next.next_run_at.unwrap())
        .await
        .unwrap()
        .finished()
        .await;
    let run = scheduler
        .history(Some(w.org), Some(&format!("org:{}", task.id)), 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(run.status, "failed", "{run:?}");
    assert!(
        run.error
            .as_deref()
            .unwrap_or_default()
            .contains("is not in a Discord server linked to this organization"),
        "{run:?}"
    );
    assert_eq!(
        w.posted_to(CHANNEL_A),
        1,
        "only the post from before: {:?}",
        w.fake.messages()
    );
}
both_backends!(
    unlinked_guild_fails_the_post_list_run,
    check_unlinked_guild_fails_the_post_list_run
);

async fn check_unlinked_guild_gets_no_announcement(backend: Backend) {
    let w = world(backend).await;
    w.namespace(w.org, "league").await;
    w.set_announce(w.org, CHANNEL_A).await.unwrap();
    // While linked, the announcement reaches the channel through the bus.
    w.create_preset(w.org, "Open").await;
    assert!(
        w.fake
            .wait_until(Duration::from_secs(10), |f| f
                .messages()
                .iter()
                .any(|m| m.content.contains("New preset **Open**")))
            .await,
        "{:?}",
        w.fake.messages()
    );

    // The server is unlinked (and linked to org B): the listener refuses (logged, kept with
    // the bus's failures) and nothing more reaches it for org A.
    w.unlink_guild(GUILD_A).await;
    w.link_guild(GUILD_A, w.org_b).await;
    w.create_preset(w.org, "Late").await;
    let refused = |failures: Vec<sdk::events::ListenerFailure>| {
        failures.iter().any(|f| {
            f.listener == "presets"
                && f.error
                    .contains("is not in a Discord server linked to this organization")
        })
    };
    for _ in 0..200 {
        if refused(w.platform.events.recent_failures()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        refused(w.platform.events.recent_failures()),
        "{:?}",
        w.platform.events.recent_failures()
    );
    assert_eq!(
        w.posted_to(CHANNEL_A),
        1,
        "only the announcement from before: {:?}",
        w.fake.messages()
    );
}
both_backends!(
    unlinked_guild_gets_no_announcement,
    check_unlinked_guild_gets_no_announcement
);

async fn check_interval_below_minimum_is_refused(backend: Backend) {
    let w = world(backend).await;
    w.namespace(w.org, "league").await;
    let scheduler = w.scheduler();
    let by = Actor::user(w.admin.clone());
    for (schedule, field) in [
        (Schedule::Interval { seconds: 1 }, "interval_seconds"),
        (Schedule::Interval { seconds: 59 }, "interval_seconds"),
        (
            Schedule::Cron {
                expression: "* * * * * *".into(),
            },
            "cron",
        ),
    ] {
        let e = scheduler
            .create_org_task(w.org, post_list("Fast", CHANNEL_A, schedule.clone()), &by)
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some(field), "{schedule:?}: {e:?}");
        assert!(e.message().contains("once a minute"), "{}", e.message());
    }
    // Nor by changing a task that was fine.
    let task = scheduler
        .create_org_task(
            w.org,
            post_list("Slow", CHANNEL_A, Schedule::Interval { seconds: 60 }),
            &by,
        )
        .await
        .unwrap();
    let e = scheduler
        .update_org_task(
            w.org,
            task.id,
            post_list("Slow", CHANNEL_A, Schedule::Interval { seconds: 1 }),
            &by,
        )
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("interval_seconds"));
    assert_eq!(
        scheduler.org_task(w.org, task.id).await.unwrap().schedule,
        Schedule::Interval { seconds: 60 }
    );
}
both_backends!(
    interval_below_minimum_is_refused,
    check_interval_below_minimum_is_refused
);

async fn check_active_task_cap_is_enforced(backend: Backend) {
    let w = world(backend).await;
    w.namespace(w.org, "league").await;
    let scheduler = w.scheduler();
    let by = Actor::user(w.admin.clone());
    for i in 0..MAX_ACTIVE_TASKS_PER_ORG {
        scheduler
            .create_org_task(w.org, post_list(&format!("t{i}"), CHANNEL_A, hourly()), &by)
            .await
            .unwrap();
    }
    let e = scheduler
        .create_org_task(w.org, post_list("one too many", CHANNEL_A, hourly()), &by)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Conflict", "{e:?}");
    assert!(
        e.message().contains("active tasks (the limit)"),
        "{}",
        e.message()
    );
    // Paused, it may be saved — but not switched on while the others run.
    let mut paused = post_list("paused", CHANNEL_A, hourly());
    paused.active = false;
    let paused_task = scheduler
        .create_org_task(w.org, paused.clone(), &by)
        .await
        .unwrap();
    paused.active = true;
    let e = scheduler
        .update_org_task(w.org, paused_task.id, paused.clone(), &by)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Conflict", "{e:?}");
    assert!(
        !scheduler
            .org_task(w.org, paused_task.id)
            .await
            .unwrap()
            .active
    );
    let tasks = scheduler.org_tasks(w.org).await.unwrap();
    assert_eq!(
        tasks.iter().filter(|t| t.active).count() as i64,
        MAX_ACTIVE_TASKS_PER_ORG
    );
    // Changing an active task is still fine; pausing one frees a place.
    let first = tasks.iter().find(|t| t.name == "t0").unwrap();
    let mut off = post_list("t0", CHANNEL_A, hourly());
    off.active = false;
    scheduler
        .update_org_task(w.org, first.id, off, &by)
        .await
        .unwrap();
    scheduler
        .update_org_task(w.org, paused_task.id, paused, &by)
        .await
        .unwrap();
    // Another organization has its own count.
    w.namespace(w.org_b, "league-b").await;
    let mut theirs = post_list("theirs", CHANNEL_B, hourly());
    theirs.config = json!({ "channel_id": CHANNEL_B, "namespace": "league-b" });
    scheduler
        .create_org_task(w.org_b, theirs, &by)
        .await
        .unwrap();
}
both_backends!(
    active_task_cap_is_enforced,
    check_active_task_cap_is_enforced
);

async fn check_channel_saved_without_a_bot_is_checked_before_posting(backend: Backend) {
    let w = world(backend).await;
    w.namespace(w.org, "league").await;
    // No bot: nothing can be checked or posted, so channels are saved unchecked…
    w.use_bot(None);
    w.set_announce(w.org, CHANNEL_B).await.unwrap();
    let scheduler = w.scheduler();
    let by = Actor::user(w.admin.clone());
    let task = scheduler
        .create_org_task(w.org, post_list("Early", CHANNEL_B, hourly()), &by)
        .await
        .unwrap();
    // …but not their shape.
    let e = w.set_announce(w.org, "123").await.unwrap_err();
    assert_eq!(e.field(), Some("announce_channel_id"));
    // The bot arrives: org B's channel still gets nothing from org A.
    w.use_bot(Some(&w.fake));
    scheduler
        .tick_at(task.next_run_at.unwrap())
        .await
        .unwrap()
        .finished()
        .await;
    let run = scheduler
        .history(Some(w.org), Some(&format!("org:{}", task.id)), 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(run.status, "failed", "{run:?}");
    assert!(
        run.error
            .as_deref()
            .unwrap_or_default()
            .contains("is not in a Discord server linked to this organization"),
        "{run:?}"
    );
    assert_eq!(w.posted_to(CHANNEL_B), 0, "{:?}", w.fake.messages());
}
both_backends!(
    channel_saved_without_a_bot_is_checked_before_posting,
    check_channel_saved_without_a_bot_is_checked_before_posting
);
