//! Pools and their permalinks (par, play counts; seeds for managers), adding pools and seeds.

use super::*;

#[component]
pub(super) fn PoolsPage() -> impl IntoView {
    let org_id = param("org_id");
    let qualifier_id = param("qualifier_id");
    let (qualifier, rights) = qualifier_resources(org_id, qualifier_id);
    let add_pool = ServerAction::<CreatePool>::new();
    let add_link = ServerAction::<CreatePermalink>::new();
    let before = RwSignal::new(None::<i64>);
    let pools = Resource::new(
        move || {
            (
                org_id.get(),
                qualifier_id.get(),
                add_pool.version().get() + add_link.version().get(),
                before.get(),
            )
        },
        |(org, q, _, before)| list_pools(org, q, sdk::page::PageRequest::after(before)),
    );
    let pool_name = RwSignal::new(String::new());
    let pool_error = Signal::derive(move || add_pool.value().get().and_then(|r| r.err()));
    let link_error = Signal::derive(move || add_link.value().get().and_then(|r| r.err()));
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=8/> }>
            {move || Suspend::new(async move {
                match (qualifier.await, rights.await, pools.await) {
                    (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(q), Ok(rights), Ok(page)) => {
                        let (org, qid) = (q.org_id, q.id);
                        let next = page.next_before_id;
                        let pools = page.items;
                        view! {
                            {header(&q, rights, "pools")}
                            {pools.is_empty().then(|| view! { <EmptyState title="No pools yet" detail="Managers add pools and their seeds here."/> })}
                            <div class="grid gap-4">
                                {pools.into_iter().map(|p| {
                                    let pool_id = p.id;
                                    let url = RwSignal::new(String::new());
                                    let notes = RwSignal::new(String::new());
                                    view! {
                                        <Card title=p.name.clone()>
                                            <div class="overflow-x-auto">
                                            <table class=TABLE>
                                                <thead><tr><th class=TH>"Seed"</th><th class=TH>"Par"</th><th class=TH>"Par computed"</th><th class=TH>"Plays"</th></tr></thead>
                                                <tbody>
                                                    {p.permalinks.into_iter().map(|l| view! {
                                                        <tr>
                                                            <td class=TD>
                                                                <a class=LINK href=format!("{}/q/{qid}/permalink/{}", base(org), l.id)>{format!("Seed #{}", l.id)}</a>
                                                                {(!l.url.is_empty()).then(|| view! { <div class="text-xs"><a class=LINK href=l.url.clone() target="_blank" rel="noopener">{l.url.clone()}</a></div> })}
                                                            </td>
                                                            <td class=format!("{TD} tabular-nums")>{seconds(l.par_time)}</td>
                                                            <td class=TD>{when(l.par_updated_at)}</td>
                                                            <td class=TD>{l.play_count}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                            </div>
                                            {rights.manage.then(|| view! {
                                                <form class="mt-3 grid gap-2 sm:grid-cols-3 sm:items-end" on:submit=move |ev| {
                                                    ev.prevent_default();
                                                    add_link.dispatch(CreatePermalink { org_id: org, pool_id, url: url.get_untracked(), notes: notes.get_untracked() });
                                                }>
                                                    <TextField label="Seed link" name="url" value=url error=link_error placeholder="https://alttpr.com/h/…"/>
                                                    <TextField label="Notes" name="notes" value=notes error=link_error/>
                                                    <div><Button button_type="submit" kind=ButtonKind::Secondary busy=add_link.pending()>"Add seed"</Button></div>
                                                </form>
                                            })}
                                        </Card>
                                    }
                                }).collect_view()}
                            </div>
                            <Pager before next/>
                            {rights.manage.then(|| view! {
                                <Card title="New pool" class="mt-4">
                                    <form id="pool-form" class="flex flex-wrap items-end gap-3" on:submit=move |ev| {
                                        ev.prevent_default();
                                        add_pool.dispatch(CreatePool { org_id: org, qualifier_id: qid, name: pool_name.get_untracked(), description: String::new() });
                                    }>
                                        <TextField label="Pool name" name="name" value=pool_name error=pool_error/>
                                        <Button button_type="submit" busy=add_pool.pending()>"Add pool"</Button>
                                    </form>
                                    <FormError error=pool_error fields=&["name"]/>
                                </Card>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
