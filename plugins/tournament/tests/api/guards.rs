//! The guard and the action of every call, and tenant isolation of every id a call takes.

use super::*;

async fn check_guards_on_every_call(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let (ada, bob) = (
        w.member_of(org, "ada", &[]).await,
        w.member_of(org, "bob", &[]).await,
    );
    let cal = w.member_of(org, "cal", &[]).await;
    let dee = w.member_of(org, "dee", &[]).await;
    let moderator = w.member_of(org, "mod", &["Moderator"]).await;
    let manager = w.member_of(org, "manager", &["Tournament Manager"]).await;
    let ids = league(&w, org, &ada, &bob, &cal, &dee).await;

    // Someone outside the organization: refused on every call, before anything is looked up.
    let outsider = w.user("outsider").await;
    for (name, _, c) in every_call(org, ids) {
        let e = w.run(&outsider, c).await.unwrap_err();
        assert_eq!(e.kind(), "Forbidden", "{name}: {e}");
    }
    // A plain member: refused exactly on the managers' calls.
    for (name, member_may, c) in every_call(org, ids) {
        let result = w.run(&dee, c).await;
        if member_may {
            assert!(
                !matches!(&result, Err(e) if e.kind() == "Forbidden" && e.message().contains("permission for")),
                "{name}: {result:?}"
            );
        } else {
            let e = result.unwrap_err();
            assert_eq!(e.kind(), "Forbidden", "{name}: {e}");
        }
    }
    // A moderator approves crew but does not schedule.
    let e = w
        .call(&moderator, || {
            api::create_match(
                org,
                ids.tournament,
                String::new(),
                None,
                vec![ada.id, bob.id],
                None,
                String::new(),
            )
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    let m = w
        .call(&moderator, || api::approve_crew(org, ids.crew, None))
        .await
        .unwrap();
    assert!(m.crew.iter().any(|c| c.id == ids.crew && c.approved));
    // A tournament manager may make every call (the results are the rules' business).
    for (name, _, c) in every_call(org, ids) {
        if let Err(e) = w.run(&manager, c).await {
            let missing = e.kind() == "NotFound" && e.message().starts_with("There is no");
            let guarded = e.kind() == "Forbidden" && e.message().contains("permission for");
            assert!(
                !missing && !guarded && !matches!(e.kind(), "NotEnabled" | "Internal"),
                "{name}: {e}"
            );
        }
    }
}
both_backends!(guards_on_every_call, check_guards_on_every_call);

async fn check_tenant_isolation_of_every_id(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let (ada, bob, cal, dee) = (
        w.member_of(org, "ada", &[]).await,
        w.member_of(org, "bob", &[]).await,
        w.member_of(org, "cal", &[]).await,
        w.member_of(org, "dee", &[]).await,
    );
    let ids = league(&w, org, &ada, &bob, &cal, &dee).await;
    // Another organization's admin (the site's superadmin, who passes every guard) names the
    // first organization's ids under their own: none of them is found, nothing changes.
    let other = w.other_org("Other League").await;
    let before = w
        .call(&w.admin, || api::get_match(org, ids.r#match))
        .await
        .unwrap();
    for (name, _, c) in every_call(other, ids) {
        let takes_ids = !matches!(
            name,
            "my_rights"
                | "list_tournaments"
                | "list_matches"
                | "list_stream_channels"
                | "calendar_links"
                | "create_tournament"
                | "create_stream_channel"
                | "list_members"
        );
        let result = w.run(&w.admin, c).await;
        if takes_ids {
            let e = result.expect_err(name);
            assert!(matches!(e.kind(), "NotFound" | "Invalid"), "{name}: {e}");
            if let Error::Invalid { field, .. } = &e {
                assert!(
                    ["user_id", "player_ids", "stream_channel_id"].contains(&field.as_str()),
                    "{name}: {e}"
                );
            }
        }
    }
    // The other organization's lists hold none of the first's rows.
    let lists = w
        .call(&w.admin, || {
            api::list_matches(
                other,
                None,
                None,
                None,
                None,
                None,
                false,
                Default::default(),
            )
        })
        .await
        .unwrap();
    assert!(lists.items.is_empty());
    let channels = w
        .call(&w.admin, || {
            api::list_stream_channels(other, PageRequest::first())
        })
        .await
        .unwrap();
    assert!(channels.items.iter().all(|c| c.org_id == other));
    let after = w
        .call(&w.admin, || api::get_match(org, ids.r#match))
        .await
        .unwrap();
    assert_eq!(before, after, "nothing of the first organization changed");
}
both_backends!(
    tenant_isolation_of_every_id,
    check_tenant_isolation_of_every_id
);

/// The list above is every server function of the plugin: a call added to `api.rs` without a
/// guard test here fails this.
#[test]
fn every_call_lists_every_server_function() {
    // Every file of `src/api/`, so a file added there is covered too.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
    let sources: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    let mut endpoints: Vec<&str> = sources
        .iter()
        .flat_map(|source| source.split("endpoint = \"").skip(1))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    endpoints.sort_unstable();
    let ids = Ids {
        tournament: 1,
        r#match: 1,
        crew: 1,
        channel: 1,
        player_a: 1,
        player_b: 2,
        other_member: 3,
    };
    let mut listed: Vec<&str> = every_call(1, ids).into_iter().map(|(n, _, _)| n).collect();
    listed.sort_unstable();
    assert_eq!(listed, endpoints);
}
