//! The standings (hidden while the qualifier hides results from the caller).

use super::*;

#[component]
pub(super) fn LeaderboardPage() -> impl IntoView {
    let org_id = param("org_id");
    let qualifier_id = param("qualifier_id");
    let (qualifier, rights) = qualifier_resources(org_id, qualifier_id);
    let board = Resource::new(
        move || (org_id.get(), qualifier_id.get()),
        |(org, q)| leaderboard(org, q),
    );
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=10/> }>
            {move || Suspend::new(async move {
                match (qualifier.await, rights.await, board.await) {
                    (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(q), Ok(rights), Ok(board)) => {
                        let org = q.org_id;
                        let qid = q.id;
                        view! {
                            {header(&q, rights, "leaderboard")}
                            {if board.hidden {
                                view! { <EmptyState title="Results are hidden" detail="The organizers show the leaderboard when the qualifier closes."/> }.into_any()
                            } else if board.entries.is_empty() {
                                view! { <EmptyState title="Nobody has run yet" detail="Be the first: start a run from the dashboard."/> }.into_any()
                            } else {
                                view! {
                                    <div class="overflow-x-auto">
                                    <table class=TABLE id="leaderboard">
                                        <thead><tr><th class=TH>"Rank"</th><th class=TH>"Player"</th><th class=TH>"Score"</th><th class=TH>"Estimate"</th><th class=TH>"Finished"</th><th class=TH>"Forfeited"</th><th class=TH>"Unplayed"</th></tr></thead>
                                        <tbody>
                                            {board.entries.into_iter().map(|e| {
                                                let medal = match e.rank { 1 => "🥇 ", 2 => "🥈 ", 3 => "🥉 ", _ => "" };
                                                view! {
                                                    <tr>
                                                        <td class=TD><span aria-hidden="true">{medal}</span>{e.rank}</td>
                                                        <td class=TD><a class=LINK href=format!("{}/q/{qid}/player/{}", base(org), e.user_id)>{e.display_name.clone()}</a></td>
                                                        <td class=format!("{TD} font-semibold tabular-nums")>{format!("{:.1}", e.score)}</td>
                                                        <td class=format!("{TD} tabular-nums")>{format!("{:.1}", e.estimate)}</td>
                                                        <td class=TD>{e.finished}</td>
                                                        <td class=TD>{e.forfeited}</td>
                                                        <td class=TD>{e.unattempted}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    </div>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
