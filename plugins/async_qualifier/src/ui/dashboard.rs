//! A qualifier's dashboard: its pools with the runs left, starting a run, the caller's runs.

use super::*;

#[component]
pub(super) fn DashboardPage() -> impl IntoView {
    let org_id = param("org_id");
    let qualifier_id = param("qualifier_id");
    let start = ServerAction::<StartRun>::new();
    let board = Resource::new(
        move || (org_id.get(), qualifier_id.get(), start.version().get()),
        |(org, q, _)| dashboard(org, q),
    );
    let rights = Resource::new(move || org_id.get(), my_rights);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(run)) = start.value().get() {
            navigate(
                &format!("{}/race/{}", base(org_id.get_untracked()), run.race_id),
                Default::default(),
            );
        }
    });
    view! {
        {move || start.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
        <Suspense fallback=|| view! { <SkeletonRows rows=8/> }>
            {move || Suspend::new(async move {
                match (board.await, rights.await) {
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(d), Ok(rights)) => {
                        let org = org_id.get_untracked();
                        let q = d.qualifier.clone();
                        let can_start = d.can_start.clone();
                        let live = d.my_races.iter().find(|r| r.status.is_live()).map(|r| r.id);
                        view! {
                            {header(&q, rights, "")}
                            <div class="grid gap-4 lg:grid-cols-2">
                                <Card title="Start a run">
                                    {match (&can_start, live) {
                                        (_, Some(race)) => view! {
                                            <p class="text-sm">"You have a run waiting. "
                                                <a id="continue-run" class=LINK href=format!("{}/race/{race}", base(org))>"Continue it"</a></p>
                                        }.into_any(),
                                        (Err(reason), None) => view! { <p class="text-sm text-slate-600 dark:text-slate-300">{reason.clone()}</p> }.into_any(),
                                        (Ok(()), None) => view! {
                                            <p class="mb-3 text-sm text-slate-600 dark:text-slate-300">
                                                "Choose a pool. You get a random seed you have not played; after Ready a 10-second countdown starts the clock."
                                            </p>
                                            <ul class="flex flex-col gap-2" id="pool-chooser">
                                                {d.pools.iter().map(|p| {
                                                    let (pool_id, left) = (p.id, p.remaining_runs);
                                                    view! {
                                                        <li class="flex items-center justify-between gap-3">
                                                            <span>{p.name.clone()}" "<span class="text-xs text-slate-500">{format!("{left} run{} left", if left == 1 { "" } else { "s" })}</span></span>
                                                            {(left > 0).then(|| view! {
                                                                <Button busy=start.pending() on_click=Callback::new(move |_| { start.dispatch(StartRun { org_id: org, qualifier_id: q.id, pool_id }); })>"Start run"</Button>
                                                            })}
                                                        </li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                        }.into_any(),
                                    }}
                                    <p class="mt-3 text-xs text-slate-500">{format!("Reattempts used: {} of {}", d.reattempts_used, reattempts_text(q.max_reattempts))}</p>
                                </Card>
                                <Card title="My runs">
                                    <RacesTable races=d.my_races.clone() org show_runner=false/>
                                    {d.my_races.first().map(|r| view! {
                                        <a class=format!("{LINK} text-sm") href=format!("{}/q/{}/player/{}", base(org), q.id, r.user_id)>"History and reattempts"</a>
                                    })}
                                </Card>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
