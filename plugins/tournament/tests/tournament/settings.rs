//! Settings forms and the players' submissions.

use super::*;

async fn check_settings_forms(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob, cal) = (
        w.member("ada").await,
        w.member("bob").await,
        w.member("cal").await,
    );
    let org = w.org;
    // A broken form is refused when the tournament is saved.
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
        .submissions(&w.platform.authorizer, org, &w.admin(), id)
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(
        (all[0].game_number, all[0].settings["mode"].as_str()),
        (1, Some("inverted"))
    );
    let own = w
        .svc
        .submissions(&w.platform.authorizer, org, &actor(&bob), id)
        .await
        .unwrap();
    assert_eq!(own.len(), 1);
    // Without a form there is nothing to submit.
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
both_backends!(settings_forms, check_settings_forms);
