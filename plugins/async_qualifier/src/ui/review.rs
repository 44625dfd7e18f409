//! The review queue: accept or reject finished runs, optionally correcting the time.

use super::*;

#[component]
pub(super) fn ReviewPage() -> impl IntoView {
    let org_id = param("org_id");
    let qualifier_id = param("qualifier_id");
    let (qualifier, rights) = qualifier_resources(org_id, qualifier_id);
    let decide = ServerAction::<ReviewRace>::new();
    let before = RwSignal::new(None::<i64>);
    let queue = Resource::new(
        move || {
            (
                org_id.get(),
                qualifier_id.get(),
                decide.version().get(),
                before.get(),
            )
        },
        |(org, q, _, before)| review_queue(org, q, sdk::page::PageRequest::after(before)),
    );
    let error = Signal::derive(move || decide.value().get().and_then(|r| r.err()));
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match (qualifier.await, rights.await, queue.await) {
                    (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(q), Ok(rights), Ok(page)) => {
                        let org = q.org_id;
                        let next = page.next_before_id;
                        let queue = page.items;
                        view! {
                            {header(&q, rights, "review")}
                            <FormError error fields=&["elapsed_override_seconds"]/>
                            {queue.is_empty().then(|| view! { <EmptyState title="Nothing to review" detail="Finished runs appear here, newest first."/> })}
                            <div class="grid gap-4">
                                {queue.into_iter().map(|r| {
                                    let id = r.id;
                                    let notes = RwSignal::new(String::new());
                                    let correction = RwSignal::new(String::new());
                                    let send = move |status: ReviewStatus| {
                                        let text = correction.get_untracked();
                                        let elapsed_override_seconds = if text.trim().is_empty() { None } else { Some(parse_duration(&text).unwrap_or(-1.0)) };
                                        decide.dispatch(ReviewRace { org_id: org, race_id: id, status, notes: notes.get_untracked(), elapsed_override_seconds });
                                    };
                                    view! {
                                        <Card title=format!("Run #{id} · {} · {}", r.display_name, r.pool_name)>
                                            <div class="mb-2 flex flex-wrap gap-2 text-sm">
                                                <span class="font-mono">{seconds(r.elapsed_seconds)}</span>
                                                <span>{format!("score {}", score_text(r.score, 3))}</span>
                                                {r.review_requested.then(|| view! { <Badge tone=Tone::Warning>"Runner asked for review"</Badge> })}
                                            </div>
                                            {(!r.review_request_reason.is_empty()).then(|| view! { <p class="mb-2 text-sm">{format!("Reason: {}", r.review_request_reason)}</p> })}
                                            {(!r.runner_vod_url.is_empty()).then(|| view! { <p class="mb-2 text-sm"><a class=LINK href=r.runner_vod_url.clone() target="_blank" rel="noopener">"VOD"</a></p> })}
                                            {(!r.runner_notes.is_empty()).then(|| view! { <p class="mb-2 whitespace-pre-wrap text-sm">{r.runner_notes.clone()}</p> })}
                                            <div class="grid gap-2 sm:grid-cols-2">
                                                <TextArea label="Reviewer notes" name="notes" value=notes rows=2/>
                                                <TextField label="Corrected time (optional)" name="elapsed_override_seconds" value=correction error help="H:MM:SS or seconds; sets start = end − this and recomputes scores."/>
                                            </div>
                                            <div class="mt-3 flex gap-2">
                                                <Button busy=decide.pending() on_click=Callback::new(move |_| send(ReviewStatus::Accepted))>"Accept"</Button>
                                                <Button kind=ButtonKind::Danger busy=decide.pending() on_click=Callback::new(move |_| send(ReviewStatus::Rejected))>"Reject"</Button>
                                            </div>
                                        </Card>
                                    }
                                }).collect_view()}
                            </div>
                            <Pager before next/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// `1:30:00`, `90:00` or `5400` as seconds.
pub fn parse_duration(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    let mut total = 0.0;
    for part in &parts {
        let n: f64 = part.trim().parse().ok()?;
        total = total * 60.0 + n;
    }
    (parts.len() <= 3).then_some(total)
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_as_seconds() {
        assert_eq!(super::parse_duration("1:30:00"), Some(5400.0));
        assert_eq!(super::parse_duration("90:00"), Some(5400.0));
        assert_eq!(super::parse_duration(" 5400 "), Some(5400.0));
        assert_eq!(super::parse_duration("x"), None);
        assert_eq!(super::parse_duration("1:2:3:4"), None);
    }
}
