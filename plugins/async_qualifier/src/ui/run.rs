//! The run page: Ready → 10-second countdown → live clock, Finish / Forfeit with confirmation,
//! then the VOD and notes or a review request. The clock ticks from the server's instants.

use super::*;

/// The run page's actions, created by the page.
#[derive(Clone, Copy)]
struct RunActions {
    ready: ServerAction<ReadyRun>,
    finish: ServerAction<FinishRun>,
    forfeit: ServerAction<ForfeitRun>,
    vod: ServerAction<SubmitVod>,
    review: ServerAction<RequestReview>,
    reattempt: ServerAction<ReattemptRace>,
}

impl RunActions {
    fn error(&self) -> Option<Error> {
        self.ready
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| self.finish.value().get().and_then(|r| r.err()))
            .or_else(|| self.forfeit.value().get().and_then(|r| r.err()))
            .or_else(|| self.reattempt.value().get().and_then(|r| r.err()))
    }

    fn version(&self) -> usize {
        self.ready.version().get()
            + self.finish.version().get()
            + self.forfeit.version().get()
            + self.vod.version().get()
            + self.review.version().get()
            + self.reattempt.version().get()
    }
}

#[component]
pub(super) fn RunPage() -> impl IntoView {
    let org_id = param("org_id");
    let race_id = param("race_id");
    let actions = RunActions {
        ready: ServerAction::new(),
        finish: ServerAction::new(),
        forfeit: ServerAction::new(),
        vod: ServerAction::new(),
        review: ServerAction::new(),
        reattempt: ServerAction::new(),
    };
    let race = Resource::new(
        move || (org_id.get(), race_id.get(), actions.version()),
        |(org, id, _)| get_race(org, id),
    );
    view! {
        <Title text="Async run"/>
        {move || actions.error().map(|error| view! { <ErrorNotice error/> })}
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match race.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(r) => view! { <RunView r org=org_id.get_untracked() actions/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RunView(r: Race, org: i64, actions: RunActions) -> impl IntoView {
    let id = r.id;
    let confirming = RwSignal::new(None::<&'static str>);
    let start_ms = r.start_time;
    let server_now = r.server_now;
    let mine = r.own;
    let RunActions {
        ready,
        finish,
        forfeit,
        vod,
        review,
        reattempt,
    } = actions;
    let vod_url = RwSignal::new(r.runner_vod_url.clone());
    let notes = RwSignal::new(r.runner_notes.clone());
    let reason = RwSignal::new(String::new());
    let vod_error = Signal::derive(move || vod.value().get().and_then(|r| r.err()));
    let review_error = Signal::derive(move || review.value().get().and_then(|r| r.err()));
    let confirm_bar = move |what: &'static str, label: &'static str, go: Callback<()>| {
        view! {
            <Show when=move || confirming.get() == Some(what)>
                <div class="mt-3 flex flex-wrap items-center gap-2 rounded-md bg-slate-100 p-3 text-sm dark:bg-slate-900" role="alertdialog">
                    <span>{label}</span>
                    <Button kind=ButtonKind::Danger id=format!("confirm-{what}") on_click=go>"Yes"</Button>
                    <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| confirming.set(None))>"No"</Button>
                </div>
            </Show>
        }
    };
    view! {
        <PageHeader title=format!("Run #{id}") subtitle=format!("{} · {}", r.pool_name, r.display_name)>
            <div class="flex gap-2">{status_badge(r.status)}{r.reattempted.then(|| view! { <Badge>"Reattempted"</Badge> })}</div>
        </PageHeader>
        <div class="grid gap-4 lg:grid-cols-2">
            <Card title="Seed">
                {match r.permalink_url.clone() {
                    Some(url) => view! { <a id="permalink" class=LINK href=url.clone() target="_blank" rel="noopener">{url.clone()}</a> }.into_any(),
                    None => view! { <p class="text-sm text-slate-500">"Only the runner, reviewers and organizers see the seed."</p> }.into_any(),
                }}
                <dl class="mt-3 grid grid-cols-2 gap-1 text-sm">
                    <dt class="text-slate-500">"Opened"</dt><dd>{when(Some(r.opened_at))}</dd>
                    <dt class="text-slate-500">"Started"</dt><dd>{when(r.start_time)}</dd>
                    <dt class="text-slate-500">"Ended"</dt><dd>{when(r.end_time)}</dd>
                    <dt class="text-slate-500">"Score"</dt><dd id="run-score">{score_text(r.score, 3)}</dd>
                </dl>
                {r.results_hidden.then(|| view! { <p id="results-hidden" class="mt-3 text-sm text-slate-500">"This qualifier hides others' results until it closes."</p> }.into_any())}
            </Card>
            <Card title="Clock">
                {match r.status {
                    RaceStatus::Pending => view! {
                        <p class="mb-3 text-sm text-slate-600 dark:text-slate-300">
                            {format!("Open the seed, get ready, then press Ready: the clock starts {} seconds later. A run not started by ", COUNTDOWN_MS / 1000)}
                            {when(Some(r.timeout_at))}" is forfeited."
                        </p>
                        {mine.then(|| view! {
                            <div class="flex gap-2">
                                <Button id="ready" busy=ready.pending() on_click=Callback::new(move |_| { ready.dispatch(ReadyRun { org_id: org, race_id: id }); })>"Ready"</Button>
                                <Button kind=ButtonKind::Danger on_click=Callback::new(move |_| confirming.set(Some("forfeit")))>"Forfeit"</Button>
                            </div>
                        })}
                    }.into_any(),
                    RaceStatus::InProgress => view! {
                        <LiveClock start_ms=start_ms.unwrap_or(server_now) server_now/>
                        {mine.then(|| view! {
                            <div class="mt-4 flex gap-2">
                                <Button id="finish" on_click=Callback::new(move |_| confirming.set(Some("finish")))>"Finish"</Button>
                                <Button kind=ButtonKind::Danger id="forfeit" on_click=Callback::new(move |_| confirming.set(Some("forfeit")))>"Forfeit"</Button>
                            </div>
                        })}
                    }.into_any(),
                    _ => view! {
                        <p class="font-mono text-4xl tabular-nums" id="final-time">{seconds(r.elapsed_seconds)}</p>
                    }.into_any(),
                }}
                {confirm_bar("finish", "Finish the run now?", Callback::new(move |_| { confirming.set(None); finish.dispatch(FinishRun { org_id: org, race_id: id }); }))}
                {confirm_bar("forfeit", "Forfeit this run? It scores 0.", Callback::new(move |_| { confirming.set(None); forfeit.dispatch(ForfeitRun { org_id: org, race_id: id }); }))}
            </Card>
        </div>
        {(mine && !r.status.is_live()).then(|| view! {
            <div class="mt-4 grid gap-4 lg:grid-cols-2">
                <Card title="VOD and notes">
                    <form id="vod-form" class="grid gap-3" on:submit=move |ev| {
                        ev.prevent_default();
                        vod.dispatch(SubmitVod { org_id: org, race_id: id, vod_url: vod_url.get_untracked(), notes: notes.get_untracked() });
                    }>
                        <TextField label="VOD link" name="vod_url" value=vod_url error=vod_error placeholder="https://www.twitch.tv/videos/…"/>
                        <TextArea label="Notes" name="notes" value=notes error=vod_error help=format!("At most {NOTES_MAX} characters.")/>
                        <FormError error=vod_error fields=&["vod_url", "notes"]/>
                        <Show when=move || matches!(vod.value().get(), Some(Ok(_)))><SuccessNotice message="Saved."/></Show>
                        <div><Button button_type="submit" busy=vod.pending()>"Save"</Button></div>
                    </form>
                </Card>
                <Card title="Review">
                    <div class="mb-3 flex flex-wrap gap-2">{review_badge(r.review_status)}
                        {r.review_requested.then(|| view! { <Badge tone=Tone::Warning>"Review requested"</Badge> })}</div>
                    {(!r.reviewer_notes.is_empty()).then(|| view! { <p class="mb-3 text-sm">{format!("{}: {}", r.reviewed_by.clone().unwrap_or_default(), r.reviewer_notes)}</p> })}
                    {(r.status == RaceStatus::Finished && !r.reattempted).then(|| view! {
                        <form id="review-request-form" class="grid gap-3" on:submit=move |ev| {
                            ev.prevent_default();
                            review.dispatch(RequestReview { org_id: org, race_id: id, reason: reason.get_untracked() });
                        }>
                            <TextArea label="Ask for a review" name="reason" value=reason error=review_error help="Say what the reviewers should look at (a timer problem, a crash…)."/>
                            <FormError error=review_error fields=&["reason"]/>
                            <div><Button button_type="submit" kind=ButtonKind::Secondary busy=review.pending()>"Request review"</Button></div>
                        </form>
                    })}
                    {(!r.reattempted).then(|| view! {
                        <div class="mt-4 border-t border-slate-200 pt-3 dark:border-slate-700">
                            <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| confirming.set(Some("reattempt")))>"Reattempt this pool"</Button>
                            {confirm_bar("reattempt", "Give up this run and run the pool again on another seed?", Callback::new(move |_| { confirming.set(None); reattempt.dispatch(ReattemptRace { org_id: org, race_id: id }); }))}
                        </div>
                    })}
                </Card>
            </div>
        })}
    }
}

/// The countdown to the start, then the running time, from server instants. The browser's clock
/// is corrected by the server's `now` at load; it only displays.
#[component]
fn LiveClock(start_ms: i64, server_now: i64) -> impl IntoView {
    let offset = server_now - sdk::time::now_ms();
    let now = RwSignal::new(server_now);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || now.set(sdk::time::now_ms() + offset),
            std::time::Duration::from_millis(250),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        {move || {
            let t = now.get();
            if t < start_ms {
                view! {
                    <p class="text-sm text-slate-500">"Starting in"</p>
                    <p class="font-mono text-6xl tabular-nums" id="countdown" aria-live="polite">{((start_ms - t) + 999) / 1000}</p>
                }.into_any()
            } else {
                view! {
                    <p class="text-sm text-slate-500">"Running"</p>
                    <p class="font-mono text-5xl tabular-nums" id="timer">{hms((t - start_ms) as f64 / 1000.0)}</p>
                }.into_any()
            }
        }}
    }
}
