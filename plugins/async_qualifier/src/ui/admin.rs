//! The qualifier's settings (with posting it to Discord) and its audit log.

use super::qualifiers::QualifierForm;
use super::*;

#[component]
pub(super) fn AdminPage() -> impl IntoView {
    let org_id = param("org_id");
    let qualifier_id = param("qualifier_id");
    let (qualifier, rights) = qualifier_resources(org_id, qualifier_id);
    let create = ServerAction::<CreateQualifier>::new();
    let update = ServerAction::<UpdateQualifier>::new();
    let recalc = ServerAction::<Recalculate>::new();
    let post = ServerAction::<PostDiscordEmbed>::new();
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=8/> }>
            {move || Suspend::new(async move {
                match (qualifier.await, rights.await) {
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(q), Ok(rights)) if !rights.manage => view! {
                        {header(&q, rights, "admin")}
                        <ErrorNotice error=Error::forbidden("Only the qualifier's managers change its settings.")/>
                    }.into_any(),
                    (Ok(q), Ok(rights)) => {
                        let (org, qid) = (q.org_id, q.id);
                        view! {
                            {header(&q, rights, "admin")}
                            <div class="grid gap-4 lg:grid-cols-3">
                                <div class="lg:col-span-2"><QualifierForm org existing=Some(q.clone()) create update/></div>
                                {rights.recalculate.then(|| view! {
                                    <Card title="Scores">
                                        <p class="mb-3 text-sm text-slate-600 dark:text-slate-300">"Par times and scores are recomputed after every finish, forfeit, reattempt and corrected time, and every hour. Recompute now if you changed runs by hand."</p>
                                        <Button id="recalculate" kind=ButtonKind::Secondary busy=recalc.pending() on_click=Callback::new(move |_| { recalc.dispatch(Recalculate { org_id: org, qualifier_id: qid }); })>"Recalculate scores"</Button>
                                        {move || recalc.value().get().map(|r| match r {
                                            Ok(n) => view! { <SuccessNotice message=format!("Recalculated: {n} seed(s) with a par.")/> }.into_any(),
                                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                                        })}
                                    </Card>
                                })}
                                <Card title="Discord">
                                    <p class="mb-3 text-sm text-slate-600 dark:text-slate-300">"Posts the qualifier with its Start New Async Run button in the Discord channel set above. Each run gets a private thread with Ready, Finish, Forfeit and Get Timer buttons."</p>
                                    <Button id="post-discord" kind=ButtonKind::Secondary busy=post.pending() on_click=Callback::new(move |_| { post.dispatch(PostDiscordEmbed { org_id: org, qualifier_id: qid }); })>"Post to Discord"</Button>
                                    {move || post.value().get().map(|r| match r {
                                        Ok(_) => view! { <SuccessNotice message="Posted in the qualifier's channel."/> }.into_any(),
                                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
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

#[component]
pub(super) fn AuditPage() -> impl IntoView {
    let org_id = param("org_id");
    let qualifier_id = param("qualifier_id");
    let (qualifier, rights) = qualifier_resources(org_id, qualifier_id);
    let before = RwSignal::new(None::<i64>);
    let entries = Resource::new(
        move || (org_id.get(), qualifier_id.get(), before.get()),
        |(org, q, before)| audit_log(org, q, sdk::page::PageRequest::after(before)),
    );
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=8/> }>
            {move || Suspend::new(async move {
                match (qualifier.await, rights.await, entries.await) {
                    (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(q), Ok(rights), Ok(entries)) => view! {
                        {header(&q, rights, "audit")}
                        <div class="overflow-x-auto">
                        <table class=TABLE id="audit-log">
                            <thead><tr><th class=TH>"When"</th><th class=TH>"Who"</th><th class=TH>"What"</th><th class=TH>"Details"</th></tr></thead>
                            <tbody>
                                {entries.items.into_iter().map(|e| view! {
                                    <tr>
                                        <td class=TD>{when(Some(e.at))}</td>
                                        <td class=TD>{e.username.clone().unwrap_or_else(|| "system".into())}</td>
                                        <td class=TD><code>{e.action.trim_start_matches("async_qualifier.").to_string()}</code></td>
                                        <td class=format!("{TD} font-mono text-xs")>{e.details.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                        <Pager before next=entries.next_before_id/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
