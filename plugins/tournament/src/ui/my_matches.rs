//! My matches: the ones the viewer plays or crews, and their private calendar feed.

use leptos::prelude::*;
use sdk::{
    page::PageRequest,
    ui::{EmptyState, ErrorNotice, Pager, SkeletonRows},
};

use crate::api::{list_matches, my_rights};

use super::{calendar::*, rows::*, *};

#[component]
pub(super) fn MyMatchesPage() -> impl IntoView {
    let org_id = param("org_id");
    let actions = RowActions::new();
    let rights = Resource::new(move || org_id.get(), my_rights);
    let (reset, feeds) = my_feed_state(move || org_id.get());
    let before = RwSignal::new(None::<i64>);
    let matches = Resource::new(
        move || (org_id.get(), actions.version(), before.get()),
        |(org, _, before)| {
            list_matches(
                org,
                None,
                None,
                None,
                None,
                None,
                true,
                PageRequest::after(before),
            )
        },
    );
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                let org = org_id.get_untracked();
                match rights.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(rights) => view! {
                        {header(org, rights, "My matches".into(), "mine")}
                        <div class="mt-4 grid gap-6 lg:grid-cols-[1fr_22rem]">
                            <div class="space-y-4" id="my-matches">
                                {move || actions.error().map(|error| view! { <ErrorNotice error/> })}
                                <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
                                    {move || matches.get().map(|result| match result {
                                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                                        Ok(page) if page.items.is_empty() => view! {
                                            <EmptyState title="No matches for you yet" detail="Matches you play in or crew appear here."/>
                                        }.into_any(),
                                        Ok(page) => view! {
                                            {upcoming_and_past(page.items, rights, actions)}
                                            <Pager before next=page.next_before_id/>
                                        }.into_any(),
                                    })}
                                </Transition>
                            </div>
                            <aside>
                                <MyFeed org reset feeds/>
                            </aside>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
