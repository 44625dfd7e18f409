//! The calendar links the API hands out.

use super::*;

/// Calendar links point at the feeds: the tournament's public one (it opted in), and a private
/// one only in the answer that made it; managers give the public one a new address.
async fn check_calendar_links_point_at_the_feeds(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let l = w.standard_league().await;
    let links = w
        .call(&l.ada, || api::calendar_links(org, false))
        .await
        .unwrap();
    assert_eq!(links.public.len(), 1, "{links:?}");
    let public = &links.public[0];
    let token = public
        .url
        .strip_prefix("http://sahabot.test/p/tournament/calendar/")
        .and_then(|rest| rest.strip_suffix(".ics"))
        .unwrap();
    assert_eq!(
        token.len(),
        43,
        "a random token, not the org id: {}",
        public.url
    );
    assert_eq!((links.my_url, links.my_url_created_at), (None, None));
    let made = w
        .call(&l.ada, || api::calendar_links(org, true))
        .await
        .unwrap();
    let my_url = made.my_url.expect("shown once");
    assert!(my_url.starts_with(&format!("http://sahabot.test/p/tournament/calendar/{org}/")));
    assert!(my_url.ends_with(".ics"));
    assert!(made.my_url_created_at.is_some());
    let again = w
        .call(&l.ada, || api::calendar_links(org, false))
        .await
        .unwrap();
    assert_eq!(again.my_url, None, "never shown again");
    assert!(again.my_url_created_at.is_some());
    let rotated = w
        .call(&w.admin, || {
            api::rotate_public_feed(org, public.tournament_id)
        })
        .await
        .unwrap();
    assert_ne!(rotated.url, public.url);
}
both_backends!(
    calendar_links_point_at_the_feeds,
    check_calendar_links_point_at_the_feeds
);
