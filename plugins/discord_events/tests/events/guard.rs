//! Guards: only servers linked to the organization, checked when the settings are saved and
//! again before every call to Discord; templates checked on save; organizations kept apart.

use discord_events::{api, model::MatchFilter, rules};
use sdk::{db::Backend, time::now_ms, Error};
use testkit::both_backends;
use tournament::service::TournamentInput;

use super::{world, GUILD, OTHER_GUILD};

async fn check_a_server_not_linked_is_refused_at_save_and_at_post_time(backend: Backend) {
    let w = world(backend).await;
    // At save: a server linked to nobody, or to another organization.
    let mut settings = w.settings(MatchFilter::All);
    settings.guild_id = OTHER_GUILD.into();
    let e = w
        .call(&w.admin, || {
            api::save_event_settings(w.org, settings.clone())
        })
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("guild_id"));
    assert!(e.message().contains("not linked"), "{e}");
    let elsewhere = w.other_org("Elsewhere").await;
    w.link_guild(OTHER_GUILD, elsewhere).await;
    let e = w
        .call(&w.admin, || {
            api::save_event_settings(w.org, settings.clone())
        })
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("guild_id"));
    assert_eq!(w.status().await.settings, None);

    // At post time: the server was unlinked after the settings were saved.
    w.configure(MatchFilter::All).await;
    let m = w.new_match("Round 1", Some(120), false).await;
    w.wait_for_events(1).await;
    w.unlink_guild(GUILD).await;
    w.move_match(&m, 240, false).await;
    let error = w
        .wait_for_error(|e| e.is_some_and(|e| e.contains("not linked")))
        .await;
    assert!(
        error.as_deref().is_some_and(|e| e.contains("not linked")),
        "{error:?}"
    );
    assert!(w.discord.requests_to("PATCH", "/api/v10/guilds").is_empty());
    // Deleting the match forgets its event without touching the server.
    w.tournaments
        .delete_match(w.org, &w.admin_actor(), m.id, now_ms())
        .await
        .unwrap();
    // (The listener does it too; syncing here does not depend on its timing.)
    w.svc.sync_match(w.org, m.id, now_ms()).await.unwrap();
    assert!(w.status().await.events.is_empty());
    assert!(w
        .discord
        .requests_to("DELETE", "/api/v10/guilds")
        .is_empty());
    assert_eq!(w.discord.scheduled_events(GUILD).len(), 1);
}
both_backends!(
    a_server_not_linked_is_refused_at_save_and_at_post_time,
    check_a_server_not_linked_is_refused_at_save_and_at_post_time
);

async fn check_templates_and_durations_are_checked_on_save(backend: Backend) {
    let w = world(backend).await;
    let cases = [
        ("title_template", "{match} — {round}"),
        ("description_template", "{everyone}"),
    ];
    for (field, template) in cases {
        let mut settings = w.settings(MatchFilter::All);
        if field == "title_template" {
            settings.title_template = template.into();
        } else {
            settings.description_template = template.into();
        }
        let e = w
            .call(&w.admin, || {
                api::save_event_settings(w.org, settings.clone())
            })
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(e.message().contains("is not a placeholder"), "{e}");
    }
    let mut settings = w.settings(MatchFilter::All);
    settings.description_template = "x".repeat(rules::DESCRIPTION_MAX + 1);
    let e = w
        .call(&w.admin, || {
            api::save_event_settings(w.org, settings.clone())
        })
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("description_template"));
    let mut settings = w.settings(MatchFilter::All);
    settings.duration_minutes = 100_000;
    let e = w
        .call(&w.admin, || {
            api::save_event_settings(w.org, settings.clone())
        })
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("duration_minutes"));
    // A good one is saved, with its audit entry.
    let saved = w
        .call(&w.admin, || {
            api::save_event_settings(w.org, w.settings(MatchFilter::StreamOnly))
        })
        .await
        .unwrap();
    assert_eq!(saved.settings, Some(w.settings(MatchFilter::StreamOnly)));
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_logs WHERE action = 'discord_events.settings'
         AND organization_id = $1",
    )
    .bind(w.org)
    .fetch_one(w.test.db.pool())
    .await
    .unwrap();
    assert_eq!(audited, 1);
}
both_backends!(
    templates_and_durations_are_checked_on_save,
    check_templates_and_durations_are_checked_on_save
);

async fn check_organizations_are_kept_apart(backend: Backend) {
    let w = world(backend).await;
    w.configure(MatchFilter::All).await;
    let eve = w.user("eve").await;
    let elsewhere = w.org_with_admin("Elsewhere", &eve).await;
    w.set_enabled_in(elsewhere, discord_events::PLUGIN_ID, true)
        .await;
    w.link_guild(OTHER_GUILD, elsewhere).await;
    // Eve's organization cannot read or set League's tournament.
    let e = w
        .call(&eve, || {
            api::get_tournament_events(elsewhere, w.tournament_id)
        })
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    let mut theirs = w.settings(MatchFilter::All);
    theirs.guild_id = OTHER_GUILD.into();
    let e = w
        .call(&eve, || api::save_event_settings(elsewhere, theirs.clone()))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    // Nor act in League.
    let e = w
        .call(&eve, || api::reconcile(w.org, w.tournament_id))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    // Her own tournament may not post into League's server.
    let own = w
        .tournaments
        .create_tournament(
            elsewhere,
            &w.actor(&eve),
            &TournamentInput {
                name: "Eve Cup".into(),
                description: String::new(),
                is_active: true,
                onsite: false,
                tracker_enabled: false,
                self_registration: false,
                settings_form_schema: None,
                randomizer: String::new(),
                preset: String::new(),
                public_feed: false,
            },
            now_ms(),
        )
        .await
        .unwrap();
    let mut into_ours = w.settings(MatchFilter::All);
    into_ours.tournament_id = own.id;
    let e = w
        .call(&eve, || {
            api::save_event_settings(elsewhere, into_ours.clone())
        })
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("guild_id"));
    // Each organization sees its own servers only.
    let guilds = w.call(&eve, || api::list_guilds(elsewhere)).await.unwrap();
    assert_eq!(
        guilds
            .iter()
            .map(|g| g.guild_id.as_str())
            .collect::<Vec<_>>(),
        [OTHER_GUILD]
    );
    let ours = w.call(&w.admin, || api::list_guilds(w.org)).await.unwrap();
    assert_eq!(
        ours.iter().map(|g| g.guild_id.as_str()).collect::<Vec<_>>(),
        [GUILD]
    );
}
both_backends!(
    organizations_are_kept_apart,
    check_organizations_are_kept_apart
);
