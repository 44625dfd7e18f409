//! The page under `/org/{org_id}/avianart`: the presets plugin's roll form for Avianart, with
//! a link to the organization's seed history.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Route, hooks::use_params_map, Lazy, StaticSegment};

// The page loads on demand (sdk::ui::lazy).
sdk::lazy_page!(avianart_pages: AvianartRollRoute => RollPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("") view={Lazy::<AvianartRollRoute>::new()}/> }.into_inner()
}

#[component]
fn RollPage() -> impl IntoView {
    let params = use_params_map();
    let org_id = Memo::new(move |_| {
        params.with(|p| {
            p.get("org_id")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        })
    });
    view! {
        <Title text="Roll an Avianart seed"/>
        <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
            <h2 class="text-lg font-semibold">"Roll an Avianart seed"</h2>
            <a class="text-indigo-600 hover:underline dark:text-indigo-400"
                href=move || format!("/org/{}/presets/seeds", org_id.get())>"Seed history"</a>
        </div>
        <p class="mb-4 text-sm text-slate-600 dark:text-slate-300">
            "Rolled on avianart.games from one of your presets, each naming an Avianart preset. The site generates the seed in the background: it can take a few minutes. Race seeds have no spoiler log."
        </p>
        <presets::ui::RollSeed org_id randomizer="avianart"/>
    }
}
