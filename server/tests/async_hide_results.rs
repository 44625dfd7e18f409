//! `hide_results` of the async qualifier over real HTTP, on both databases: while a qualifier
//! that hides its results is open, another runner finds none of a run's results — time, score,
//! VOD link, notes, review — nor par times or the leaderboard, in any API answer or in any
//! page's HTML (which carries the data the page hydrates with). Closing the qualifier shows
//! them; reviewers and managers see them all along; a runner always sees their own run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use async_qualifier::{
    rules::COUNTDOWN_MS,
    service::{QualifierInput, Qualifiers, Review},
};
use common::{TestApp, TestUser};
use sdk::{auth::policy::Statement, auth::GlobalLevel, db::Backend, time::now_ms, Actor};
use serde_json::{json, Value};
use testkit::both_backends;

/// What Ada's run carries that nobody else may see while results are hidden.
const SECRETS: [&str; 4] = [
    "adasecretvod",
    "adasecretnote",
    "adasecretreason",
    "reviewersecretnote",
];
/// Ada's time: 1234.5 s, shown as 0:20:34 (the text of an element).
const ADA_ELAPSED_MS: i64 = 1_234_500;
const ADA_HMS: &str = ">0:20:34<";

struct League {
    app: TestApp,
    service: std::sync::Arc<Qualifiers>,
    admin: TestUser,
    ada: TestUser,
    bob: TestUser,
    reviewer: TestUser,
    org: i64,
    q: i64,
    permalink: i64,
    ada_race: i64,
    bob_race: i64,
}

/// A run from `at`: Ready a second later, finished `elapsed_ms` after the countdown.
/// `id` as the services' actor, with the level the database gives them.
async fn actor_of(db: &sdk::db::Db, id: i64) -> Actor {
    let user = platform::identity::users::get(db, id).await.unwrap();
    Actor::user(user.to_current(None))
}

async fn run(
    service: &Qualifiers,
    org: i64,
    actor: &Actor,
    q: i64,
    pool: i64,
    at: i64,
    elapsed_ms: i64,
) -> i64 {
    let race = service.start_run(org, actor, q, pool, at).await.unwrap();
    let ready = service
        .ready_run(org, actor, race.id, at + 1000)
        .await
        .unwrap();
    let start = ready.start_time.unwrap();
    assert_eq!(start, at + 1000 + COUNTDOWN_MS);
    service
        .finish_run(org, actor, race.id, start + elapsed_ms)
        .await
        .unwrap();
    race.id
}

/// A league with a qualifier that hides results: Ada and Bob have each finished a run on its
/// one seed; Ada added a VOD and notes, asked for a review, and the admin accepted with notes.
async fn league(backend: Backend) -> League {
    let app = TestApp::spawn(backend).await;
    let admin = app.user("admin", GlobalLevel::Superadmin).await;
    let ada = app.user("ada", GlobalLevel::User).await;
    let bob = app.user("bob", GlobalLevel::User).await;
    let reviewer = app.user("rev", GlobalLevel::User).await;
    let org = app
        .ok(
            &admin,
            "create_organization",
            json!({"name": "Hidden League"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    for user in [&ada, &bob, &reviewer] {
        app.ok(
            &admin,
            "add_member",
            json!({"org_id": org, "user_id": user.id}),
        )
        .await;
    }
    app.ok(
        &admin,
        "set_plugin_enabled",
        json!({"org_id": org, "plugin_id": "async_qualifier", "enabled": true}),
    )
    .await;
    // The reviewer reviews; they do not manage.
    let platform = &app.server.platform;
    let admin_user = platform::identity::users::get(app.db(), admin.id)
        .await
        .unwrap()
        .to_current(None);
    platform::identity::roles::set_user_statements(
        app.db(),
        &platform.authorizer,
        &admin_user,
        org,
        reviewer.id,
        &[Statement::allow(&[
            "async_race:review",
            "async_race:approve",
            "async_race:reject",
        ])],
        None,
    )
    .await
    .unwrap();

    let service = platform
        .plugins
        .service::<Qualifiers>("async_qualifier")
        .unwrap();
    let boss = actor_of(&platform.db, admin.id).await;
    // Fifteen minutes ago, so the runs are done by now and no timeout touches them.
    let at = now_ms() - 15 * 60_000;
    let q = service
        .create_qualifier(
            org,
            &boss,
            &QualifierInput {
                name: "Secret Qualifier".into(),
                description: String::new(),
                is_active: true,
                hide_results: true,
                discord_channel_id: String::new(),
                runs_per_pool: 1,
                max_reattempts: 0,
                require_racetime: false,
            },
            at,
        )
        .await
        .unwrap()
        .id;
    let pool = service
        .create_pool(org, &boss, q, "Open", "", at)
        .await
        .unwrap()
        .id;
    let permalink = service
        .create_permalink(org, &boss, pool, "https://alttpr.com/h/seedsecret", "", at)
        .await
        .unwrap()
        .id;
    let ada_race = run(
        &service,
        org,
        &actor_of(&platform.db, ada.id).await,
        q,
        pool,
        at,
        ADA_ELAPSED_MS,
    )
    .await;
    let bob_race = run(
        &service,
        org,
        &actor_of(&platform.db, bob.id).await,
        q,
        pool,
        at,
        1_500_000,
    )
    .await;
    let ada_actor = actor_of(&platform.db, ada.id).await;
    service
        .submit_vod(
            org,
            &ada_actor,
            ada_race,
            "https://vods.example/adasecretvod",
            "adasecretnote",
            at,
        )
        .await
        .unwrap();
    service
        .request_review(org, &ada_actor, ada_race, "adasecretreason", at)
        .await
        .unwrap();
    service
        .review_race(
            platform.authorizer.as_ref(),
            org,
            &boss,
            ada_race,
            &Review {
                status: async_qualifier::rules::ReviewStatus::Accepted,
                notes: "reviewersecretnote".into(),
                elapsed_override_seconds: None,
            },
            at,
        )
        .await
        .unwrap();
    League {
        app,
        service,
        admin,
        ada,
        bob,
        reviewer,
        org,
        q,
        permalink,
        ada_race,
        bob_race,
    }
}

impl League {
    /// `/api/p/async_qualifier/{endpoint}` as `user`; the JSON answer (asserting success).
    async fn api(&self, user: &TestUser, endpoint: &str, body: Value) -> Value {
        let res = common::plain_client()
            .post(self.app.url(&format!("/api/p/async_qualifier/{endpoint}")))
            .bearer_auth(&user.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_success(), "{endpoint} {body} → {status}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Every answer that shows runs, pools or standings, as `user` sees them.
    async fn every_answer(&self, user: &TestUser) -> Vec<(String, Value)> {
        let (org, q) = (self.org, self.q);
        let mut answers = Vec::new();
        for (endpoint, body) in [
            ("get_race", json!({"org_id": org, "race_id": self.ada_race})),
            ("list_races", json!({"org_id": org, "qualifier_id": q})),
            (
                "list_races",
                json!({"org_id": org, "qualifier_id": q, "user_id": self.ada.id}),
            ),
            (
                "list_races",
                json!({"org_id": org, "qualifier_id": q, "permalink_id": self.permalink}),
            ),
            ("list_pools", json!({"org_id": org, "qualifier_id": q})),
            ("dashboard", json!({"org_id": org, "qualifier_id": q})),
            ("leaderboard", json!({"org_id": org, "qualifier_id": q})),
        ] {
            let answer = self.api(user, endpoint, body.clone()).await;
            answers.push((format!("{endpoint} {body}"), answer));
        }
        answers
    }

    /// The HTML of every page that shows runs, pools or standings, as `user` sees it.
    async fn every_page(&self, user: &str) -> Vec<(String, String)> {
        let client = self.app.signed_in(user).await;
        let base = format!("/org/{}/async", self.org);
        let q = self.q;
        let mut pages = Vec::new();
        for path in [
            format!("{base}/race/{}", self.ada_race),
            format!("{base}/q/{q}"),
            format!("{base}/q/{q}/pools"),
            format!("{base}/q/{q}/leaderboard"),
            format!("{base}/q/{q}/player/{}", self.ada.id),
            format!("{base}/q/{q}/permalink/{}", self.permalink),
        ] {
            let res = client.get(self.app.url(&path)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            let html = res.text().await.unwrap();
            assert!(html.contains("</html>"), "{path}");
            pages.push((path, html));
        }
        pages
    }

    /// Ada's run as `user` gets it from `get_race`.
    async fn ada_run(&self, user: &TestUser) -> Value {
        self.api(
            user,
            "get_race",
            json!({"org_id": self.org, "race_id": self.ada_race}),
        )
        .await
    }

    async fn par_times(&self, user: &TestUser) -> Vec<Value> {
        let pools = self
            .api(
                user,
                "list_pools",
                json!({"org_id": self.org, "qualifier_id": self.q}),
            )
            .await;
        pools["items"][0]["permalinks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["par_time"].clone())
            .collect()
    }

    async fn leaderboard(&self, user: &TestUser) -> Value {
        self.api(
            user,
            "leaderboard",
            json!({"org_id": self.org, "qualifier_id": self.q}),
        )
        .await
    }
}

/// Everything of Ada's run is there for `user`.
async fn assert_sees_everything(league: &League, user: &TestUser) {
    let ada = league.ada_run(user).await;
    assert_eq!(ada["results_hidden"], false, "{ada}");
    assert_eq!(ada["elapsed_seconds"], json!(1234.5), "{ada}");
    assert!(ada["score"].is_number(), "{ada}");
    assert!(ada["runner_vod_url"]
        .as_str()
        .unwrap()
        .contains("adasecretvod"));
    assert_eq!(ada["runner_notes"], "adasecretnote");
    assert_eq!(ada["reviewer_notes"], "reviewersecretnote");
    assert_eq!(ada["review_request_reason"], "adasecretreason");
    assert_eq!(ada["review_status"], "accepted", "{ada}");
    assert!(league.par_times(user).await.iter().all(Value::is_number));
    let board = league.leaderboard(user).await;
    assert_eq!(board["hidden"], false);
    assert_eq!(board["entries"].as_array().unwrap().len(), 2, "{board}");
}

async fn check_hide_results_hides_par_times_vods_notes_and_reviews(backend: Backend) {
    let league = league(backend).await;
    let bob = &league.bob;

    // Through the API, as Bob: nothing of Ada's results anywhere.
    for (what, answer) in league.every_answer(bob).await {
        let text = answer.to_string();
        for secret in SECRETS {
            assert!(!text.contains(secret), "{what} shows {secret}: {text}");
        }
        assert!(!text.contains("1234.5"), "{what} shows Ada's time: {text}");
    }
    let ada = league.ada_run(bob).await;
    assert_eq!(ada["results_hidden"], true, "{ada}");
    assert_eq!(ada["own"], false);
    for field in [
        "end_time",
        "elapsed_seconds",
        "score",
        "reviewed_by",
        "permalink_url",
    ] {
        assert_eq!(ada[field], Value::Null, "{field}: {ada}");
    }
    assert_eq!(ada["review_status"], "pending", "{ada}");
    assert_eq!(ada["review_requested"], false, "{ada}");
    assert_eq!(league.par_times(bob).await, vec![Value::Null]);
    let board = league.leaderboard(bob).await;
    assert_eq!(
        (board["hidden"].clone(), board["entries"].clone()),
        (json!(true), json!([]))
    );

    // Bob's own run is all his.
    let own = league
        .api(
            bob,
            "get_race",
            json!({"org_id": league.org, "race_id": league.bob_race}),
        )
        .await;
    assert_eq!(
        (own["own"].clone(), own["results_hidden"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(own["elapsed_seconds"], json!(1500.0));
    assert!(own["permalink_url"]
        .as_str()
        .unwrap()
        .contains("seedsecret"));

    // The pages Bob opens carry none of it either, neither shown nor in their hydration data.
    for (path, html) in league.every_page("bob").await {
        for secret in SECRETS {
            assert!(!html.contains(secret), "{path} shows {secret}");
        }
        assert!(!html.contains(ADA_HMS), "{path} shows Ada's time");
        assert!(!html.contains("1234.5"), "{path} carries Ada's time");
    }
    league.app.stop().await;
}
both_backends!(
    hide_results_hides_par_times_vods_notes_and_reviews,
    check_hide_results_hides_par_times_vods_notes_and_reviews
);

async fn check_hide_results_reveals_after_results_shown(backend: Backend) {
    let league = league(backend).await;
    assert_eq!(league.ada_run(&league.bob).await["results_hidden"], true);
    assert_eq!(league.par_times(&league.bob).await, vec![Value::Null]);
    assert_eq!(league.leaderboard(&league.bob).await["hidden"], true);
    // The organizers close the qualifier: the results are shown to everyone.
    league
        .service
        .update_qualifier(
            league.org,
            &actor_of(league.app.db(), league.admin.id).await,
            league.q,
            &QualifierInput {
                name: "Secret Qualifier".into(),
                description: String::new(),
                is_active: false,
                hide_results: true,
                discord_channel_id: String::new(),
                runs_per_pool: 1,
                max_reattempts: 0,
                require_racetime: false,
            },
            now_ms(),
        )
        .await
        .unwrap();
    assert_sees_everything(&league, &league.bob).await;
    // Others' seeds stay theirs.
    assert_eq!(
        league.ada_run(&league.bob).await["permalink_url"],
        Value::Null
    );
    let page = league
        .every_page("bob")
        .await
        .into_iter()
        .find(|(path, _)| path.ends_with(&format!("/race/{}", league.ada_race)))
        .unwrap()
        .1;
    assert!(page.contains(ADA_HMS), "Ada's time on her run's page");
    league.app.stop().await;
}
both_backends!(
    hide_results_reveals_after_results_shown,
    check_hide_results_reveals_after_results_shown
);

async fn check_reviewer_still_sees_everything(backend: Backend) {
    let league = league(backend).await;
    // The qualifier is open and hides results; the reviewer and the admin see them anyway.
    assert_sees_everything(&league, &league.reviewer).await;
    assert_sees_everything(&league, &league.admin).await;
    let page = league
        .every_page("rev")
        .await
        .into_iter()
        .find(|(path, _)| path.ends_with(&format!("/race/{}", league.ada_race)))
        .unwrap()
        .1;
    assert!(page.contains(ADA_HMS), "Ada's time on her run's page");
    // The runner sees her own run, results and all.
    let own = league.ada_run(&league.ada).await;
    assert_eq!(
        (own["own"].clone(), own["results_hidden"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(own["runner_notes"], "adasecretnote");
    league.app.stop().await;
}
both_backends!(
    reviewer_still_sees_everything,
    check_reviewer_still_sees_everything
);
