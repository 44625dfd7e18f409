//! The Discord adapters through the bot's dispatch (the same checks a real click goes through:
//! linked server, plugin on, the clicker's action), on SQLite and PostgreSQL: the run thread's
//! buttons decide whose run it is and what `hide_results` hides exactly as the web does,
//! because both ask the service.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use async_qualifier::{commands::Click, service::QualifierInput};
use common::{actor, input, world, World, MIN, T0};
use sdk::{
    auth::CurrentUser, bot::dispatch_component, bot::CommandCall, bot::CommandReply, db::Backend,
};
use testkit::both_backends;

/// The league's Discord server, linked to the organization.
const GUILD: &str = "1300000000000000009";

/// The world with the plugin on and the organization's Discord server linked.
async fn discord_world(backend: Backend) -> World {
    let w = world(backend).await;
    w.set_enabled(async_qualifier::PLUGIN_ID, true).await;
    w.link_guild(GUILD, w.org).await;
    w
}

/// `user` clicks the button of `click` in the league's server (their Discord account linked).
async fn click(w: &World, user: &CurrentUser, click: Click) -> CommandReply {
    let discord_id = format!("14000000000{:08}", user.id);
    w.set_discord_id(user, &discord_id).await;
    dispatch_component(
        &w.platform,
        CommandCall {
            guild_id: Some(GUILD.into()),
            channel_id: Some("1100000000000000001".into()),
            discord_user_id: discord_id,
            discord_username: user.username.clone(),
            options: Default::default(),
            custom_id: Some(click.custom_id()),
        },
    )
    .await
}

/// A qualifier (hiding results or not, open or closed) with one run of 3000 s by `runner`.
async fn finished_run(w: &World, hide_results: bool, runner: &CurrentUser) -> (i64, i64) {
    let q = w
        .svc
        .create_qualifier(
            w.org,
            &w.admin(),
            &QualifierInput {
                hide_results,
                ..input("Hidden", 1, -1)
            },
            T0,
        )
        .await
        .unwrap()
        .id;
    let (pool, _) = w.pool(q, "P", 1).await;
    (q, w.run(runner, q, pool, T0, 3000.0).await)
}

const HIDDEN: &str = "hides others' results";
const CLOCK: &str = "Finished: **0:50:00**";

/// Under hide_results, Get Timer on someone else's run is refused to a runner, while the
/// run's own runner, its reviewers and the managers get its clock.
async fn check_get_timer_respects_hide_results(backend: Backend) {
    let w = discord_world(backend).await;
    let [ada, bob] = [w.member("ada", &[]).await, w.member("bob", &[]).await];
    let reviewer = w.member("reviewer", &["Async Reviewer"]).await;
    let (_, race) = finished_run(&w, true, &ada).await;
    let timer = Click::Timer { race_id: race };

    let refused = click(&w, &bob, timer).await;
    assert!(refused.content.contains(HIDDEN), "{refused:?}");
    assert!(!refused.content.contains("0:50:00"), "{refused:?}");
    for user in [&ada, &reviewer, &w.admin] {
        let reply = click(&w, user, timer).await;
        assert_eq!(reply.content, CLOCK, "{}: {reply:?}", user.username);
    }
}
both_backends!(
    get_timer_respects_hide_results,
    check_get_timer_respects_hide_results
);

/// Without hide_results, or once the qualifier closes, every runner gets any run's clock.
async fn check_get_timer_shows_results_that_are_not_hidden(backend: Backend) {
    let w = discord_world(backend).await;
    let [ada, bob] = [w.member("ada", &[]).await, w.member("bob", &[]).await];
    let (_, shown) = finished_run(&w, false, &ada).await;
    assert_eq!(
        click(&w, &bob, Click::Timer { race_id: shown })
            .await
            .content,
        CLOCK
    );

    let (q, hidden) = finished_run(&w, true, &bob).await;
    assert!(click(&w, &ada, Click::Timer { race_id: hidden })
        .await
        .content
        .contains(HIDDEN));
    w.svc
        .update_qualifier(
            w.org,
            &w.admin(),
            q,
            &QualifierInput {
                hide_results: true,
                is_active: false,
                ..input("Hidden", 1, -1)
            },
            T0 + MIN,
        )
        .await
        .unwrap();
    assert_eq!(
        click(&w, &ada, Click::Timer { race_id: hidden })
            .await
            .content,
        CLOCK,
        "a closed qualifier shows its results"
    );
}
both_backends!(
    get_timer_shows_results_that_are_not_hidden,
    check_get_timer_shows_results_that_are_not_hidden
);

/// The Forfeit button asks only the runner for confirmation; anyone else's click (even a
/// manager's) is refused, and the run stays live.
async fn check_forfeit_is_offered_only_to_the_runner(backend: Backend) {
    let w = discord_world(backend).await;
    let [ada, bob] = [w.member("ada", &[]).await, w.member("bob", &[]).await];
    let q = w.qualifier("Live", 1, -1).await;
    let (pool, _) = w.pool(q, "P", 1).await;
    let (race, _) = w.begin(&ada, q, pool, T0).await;
    for other in [&bob, &w.admin] {
        let refused = click(&w, other, Click::Forfeit { race_id: race }).await;
        assert!(
            refused.content.contains("someone else's run"),
            "{refused:?}"
        );
        assert!(refused.buttons.is_empty());
        let refused = click(&w, other, Click::ForfeitConfirmed { race_id: race }).await;
        assert!(
            refused.content.contains("someone else's run"),
            "{refused:?}"
        );
    }
    assert!(w.svc.race(w.org, race).await.unwrap().status.is_live());
    let asked = click(&w, &ada, Click::Forfeit { race_id: race }).await;
    assert!(asked.content.contains("Forfeit this run?"), "{asked:?}");
    assert_eq!(
        asked.buttons[0].custom_id,
        Click::ForfeitConfirmed { race_id: race }.custom_id()
    );
    // The service's view of the same run agrees with what the button said.
    let seen = w
        .svc
        .race_view(
            testkit::authorizer(&w.platform),
            w.org,
            &actor(&bob),
            race,
            T0,
        )
        .await
        .unwrap();
    assert!(!seen.own);
}
both_backends!(
    forfeit_is_offered_only_to_the_runner,
    check_forfeit_is_offered_only_to_the_runner
);
