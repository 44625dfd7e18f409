//! Settings forms and the players' submissions.

use super::*;

/// A tournament with a settings form (mode required, goal optional) and its match: ada and bob
/// play, cal does not.
struct Form {
    w: World,
    ada: CurrentUser,
    bob: CurrentUser,
    cal: CurrentUser,
    id: i64,
}

async fn form_match(backend: Backend) -> Form {
    let w = world(backend).await;
    let (ada, bob, cal) = (
        w.member("ada").await,
        w.member("bob").await,
        w.member("cal").await,
    );
    let schema = json!({
        "type": "object",
        "properties": {
            "mode": {"type": "string", "enum": ["open", "standard", "inverted"]},
            "goal": {"type": "string", "enum": ["ganon", "fast_ganon"]}
        },
        "required": ["mode"]
    });
    let t = w
        .tournament(TournamentInput {
            settings_form_schema: Some(schema),
            ..cup("Settings Cup")
        })
        .await;
    let id = w.scheduled_match(t, &[&ada, &bob]).await;
    Form {
        w,
        ada,
        bob,
        cal,
        id,
    }
}

/// A broken form is refused when the tournament is saved.
async fn check_a_broken_form_is_refused(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let broken = w
        .svc
        .create_tournament(
            org,
            &w.admin(),
            &TournamentInput {
                settings_form_schema: Some(
                    json!({"type": "object", "properties": {"mode": {"type": "sideways"}}}),
                ),
                ..cup("Broken")
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(broken.field(), Some("settings_form_schema"));
}
both_backends!(a_broken_form_is_refused, check_a_broken_form_is_refused);

/// A submission is checked against the form (errors name the setting), by game number, and
/// only the players of the match submit.
async fn check_submissions_follow_the_form(backend: Backend) {
    let Form {
        w, ada, cal, id, ..
    } = form_match(backend).await;
    let org = w.org;
    let wrong = w
        .svc
        .submit_settings(
            org,
            &actor(&ada),
            id,
            1,
            &json!({"mode": "sideways"}),
            "",
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.field(), Some("settings.mode"), "{wrong}");
    let missing = w
        .svc
        .submit_settings(org, &actor(&ada), id, 1, &json!({"goal": "ganon"}), "", T0)
        .await
        .unwrap_err();
    assert!(missing.message().contains("mode"), "{missing}");
    assert_eq!(
        w.svc
            .submit_settings(org, &actor(&ada), id, 0, &json!({"mode": "open"}), "", T0)
            .await
            .unwrap_err()
            .field(),
        Some("game_number")
    );
    let stranger = w
        .svc
        .submit_settings(org, &actor(&cal), id, 1, &json!({"mode": "open"}), "", T0)
        .await
        .unwrap_err();
    assert_eq!(stranger.kind(), "Forbidden");
}
both_backends!(
    submissions_follow_the_form,
    check_submissions_follow_the_form
);

/// A new submission for the same game replaces the old one; managers see every submission,
/// a player their own.
async fn check_submissions_replace_and_who_sees_them(backend: Backend) {
    let Form {
        w, ada, bob, id, ..
    } = form_match(backend).await;
    let org = w.org;
    let first = w
        .svc
        .submit_settings(
            org,
            &actor(&ada),
            id,
            1,
            &json!({"mode": "open"}),
            "first",
            T0,
        )
        .await
        .unwrap();
    let again = w
        .svc
        .submit_settings(
            org,
            &actor(&ada),
            id,
            1,
            &json!({"mode": "inverted"}),
            "changed my mind",
            T0 + MIN,
        )
        .await
        .unwrap();
    assert_eq!(
        first.id, again.id,
        "a new submission for the same game replaces the old one"
    );
    w.svc
        .submit_settings(
            org,
            &actor(&bob),
            id,
            1,
            &json!({"mode": "standard"}),
            "",
            T0,
        )
        .await
        .unwrap();
    w.svc
        .submit_settings(
            org,
            &actor(&ada),
            id,
            2,
            &json!({"mode": "open", "goal": "fast_ganon"}),
            "",
            T0,
        )
        .await
        .unwrap();
    let all = w
        .svc
        .submissions(testkit::authorizer(&w.platform), org, &w.admin(), id)
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(
        (all[0].game_number, all[0].settings["mode"].as_str()),
        (1, Some("inverted"))
    );
    let own = w
        .svc
        .submissions(testkit::authorizer(&w.platform), org, &actor(&bob), id)
        .await
        .unwrap();
    assert_eq!(own.len(), 1);
}
both_backends!(
    submissions_replace_and_who_sees_them,
    check_submissions_replace_and_who_sees_them
);

/// Without a form there is nothing to submit.
async fn check_no_form_no_submissions(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let plain = w.tournament(cup("Plain")).await;
    let id = w.scheduled_match(plain, &[&ada, &bob]).await;
    assert_eq!(
        w.svc
            .submit_settings(org, &actor(&ada), id, 1, &json!({}), "", T0)
            .await
            .unwrap_err()
            .kind(),
        "Conflict"
    );
}
both_backends!(no_form_no_submissions, check_no_form_no_submissions);
