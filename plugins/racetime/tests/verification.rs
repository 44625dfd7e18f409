//! Racer verification against the test kit's fake racetime.gg (real HTTP, paged race
//! histories) and fake Discord (role grants), on SQLite and PostgreSQL:
//! - counting: every page is read until the minimum (a member who qualifies only on page 3),
//!   and no further; forfeits and DQs count only when asked; only the chosen categories; only
//!   races inside the window, and reading stops at the window; a private profile (404) counts 0
//!   and says why;
//! - the role: given once, in the organization's own linked server only, audited; a member
//!   without Discord is told why;
//! - the hourly task: members checked with the run's due time, the longest unchecked first,
//!   bounded per run;
//! - rights: `racetime:verify` for configuring and results, another organization's admin can
//!   neither read nor change this one's, a member checks only themself (`verify_me`);
//! - bad input names the field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use racetime::{
    api,
    model::{Verification, VerificationInput, VerificationResult},
    service::{
        verification::{Budget, Pacing, PAUSE_SETTING},
        Racetime,
    },
};
use sdk::{auth::CurrentUser, db::Backend, page::PageRequest, time::now_ms, Actor};
use testkit::{
    both_backends, bundle_from_dir,
    fake_discord::{FakeDiscord, RoleGrant},
    fake_racetime::{FakeRacer, FakeRacetime, PastRace, PastResult},
    platform::tasks::engine::Scheduler,
    PluginWorld,
};

const GUILD: &str = "1300000000000000001";
const OTHER_GUILD: &str = "1300000000000000002";
const ROLE: &str = "1400000000000000001";
const OTHER_ROLE: &str = "1400000000000000002";
const DAY: i64 = 24 * 60 * 60 * 1000;

struct World {
    world: PluginWorld,
    racetime: FakeRacetime,
    discord: FakeDiscord,
    svc: Racetime,
    /// A second organization with racetime on, its own admin and its own linked server.
    other: i64,
    other_admin: CurrentUser,
}

testkit::deref_world!(World);

/// Presets, tournaments and RaceTime.gg on for "League" (pages read without pausing); the
/// fake racetime.gg; the fake Discord with League's server `GUILD` linked, and "Other League"
/// with its admin and its server `OTHER_GUILD`.
async fn world(backend: Backend) -> World {
    let racetime = FakeRacetime::start().await.unwrap();
    racetime.add_category(
        "alttpr",
        "A Link to the Past Randomizer",
        &["Beat the game"],
    );
    racetime.add_category("smz3", "SMZ3", &["Beat the games"]);
    racetime.add_category("ootr", "Ocarina of Time Randomizer", &["Beat the game"]);
    let world = PluginWorld::builder(backend)
        .bundle(bundle_from_dir(
            presets::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../presets"),
            presets::plugin(),
        ))
        .bundle(bundle_from_dir(
            tournament::MANIFEST,
            concat!(env!("CARGO_MANIFEST_DIR"), "/../tournament"),
            tournament::plugin(),
        ))
        .bundle(bundle_from_dir(
            racetime::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            racetime::plugin(),
        ))
        .setting("RACETIME_URL", racetime.url())
        .setting("SECRET_KEY", "test-secret-key-test-secret-key-0123456789")
        .setting("BASE_URL", "http://sahabot.test")
        .setting(PAUSE_SETTING, "0")
        .build()
        .await;
    world.set_enabled("racetime", true).await;
    world.start().await;
    let discord = world.fake_discord().await;
    discord.add_guild(GUILD);
    discord.add_guild(OTHER_GUILD);
    world.link_guild(GUILD, world.org).await;
    let other_admin = world.user("other-admin").await;
    let other = world.org_with_admin("Other League", &other_admin).await;
    world.set_enabled_in(other, "racetime", true).await;
    world.link_guild(OTHER_GUILD, other).await;
    let svc = Racetime::from_platform(&world.platform).unwrap();
    World {
        world,
        racetime,
        discord,
        svc,
        other,
        other_admin,
    }
}

fn input(name: &str, categories: &[&str], min_races: i64) -> VerificationInput {
    VerificationInput {
        name: name.into(),
        categories: categories.iter().map(|c| c.to_string()).collect(),
        min_races,
        count_forfeits: false,
        count_dq: false,
        window_days: None,
        discord_role_id: ROLE.into(),
        is_active: true,
    }
}

/// `n` races of `category` with `result`, the newest ending `newest_days_ago` days ago and each
/// next one a day (less a minute, so none sits on a window's edge) older.
fn races(category: &str, result: PastResult, n: i64, newest_days_ago: i64) -> Vec<PastRace> {
    let now = now_ms();
    (0..n)
        .map(|i| PastRace {
            category: category.into(),
            result,
            ended_at: now - (newest_days_ago + i) * DAY - DAY / 2,
        })
        .collect()
}

impl World {
    fn root(&self) -> Actor {
        Actor::user(self.admin.clone())
    }

    /// A member of League who linked racetime.gg account `racetime_id` (public on the fake)
    /// and, with `discord`, Discord.
    async fn racer(&self, name: &str, racetime_id: &str, discord: Option<&str>) -> CurrentUser {
        let user = self.member(name, &[]).await;
        self.link_racetime(&user, racetime_id).await;
        if let Some(discord) = discord {
            self.set_discord_id(&user, discord).await;
        }
        self.racetime.add_racer(FakeRacer::new(racetime_id, name));
        user
    }

    async fn link_racetime(&self, user: &CurrentUser, racetime_id: &str) {
        sqlx::query("UPDATE users SET racetime_id = $1, racetime_name = $2 WHERE id = $3")
            .bind(racetime_id)
            .bind(&user.username)
            .bind(user.id)
            .execute(self.platform.db.pool())
            .await
            .unwrap();
    }

    async fn verification(&self, input: VerificationInput) -> Verification {
        self.svc
            .save_verification(self.org, &self.root(), None, &input, now_ms())
            .await
            .unwrap()
    }

    /// Checks everyone now, without pauses.
    async fn run(&self, v: &Verification) -> racetime::model::VerificationRun {
        self.svc
            .run_verification(
                self.org,
                &self.root(),
                v.id,
                now_ms(),
                Pacing::immediate(),
                Budget::TASK,
            )
            .await
            .unwrap()
    }

    async fn result_of(&self, v: &Verification, user: &CurrentUser) -> VerificationResult {
        self.svc
            .verification_results(self.org, &self.root(), v.id, &PageRequest::first())
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|r| r.user_id == user.id)
            .unwrap_or_else(|| panic!("{} has no result", user.username))
    }

    /// The pages of `racetime_id`'s history asked for, in order (and that each asked for the
    /// entrants, 100 a page).
    fn pages_read(&self, racetime_id: &str) -> Vec<i64> {
        let path = format!("/user/{racetime_id}/races/data");
        self.racetime
            .requests()
            .into_iter()
            .filter(|r| r.method == "GET" && r.path == path)
            .map(|r| {
                let query = r.query.unwrap_or_default();
                assert!(query.contains("show_entrants=true"), "{query}");
                assert!(query.contains("per_page=100"), "{query}");
                query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("page="))
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(1)
            })
            .collect()
    }

    async fn audited(&self, action: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_logs WHERE action = $1")
            .bind(action)
            .fetch_one(self.platform.db.pool())
            .await
            .unwrap()
    }
}

async fn check_every_page_is_read_until_the_minimum(backend: Backend) {
    let w = world(backend).await;
    // 250 races (three pages of 100): the newest 200 in another category, the 50 on page 3
    // in the counted one. Reading page 1 only (sb2) would count 0.
    let late = w
        .racer("late", "lateBloomer00001", Some("4200000000000000001"))
        .await;
    w.racetime
        .add_past_races("lateBloomer00001", races("ootr", PastResult::Done, 200, 1));
    w.racetime.add_past_races(
        "lateBloomer00001",
        races("alttpr", PastResult::Done, 50, 201),
    );
    // 250 counted races: the minimum is reached on page 1, so page 2 is never asked for.
    let busy = w
        .racer("busy", "busyRacer0000001", Some("4200000000000000002"))
        .await;
    w.racetime.add_past_races(
        "busyRacer0000001",
        races("alttpr", PastResult::Done, 250, 1),
    );
    let v = w.verification(input("Experienced", &["alttpr"], 30)).await;
    let run = w.run(&v).await;
    assert_eq!(
        (
            run.checked,
            run.qualified,
            run.granted,
            run.failed,
            run.remaining
        ),
        (2, 2, 2, 0, 0),
        "{run:?}"
    );
    let r = w.result_of(&v, &late).await;
    assert!(r.qualified, "{r:?}");
    assert_eq!(r.race_count, 50);
    assert_eq!(r.last_error, None);
    assert_eq!(w.pages_read("lateBloomer00001"), vec![1, 2, 3]);
    let r = w.result_of(&v, &busy).await;
    assert!(r.qualified);
    assert_eq!(
        r.race_count, 100,
        "the whole first page counts, then reading stops"
    );
    assert_eq!(w.pages_read("busyRacer0000001"), vec![1]);
    // One short of a minimum that needs every race: all three pages, not qualified.
    let strict = w
        .verification(input("Veterans", &["alttpr", "ootr"], 251))
        .await;
    w.run(&strict).await;
    let r = w.result_of(&strict, &late).await;
    assert_eq!((r.race_count, r.qualified), (250, false));
    assert_eq!(w.pages_read("lateBloomer00001"), vec![1, 2, 3, 1, 2, 3]);
}
both_backends!(
    every_page_is_read_until_the_minimum,
    check_every_page_is_read_until_the_minimum
);

async fn check_forfeits_and_dqs_count_only_when_asked(backend: Backend) {
    let w = world(backend).await;
    let ada = w.racer("ada", "adaRacer00000001", None).await;
    w.racetime
        .add_past_races("adaRacer00000001", races("alttpr", PastResult::Done, 5, 1));
    w.racetime
        .add_past_races("adaRacer00000001", races("alttpr", PastResult::Dnf, 3, 10));
    w.racetime
        .add_past_races("adaRacer00000001", races("alttpr", PastResult::Dq, 2, 20));
    for (name, forfeits, dq, expected) in [
        ("Finishes", false, false, 5),
        ("With forfeits", true, false, 8),
        ("With DQs", false, true, 7),
        ("Everything", true, true, 10),
    ] {
        let v = w
            .verification(VerificationInput {
                count_forfeits: forfeits,
                count_dq: dq,
                ..input(name, &["alttpr"], 8)
            })
            .await;
        w.run(&v).await;
        let r = w.result_of(&v, &ada).await;
        assert_eq!(r.race_count, expected, "{name}");
        assert_eq!(r.qualified, expected >= 8, "{name}");
    }
}
both_backends!(
    forfeits_and_dqs_count_only_when_asked,
    check_forfeits_and_dqs_count_only_when_asked
);

async fn check_only_the_chosen_categories_count(backend: Backend) {
    let w = world(backend).await;
    let ada = w.racer("ada", "adaRacer00000001", None).await;
    w.racetime
        .add_past_races("adaRacer00000001", races("alttpr", PastResult::Done, 4, 1));
    w.racetime
        .add_past_races("adaRacer00000001", races("ootr", PastResult::Done, 4, 5));
    w.racetime
        .add_past_races("adaRacer00000001", races("smz3", PastResult::Done, 4, 9));
    let v = w
        .verification(input("Zelda", &["alttpr", "SMZ3"], 100))
        .await;
    assert_eq!(v.categories, vec!["alttpr".to_string(), "smz3".to_string()]);
    w.run(&v).await;
    assert_eq!(w.result_of(&v, &ada).await.race_count, 8);
}
both_backends!(
    only_the_chosen_categories_count,
    check_only_the_chosen_categories_count
);

async fn check_the_window_is_respected(backend: Backend) {
    let w = world(backend).await;
    // One race a day for 20 days: 10 of them ended within the last 10 days.
    let ada = w.racer("ada", "adaRacer00000001", None).await;
    w.racetime
        .add_past_races("adaRacer00000001", races("alttpr", PastResult::Done, 20, 0));
    // 5 races this week, then 145 old ones: page 1 already passes the window.
    let old = w.racer("old", "oldTimer00000001", None).await;
    w.racetime
        .add_past_races("oldTimer00000001", races("alttpr", PastResult::Done, 5, 0));
    w.racetime.add_past_races(
        "oldTimer00000001",
        races("alttpr", PastResult::Done, 145, 30),
    );
    let v = w
        .verification(VerificationInput {
            window_days: Some(10),
            ..input("Recent", &["alttpr"], 11)
        })
        .await;
    w.run(&v).await;
    let r = w.result_of(&v, &ada).await;
    assert_eq!((r.race_count, r.qualified), (10, false));
    let r = w.result_of(&v, &old).await;
    assert_eq!(r.race_count, 5);
    assert_eq!(
        w.pages_read("oldTimer00000001"),
        vec![1],
        "later pages are older still"
    );
    // Without the window every race counts.
    let all = w.verification(input("All time", &["alttpr"], 11)).await;
    w.run(&all).await;
    assert_eq!(w.result_of(&all, &ada).await.race_count, 20);
}
both_backends!(the_window_is_respected, check_the_window_is_respected);

async fn check_a_private_profile_counts_zero_and_says_why(backend: Backend) {
    let w = world(backend).await;
    let hidden = w.member("hidden", &[]).await;
    w.link_racetime(&hidden, "hiddenRacer00001").await;
    w.racetime.add_racer(FakeRacer {
        public: false,
        ..FakeRacer::new("hiddenRacer00001", "hidden")
    });
    w.racetime
        .add_past_races("hiddenRacer00001", races("alttpr", PastResult::Done, 20, 1));
    let v = w.verification(input("Experienced", &["alttpr"], 1)).await;
    let run = w.run(&v).await;
    // Not a failure to retry: a count of 0 with the reason.
    assert_eq!((run.checked, run.failed, run.qualified), (1, 0, 0));
    let r = w.result_of(&v, &hidden).await;
    assert_eq!(
        (r.race_count, r.qualified, r.role_granted),
        (0, false, false)
    );
    let why = r.last_error.unwrap_or_default();
    assert!(why.contains("404") && why.contains("not public"), "{why}");
}
both_backends!(
    a_private_profile_counts_zero_and_says_why,
    check_a_private_profile_counts_zero_and_says_why
);

async fn check_the_role_is_given_once_in_the_organizations_own_server(backend: Backend) {
    let w = world(backend).await;
    let ada = w
        .racer("ada", "adaRacer00000001", Some("4200000000000000001"))
        .await;
    w.racetime
        .add_past_races("adaRacer00000001", races("alttpr", PastResult::Done, 3, 1));
    // Ada is in the other organization too, which links its own server.
    w.join(w.other, &ada, &[]).await;
    // Bea qualifies but never signed in with Discord; Cy does not qualify.
    let bea = w.racer("bea", "beaRacer00000001", None).await;
    w.racetime
        .add_past_races("beaRacer00000001", races("alttpr", PastResult::Done, 3, 1));
    let cy = w
        .racer("cy", "cyRacer000000001", Some("4200000000000000003"))
        .await;
    w.racetime
        .add_past_races("cyRacer000000001", races("alttpr", PastResult::Done, 1, 1));
    let v = w.verification(input("Experienced", &["alttpr"], 3)).await;
    let run = w.run(&v).await;
    assert_eq!(
        (run.checked, run.qualified, run.granted),
        (3, 2, 1),
        "{run:?}"
    );
    let ada_role = RoleGrant {
        guild_id: GUILD.into(),
        user_id: "4200000000000000001".into(),
        role_id: ROLE.into(),
    };
    assert_eq!(w.discord.role_grants(), vec![ada_role.clone()]);
    assert!(w.result_of(&v, &ada).await.role_granted);
    let b = w.result_of(&v, &bea).await;
    assert!(b.qualified && !b.role_granted);
    assert!(b
        .last_error
        .unwrap_or_default()
        .contains("no Discord account"));
    assert!(!w.result_of(&v, &cy).await.role_granted);
    assert_eq!(w.audited("racetime.verification_grant").await, 1);
    // Checked again (by the admin, by herself, by the hourly task): never asked for again.
    w.run(&v).await;
    w.svc
        .verify_me(
            w.org,
            &w.actor(&ada),
            now_ms() + 120_000,
            Pacing::immediate(),
        )
        .await
        .unwrap();
    w.svc
        .recheck_verifications(now_ms(), Pacing::immediate(), Budget::TASK)
        .await
        .unwrap();
    assert_eq!(w.discord.role_grants(), vec![ada_role]);
    assert_eq!(w.audited("racetime.verification_grant").await, 1);
    // A new role id: qualified members get the new role at their next check.
    let changed = w
        .svc
        .save_verification(
            w.org,
            &w.root(),
            Some(v.id),
            &VerificationInput {
                discord_role_id: OTHER_ROLE.into(),
                ..input("Experienced", &["alttpr"], 3)
            },
            now_ms(),
        )
        .await
        .unwrap();
    assert_eq!(changed.discord_role_id, OTHER_ROLE);
    assert!(!w.result_of(&v, &ada).await.role_granted);
    w.run(&v).await;
    let grants = w.discord.role_grants();
    assert_eq!(grants.len(), 2);
    assert_eq!(
        (grants[1].guild_id.as_str(), grants[1].role_id.as_str()),
        (GUILD, OTHER_ROLE)
    );
    // The other organization's server never got anything from this one.
    assert!(grants.iter().all(|g| g.guild_id != OTHER_GUILD));
}
both_backends!(
    the_role_is_given_once_in_the_organizations_own_server,
    check_the_role_is_given_once_in_the_organizations_own_server
);

async fn check_the_hourly_task_rechecks_the_longest_unchecked_first(backend: Backend) {
    let w = world(backend).await;
    let mut members = Vec::new();
    for (i, name) in ["ada", "bea", "cy"].iter().enumerate() {
        let id = format!("hourlyRacer0000{i}");
        members.push(
            w.racer(name, &id, Some(&format!("420000000000000001{i}")))
                .await,
        );
        w.racetime
            .add_past_races(&id, races("alttpr", PastResult::Done, 2, 1));
    }
    let v = w.verification(input("Experienced", &["alttpr"], 2)).await;
    // An inactive verification is left alone.
    let off = w
        .verification(VerificationInput {
            is_active: false,
            ..input("Off", &["alttpr"], 1)
        })
        .await;
    // Bounded: two checks a run; the one never checked comes first next time.
    let first = w
        .svc
        .recheck_verifications(
            now_ms(),
            Pacing::immediate(),
            Budget {
                users: 2,
                time: None,
            },
        )
        .await
        .unwrap();
    assert_eq!((first.checked, first.remaining), (2, 1), "{first:?}");
    let results = w
        .svc
        .verification_results(w.org, &w.root(), v.id, &PageRequest::first())
        .await
        .unwrap()
        .items;
    let unchecked: Vec<i64> = members
        .iter()
        .map(|m| m.id)
        .filter(|id| results.iter().all(|r| r.user_id != *id))
        .collect();
    assert_eq!(unchecked.len(), 1);
    let second = w
        .svc
        .recheck_verifications(
            now_ms(),
            Pacing::immediate(),
            Budget {
                users: 1,
                time: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(second.checked, 1);
    assert!(w
        .svc
        .verification_results(w.org, &w.root(), v.id, &PageRequest::first())
        .await
        .unwrap()
        .items
        .iter()
        .any(|r| r.user_id == unchecked[0]));
    assert!(w
        .svc
        .verification_results(w.org, &w.root(), off.id, &PageRequest::first())
        .await
        .unwrap()
        .items
        .is_empty());
    // The scheduled run: every member checked with the run's due time, roles given once.
    let scheduler = Scheduler::new(&w.host);
    let t0 = now_ms();
    scheduler.tick_at(t0).await.unwrap().finished().await;
    let started = scheduler
        .tick_at(t0 + 3_600_000)
        .await
        .unwrap()
        .finished()
        .await;
    assert!(
        started.iter().any(|k| k.contains("racetime.verification")),
        "{started:?}"
    );
    let results = w
        .svc
        .verification_results(w.org, &w.root(), v.id, &PageRequest::first())
        .await
        .unwrap()
        .items;
    assert_eq!(results.len(), 3);
    assert!(
        results
            .iter()
            .all(|r| r.qualified && r.role_granted && r.checked_at > t0),
        "{results:?}"
    );
    assert_eq!(w.discord.role_grants().len(), 3);
}
both_backends!(
    the_hourly_task_rechecks_the_longest_unchecked_first,
    check_the_hourly_task_rechecks_the_longest_unchecked_first
);

async fn check_another_organizations_admin_can_neither_read_nor_change_it(backend: Backend) {
    let w = world(backend).await;
    let v = w.verification(input("Experienced", &["alttpr"], 3)).await;
    let them = w.other_admin.clone();
    let org = w.org;
    // With this organization's id: not a member.
    let e = w.call(&them, || api::verifications(org)).await.unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    let e = w
        .call(&them, || {
            api::verification_results(org, v.id, PageRequest::first())
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    let e = w
        .call(&them, || {
            api::save_verification(org, input("Mine now", &["alttpr"], 1), Some(v.id))
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    let e = w
        .call(&them, || api::run_verification(org, v.id))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    let e = w
        .call(&them, || api::delete_verification(org, v.id))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    let e = w.call(&them, || api::verify_me(org)).await.unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    // With their own organization's id and this one's verification: there is no such thing.
    let other = w.other;
    for e in [
        w.call(&them, || {
            api::verification_results(other, v.id, PageRequest::first())
        })
        .await
        .unwrap_err(),
        w.call(&them, || {
            api::save_verification(other, input("Mine now", &["alttpr"], 1), Some(v.id))
        })
        .await
        .unwrap_err(),
        w.call(&them, || api::run_verification(other, v.id))
            .await
            .map(|_| ())
            .unwrap_err(),
        w.call(&them, || api::delete_verification(other, v.id))
            .await
            .unwrap_err(),
    ] {
        assert_eq!(e.kind(), "NotFound", "{e}");
    }
    assert!(w
        .call(&them, || api::verifications(other))
        .await
        .unwrap()
        .is_empty());
    // Unchanged.
    let mine = w.call(&w.admin, || api::verifications(org)).await.unwrap();
    assert_eq!(mine, vec![v]);
    // Inside the organization, `racetime:read` (a Moderator) is not enough, nor membership.
    let moderator = w.member("mod", &["Moderator"]).await;
    let e = w
        .call(&moderator, || api::verifications(org))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    let e = w
        .call(&moderator, || api::run_verification(org, mine[0].id))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
}
both_backends!(
    another_organizations_admin_can_neither_read_nor_change_it,
    check_another_organizations_admin_can_neither_read_nor_change_it
);

async fn check_a_member_checks_themself(backend: Backend) {
    let w = world(backend).await;
    let ada = w
        .racer("ada", "adaRacer00000001", Some("4200000000000000001"))
        .await;
    w.racetime
        .add_past_races("adaRacer00000001", races("alttpr", PastResult::Done, 3, 1));
    let bea = w.racer("bea", "beaRacer00000001", None).await;
    let org = w.org;
    // No active verification yet.
    let e = w.call(&ada, || api::verify_me(org)).await.unwrap_err();
    assert_eq!(e.kind(), "NotFound");
    w.verification(input("Experienced", &["alttpr"], 3)).await;
    let mine = w.call(&ada, || api::verify_me(org)).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (
            mine[0].user_id,
            mine[0].race_count,
            mine[0].qualified,
            mine[0].role_granted
        ),
        (ada.id, 3, true, true)
    );
    // Only herself: Bea was not checked.
    assert!(w
        .svc
        .verification_results(
            w.org,
            &w.root(),
            mine[0].verification_id,
            &PageRequest::first()
        )
        .await
        .unwrap()
        .items
        .iter()
        .all(|r| r.user_id != bea.id));
    // Asking again at once answers the last check without asking racetime.gg again.
    let asked = w.pages_read("adaRacer00000001").len();
    let again = w.call(&ada, || api::verify_me(org)).await.unwrap();
    assert_eq!(again, mine);
    assert_eq!(w.pages_read("adaRacer00000001").len(), asked);
    // A member without a linked racetime.gg account is told to link one; results stay private.
    let cy = w.member("cy", &[]).await;
    let e = w.call(&cy, || api::verify_me(org)).await.unwrap_err();
    assert_eq!(e.field(), Some("racetime"));
    let e = w.call(&ada, || api::verifications(org)).await.unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    // Someone outside the organization cannot.
    let stranger = w.user("stranger").await;
    w.link_racetime(&stranger, "strangerRacer001").await;
    let e = w.call(&stranger, || api::verify_me(org)).await.unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
}
both_backends!(a_member_checks_themself, check_a_member_checks_themself);

async fn check_bad_input_names_the_field(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let admin = w.admin.clone();
    let good = input("Experienced", &["alttpr"], 3);
    for (bad, field) in [
        (
            VerificationInput {
                name: " ".into(),
                ..good.clone()
            },
            "name",
        ),
        (
            VerificationInput {
                categories: vec![],
                ..good.clone()
            },
            "categories",
        ),
        (
            VerificationInput {
                categories: vec!["A Link to the Past".into()],
                ..good.clone()
            },
            "categories",
        ),
        (
            VerificationInput {
                categories: (0..21).map(|i| format!("c{i}")).collect(),
                ..good.clone()
            },
            "categories",
        ),
        (
            VerificationInput {
                min_races: 0,
                ..good.clone()
            },
            "min_races",
        ),
        (
            VerificationInput {
                min_races: 1001,
                ..good.clone()
            },
            "min_races",
        ),
        (
            VerificationInput {
                window_days: Some(0),
                ..good.clone()
            },
            "window_days",
        ),
        (
            VerificationInput {
                discord_role_id: "@Racers".into(),
                ..good.clone()
            },
            "discord_role_id",
        ),
    ] {
        let e = w
            .call(&admin, || api::save_verification(org, bad.clone(), None))
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
    }
    // A name the organization already uses.
    w.call(&admin, || api::save_verification(org, good.clone(), None))
        .await
        .unwrap();
    let e = w
        .call(&admin, || api::save_verification(org, good.clone(), None))
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("name"), "{e}");
    // Nothing bad was stored.
    assert_eq!(
        w.call(&admin, || api::verifications(org))
            .await
            .unwrap()
            .len(),
        1
    );
    // An unknown verification is NotFound, and switched off cannot be run.
    let e = w
        .call(&admin, || {
            api::verification_results(org, 999_999, PageRequest::first())
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "NotFound");
    let off = w
        .verification(VerificationInput {
            is_active: false,
            ..input("Off", &["alttpr"], 1)
        })
        .await;
    let e = w
        .call(&admin, || api::run_verification(org, off.id))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Conflict");
    // Deleting takes the results with it and is audited.
    w.call(&admin, || api::delete_verification(org, off.id))
        .await
        .unwrap();
    assert_eq!(w.audited("racetime.verification_delete").await, 1);
    assert_eq!(w.audited("racetime.verification_save").await, 2);
}
both_backends!(bad_input_names_the_field, check_bad_input_names_the_field);

/// A racetime.gg stand-in that answers the first `failures` requests with `502` and then one
/// page of one finished race by `racetime_id`; it counts the requests.
async fn flaky_site(
    failures: usize,
    racetime_id: &'static str,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let answer = if n < failures {
                "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_string()
            } else {
                let body = serde_json::json!({"count": 1, "num_pages": 1, "races": [{
                    "category": {"slug": "alttpr"}, "ended_at": "2025-05-01T19:52:22.416Z",
                    "entrants": [{"user": {"id": racetime_id}, "status": {"value": "done"}}]
                }]})
                .to_string();
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    (url, seen)
}

/// 5xx answers are retried (with backoff) and the count goes on; when they persist, the check
/// reports it instead of counting 0.
#[tokio::test]
async fn server_errors_are_retried_and_reported_when_they_persist() {
    use racetime::{rules::verification::Criteria, service::verification::count_races};
    use std::sync::atomic::Ordering;
    let criteria = Criteria::new(&["alttpr".into()], false, false, None, now_ms());
    let (url, seen) = flaky_site(2, "adaRacer00000001").await;
    let counted = count_races(&url, "adaRacer00000001", &criteria, 1, &Pacing::immediate())
        .await
        .unwrap();
    assert_eq!((counted.races, counted.pages), (1, 1));
    assert_eq!(
        seen.load(Ordering::SeqCst),
        3,
        "two failures, then the page"
    );
    let (url, seen) = flaky_site(usize::MAX, "adaRacer00000001").await;
    let why = count_races(&url, "adaRacer00000001", &criteria, 1, &Pacing::immediate())
        .await
        .unwrap_err();
    assert!(why.contains("502") && why.contains("3 tries"), "{why}");
    assert_eq!(seen.load(Ordering::SeqCst), 3);
}
