//! Async qualifiers on SQLite and PostgreSQL, through the same service functions the web, the
//! Discord adapters and the tasks call: the reference score table, par, the leaderboard,
//! eligibility and pool balancing, timeouts on a chosen clock, reattempt limits, reviews, two
//! finishes at the same moment, and the events other plugins listen to.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use testkit::platform;

use async_qualifier::{
    events::{
        RaceFinished, RaceForfeited, RaceReattempted, RaceReviewed, RaceStarted,
        ScoresRecalculated, TimeoutWarning,
    },
    repo::RaceFilter,
    rules::{self, RaceStatus, ReviewStatus},
    service::{Actor, QualifierInput, Qualifiers, Review},
};
use platform::{tasks::engine::Scheduler, LoadOptions, PluginHost};
use sdk::{auth::CurrentUser, auth::GlobalLevel, context::Platform, db::Backend, plugin::Bundle};
use testkit::{both_backends, record, TestDb};

/// 2026-11-22 12:00:00 UTC.
const T0: i64 = 1_795_348_800_000;
const MIN: i64 = 60_000;

struct World {
    test: TestDb,
    platform: Platform,
    host: Arc<PluginHost>,
    svc: Qualifiers,
    admin: CurrentUser,
    org: i64,
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
    assert_eq!(
        host.reason(async_qualifier::PLUGIN_ID),
        None,
        "the plugin loads"
    );
    let platform =
        platform::Host::new(test.db.clone(), Arc::clone(&host), "http://localhost").contract();
    let svc = Qualifiers::from_platform(&platform);
    // Only superadmins create organizations; the creator becomes the organization's Admin.
    let admin = test.user("admin", GlobalLevel::Superadmin).await;
    let org = test.org(&admin, "League").await;
    World {
        test,
        platform,
        host,
        svc,
        admin,
        org,
    }
}

fn input(name: &str, runs_per_pool: i64, max_reattempts: i64) -> QualifierInput {
    QualifierInput {
        name: name.into(),
        description: String::new(),
        is_active: true,
        hide_results: false,
        discord_channel_id: String::new(),
        runs_per_pool,
        max_reattempts,
        require_racetime: false,
    }
}

impl World {
    fn admin(&self) -> Actor {
        Actor::user(self.admin.id)
    }

    async fn member(&self, name: &str, role: Option<&str>) -> CurrentUser {
        let user = self.test.user(name, GlobalLevel::User).await;
        let authorizer = testkit::authorizer(&self.platform);
        platform::identity::orgs::add_member(
            &self.test.db,
            authorizer,
            &self.admin,
            self.org,
            user.id,
            None,
        )
        .await
        .unwrap();
        if let Some(role) = role {
            platform::identity::roles::assign(
                &self.test.db,
                authorizer,
                &self.admin,
                self.org,
                user.id,
                role,
                None,
            )
            .await
            .unwrap();
        }
        user
    }

    async fn members(&self, prefix: &str, n: usize) -> Vec<CurrentUser> {
        let mut out = Vec::new();
        for i in 0..n {
            out.push(self.member(&format!("{prefix}{i}"), None).await);
        }
        out
    }

    async fn qualifier(&self, name: &str, runs_per_pool: i64, max_reattempts: i64) -> i64 {
        self.svc
            .create_qualifier(
                self.org,
                &self.admin(),
                &input(name, runs_per_pool, max_reattempts),
                T0,
            )
            .await
            .unwrap()
            .id
    }

    /// A pool with `n` permalinks: (pool id, permalink ids).
    async fn pool(&self, q: i64, name: &str, n: usize) -> (i64, Vec<i64>) {
        let pool = self
            .svc
            .create_pool(self.org, &self.admin(), q, name, "", T0)
            .await
            .unwrap();
        let mut links = Vec::new();
        for i in 0..n {
            links.push(self.permalink(pool.id, &format!("{name}-{i}")).await);
        }
        (pool.id, links)
    }

    async fn permalink(&self, pool: i64, seed: &str) -> i64 {
        self.svc
            .create_permalink(
                self.org,
                &self.admin(),
                pool,
                &format!("https://alttpr.com/h/{seed}"),
                "",
                T0,
            )
            .await
            .unwrap()
            .id
    }

    /// Start at `at`, Ready one second later; returns (race id, start time).
    async fn begin(&self, user: &CurrentUser, q: i64, pool: i64, at: i64) -> (i64, i64) {
        let race = self
            .svc
            .start_run(self.org, &Actor::user(user.id), q, pool, at)
            .await
            .unwrap();
        let ready = self
            .svc
            .ready_run(self.org, &Actor::user(user.id), race.id, at + 1000)
            .await
            .unwrap();
        assert_eq!(ready.status, RaceStatus::InProgress);
        (race.id, ready.start_time.unwrap())
    }

    /// A complete run taking `elapsed` seconds; returns the race id.
    async fn run(&self, user: &CurrentUser, q: i64, pool: i64, at: i64, elapsed: f64) -> i64 {
        let (race, start) = self.begin(user, q, pool, at).await;
        let end = start + (elapsed * 1000.0) as i64;
        let done = self
            .svc
            .finish_run(self.org, &Actor::user(user.id), race, end)
            .await
            .unwrap();
        assert_eq!(done.status, RaceStatus::Finished);
        race
    }

    async fn score(&self, race: i64) -> Option<f64> {
        self.svc.race(self.org, race).await.unwrap().score
    }

    async fn par(&self, permalink: i64) -> Option<f64> {
        self.svc
            .permalink(self.org, permalink)
            .await
            .unwrap()
            .par_time
    }

    async fn sql(&self, sql: &str) {
        sqlx::query(sql).execute(self.test.db.pool()).await.unwrap();
    }
}

fn review(status: ReviewStatus, notes: &str, elapsed_override_seconds: Option<f64>) -> Review {
    Review {
        status,
        notes: notes.into(),
        elapsed_override_seconds,
    }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

async fn check_reference_score_table(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Scores", 1, -1).await;
    let runners = w.members("r", 9).await;

    // Par 3600: five runs of exactly 3600 s, then slower ones that stay out of the top five.
    let (pool_a, links_a) = w.pool(q, "A", 1).await;
    let mut at = T0;
    for r in &runners[..5] {
        w.run(r, q, pool_a, at, 3600.0).await;
        at += MIN;
    }
    let mut table = Vec::new();
    for (r, elapsed) in runners[5..].iter().zip([5400.0, 4500.0, 7200.0, 10800.0]) {
        table.push((w.run(r, q, pool_a, at, elapsed).await, elapsed));
        at += MIN;
    }
    assert!(close(w.par(links_a[0]).await, 3600.0));
    for ((race, elapsed), want) in table.iter().zip([50.0, 75.0, 0.0, 0.0]) {
        assert!(close(w.score(*race).await, want), "{elapsed}");
    }

    // Par 3600 again, this time with a 1800 in the top five: 1800 → 105 (raw 150).
    let (pool_b, links_b) = w.pool(q, "B", 1).await;
    let fast = w.run(&runners[0], q, pool_b, at, 1800.0).await;
    let mut others = Vec::new();
    for r in &runners[1..5] {
        others.push(w.run(r, q, pool_b, at, 4050.0).await);
    }
    assert!(close(w.par(links_b[0]).await, 3600.0));
    assert!(close(w.score(fast).await, 105.0));
    assert!(close(w.score(others[0]).await, 87.5));

    // Par 2000: 1800 → 105 (raw 110).
    let (pool_c, links_c) = w.pool(q, "C", 1).await;
    let fast = w.run(&runners[0], q, pool_c, at, 1800.0).await;
    for r in &runners[1..5] {
        w.run(r, q, pool_c, at, 2050.0).await;
    }
    assert!(close(w.par(links_c[0]).await, 2000.0));
    assert!(close(w.score(fast).await, 105.0));
}
both_backends!(reference_score_table, check_reference_score_table);

async fn check_par_rules(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Par", 1, -1).await;
    let runners = w.members("p", 8).await;
    let (pool, links) = w.pool(q, "Only", 1).await;
    let link = links[0];

    // A forfeit on an unplayed permalink: no par, nothing scored — par and scores unchanged.
    let (forfeit, _) = w.begin(&runners[0], q, pool, T0).await;
    w.svc
        .forfeit_run(w.org, &Actor::user(runners[0].id), forfeit, T0 + 5 * MIN)
        .await
        .unwrap();
    assert_eq!(w.par(link).await, None);
    assert_eq!(w.score(forfeit).await, None);
    // Manual recalculation with nothing finished changes nothing either.
    w.svc
        .recalculate(w.org, &w.admin(), q, T0, "manual")
        .await
        .unwrap();
    assert_eq!(w.par(link).await, None);

    // Six finishes: par is the mean of the five fastest; the forfeit is scored 0 now.
    let mut races = Vec::new();
    for (i, elapsed) in [1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 9000.0]
        .iter()
        .enumerate()
    {
        races.push(w.run(&runners[i + 1], q, pool, T0 + MIN, *elapsed).await);
    }
    assert!(close(w.par(link).await, 3000.0));
    assert!(close(w.score(forfeit).await, 0.0));
    assert!(close(w.score(races[0]).await, 105.0));
    assert!(close(w.score(races[2]).await, 100.0));

    // A zero elapsed time takes a place in the five and is dropped: (2000+3000+4000+5000)/4.
    w.sql(&format!(
        "UPDATE async_qualifier_races SET start_time = end_time WHERE id = {}",
        races[0]
    ))
    .await;
    w.svc
        .recalculate(w.org, &w.admin(), q, T0, "manual")
        .await
        .unwrap();
    assert!(close(w.par(link).await, 3500.0));
    assert!(close(w.score(races[0]).await, 0.0), "zero time scores 0");

    // Disqualified: 0, and out of the par.
    w.sql(&format!(
        "UPDATE async_qualifier_races SET status = 'disqualified' WHERE id = {}",
        races[1]
    ))
    .await;
    w.svc
        .recalculate(w.org, &w.admin(), q, T0, "manual")
        .await
        .unwrap();
    // Finished now: 0 (zero), 3000, 4000, 5000, 9000 → drop zero → 5250.
    assert!(close(w.par(link).await, 5250.0));
    assert!(close(w.score(races[1]).await, 0.0));

    // A reattempted run leaves par and the board.
    let before = w.score(races[5]).await;
    w.svc
        .reattempt_race(w.org, &Actor::user(runners[6].id), races[5], T0 + 300 * MIN)
        .await
        .unwrap();
    // Finished non-reattempted: 0, 3000, 4000, 5000 → 4000.
    assert!(close(w.par(link).await, 4000.0));
    assert_eq!(
        w.score(races[5]).await,
        before,
        "a reattempted run is not rescored"
    );
    let board = w.svc.leaderboard(w.org, q).await.unwrap();
    let six = board
        .iter()
        .find(|(s, _)| s.user_id == runners[6].id)
        .unwrap();
    assert_eq!((six.0.finished, six.0.unattempted), (0, 1));
}
both_backends!(par_rules, check_par_rules);

async fn check_leaderboard(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Board", 2, -1).await;
    let (a, _) = w.pool(q, "A", 3).await;
    let (b, _) = w.pool(q, "B", 3).await;
    let [x, y, z, v] = [
        w.member("xena", None).await,
        w.member("yuri", None).await,
        w.member("zoe", None).await,
        w.member("vic", None).await,
    ];
    // Every run in a pool with one seed per runner: pars come from these same runs.
    // Pool A: x 3000, y 3000 → par 3000 both 100. Then z 4500 → par 3500.
    let mut at = T0;
    w.run(&x, q, a, at, 3000.0).await;
    at += MIN;
    w.run(&y, q, a, at, 3000.0).await;
    at += MIN;
    // x: second run in A is a forfeit.
    let (xf, _) = w.begin(&x, q, a, at).await;
    w.svc
        .forfeit_run(w.org, &Actor::user(x.id), xf, at + MIN)
        .await
        .unwrap();
    at += 2 * MIN;
    // x in B: one run; y nothing in B; z one run in B only; v only a live run.
    w.run(&x, q, b, at, 2000.0).await;
    w.run(&z, q, b, at, 2000.0).await;
    w.svc
        .start_run(w.org, &Actor::user(v.id), q, b, at)
        .await
        .unwrap();

    let board = w.svc.leaderboard(w.org, q).await.unwrap();
    let names: Vec<&str> = board.iter().map(|(_, n)| n.as_str()).collect();
    // x: A [100, 0 forfeit], B [100, empty] → 200/4 = 50; y: A [100, empty], B [empty, empty]
    // → 25; z: B [100, empty] → 25 — tie with y broken by estimate (100 both), then finished
    // count (1 both), then user id (y was created first); v: only a live run → 0.
    assert_eq!(names, ["xena", "yuri", "zoe", "vic"]);
    let xs = &board[0].0;
    assert!(close(Some(xs.score), 50.0));
    assert!(close(Some(xs.estimate), 100.0));
    assert_eq!((xs.finished, xs.forfeited, xs.unattempted), (2, 1, 1));
    assert_eq!(board[1].0.unattempted, 3);
    assert!(close(Some(board[1].0.score), 25.0));
    assert!(close(Some(board[2].0.score), 25.0));
    let vs = &board[3].0;
    assert_eq!((vs.score, vs.finished, vs.unattempted), (0.0, 0, 4));
    assert_eq!(
        board.iter().map(|(s, _)| s.rank).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );

    // y's fast run in B puts y clearly ahead of z.
    w.run(&y, q, b, at, 1000.0).await;
    let board = w.svc.leaderboard(w.org, q).await.unwrap();
    let pos = |id: i64| board.iter().position(|(s, _)| s.user_id == id).unwrap();
    assert!(pos(y.id) < pos(z.id));
    assert!(board[pos(x.id)].0.score > 0.0);
}
both_backends!(leaderboard_with_pools_padding_and_ties, check_leaderboard);

async fn check_eligibility_and_balancing(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Eligible", 1, -1).await;
    let (pool, links) = w.pool(q, "P", 1).await;
    let runners = w.members("e", 6).await;

    // A live run blocks a second one.
    let (live, _) = w.begin(&runners[0], q, pool, T0).await;
    let (other_pool, _) = w.pool(q, "Other", 2).await;
    let err = w
        .svc
        .start_run(w.org, &Actor::user(runners[0].id), q, other_pool, T0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Conflict");
    w.svc
        .finish_run(w.org, &Actor::user(runners[0].id), live, T0 + 60 * MIN)
        .await
        .unwrap();
    // The pool is used up for runner 0 (runs_per_pool 1).
    let err = w
        .svc
        .start_run(w.org, &Actor::user(runners[0].id), q, pool, T0)
        .await
        .unwrap_err();
    assert!(err.message().contains("all 1"), "{}", err.message());
    let pools = w
        .svc
        .pools(w.org, q, Some(runners[0].id), &Default::default())
        .await
        .unwrap();
    assert_eq!(
        pools
            .items
            .iter()
            .map(|(p, _, left)| (p.id, *left))
            .collect::<Vec<_>>(),
        [(other_pool, 1), (pool, 0)]
    );
    // Not a member: refused.
    let stranger = w.test.user("stranger", GlobalLevel::User).await;
    let err = w
        .svc
        .start_run(w.org, &Actor::user(stranger.id), q, pool, T0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    // A pool of another qualifier: refused with the field to fix.
    let q2 = w.qualifier("Second", 1, -1).await;
    let err = w
        .svc
        .start_run(w.org, &Actor::user(runners[1].id), q2, pool, T0)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("pool_id"));

    // Balancing: four plays on the first seed, then a second seed appears: spread 4 > 3, so the
    // next runners get the new seed until the counts are within 3.
    for r in &runners[1..4] {
        w.run(r, q, pool, T0, 3000.0).await;
    }
    let fresh = w.permalink(pool, "fresh").await;
    let race = w
        .svc
        .start_run(w.org, &Actor::user(runners[4].id), q, pool, T0)
        .await
        .unwrap();
    assert_eq!(race.permalink_id, fresh, "the least played seed is forced");
    assert_ne!(race.permalink_id, links[0]);

    // A reattempt never lands on the same permalink: runner 5 runs the fresh seed (runner 4's
    // run is live there, but counts 4 vs 1 still force it), reattempts, and gets the other.
    w.svc
        .forfeit_run(w.org, &Actor::user(runners[4].id), race.id, T0 + MIN)
        .await
        .unwrap();
    let first = w.run(&runners[5], q, pool, T0, 3000.0).await;
    let first_link = w.svc.race(w.org, first).await.unwrap().permalink_id;
    w.svc
        .reattempt_race(w.org, &Actor::user(runners[5].id), first, T0 + 100 * MIN)
        .await
        .unwrap();
    let again = w
        .svc
        .start_run(w.org, &Actor::user(runners[5].id), q, pool, T0 + 101 * MIN)
        .await
        .unwrap();
    assert_ne!(again.permalink_id, first_link);

    // A closed qualifier starts nothing.
    let mut closed = input("Eligible", 1, -1);
    closed.is_active = false;
    w.svc
        .update_qualifier(w.org, &w.admin(), q, &closed, T0)
        .await
        .unwrap();
    let err = w
        .svc
        .start_run(w.org, &Actor::user(runners[2].id), q, other_pool, T0)
        .await
        .unwrap_err();
    assert!(err.message().contains("closed"));
}
both_backends!(
    eligibility_and_pool_balancing,
    check_eligibility_and_balancing
);

async fn check_timeouts(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Clock", 1, -1).await;
    let (pool, _) = w.pool(q, "P", 2).await;
    let [slow, runner] = [w.member("slow", None).await, w.member("runner", None).await];
    let pending = w
        .svc
        .start_run(w.org, &Actor::user(slow.id), q, pool, T0)
        .await
        .unwrap();
    let (running, start) = w.begin(&runner, q, pool, T0).await;

    // The scheduler ticks every minute from T0 to T0 + 21 min: warning once at +10, forfeit at +20.
    let scheduler = Scheduler::with(w.test.db.clone(), Arc::clone(&w.host), "a".into());
    let mut warned_at = None;
    for minute in 0..=21 {
        let now = T0 + minute * MIN;
        scheduler.tick_at(now).await.unwrap().finished().await;
        let race = w.svc.race(w.org, pending.id).await.unwrap();
        if warned_at.is_none() && race.warned_at.is_some() {
            warned_at = Some(minute);
        }
        if minute < 20 {
            assert_eq!(race.status, RaceStatus::Pending, "minute {minute}");
        }
    }
    assert_eq!(warned_at, Some(10), "warned at open + 10 min");
    let race = w.svc.race(w.org, pending.id).await.unwrap();
    assert_eq!(race.status, RaceStatus::Forfeit);
    let warnings = sqlx::query(
        "SELECT COUNT(*) FROM audit_logs WHERE action = 'async_qualifier.timeout_warning'",
    )
    .fetch_one(w.test.db.pool())
    .await
    .unwrap();
    let n: i64 = sqlx::Row::try_get(&warnings, 0).unwrap();
    assert_eq!(n, 1, "the warning is sent once");
    let timeouts = sqlx::query(
        "SELECT COUNT(*) FROM audit_logs WHERE action = 'async_qualifier.race_timeout'",
    )
    .fetch_one(w.test.db.pool())
    .await
    .unwrap();
    assert_eq!(sqlx::Row::try_get::<i64, _>(&timeouts, 0).unwrap(), 1);

    // The run in progress survives until start + 12 h.
    let (w1, f1) = w
        .svc
        .run_timeouts(start + rules::IN_PROGRESS_TIMEOUT_MS - 1, None)
        .await
        .unwrap();
    assert_eq!((w1, f1), (0, 0));
    assert_eq!(
        w.svc.race(w.org, running).await.unwrap().status,
        RaceStatus::InProgress
    );
    let (_, f2) = w
        .svc
        .run_timeouts(start + rules::IN_PROGRESS_TIMEOUT_MS, None)
        .await
        .unwrap();
    assert_eq!(f2, 1);
    assert_eq!(
        w.svc.race(w.org, running).await.unwrap().status,
        RaceStatus::Forfeit
    );

    // A timed-out run used the runner's only run in the pool.
    let late = w
        .svc
        .start_run(w.org, &Actor::user(slow.id), q, pool, T0 + 100 * MIN)
        .await;
    assert!(late.is_err());
}
both_backends!(timeouts_on_a_chosen_clock, check_timeouts);

async fn check_hourly_recalculation(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Hourly", 1, -1).await;
    let (pool, links) = w.pool(q, "P", 1).await;
    let r = w.member("hourly", None).await;
    let race = w.run(&r, q, pool, T0, 3000.0).await;
    // Scores are wiped by hand; the hourly built-in puts them back.
    w.sql("UPDATE async_qualifier_races SET score = NULL").await;
    w.sql("UPDATE async_qualifier_permalinks SET par_time = NULL")
        .await;
    let scheduler = Scheduler::with(w.test.db.clone(), Arc::clone(&w.host), "a".into());
    scheduler.tick_at(T0).await.unwrap().finished().await;
    let started = scheduler
        .tick_at(T0 + 3600 * 1000)
        .await
        .unwrap()
        .finished()
        .await;
    assert!(
        started.iter().any(|k| k.contains("recalculate_scores")),
        "{started:?}"
    );
    assert!(close(w.par(links[0]).await, 3000.0));
    assert!(close(w.score(race).await, 100.0));
}
both_backends!(hourly_recalculation_runs, check_hourly_recalculation);

async fn check_reattempt_limits(backend: Backend) {
    let w = world(backend).await;
    for (max, allowed) in [(0i64, 0usize), (1, 1), (-1, 4)] {
        let q = w.qualifier(&format!("Re{max}"), 1, max).await;
        let (pool, _) = w.pool(q, "P", 5).await;
        let r = w.member(&format!("re{max}"), None).await;
        let mut done = 0;
        for i in 0..4 {
            let race = w.run(&r, q, pool, T0 + i * 100 * MIN, 3000.0).await;
            match w
                .svc
                .reattempt_race(
                    w.org,
                    &Actor::user(r.id),
                    race,
                    T0 + i * 100 * MIN + 90 * MIN,
                )
                .await
            {
                Ok(got) => {
                    assert!(got.reattempted);
                    done += 1;
                }
                Err(e) => {
                    assert_eq!(e.kind(), "Conflict", "{}", e.message());
                    break;
                }
            }
        }
        assert_eq!(done, allowed, "max_reattempts {max}");
    }
    // Someone else's run, and a run twice: refused.
    let q = w.qualifier("Others", 1, -1).await;
    let (pool, _) = w.pool(q, "P", 2).await;
    let a = w.member("owner", None).await;
    let b = w.member("thief", None).await;
    let race = w.run(&a, q, pool, T0, 3000.0).await;
    let err = w
        .svc
        .reattempt_race(w.org, &Actor::user(b.id), race, T0 + 200 * MIN)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");
    w.svc
        .reattempt_race(w.org, &Actor::user(a.id), race, T0 + 200 * MIN)
        .await
        .unwrap();
    assert!(w
        .svc
        .reattempt_race(w.org, &Actor::user(a.id), race, T0 + 201 * MIN)
        .await
        .is_err());
}
both_backends!(reattempt_limits, check_reattempt_limits);

async fn check_reviews(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Review", 1, -1).await;
    let (pool, links) = w.pool(q, "P", 1).await;
    let reviewer = w.member("reviewer", Some("Async Reviewer")).await;
    let runners = w.members("v", 5).await;
    let mut races = Vec::new();
    for (i, r) in runners.iter().enumerate() {
        races.push(w.run(r, q, pool, T0 + i as i64 * MIN, 3000.0).await);
    }
    assert!(close(w.par(links[0]).await, 3000.0));
    // The runner asks for review; the queue lists it (oldest first) with the request.
    let reason_err = w
        .svc
        .request_review(w.org, &Actor::user(runners[0].id), races[0], " ", T0)
        .await
        .unwrap_err();
    assert_eq!(reason_err.field(), Some("reason"));
    w.svc
        .request_review(
            w.org,
            &Actor::user(runners[0].id),
            races[0],
            "timer glitch",
            T0,
        )
        .await
        .unwrap();
    let queue = w
        .svc
        .races(
            w.org,
            q,
            RaceFilter {
                review_queue: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(queue.len(), 5);
    assert_eq!(queue[0].id, races[0]);
    assert!(queue[0].review_requested);

    // Self-review: refused. A runner who is also a reviewer cannot review their own run.
    let err = w
        .svc
        .review_race(
            w.org,
            &Actor::user(runners[0].id),
            races[0],
            &review(ReviewStatus::Accepted, "", None),
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Forbidden");

    // An override of 2000 s for run 0: par (2000 + 4×3000)/5 = 2800, and every score moves.
    let reviewed = w
        .svc
        .review_race(
            w.org,
            &Actor::user(reviewer.id),
            races[0],
            &review(ReviewStatus::Accepted, "retimed from the VOD", Some(2000.0)),
            T0 + 500 * MIN,
        )
        .await
        .unwrap();
    assert_eq!(reviewed.review_status, ReviewStatus::Accepted);
    assert!(close(reviewed.elapsed_seconds(), 2000.0));
    assert!(close(w.par(links[0]).await, 2800.0));
    assert!(close(
        w.score(races[1]).await,
        (2.0 - 3000.0 / 2800.0) * 100.0
    ));
    assert!(close(w.score(races[0]).await, 105.0));
    let queue = w
        .svc
        .races(
            w.org,
            q,
            RaceFilter {
                review_queue: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(queue.len(), 4);

    // Reject without override: scores stay.
    let before = w.score(races[1]).await;
    w.svc
        .review_race(
            w.org,
            &Actor::user(reviewer.id),
            races[1],
            &review(ReviewStatus::Rejected, "no VOD", None),
            T0,
        )
        .await
        .unwrap();
    assert_eq!(w.score(races[1]).await, before);

    // A reattempted run is not reviewed.
    w.svc
        .reattempt_race(w.org, &Actor::user(runners[2].id), races[2], T0 + 600 * MIN)
        .await
        .unwrap();
    assert!(w
        .svc
        .review_race(
            w.org,
            &Actor::user(reviewer.id),
            races[2],
            &review(ReviewStatus::Accepted, "", None),
            T0
        )
        .await
        .is_err());

    // Actions: plain members hold async_race:run (the Member grant) and not review.
    let authz = testkit::authorizer(&w.platform);
    assert!(authz
        .allowed(&runners[3], w.org, "async_race:run")
        .await
        .unwrap());
    assert!(!authz
        .allowed(&runners[3], w.org, "async_race:review")
        .await
        .unwrap());
    assert!(authz
        .allowed(&reviewer, w.org, "async_race:approve")
        .await
        .unwrap());
    assert!(!authz
        .allowed(&reviewer, w.org, "async_tournament:update")
        .await
        .unwrap());
    assert!(authz
        .allowed(&w.admin, w.org, "async_tournament:update")
        .await
        .unwrap());
}
both_backends!(reviews_and_elapsed_override, check_reviews);

async fn check_simultaneous_finishes(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Race", 1, -1).await;
    let (pool, links) = w.pool(q, "P", 1).await;
    let runners = w.members("c", 8).await;
    // Three finished runs first, then the rest in progress at once.
    for (i, r) in runners[..3].iter().enumerate() {
        w.run(r, q, pool, T0, 3000.0 + i as f64 * 100.0).await;
    }
    let mut live = Vec::new();
    for r in &runners[3..] {
        let (race, start) = w.begin(r, q, pool, T0).await;
        live.push((r.id, race, start));
    }
    // All five finish at the same moment from parallel tasks.
    let mut handles = Vec::new();
    for (i, (user, race, start)) in live.iter().copied().enumerate() {
        let svc = w.svc.clone();
        let org = w.org;
        handles.push(tokio::spawn(async move {
            svc.finish_run(
                org,
                &Actor::user(user),
                race,
                start + 2_000_000 + i as i64 * 1000,
            )
            .await
        }));
    }
    for h in handles {
        h.await.unwrap().unwrap();
    }
    // Consistent: stored par and every stored score equal what the rules give for the final
    // set of runs.
    let mut conn = w.test.db.pool().acquire().await.unwrap();
    let timings = async_qualifier::repo::timings(&mut conn, links[0])
        .await
        .unwrap();
    let expected = rules::score_permalink(&timings).unwrap();
    assert!(close(w.par(links[0]).await, expected.par));
    // Five fastest: the five 2000-ish runs.
    assert!(close(Some(expected.par), 2002.0));
    for (race, score) in expected.scores {
        assert!(close(w.score(race).await, score), "race {race}");
    }
}
both_backends!(
    simultaneous_finishes_stay_consistent,
    check_simultaneous_finishes
);

/// A one-purpose stand-in for Discord's REST API: answers every request with a message id and
/// keeps the request lines and bodies it got.
async fn fake_discord() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v10", listener.local_addr().unwrap());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let record = Arc::clone(&record);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head, then as much body as Content-Length says.
                loop {
                    let n = socket.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if body.len() >= length {
                            let line = head.lines().next().unwrap_or_default().to_string();
                            record.lock().unwrap().push(format!("{line}\n{body}"));
                            break;
                        }
                    }
                }
                // A message id; as a channel, one in the league's linked server.
                let body = r#"{"id":"900","guild_id":"130000000000000001"}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                socket.write_all(response.as_bytes()).await.ok();
            });
        }
    });
    (url, seen)
}

async fn check_warning_posted_once(backend: Backend) {
    let w = world(backend).await;
    let (url, seen) = fake_discord().await;
    w.host
        .bot()
        .set_rest(Some(sdk::bot::DiscordRest::new(url, "token")));
    // The channel is in the organization's linked server (the stand-in says so).
    sqlx::query(
        "INSERT INTO discord_guilds (guild_id, organization_id, guild_name, linked_by, linked_at)
         VALUES ('130000000000000001', $1, 'League server', $2, 0)",
    )
    .bind(w.org)
    .bind(w.admin.id)
    .execute(w.test.db.pool())
    .await
    .unwrap();
    let mut with_channel = input("Posted", 1, -1);
    with_channel.discord_channel_id = "123456789012".into();
    let q = w
        .svc
        .create_qualifier(w.org, &w.admin(), &with_channel, T0)
        .await
        .unwrap()
        .id;
    let (pool, _) = w.pool(q, "P", 1).await;
    let r = w.member("waiter", None).await;
    w.svc
        .start_run(w.org, &Actor::user(r.id), q, pool, T0)
        .await
        .unwrap();
    for minute in [10, 11, 12, 15] {
        let (warned, _) = w
            .svc
            .run_timeouts(T0 + minute * MIN, Some(&w.host.bot()))
            .await
            .unwrap();
        assert_eq!(warned, usize::from(minute == 10), "minute {minute}");
    }
    // The Discord adapters find qualifiers by channel and runs by thread.
    assert_eq!(
        w.svc
            .qualifier_by_channel(w.org, "123456789012")
            .await
            .unwrap()
            .id,
        q
    );
    let race = w.svc.races(w.org, q, RaceFilter::default()).await.unwrap()[0].id;
    w.svc
        .set_discord_thread(w.org, &w.admin(), race, "777777777", T0)
        .await
        .unwrap();
    assert_eq!(
        w.svc.race_by_thread(w.org, "777777777").await.unwrap().id,
        race
    );
    assert_eq!(
        w.svc.race_by_thread(w.org, "1").await.unwrap_err().kind(),
        "NotFound"
    );
    // (The channel lookups are GETs.)
    let posts: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|p| p.starts_with("POST "))
        .cloned()
        .collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert!(
        posts[0].starts_with("POST /api/v10/channels/123456789012/messages"),
        "{}",
        posts[0]
    );
    assert!(posts[0].contains("10 minutes"), "{}", posts[0]);
}
both_backends!(
    timeout_warning_posted_once_in_the_channel,
    check_warning_posted_once
);

/// A qualifier that requires RaceTime.gg refuses players without a linked account and lets
/// them start once they link one (through the same SDK call the account page's link uses).
async fn check_racetime_required(backend: Backend) {
    let w = world(backend).await;
    let q = w
        .svc
        .create_qualifier(
            w.org,
            &w.admin(),
            &QualifierInput {
                require_racetime: true,
                ..input("Linked only", 1, -1)
            },
            T0,
        )
        .await
        .unwrap()
        .id;
    let (pool, _) = w.pool(q, "P", 2).await;
    let runner = w.member("runner", None).await;
    let err = w
        .svc
        .start_run(w.org, &Actor::user(runner.id), q, pool, T0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Invalid", "{err:?}");
    assert_eq!(err.message(), rules::RACETIME_REQUIRED);
    // Nothing was opened.
    assert!(w
        .svc
        .start_run(w.org, &Actor::user(runner.id), q, pool, T0)
        .await
        .is_err());
    platform::identity::users::link_racetime(
        &w.test.db,
        runner.id,
        &sdk::identity::model::RacetimeProfile {
            id: "rt-runner".into(),
            name: "runner".into(),
            discriminator: Some("0042".into()),
            full_name: None,
        },
        &sdk::identity::model::RacetimeTokens {
            access_token: "a".into(),
            refresh_token: None,
            expires_at: None,
        },
        None,
    )
    .await
    .unwrap();
    let race = w
        .svc
        .start_run(w.org, &Actor::user(runner.id), q, pool, T0)
        .await
        .unwrap();
    assert_eq!(race.status, RaceStatus::Pending);
    // After unlinking, the link is what stands in the way again (checked before the live run).
    platform::identity::users::unlink_racetime(&w.test.db, runner.id, None)
        .await
        .unwrap();
    let err = w
        .svc
        .start_run(w.org, &Actor::user(runner.id), q, pool, T0)
        .await
        .unwrap_err();
    assert_eq!(err.message(), rules::RACETIME_REQUIRED);
}
both_backends!(racetime_required_refuses_unlinked, check_racetime_required);

async fn check_events(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Events", 1, 1).await;
    let (pool, _) = w.pool(q, "P", 2).await;
    let [ada, bob, cy] = [
        w.member("ada", None).await,
        w.member("bob", None).await,
        w.member("cy", None).await,
    ];
    let bus = &w.platform.events;
    let (started, finished, forfeited) = (
        record::<RaceStarted>(bus),
        record::<RaceFinished>(bus),
        record::<RaceForfeited>(bus),
    );
    let (reviewed, reattempted, recalculated, warned) = (
        record::<RaceReviewed>(bus),
        record::<RaceReattempted>(bus),
        record::<ScoresRecalculated>(bus),
        record::<TimeoutWarning>(bus),
    );

    // A finish, a runner's forfeit, a review with an override, a reattempt, a manual
    // recalculation, then a run left pending until it is warned and timed out.
    let ada_run = w.run(&ada, q, pool, T0, 3000.0).await;
    let (bob_run, _) = w.begin(&bob, q, pool, T0).await;
    w.svc
        .forfeit_run(w.org, &Actor::user(bob.id), bob_run, T0 + MIN)
        .await
        .unwrap();
    w.svc
        .review_race(
            w.org,
            &w.admin(),
            ada_run,
            &review(ReviewStatus::Accepted, "checked the VOD", Some(2900.0)),
            T0 + 2 * MIN,
        )
        .await
        .unwrap();
    w.svc
        .reattempt_race(w.org, &Actor::user(ada.id), ada_run, T0 + 3 * MIN)
        .await
        .unwrap();
    w.svc
        .recalculate(w.org, &w.admin(), q, T0 + 4 * MIN, "manual")
        .await
        .unwrap();
    let cy_run = w
        .svc
        .start_run(w.org, &Actor::user(cy.id), q, pool, T0 + 100 * MIN)
        .await
        .unwrap();
    assert_eq!(
        w.svc.run_timeouts(T0 + 110 * MIN, None).await.unwrap(),
        (1, 0)
    );
    assert_eq!(
        w.svc.run_timeouts(T0 + 120 * MIN, None).await.unwrap(),
        (0, 1)
    );

    let mut starts = started.wait_for(3).await;
    starts.sort_by_key(|e| e.race_id);
    let mut expected = Vec::new();
    for (race_id, user) in [(ada_run, &ada), (bob_run, &bob), (cy_run.id, &cy)] {
        let race = w.svc.race(w.org, race_id).await.unwrap();
        expected.push(RaceStarted {
            qualifier_id: q,
            race_id,
            user_id: user.id,
            permalink_id: race.permalink_id,
        });
    }
    assert_eq!(starts, expected);

    assert_eq!(
        finished.wait_for(1).await,
        vec![RaceFinished {
            qualifier_id: q,
            race_id: ada_run,
            user_id: ada.id,
            elapsed_seconds: 3000.0,
        }]
    );

    let mut forfeits = forfeited.wait_for(2).await;
    forfeits.sort_by_key(|e| e.race_id);
    assert_eq!(
        forfeits,
        vec![
            RaceForfeited {
                qualifier_id: q,
                race_id: bob_run,
                user_id: bob.id,
                reason: "runner".into(),
            },
            RaceForfeited {
                qualifier_id: q,
                race_id: cy_run.id,
                user_id: cy.id,
                reason: "timeout".into(),
            },
        ]
    );

    assert_eq!(
        reviewed.wait_for(1).await,
        vec![RaceReviewed {
            qualifier_id: q,
            race_id: ada_run,
            reviewer_id: w.admin.id,
            review_status: ReviewStatus::Accepted.as_str().into(),
            elapsed_override_seconds: Some(2900.0),
        }]
    );

    assert_eq!(
        reattempted.wait_for(1).await,
        vec![RaceReattempted {
            qualifier_id: q,
            race_id: ada_run,
            user_id: ada.id,
        }]
    );

    assert_eq!(
        warned.wait_for(1).await,
        vec![TimeoutWarning {
            qualifier_id: q,
            race_id: cy_run.id,
            user_id: cy.id,
            timeout_at: T0 + 120 * MIN,
            posted: false,
        }]
    );

    let recalcs = recalculated.wait_for(6).await;
    assert!(recalcs.iter().all(|e| e.qualifier_id == q), "{recalcs:?}");
    let mut triggers: Vec<&str> = recalcs.iter().map(|e| e.trigger.as_str()).collect();
    triggers.sort_unstable();
    assert_eq!(
        triggers,
        [
            "finish",
            "forfeit",
            "manual",
            "reattempt",
            "review",
            "timeout"
        ]
    );
    let permalinks_of = |trigger: &str| {
        recalcs
            .iter()
            .find(|e| e.trigger == trigger)
            .map(|e| e.permalinks)
    };
    // Ada's run was the only finish: scored on finish and review, gone after the reattempt.
    assert_eq!(permalinks_of("finish"), Some(1));
    assert_eq!(permalinks_of("review"), Some(1));
    assert_eq!(permalinks_of("reattempt"), Some(0));
    assert_eq!(permalinks_of("manual"), Some(0));
}
both_backends!(events_of_every_kind, check_events);

/// Linking a run to its Discord thread is a write like the others: in one transaction with its
/// audit entry, by whoever acted; a run of another organization is not touched.
async fn check_thread_link_is_audited(backend: Backend) {
    let w = world(backend).await;
    let q = w.qualifier("Threads", 1, -1).await;
    let (pool, _) = w.pool(q, "P", 1).await;
    let runner = w.member("runner", None).await;
    let actor = Actor::user(runner.id);
    let race = w.svc.start_run(w.org, &actor, q, pool, T0).await.unwrap();
    w.svc
        .set_discord_thread(w.org, &actor, race.id, "777777777", T0)
        .await
        .unwrap();
    let threads = |log: Vec<sdk::identity::model::AuditRecord>| -> Vec<_> {
        log.into_iter()
            .filter(|e| e.action == "async_qualifier.race_thread")
            .collect()
    };
    let entries = threads(
        w.svc
            .audit_log(w.org, q, sdk::page::PageRequest::default())
            .await
            .unwrap()
            .items,
    );
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].user_id, Some(runner.id));
    let details: serde_json::Value = serde_json::from_str(&entries[0].details).unwrap();
    assert_eq!(details["race_id"], race.id);
    assert_eq!(details["thread_id"], "777777777");

    let other = w.test.org(&w.admin, "Other League").await;
    let err = w
        .svc
        .set_discord_thread(other, &w.admin(), race.id, "888888888", T0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "NotFound");
    assert_eq!(
        threads(
            w.svc
                .audit_log(w.org, q, sdk::page::PageRequest::default())
                .await
                .unwrap()
                .items,
        )
        .len(),
        1
    );
    assert_eq!(
        w.svc.race_by_thread(w.org, "777777777").await.unwrap().id,
        race.id
    );
}
both_backends!(thread_link_is_audited, check_thread_link_is_audited);
