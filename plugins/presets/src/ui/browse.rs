//! The list of presets the caller may see, filtered by randomizer, namespace and text
//! (`?namespace=slug` starts it filtered).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use sdk::{
    page::PageRequest,
    ui::{
        Button, ButtonKind, EmptyState, ErrorNotice, Pager, Select, SkeletonRows, TextField, TABLE,
        TD, TH,
    },
};

use super::{kind_badge, param, visibility_badge, LINK, PRIMARY_LINK, SECONDARY_LINK};
use crate::api::{list_presets, list_randomizers};

#[component]
pub(super) fn BrowsePage() -> impl IntoView {
    let org_id = param("org_id");
    // `?namespace=slug` (the namespaces page links here) starts the list filtered.
    let from_link = use_query_map().with_untracked(|q| q.get("namespace").unwrap_or_default());
    let randomizer = RwSignal::new(String::new());
    let namespace = RwSignal::new(from_link.clone());
    let q = RwSignal::new(String::new());
    let applied = RwSignal::new((String::new(), from_link, String::new()));
    // The page shown (None: the first); a new search starts again at the first.
    let before = RwSignal::new(None::<i64>);
    let randomizers = Resource::new(|| (), |_| list_randomizers());
    let presets = Resource::new(
        move || (org_id.get(), applied.get(), before.get()),
        |(org, (r, n, q), before)| {
            list_presets(
                Some(org),
                Some(r),
                Some(n),
                Some(q),
                PageRequest::after(before),
            )
        },
    );
    let options = Signal::derive(move || {
        let mut list = vec![(String::new(), "All randomizers".to_string())];
        if let Some(Ok(all)) = randomizers.get() {
            list.extend(all.into_iter().map(|r| (r.id, r.name)));
        }
        list
    });
    view! {
        <Title text="Presets"/>
        <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
            <h2 class="text-lg font-semibold">"Presets"</h2>
            <div class="flex gap-2">
                <a class=SECONDARY_LINK href=move || format!("/org/{}/presets/namespaces", org_id.get())>"Namespaces"</a>
                <a id="new-preset" class=PRIMARY_LINK href=move || format!("/org/{}/presets/new", org_id.get())>"New preset"</a>
            </div>
        </div>
        <form id="preset-search" class="mb-4 grid gap-3 sm:grid-cols-4 sm:items-end" on:submit=move |ev| {
            ev.prevent_default();
            before.set(None);
            applied.set((randomizer.get_untracked(), namespace.get_untracked(), q.get_untracked()));
        }>
            <Select label="Randomizer" name="randomizer" value=randomizer options/>
            <TextField label="Namespace" name="namespace" value=namespace placeholder="e.g. league-2026"/>
            <TextField label="Search" name="q" value=q placeholder="name or description"/>
            <div><Button button_type="submit" kind=ButtonKind::Secondary>"Search"</Button></div>
        </form>
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match presets.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(page) if page.items.is_empty() && before.get_untracked().is_none() => view! {
                        <EmptyState title="No presets found" detail="Try other filters, or write the first one."/>
                    }.into_any(),
                    Ok(page) => {
                        let org = org_id.get_untracked();
                        let (list, next) = (page.items, page.next_before_id);
                        view! {
                            <div class="overflow-x-auto">
                            <table class=TABLE id="preset-list">
                                <thead><tr><th class=TH>"Preset"</th><th class=TH>"Randomizer"</th><th class=TH>"Namespace"</th><th class=TH>"Kind"</th><th class=TH>"Visibility"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|p| view! {
                                        <tr>
                                            <td class=TD>
                                                <a class=LINK href=format!("/org/{org}/presets/p/{}", p.id)>{p.name.clone()}</a>
                                                <div class="text-xs text-slate-500 dark:text-slate-400">{p.description.clone()}</div>
                                            </td>
                                            <td class=TD><code>{p.randomizer.clone()}</code></td>
                                            <td class=TD>{p.namespace.clone().unwrap_or_else(|| "global".into())}</td>
                                            <td class=TD>{kind_badge(p.kind)}</td>
                                            <td class=TD>{visibility_badge(p.is_public)}</td>
                                        </tr>
                                    }).collect_view()}
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
