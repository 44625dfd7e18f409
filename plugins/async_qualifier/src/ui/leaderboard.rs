//! The standings (hidden while the qualifier hides results from the caller), a hundred ranks
//! at a time.

use super::*;
use crate::model::LEADERBOARD_PAGE;

#[component]
pub(super) fn LeaderboardPage() -> impl IntoView {
    let org_id = param("org_id");
    let qualifier_id = param("qualifier_id");
    let (qualifier, rights) = qualifier_resources(org_id, qualifier_id);
    // The first rank shown.
    let from_rank = RwSignal::new(1u32);
    let board = Resource::new(
        move || (org_id.get(), qualifier_id.get(), from_rank.get()),
        |(org, q, from)| leaderboard(org, q, Some(from), Some(LEADERBOARD_PAGE)),
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
                                    <RankPager from_rank total=board.total/>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// "Ranks 101–200 of 500" with the pages before and after, when there is more than one.
#[component]
fn RankPager(from_rank: RwSignal<u32>, total: u32) -> impl IntoView {
    let from = from_rank.get_untracked();
    let last = total.min(from.saturating_add(LEADERBOARD_PAGE - 1));
    (total > LEADERBOARD_PAGE).then(|| {
        view! {
            <nav class="mt-3 flex flex-wrap items-center gap-2" aria-label="Ranks">
                <span class="text-sm text-slate-500 dark:text-slate-400" id="leaderboard-ranks">{format!("Ranks {from}–{last} of {total}")}</span>
                {(from > 1).then(|| view! {
                    <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| from_rank.set(from.saturating_sub(LEADERBOARD_PAGE).max(1)))>
                        "← Better ranks"
                    </Button>
                })}
                {(last < total).then(|| view! {
                    <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| from_rank.set(last + 1))>
                        "Next ranks →"
                    </Button>
                })}
            </nav>
        }
    })
}
