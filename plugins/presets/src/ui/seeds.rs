//! Rolling seeds and the organization's seed history (`/org/{org_id}/presets/seeds`).
//!
//! [`RollSeed`] is the roll form — randomizer (or a fixed one: each randomizer plugin's page
//! shows this form for its own), preset or namespace, spoiler — with a progress state while the
//! randomizer's site works, and the result as a [`SeedCard`]: the link with a copy button, the
//! file-select code by icon name, the spoiler for those allowed, and what it was rolled for (a
//! link to the match). The history below lists every roll, searchable, newest first.
//!
//! `?seed=<id>` shows that one seed's card at the top, so other pages (a match's "Seed #N in the
//! seed history") link to a single seed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use sdk::{
    page::PageRequest,
    ui::{
        Badge, Button, ButtonKind, Checkbox, EmptyState, ErrorNotice, FormError, Pager, Select,
        SkeletonRows, TextField, Tone, TABLE, TD, TH,
    },
};

use super::{param, LINK};
use crate::{
    api::{get_seed, get_spoiler, list_randomizers, list_seeds, release_spoiler, roll_seed},
    model::{SeedRoll, SeedUse},
};

/// The roll form. `randomizer`: roll only this one (no choice shown).
#[component]
pub fn RollSeed(
    org_id: Memo<i64>,
    #[prop(optional)] randomizer: Option<&'static str>,
    /// Called with each seed rolled (the history reloads on it).
    #[prop(optional)]
    on_rolled: Option<Callback<SeedRoll>>,
) -> impl IntoView {
    let chosen = RwSignal::new(randomizer.unwrap_or_default().to_string());
    let namespace = RwSignal::new(String::new());
    let preset = RwSignal::new(String::new());
    let spoiler = RwSignal::new(false);
    let randomizers = Resource::new(|| (), |_| list_randomizers());
    let options = Signal::derive(move || {
        let mut list = vec![(String::new(), "Choose a randomizer".to_string())];
        if let Some(Ok(all)) = randomizers.get() {
            list.extend(
                all.into_iter()
                    .filter(|r| r.can_roll)
                    .map(|r| (r.id, r.name)),
            );
        }
        list
    });
    let roll = Action::new(
        move |(org, randomizer, namespace, preset, spoiler): &(
            i64,
            String,
            String,
            String,
            bool,
        )| {
            let namespace = (!namespace.trim().is_empty()).then(|| namespace.clone());
            roll_seed(
                *org,
                randomizer.clone(),
                namespace,
                Some(preset.clone()),
                None,
                *spoiler,
                false,
            )
        },
    );
    let result = roll.value();
    Effect::new(move |_| {
        if let (Some(Ok(seed)), Some(cb)) = (result.get(), on_rolled) {
            cb.run(seed);
        }
    });
    let error = Signal::derive(move || result.get().and_then(Result::err));
    view! {
        <form id="roll-seed" class="grid gap-3 sm:grid-cols-5 sm:items-end" on:submit=move |ev| {
            ev.prevent_default();
            roll.dispatch((
                org_id.get_untracked(),
                chosen.get_untracked(),
                namespace.get_untracked(),
                preset.get_untracked(),
                spoiler.get_untracked(),
            ));
        }>
            {randomizer.is_none().then(|| view! {
                <Select label="Randomizer" name="randomizer" value=chosen options/>
            })}
            <TextField label="Namespace" name="namespace" value=namespace placeholder="empty: a global preset"/>
            <TextField label="Preset" name="preset" value=preset placeholder="e.g. open"/>
            <Checkbox label="Keep a spoiler log" name="spoiler" checked=spoiler/>
            <div>
                <Button id="roll-button" button_type="submit" busy=roll.pending()>"Roll"</Button>
            </div>
        </form>
        <Show when=move || roll.pending().get()>
            <p id="roll-progress" class="mt-3 text-sm text-slate-600 dark:text-slate-300" role="status">
                "Rolling on the randomizer's site… this can take up to a minute."
            </p>
        </Show>
        <div class="mt-3"><FormError error/></div>
        {move || result.get().and_then(Result::ok).map(|seed| view! {
            <div class="mt-4"><SeedCard org_id=org_id.get_untracked() seed/></div>
        })}
    }
}

/// One rolled seed: link, code, spoiler. Its element ids start with `ids` (`seed-card`,
/// `seed-url`, …), so two cards on a page (the linked seed and a new roll) keep them unique.
#[component]
pub fn SeedCard(
    org_id: i64,
    seed: SeedRoll,
    #[prop(default = "seed")] ids: &'static str,
) -> impl IntoView {
    let seed_id = seed.id;
    let released = RwSignal::new(seed.spoiler_released);
    let toggle = Action::new(move |release: &bool| release_spoiler(org_id, seed_id, *release));
    Effect::new(move |_| {
        if let Some(Ok(updated)) = toggle.value().get() {
            released.set(updated.spoiler_released);
        }
    });
    let show_log = Action::new(move |_: &()| get_spoiler(org_id, seed_id));
    let url = seed.url.clone();
    let copy = format!(
        "navigator.clipboard.writeText({}); this.textContent = 'Copied';",
        serde_json::to_string(&seed.url).unwrap_or_default()
    );
    let code = seed.file_select_code.clone().unwrap_or_default();
    let spoiler_link = seed.spoiler_url.clone();
    let stored_log = seed.has_spoiler_log && (seed.can_release || seed.spoiler_released);
    view! {
        <div id=format!("{ids}-card") class="rounded-lg border border-slate-200 p-4 dark:border-slate-700">
            <div class="flex flex-wrap items-center gap-2">
                <a id=format!("{ids}-url") class=LINK href=url.clone() target="_blank" rel="noopener">{url.clone()}</a>
                <button type="button" class="rounded border border-slate-300 px-2 py-0.5 text-xs dark:border-slate-600" onclick=copy>"Copy"</button>
                <Badge>{seed.randomizer.clone()}</Badge>
                {seed.mystery.then(|| view! { <Badge tone=Tone::Accent>"Mystery"</Badge> })}
            </div>
            {seed.used_for.as_ref().map(|used_for| view! {
                <p class="mt-2 text-sm" id=format!("{ids}-used-for")>{used_for_view(used_for)}</p>
            })}
            {seed.hash.clone().map(|hash| view! {
                <p class="mt-2 text-sm">"Hash: " <code id=format!("{ids}-hash")>{hash}</code></p>
            })}
            {(!code.is_empty()).then(|| view! {
                <div class="mt-2 flex flex-wrap gap-1" id=format!("{ids}-code") aria-label="File-select code">
                    {code.into_iter().map(|icon| view! { <Badge tone=Tone::Neutral>{icon}</Badge> }).collect_view()}
                </div>
            })}
            <div class="mt-2 flex flex-wrap items-center gap-2 text-sm">
                {spoiler_link.map(|link| view! {
                    <a id=format!("{ids}-spoiler") class=LINK href=link target="_blank" rel="noopener">"Spoiler log"</a>
                })}
                {stored_log.then(|| view! {
                    <Button id=format!("{ids}-spoiler-log") kind=ButtonKind::Secondary busy=show_log.pending()
                        on_click=Callback::new(move |_| { show_log.dispatch(()); })>"Show the spoiler log"</Button>
                })}
                {(seed.has_spoiler && seed.can_release).then(|| view! {
                    <Button id=format!("{ids}-release") kind=ButtonKind::Secondary busy=toggle.pending()
                        on_click=Callback::new(move |_| { toggle.dispatch(!released.get_untracked()); })>
                        {move || if released.get() { "Hide the spoiler again" } else { "Release the spoiler to everyone" }}
                    </Button>
                })}
                {(seed.has_spoiler && !seed.can_release && !seed.spoiler_released).then(|| view! {
                    <span class="text-slate-500 dark:text-slate-400">"The spoiler is shown once the organization releases it."</span>
                })}
            </div>
            {move || show_log.value().get().map(|answer| match answer {
                Ok(log) => view! {
                    <pre id=format!("{ids}-spoiler-text") class="mt-2 max-h-96 overflow-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-900">
                        {serde_json::to_string_pretty(&log).unwrap_or_default()}
                    </pre>
                }.into_any(),
                Err(error) => view! { <ErrorNotice error/> }.into_any(),
            })}
        </div>
    }
}

/// "for Match 12: ada vs bob", linked to the match's page when the roll gave one.
fn used_for_view(used_for: &SeedUse) -> impl IntoView {
    let label = match (used_for.label.is_empty(), used_for.id) {
        (false, _) => used_for.label.clone(),
        (true, Some(id)) => format!("{} {id}", used_for.kind),
        (true, None) => used_for.kind.clone(),
    };
    let target = match used_for.path.clone() {
        // Only site-relative paths are stored (rules::clean_seed_use).
        Some(path) => view! { <a class=LINK href=path>{label}</a> }.into_any(),
        None => label.into_any(),
    };
    view! { "for " {target} }
}

#[component]
pub(super) fn SeedsPage() -> impl IntoView {
    let org_id = param("org_id");
    // `?seed=<id>`: one seed's card above the history.
    let query = use_query_map();
    let linked = Memo::new(move |_| {
        query.with(|q| q.get("seed").and_then(|v| v.trim().parse::<i64>().ok()))
    });
    let linked_seed = Resource::new(
        move || (org_id.get(), linked.get()),
        |(org, seed)| async move {
            match seed {
                Some(id) => get_seed(org, id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let randomizer = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let applied = RwSignal::new((String::new(), String::new()));
    let before = RwSignal::new(None::<i64>);
    // Bumped by each roll, so the history shows it.
    let rolled = RwSignal::new(0u32);
    let seeds = Resource::new(
        move || (org_id.get(), applied.get(), before.get(), rolled.get()),
        |(org, (r, q), before, _)| {
            list_seeds(
                org,
                Some(r),
                Some(q),
                None,
                None,
                PageRequest::after(before),
            )
        },
    );
    let on_rolled = Callback::new(move |_: SeedRoll| {
        before.set(None);
        rolled.update(|n| *n += 1);
    });
    view! {
        <Title text="Seeds"/>
        <Suspense fallback=|| view! { <SkeletonRows rows=2/> }>
            {move || Suspend::new(async move {
                match linked_seed.await {
                    Err(error) => view! { <div class="mb-8"><ErrorNotice error/></div> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(seed)) => view! {
                        <section id="linked-seed" class="mb-8">
                            <h2 class="mb-4 text-lg font-semibold">{format!("Seed #{}", seed.id)}</h2>
                            <SeedCard org_id=org_id.get_untracked() seed ids="linked-seed"/>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
        <h2 class="mb-4 text-lg font-semibold">"Roll a seed"</h2>
        <RollSeed org_id on_rolled/>
        <h2 class="mb-4 mt-8 text-lg font-semibold">"Seed history"</h2>
        <form id="seed-search" class="mb-4 grid gap-3 sm:grid-cols-3 sm:items-end" on:submit=move |ev| {
            ev.prevent_default();
            before.set(None);
            applied.set((randomizer.get_untracked(), q.get_untracked()));
        }>
            <TextField label="Randomizer" name="seed-randomizer" value=randomizer placeholder="e.g. alttpr"/>
            <TextField label="Search" name="seed-q" value=q placeholder="preset, hash or who rolled"/>
            <div><Button button_type="submit" kind=ButtonKind::Secondary>"Search"</Button></div>
        </form>
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match seeds.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(page) if page.items.is_empty() && before.get_untracked().is_none() => view! {
                        <EmptyState title="No seeds yet" detail="Seeds rolled for this organization — here, in Discord, for matches and race rooms — are listed here."/>
                    }.into_any(),
                    Ok(page) => {
                        let (list, next) = (page.items, page.next_before_id);
                        view! {
                            <div class="overflow-x-auto">
                            <table class=TABLE id="seed-list">
                                <thead><tr>
                                    <th class=TH>"Seed"</th><th class=TH>"Preset"</th><th class=TH>"Rolled"</th><th class=TH>"Spoiler"</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(seed_row).collect_view()}
                                </tbody>
                            </table>
                            </div>
                            <Pager before next/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn seed_row(seed: SeedRoll) -> impl IntoView {
    let spoiler = match (&seed.spoiler_url, seed.has_spoiler, seed.spoiler_released) {
        (Some(link), _, _) => view! { <a class=LINK href=link.clone() target="_blank" rel="noopener">"Spoiler log"</a> }.into_any(),
        (None, true, true) => view! { <Badge tone=Tone::Good>"Released"</Badge> }.into_any(),
        (None, true, false) => view! { <Badge tone=Tone::Warning>"Hidden"</Badge> }.into_any(),
        (None, false, _) => view! { <span class="text-slate-400">"—"</span> }.into_any(),
    };
    view! {
        <tr>
            <td class=TD>
                <a class=LINK href=seed.url.clone() target="_blank" rel="noopener">{seed.hash.clone().unwrap_or_else(|| seed.url.clone())}</a>
                <div class="text-xs text-slate-500 dark:text-slate-400"><code>{seed.randomizer.clone()}</code>{seed.mystery.then_some(" · mystery")}</div>
            </td>
            <td class=TD>
                {if seed.preset.is_empty() { "settings given".to_string() } else { seed.preset.clone() }}
                {seed.used_for.as_ref().map(|used_for| view! {
                    <div class="text-xs text-slate-500 dark:text-slate-400">{used_for_view(used_for)}</div>
                })}
            </td>
            <td class=TD>
                <sdk::ui::time::LocalTime epoch_ms=seed.created_at/>
                <div class="text-xs text-slate-500 dark:text-slate-400">
                    {seed.rolled_by.clone().unwrap_or_else(|| "the platform".into())}" · "{seed.source.clone()}
                </div>
            </td>
            <td class=TD>{spoiler}</td>
        </tr>
    }
}
