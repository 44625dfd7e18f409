//! The pages under `/org/{org_id}/async`: the qualifier list, a qualifier's dashboard (pools with
//! the runs left, start a run, my runs), the run page (Ready → 10-second countdown → live timer,
//! Finish / Forfeit with confirmation, then VOD and notes or a review request), the leaderboard,
//! pools and permalinks, player and permalink histories, the review queue, settings and the audit
//! log. Every page creates its resources and actions at its top, outside any suspense; clocks
//! tick in the browser from the server's instants and decide nothing.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::{Outlet, ParentRoute, Route},
    hooks::{use_navigate, use_params_map},
    ParamSegment, StaticSegment,
};
use sdk::{
    ui::{
        time::LocalTime, Badge, Button, ButtonKind, Card, Checkbox, EmptyState, ErrorNotice,
        FormError, PageHeader, Pager, SkeletonRows, SuccessNotice, Tabs, TextArea, TextField, Tone,
        TABLE, TD, TH,
    },
    Error,
};

use crate::{
    api::{
        audit_log, dashboard, get_qualifier, get_race, leaderboard, list_pools, list_qualifiers,
        list_races, my_rights, review_queue, CreatePermalink, CreatePool, CreateQualifier,
        FinishRun, ForfeitRun, PostDiscordEmbed, ReadyRun, ReattemptRace, Recalculate,
        RequestReview, ReviewRace, StartRun, SubmitVod, UpdateQualifier,
    },
    model::{Qualifier, Race, RaceStatus, ReviewStatus, Rights},
    rules::{hms, COUNTDOWN_MS, NOTES_MAX},
    time::parse_rfc3339,
};

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment("") view=Outlet>
            <Route path=StaticSegment("") view=ListPage/>
            <Route path=StaticSegment("new") view=NewQualifierPage/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id")) view=DashboardPage/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("leaderboard")) view=LeaderboardPage/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("pools")) view=PoolsPage/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("review")) view=ReviewPage/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("admin")) view=AdminPage/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("audit")) view=AuditPage/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("player"), ParamSegment("user_id")) view=PlayerPage/>
            <Route path=(StaticSegment("q"), ParamSegment("qualifier_id"), StaticSegment("permalink"), ParamSegment("permalink_id")) view=PermalinkPage/>
            <Route path=(StaticSegment("race"), ParamSegment("race_id")) view=RunPage/>
        </ParentRoute>
    }
    .into_inner()
}

fn param(name: &'static str) -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|p| p.get(name).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
    })
}

const LINK: &str = "text-indigo-600 hover:underline dark:text-indigo-400";
const PRIMARY_LINK: &str = "inline-flex items-center rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500";

fn base(org: i64) -> String {
    format!("/org/{org}/async")
}

/// An RFC 3339 instant from the API in the viewer's time zone (profile or browser), or "—".
fn when(text: &Option<String>) -> AnyView {
    match text.as_deref().and_then(parse_rfc3339) {
        Some(epoch_ms) => view! { <LocalTime epoch_ms/> }.into_any(),
        None => "—".into_any(),
    }
}

fn seconds(value: Option<f64>) -> String {
    value.map(hms).unwrap_or_else(|| "—".into())
}

fn score_text(value: Option<f64>, decimals: usize) -> String {
    value
        .map(|s| format!("{s:.decimals$}"))
        .unwrap_or_else(|| "—".into())
}

fn status_badge(status: RaceStatus) -> impl IntoView {
    let tone = match status {
        RaceStatus::Pending => Tone::Warning,
        RaceStatus::InProgress => Tone::Accent,
        RaceStatus::Finished => Tone::Good,
        RaceStatus::Forfeit | RaceStatus::Disqualified => Tone::Bad,
    };
    view! { <Badge tone>{status.label()}</Badge> }
}

fn review_badge(status: ReviewStatus) -> impl IntoView {
    match status {
        ReviewStatus::Pending => view! { <Badge>"Review pending"</Badge> }.into_any(),
        ReviewStatus::Accepted => view! { <Badge tone=Tone::Good>"Accepted"</Badge> }.into_any(),
        ReviewStatus::Rejected => view! { <Badge tone=Tone::Bad>"Rejected"</Badge> }.into_any(),
    }
}

/// The qualifier's title and tabs (only the tabs the caller may use).
fn header(q: &Qualifier, rights: Rights, current: &str) -> impl IntoView {
    let root = format!("{}/q/{}", base(q.org_id), q.id);
    let mut tabs = vec![
        (root.clone(), "Dashboard".to_string()),
        (format!("{root}/leaderboard"), "Leaderboard".to_string()),
        (format!("{root}/pools"), "Pools".to_string()),
    ];
    if rights.review {
        tabs.push((format!("{root}/review"), "Review queue".to_string()));
    }
    if rights.manage {
        tabs.push((format!("{root}/admin"), "Settings".to_string()));
    }
    if rights.audit {
        tabs.push((format!("{root}/audit"), "Audit log".to_string()));
    }
    let current = if current.is_empty() {
        root
    } else {
        format!("{root}/{current}")
    };
    let (active, hidden) = (q.is_active, q.hide_results);
    view! {
        <Title text=q.name.clone()/>
        <PageHeader title=q.name.clone() subtitle=q.description.clone()>
            <div class="flex gap-2">
                {if active {
                    view! { <Badge tone=Tone::Good>"Open"</Badge> }.into_any()
                } else {
                    view! { <Badge>"Closed"</Badge> }.into_any()
                }}
                {hidden.then(|| view! { <Badge tone=Tone::Warning>"Results hidden"</Badge> })}
            </div>
        </PageHeader>
        <Tabs tabs current/>
    }
}

// ---------------------------------------------------------------------------------------------
// List and create

#[component]
fn ListPage() -> impl IntoView {
    let org_id = param("org_id");
    let before = RwSignal::new(None::<i64>);
    let list = Resource::new(
        move || (org_id.get(), before.get()),
        |(org, before)| list_qualifiers(org, sdk::page::PageRequest::after(before)),
    );
    let rights = Resource::new(move || org_id.get(), my_rights);
    view! {
        <Title text="Async qualifiers"/>
        <Suspense fallback=|| view! { <SkeletonRows rows=5/> }>
            {move || Suspend::new(async move {
                let org = org_id.get_untracked();
                match (list.await, rights.await) {
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(page), Ok(rights)) => { let next = page.next_before_id; let list = page.items; view! {
                        <PageHeader title="Async qualifiers" subtitle="Run the seeds on your own time; scores compare your time with the par of each seed.">
                            {rights.create.then(|| view! { <a id="new-qualifier" class=PRIMARY_LINK href=format!("{}/new", base(org))>"New qualifier"</a> })}
                        </PageHeader>
                        {if list.is_empty() {
                            view! { <EmptyState title="No qualifiers yet" detail="When the organizers open a qualifier, it appears here."/> }.into_any()
                        } else {
                            view! {
                                <div class="overflow-x-auto">
                                <table class=TABLE id="qualifier-list">
                                    <thead><tr><th class=TH>"Qualifier"</th><th class=TH>"Status"</th><th class=TH>"Runs per pool"</th><th class=TH>"Reattempts"</th></tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|q| view! {
                                            <tr>
                                                <td class=TD>
                                                    <a class=LINK href=format!("{}/q/{}", base(org), q.id)>{q.name.clone()}</a>
                                                    <div class="text-xs text-slate-500 dark:text-slate-400">{q.description.clone()}</div>
                                                </td>
                                                <td class=TD>{if q.is_active { view! { <Badge tone=Tone::Good>"Open"</Badge> }.into_any() } else { view! { <Badge>"Closed"</Badge> }.into_any() }}</td>
                                                <td class=TD>{q.runs_per_pool}</td>
                                                <td class=TD>{reattempts_text(q.max_reattempts)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                                <Pager before next/>
                            }.into_any()
                        }}
                    }.into_any() }
                }
            })}
        </Suspense>
    }
}

fn reattempts_text(max: i64) -> String {
    match max {
        n if n < 0 => "unlimited".into(),
        0 => "none".into(),
        n => n.to_string(),
    }
}

#[component]
fn NewQualifierPage() -> impl IntoView {
    let org_id = param("org_id");
    let create = ServerAction::<CreateQualifier>::new();
    let update = ServerAction::<UpdateQualifier>::new();
    view! {
        <Title text="New qualifier"/>
        <PageHeader title="New async qualifier"/>
        <QualifierForm org=org_id.get_untracked() existing=None create update/>
    }
}

/// Create or edit a qualifier.
#[component]
fn QualifierForm(
    org: i64,
    existing: Option<Qualifier>,
    create: ServerAction<CreateQualifier>,
    update: ServerAction<UpdateQualifier>,
) -> impl IntoView {
    let id = existing.as_ref().map(|q| q.id);
    let get = |f: fn(&Qualifier) -> String, default: &str| {
        RwSignal::new(
            existing
                .as_ref()
                .map(f)
                .unwrap_or_else(|| default.to_string()),
        )
    };
    let name = get(|q| q.name.clone(), "");
    let description = get(|q| q.description.clone(), "");
    let runs = get(|q| q.runs_per_pool.to_string(), "1");
    let reattempts = get(|q| q.max_reattempts.to_string(), "-1");
    let channel = get(|q| q.discord_channel_id.clone().unwrap_or_default(), "");
    let active = RwSignal::new(existing.as_ref().is_none_or(|q| q.is_active));
    let hide = RwSignal::new(existing.as_ref().is_some_and(|q| q.hide_results));
    let racetime = RwSignal::new(existing.as_ref().is_some_and(|q| q.require_racetime));
    let local_error = RwSignal::new(None::<Error>);
    let error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| create.value().get().and_then(|r| r.err()))
            .or_else(|| update.value().get().and_then(|r| r.err()))
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(q)) = create.value().get() {
            navigate(&format!("{}/q/{}", base(org), q.id), Default::default());
        }
    });
    let saved = Signal::derive(move || matches!(update.value().get(), Some(Ok(_))));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let number = |field: &str, text: String| {
            text.trim()
                .parse::<i64>()
                .map_err(|_| Error::invalid(field, "Enter a whole number."))
        };
        let (runs_per_pool, max_reattempts) = match (
            number("runs_per_pool", runs.get_untracked()),
            number("max_reattempts", reattempts.get_untracked()),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                local_error.set(Some(e));
                return;
            }
        };
        let channel = Some(channel.get_untracked()).filter(|c| !c.trim().is_empty());
        match id {
            None => {
                create.dispatch(CreateQualifier {
                    org_id: org,
                    name: name.get_untracked(),
                    description: description.get_untracked(),
                    runs_per_pool,
                    max_reattempts,
                    hide_results: hide.get_untracked(),
                    is_active: active.get_untracked(),
                    discord_channel_id: channel,
                    require_racetime: racetime.get_untracked(),
                });
            }
            Some(qualifier_id) => {
                update.dispatch(UpdateQualifier {
                    org_id: org,
                    qualifier_id,
                    name: name.get_untracked(),
                    description: description.get_untracked(),
                    runs_per_pool,
                    max_reattempts,
                    hide_results: hide.get_untracked(),
                    is_active: active.get_untracked(),
                    discord_channel_id: channel,
                    require_racetime: racetime.get_untracked(),
                });
            }
        }
    };
    let busy = Signal::derive(move || create.pending().get() || update.pending().get());
    view! {
        <form id="qualifier-form" class="grid max-w-2xl gap-4" on:submit=submit>
            <TextField label="Name" name="name" value=name error required=true/>
            <TextArea label="Description" name="description" value=description error/>
            <div class="grid gap-4 sm:grid-cols-2">
                <TextField label="Runs per pool" name="runs_per_pool" value=runs error input_type="number" help="How many seeds of each pool count for every player (1 to 20)."/>
                <TextField label="Reattempts" name="max_reattempts" value=reattempts error input_type="number" help="-1 unlimited, 0 none, or the most a player may use."/>
            </div>
            <TextField label="Discord channel id" name="discord_channel_id" value=channel error help="Optional: where the qualifier's embed and timeout warnings go (digits)."/>
            <Checkbox label="Open for runs" name="is_active" checked=active/>
            <Checkbox label="Hide results while open (managers still see them)" name="hide_results" checked=hide/>
            <Checkbox label="Require a linked RaceTime.gg account" name="require_racetime" checked=racetime/>
            <FormError error fields=&["name", "description", "runs_per_pool", "max_reattempts", "discord_channel_id"]/>
            <Show when=move || saved.get()><SuccessNotice message="Saved."/></Show>
            <div><Button button_type="submit" busy>{if id.is_some() { "Save" } else { "Create qualifier" }}</Button></div>
        </form>
    }
}

// ---------------------------------------------------------------------------------------------
// Dashboard

#[component]
fn DashboardPage() -> impl IntoView {
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

#[component]
fn RacesTable(races: Vec<Race>, org: i64, show_runner: bool) -> impl IntoView {
    if races.is_empty() {
        return view! { <p class="text-sm text-slate-500">"No runs yet."</p> }.into_any();
    }
    view! {
        <div class="overflow-x-auto">
        <table class=TABLE>
            <thead><tr>
                <th class=TH>"Run"</th>
                {show_runner.then(|| view! { <th class=TH>"Runner"</th> })}
                <th class=TH>"Pool"</th><th class=TH>"Status"</th><th class=TH>"Time"</th><th class=TH>"Score"</th>
            </tr></thead>
            <tbody>
                {races.into_iter().map(|r| view! {
                    <tr>
                        <td class=TD><a class=LINK href=format!("{}/race/{}", base(org), r.id)>{format!("#{}", r.id)}</a>
                            {r.reattempted.then(|| view! { " " <Badge>"Reattempted"</Badge> })}</td>
                        {show_runner.then(|| view! { <td class=TD><a class=LINK href=format!("{}/q/{}/player/{}", base(org), r.qualifier_id, r.user_id)>{r.display_name.clone()}</a></td> })}
                        <td class=TD>{r.pool_name.clone()}</td>
                        <td class=TD>{status_badge(r.status)}</td>
                        <td class=TD>{seconds(r.elapsed_seconds)}</td>
                        <td class=TD>{score_text(r.score, 3)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------------
// The run

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
fn RunPage() -> impl IntoView {
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
    let start_ms = r.start_time.as_deref().and_then(parse_rfc3339);
    let server_now = parse_rfc3339(&r.server_now).unwrap_or_default();
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
                    <dt class="text-slate-500">"Opened"</dt><dd>{when(&Some(r.opened_at.clone()))}</dd>
                    <dt class="text-slate-500">"Started"</dt><dd>{when(&r.start_time)}</dd>
                    <dt class="text-slate-500">"Ended"</dt><dd>{when(&r.end_time)}</dd>
                    <dt class="text-slate-500">"Score"</dt><dd id="run-score">{score_text(r.score, 3)}</dd>
                </dl>
                {r.results_hidden.then(|| view! { <p id="results-hidden" class="mt-3 text-sm text-slate-500">"This qualifier hides others' results until it closes."</p> }.into_any())}
            </Card>
            <Card title="Clock">
                {match r.status {
                    RaceStatus::Pending => view! {
                        <p class="mb-3 text-sm text-slate-600 dark:text-slate-300">
                            {format!("Open the seed, get ready, then press Ready: the clock starts {} seconds later. A run not started by ", COUNTDOWN_MS / 1000)}
                            {when(&Some(r.timeout_at.clone()))}" is forfeited."
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

// ---------------------------------------------------------------------------------------------
// Leaderboard, pools, histories

/// Loads the qualifier and the caller's rights (every qualifier page shows them in its header).
type QualifierResources = (
    Resource<Result<Qualifier, Error>>,
    Resource<Result<Rights, Error>>,
);

fn qualifier_resources(org_id: Memo<i64>, qualifier_id: Memo<i64>) -> QualifierResources {
    (
        Resource::new(
            move || (org_id.get(), qualifier_id.get()),
            |(org, q)| get_qualifier(org, q),
        ),
        Resource::new(move || org_id.get(), my_rights),
    )
}

#[component]
fn LeaderboardPage() -> impl IntoView {
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

#[component]
fn PoolsPage() -> impl IntoView {
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
                                                            <td class=TD>{when(&l.par_updated_at)}</td>
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

#[component]
fn PlayerPage() -> impl IntoView {
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
fn PermalinkPage() -> impl IntoView {
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

// ---------------------------------------------------------------------------------------------
// Review, settings, audit

#[component]
fn ReviewPage() -> impl IntoView {
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

#[component]
fn AdminPage() -> impl IntoView {
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
fn AuditPage() -> impl IntoView {
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
                                        <td class=TD>{when(&Some(e.at.clone()))}</td>
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
