//! Racer verification (`/org/{org_id}/racetime/verification`, `racetime:verify`): the
//! organization's verifications with a form to create or change one, and the results of the
//! one picked — each linked member's count, whether they qualify, whether the Discord role was
//! given, when they were checked and why a check failed — with "Check everyone now". Everything
//! goes through `api::verification`; the server checks again.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use sdk::{
    page::PageRequest,
    ui::{
        time::LocalTime, Badge, Button, ButtonKind, Card, Checkbox, EmptyState, ErrorNotice,
        FormError, Pager, SkeletonRows, SuccessNotice, TextArea, TextField, Tone, TABLE, TD, TH,
    },
};

use crate::{
    api::{
        verification_results, verifications, DeleteVerification, RunVerification, SaveVerification,
        VerifyMe,
    },
    model::{Verification, VerificationInput, VerificationResult},
    rules::verification::parse_categories,
};

const FIELDS: &[&str] = &[
    "name",
    "categories",
    "min_races",
    "window_days",
    "discord_role_id",
    "racetime",
];

/// What a new verification's minimum starts at.
const DEFAULT_MIN_RACES: &str = "10";

fn org_param() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("org_id").and_then(|v| v.parse().ok()).unwrap_or(0)))
}

/// What the counting rule says, in words, for the list.
fn describe(v: &Verification) -> String {
    let mut counted = vec!["finished"];
    if v.count_forfeits {
        counted.push("forfeited");
    }
    if v.count_dq {
        counted.push("disqualified");
    }
    let window = v
        .window_days
        .map(|d| format!(" in the last {d} days"))
        .unwrap_or_default();
    format!(
        "{} {} races in {}{window}",
        v.min_races,
        counted.join(" or "),
        v.categories.join(", ")
    )
}

/// The verification form's fields.
#[derive(Clone, Copy)]
struct Form {
    editing: RwSignal<Option<i64>>,
    name: RwSignal<String>,
    categories: RwSignal<String>,
    min_races: RwSignal<String>,
    count_forfeits: RwSignal<bool>,
    count_dq: RwSignal<bool>,
    window_days: RwSignal<String>,
    discord_role_id: RwSignal<String>,
    is_active: RwSignal<bool>,
}

impl Form {
    fn new() -> Self {
        Self {
            editing: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            categories: RwSignal::new(String::new()),
            min_races: RwSignal::new(DEFAULT_MIN_RACES.into()),
            count_forfeits: RwSignal::new(false),
            count_dq: RwSignal::new(false),
            window_days: RwSignal::new(String::new()),
            discord_role_id: RwSignal::new(String::new()),
            is_active: RwSignal::new(true),
        }
    }

    fn fill(&self, v: &Verification) {
        self.editing.set(Some(v.id));
        self.name.set(v.name.clone());
        self.categories.set(v.categories.join(", "));
        self.min_races.set(v.min_races.to_string());
        self.count_forfeits.set(v.count_forfeits);
        self.count_dq.set(v.count_dq);
        self.window_days
            .set(v.window_days.map(|d| d.to_string()).unwrap_or_default());
        self.discord_role_id.set(v.discord_role_id.clone());
        self.is_active.set(v.is_active);
    }

    fn clear(&self) {
        self.editing.set(None);
        self.name.set(String::new());
        self.categories.set(String::new());
        self.min_races.set(DEFAULT_MIN_RACES.into());
        self.count_forfeits.set(false);
        self.count_dq.set(false);
        self.window_days.set(String::new());
        self.discord_role_id.set(String::new());
        self.is_active.set(true);
    }

    /// The input as typed; numbers that are not numbers go to the server as 0, which names
    /// the field.
    fn input(&self) -> VerificationInput {
        let window = self.window_days.get_untracked();
        VerificationInput {
            name: self.name.get_untracked(),
            categories: parse_categories(&self.categories.get_untracked()),
            min_races: self.min_races.get_untracked().trim().parse().unwrap_or(0),
            count_forfeits: self.count_forfeits.get_untracked(),
            count_dq: self.count_dq.get_untracked(),
            window_days: if window.trim().is_empty() {
                None
            } else {
                Some(window.trim().parse().unwrap_or(0))
            },
            discord_role_id: self.discord_role_id.get_untracked(),
            is_active: self.is_active.get_untracked(),
        }
    }
}

#[component]
fn Results(results: Vec<VerificationResult>) -> impl IntoView {
    if results.is_empty() {
        return view! {
            <EmptyState title="Nobody checked yet"/>
        }
        .into_any();
    }
    view! {
        <table class=TABLE id="racetime-verification-results">
            <thead><tr>
                <th class=TH>"Member"</th><th class=TH>"Races"</th><th class=TH>"Qualifies"</th>
                <th class=TH>"Role"</th><th class=TH>"Checked"</th>
            </tr></thead>
            <tbody>
                {results.into_iter().map(|r| {
                    let error = r.last_error.clone().map(|e| view! { <p class="text-xs text-rose-600" role="alert">{e}</p> });
                    view! {
                        <tr data-user=r.user_id data-qualified=r.qualified.to_string()>
                            <td class=TD>{r.user_name.clone()}<p class="text-xs text-slate-500">{r.racetime_id.clone()}</p>{error}</td>
                            <td class=TD>{r.race_count}</td>
                            <td class=TD>{if r.qualified {
                                view! { <Badge tone=Tone::Good>"Yes"</Badge> }.into_any()
                            } else {
                                view! { <Badge tone=Tone::Neutral>"Not yet"</Badge> }.into_any()
                            }}</td>
                            <td class=TD>{if r.role_granted { "Given" } else { "—" }}</td>
                            <td class=TD><LocalTime epoch_ms=r.checked_at/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn VerificationPage() -> impl IntoView {
    let org_id = org_param();
    let save = ServerAction::<SaveVerification>::new();
    let delete = ServerAction::<DeleteVerification>::new();
    let run = ServerAction::<RunVerification>::new();
    let me = ServerAction::<VerifyMe>::new();
    let list = Resource::new(
        move || (org_id.get(), save.version().get(), delete.version().get()),
        |(org, ..)| verifications(org),
    );
    // The verification whose results are shown.
    let shown = RwSignal::new(None::<i64>);
    // The results page shown (`sdk::page`): members a page at a time.
    let before = RwSignal::new(None::<i64>);
    // Another verification's results start at their first page.
    Effect::new(move |_| {
        shown.track();
        before.set(None);
    });
    let results = Resource::new(
        move || {
            (
                org_id.get(),
                shown.get(),
                before.get(),
                run.version().get(),
                me.version().get(),
            )
        },
        |(org, shown, before, ..)| async move {
            match shown {
                Some(id) => verification_results(org, id, PageRequest::after(before))
                    .await
                    .map(Some),
                None => Ok(None),
            }
        },
    );
    let form = Form::new();
    let form_error = Signal::derive(move || {
        save.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| delete.value().get().and_then(|r| r.err()))
    });
    let saved = Signal::derive(move || matches!(save.value().get(), Some(Ok(_))));
    // A saved verification is the one shown (and edited) next.
    Effect::new(move |_| {
        if let Some(Ok(v)) = save.value().get() {
            shown.set(Some(v.id));
            form.editing.set(Some(v.id));
        }
    });
    let run_error = Signal::derive(move || {
        run.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| me.value().get().and_then(|r| r.err()))
    });
    let run_summary = Signal::derive(move || {
        run.value().get().and_then(Result::ok).map(|r| {
            format!(
                "Checked {} member(s): {} qualify, {} role(s) given, {} could not be checked, {} left for the next run.",
                r.checked, r.qualified, r.granted, r.failed, r.remaining
            )
        })
    });

    view! {
        <div class="grid gap-4 md:grid-cols-2">
            <Card title="Racer verifications">
                <Transition fallback=|| view! { <SkeletonRows rows=2/> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(all) if all.is_empty() => view! { <EmptyState title="No racer verification yet"/> }.into_any(),
                            Ok(all) => view! {
                                <table class=TABLE id="racetime-verifications">
                                    <thead><tr><th class=TH>"Verification"</th><th class=TH>"Counts"</th><th class=TH></th></tr></thead>
                                    <tbody>{all.into_iter().map(|v| {
                                        let id = v.id;
                                        let edit = v.clone();
                                        view! {
                                            <tr data-verification=id>
                                                <td class=TD>
                                                    {v.name.clone()}
                                                    {(!v.is_active).then(|| view! { <span class="ml-2"><Badge tone=Tone::Warning>"Off"</Badge></span> })}
                                                    <p class="text-xs text-slate-500">{format!("Role {}", v.discord_role_id)}</p>
                                                </td>
                                                <td class=TD>{describe(&v)}</td>
                                                <td class=TD>
                                                    <div class="flex flex-wrap gap-2">
                                                        <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| shown.set(Some(id)))>"Results"</Button>
                                                        <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { form.fill(&edit); shown.set(Some(id)); })>"Edit"</Button>
                                                        <Button kind=ButtonKind::Danger busy=delete.pending() on_click=Callback::new(move |_| {
                                                            delete.dispatch(DeleteVerification { org_id: org_id.get_untracked(), verification_id: id });
                                                            if shown.get_untracked() == Some(id) { shown.set(None); }
                                                            if form.editing.get_untracked() == Some(id) { form.clear(); }
                                                        })>"Delete"</Button>
                                                    </div>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}</tbody>
                                </table>
                            }.into_any(),
                        }
                    })}
                </Transition>
                <form id="racetime-verification" class="mt-4 flex flex-col gap-3" on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(SaveVerification {
                        org_id: org_id.get_untracked(),
                        verification: form.input(),
                        verification_id: form.editing.get_untracked(),
                    });
                }>
                    <TextField label="Name" name="name" value=form.name error=form_error required=true/>
                    <TextArea label="racetime.gg categories (slugs, separated by commas)" name="categories" value=form.categories error=form_error rows=2 help="As in the category's racetime.gg address, e.g. alttpr, smz3."/>
                    <TextField label="Minimum races (1–1000)" name="min_races" value=form.min_races error=form_error input_type="number"/>
                    <Checkbox label="Forfeits count" name="count_forfeits" checked=form.count_forfeits/>
                    <Checkbox label="Disqualifications count" name="count_dq" checked=form.count_dq/>
                    <TextField label="Only races of the last … days" name="window_days" value=form.window_days error=form_error input_type="number" help="Empty: races of any age count."/>
                    <TextField label="Discord role id" name="discord_role_id" value=form.discord_role_id error=form_error placeholder="123456789012345678" help="Given in this organization's linked Discord servers to members who qualify."/>
                    <Checkbox label="Active (checked every hour)" name="is_active" checked=form.is_active/>
                    <FormError error=form_error fields=FIELDS/>
                    <Show when=move || saved.get()><SuccessNotice message="Saved."/></Show>
                    <div class="flex gap-2">
                        <Button button_type="submit" busy=save.pending()>
                            {move || if form.editing.get().is_some() { "Save changes" } else { "Add verification" }}
                        </Button>
                        <Show when=move || form.editing.get().is_some()>
                            <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| form.clear())>"New verification"</Button>
                        </Show>
                    </div>
                </form>
            </Card>
            <Card title="Results">
                <div class="mb-3 flex flex-wrap gap-2">
                    <Button id="racetime-verification-run" busy=run.pending() on_click=Callback::new(move |_| {
                        if let Some(id) = shown.get_untracked() {
                            run.dispatch(RunVerification { org_id: org_id.get_untracked(), verification_id: id });
                        }
                    })>"Check everyone now"</Button>
                    <Button kind=ButtonKind::Secondary busy=me.pending() on_click=Callback::new(move |_| {
                        me.dispatch(VerifyMe { org_id: org_id.get_untracked() });
                    })>"Check me"</Button>
                </div>
                {move || run_summary.get().map(|message| view! { <SuccessNotice message/> })}
                <FormError error=run_error/>
                <Transition fallback=|| view! { <SkeletonRows rows=3/> }>
                    {move || Suspend::new(async move {
                        match results.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(None) => view! { <EmptyState title="Pick a verification to see its results"/> }.into_any(),
                            Ok(Some(page)) => {
                                let next = page.next_before_id;
                                view! { <Results results=page.items/><Pager before next/> }.into_any()
                            }
                        }
                    })}
                </Transition>
            </Card>
        </div>
    }
}
