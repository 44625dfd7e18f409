//! The qualifier list, and creating a qualifier (the settings form, shared with the settings page).

use super::*;

#[component]
pub(super) fn ListPage() -> impl IntoView {
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

#[component]
pub(super) fn NewQualifierPage() -> impl IntoView {
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
pub(super) fn QualifierForm(
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
