//! The calendar feed cards: the public feeds on the schedule, a tournament's public feed (with a
//! new address for managers), and the member's private feed on My matches — whose address is
//! shown once, right after it is made, because the server keeps only its hash.

use leptos::prelude::*;
use sdk::ui::{Button, ButtonKind, Card, ErrorNotice};

use super::{LINK, MUTED};
use crate::{
    api::{calendar_links, CalendarLinks, RotatePublicFeed},
    model::CalendarFeeds,
};

const INPUT: &str = "mt-2 w-full rounded border border-slate-300 bg-transparent px-2 py-1 text-xs dark:border-slate-600";

/// The public feeds of the organization's open tournaments (schedule page).
#[component]
pub fn ScheduleFeeds(feeds: Resource<Result<CalendarFeeds, sdk::Error>>) -> impl IntoView {
    view! {
        <Card title="Calendar">
            <Suspense fallback=|| ()>
                {move || feeds.get().map(|result| match result {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(links) => view! {
                    {if links.public.is_empty() {
                        view! { <p class="text-sm">"No tournament publishes a calendar feed."</p> }.into_any()
                    } else {
                        view! {
                            <p class="text-sm">"Add a tournament's schedule to your calendar app:"</p>
                            <ul class="mt-1 grid gap-1 text-sm">
                                {links.public.into_iter().map(|f| view! {
                                    <li><a id=format!("public-feed-{}", f.tournament_id) class=LINK href=f.url>{format!("{} (.ics)", f.tournament_name)}</a></li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <p class=format!("mt-2 {MUTED}")>"Your own matches have a private feed under My matches."</p>
                    }.into_any(),
                })}
            </Suspense>
        </Card>
    }
}

/// A tournament's public feed address, and for managers a button that replaces it.
#[component]
pub fn TournamentFeed(
    org: i64,
    tournament_id: i64,
    manage: bool,
    rotate: ServerAction<RotatePublicFeed>,
    feeds: Resource<Result<CalendarFeeds, sdk::Error>>,
) -> impl IntoView {
    view! {
        <Card title="Public calendar">
            <Suspense fallback=|| ()>
                {move || feeds.get().map(|result| match result.map(|links| links.public.into_iter().find(|f| f.tournament_id == tournament_id)) {
                    Ok(Some(feed)) => view! {
                        <p class="text-sm">"Anyone with this address sees the scheduled matches' times, titles and players."</p>
                        <input id="public-feed" class=INPUT readonly aria-label="Public calendar link" value=feed.url/>
                    }.into_any(),
                    Ok(None) => view! { <p class="text-sm">"This tournament publishes no calendar feed."</p> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                })}
            </Suspense>
            {manage.then(|| view! {
                <div class="mt-2">
                    <Button id="rotate-public-feed" kind=ButtonKind::Secondary busy=rotate.pending() on_click=Callback::new(move |_| { rotate.dispatch(RotatePublicFeed { org_id: org, tournament_id }); })>"New address"</Button>
                </div>
                <p class=format!("mt-1 {MUTED}")>"The old address stops working."</p>
            })}
            {move || rotate.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
        </Card>
    }
}

/// The member's private feed: made (or replaced) on request and shown only then. The page makes
/// `reset` and `feeds` before its own Suspense (see [`my_feed_state`]): made inside it, they did not
/// hydrate.
#[component]
pub fn MyFeed(
    org: i64,
    reset: ServerAction<CalendarLinks>,
    feeds: Resource<Result<CalendarFeeds, sdk::Error>>,
) -> impl IntoView {
    let fresh = move || {
        reset
            .value()
            .get()
            .and_then(|r| r.ok())
            .and_then(|l| l.my_url)
    };
    view! {
        <Card title="Your calendar">
            <p class="text-sm">"Your matches, for your calendar app. Keep the link private; make a new one if it leaks (the old one then stops working)."</p>
            // One Suspense whose content follows both the feed state and a just-made link: a
            // closure switching between a Suspense and plain nodes does not hydrate.
            <Suspense fallback=|| ()>
                {move || feeds.get().map(|result| match (result, fresh()) {
                    (_, Some(url)) => view! {
                        <input id="my-feed" class=INPUT readonly aria-label="Private calendar link" value=url/>
                        <p class=format!("mt-1 {MUTED}")>"Copy it now: it is shown only once."</p>
                    }.into_any(),
                    (Err(error), None) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(links), None) => match links.my_url_created_at {
                        Some(_) => view! { <p id="my-feed-exists" class=format!("mt-2 {MUTED}")>"You have a private link. It was shown when you made it; make a new one if you lost it."</p> }.into_any(),
                        None => view! { <p id="my-feed-none" class=format!("mt-2 {MUTED}")>"You have no private link yet."</p> }.into_any(),
                    },
                })}
            </Suspense>
            <div class="mt-2">
                <Button id="new-feed" kind=ButtonKind::Secondary busy=reset.pending() on_click=Callback::new(move |_| { reset.dispatch(CalendarLinks { org_id: org, reset: true }); })>"Make a new private link"</Button>
            </div>
            {move || reset.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
        </Card>
    }
}

/// The organization's public feeds, for [`ScheduleFeeds`]: made before the page's Suspense.
pub fn schedule_feed_state(
    org: impl Fn() -> i64 + Send + Sync + 'static,
) -> Resource<Result<CalendarFeeds, sdk::Error>> {
    Resource::new(org, |org| calendar_links(org, false))
}

/// The action that gives a tournament's public feed a new address and the feeds it refreshes,
/// for [`TournamentFeed`]: made before the page's Suspense.
pub fn tournament_feed_state(
    org: impl Fn() -> i64 + Send + Sync + 'static,
) -> (
    ServerAction<RotatePublicFeed>,
    Resource<Result<CalendarFeeds, sdk::Error>>,
) {
    let rotate = ServerAction::<RotatePublicFeed>::new();
    let feeds = Resource::new(
        move || (org(), rotate.version().get()),
        |(org, _)| calendar_links(org, false),
    );
    (rotate, feeds)
}

/// The action that makes a new private link and the feed state it refreshes, for [`MyFeed`].
pub fn my_feed_state(
    org: impl Fn() -> i64 + Send + Sync + 'static,
) -> (
    ServerAction<CalendarLinks>,
    Resource<Result<CalendarFeeds, sdk::Error>>,
) {
    let reset = ServerAction::<CalendarLinks>::new();
    let feeds = Resource::new(
        move || (org(), reset.version().get()),
        |(org, _)| calendar_links(org, false),
    );
    (reset, feeds)
}
