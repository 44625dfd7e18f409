//! Histories: a player's runs (with reattempts), and the runs of one permalink.

use super::*;

#[component]
pub(super) fn PlayerPage() -> impl IntoView {
    let org_id = param("org_id");
    let qualifier_id = param("qualifier_id");
    let user_id = param("user_id");
    let (qualifier, rights) = qualifier_resources(org_id, qualifier_id);
    let before = RwSignal::new(None::<i64>);
    let races = Resource::new(
        move || {
            (
                org_id.get(),
                qualifier_id.get(),
                user_id.get(),
                before.get(),
            )
        },
        |(org, q, user, before)| {
            list_races(
                org,
                q,
                Some(user),
                None,
                sdk::page::PageRequest::after(before),
            )
        },
    );
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match (qualifier.await, rights.await, races.await) {
                    (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(q), Ok(rights), Ok(page)) => {
                        let (races, next) = (page.items, page.next_before_id);
                        let name = races.first().map(|r| r.display_name.clone()).unwrap_or_else(|| "Player".into());
                        view! {
                            {header(&q, rights, "")}
                            <h2 class="mb-3 text-lg font-semibold">{format!("Runs of {name}")}</h2>
                            <p class="mb-3 text-sm text-slate-500">"Open a finished or forfeited run of your own to reattempt it."</p>
                            <RacesTable races org=q.org_id show_runner=false/>
                            <Pager before next/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub(super) fn PermalinkPage() -> impl IntoView {
    let org_id = param("org_id");
    let qualifier_id = param("qualifier_id");
    let permalink_id = param("permalink_id");
    let (qualifier, rights) = qualifier_resources(org_id, qualifier_id);
    let before = RwSignal::new(None::<i64>);
    let races = Resource::new(
        move || {
            (
                org_id.get(),
                qualifier_id.get(),
                permalink_id.get(),
                before.get(),
            )
        },
        |(org, q, link, before)| {
            list_races(
                org,
                q,
                None,
                Some(link),
                sdk::page::PageRequest::after(before),
            )
        },
    );
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match (qualifier.await, rights.await, races.await) {
                    (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(q), Ok(rights), Ok(page)) => view! {
                        {header(&q, rights, "pools")}
                        <h2 class="mb-3 text-lg font-semibold">{format!("Runs of seed #{}", permalink_id.get_untracked())}</h2>
                        <RacesTable races=page.items org=q.org_id show_runner=true/>
                        <Pager before next=page.next_before_id/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
